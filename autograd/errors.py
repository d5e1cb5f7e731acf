"""Exception classes shared by the engine and the ops."""


class ShapeError(RuntimeError, ValueError):
    """Operand shapes that do not fit an op: a ``RuntimeError`` as PyTorch raises, and a ``ValueError`` for NumPy habits.

    >>> import autograd
    >>> issubclass(autograd.ShapeError, RuntimeError) and issubclass(autograd.ShapeError, ValueError)
    True
    """


class ArgumentError(RuntimeError, ValueError):
    """An argument an op cannot take (a repeated dim, an unknown mode, no bound to clamp to): a ``RuntimeError`` as
    PyTorch raises, and a ``ValueError`` for NumPy habits.

    >>> import autograd
    >>> autograd.tensor([1.0, 2.0]).flip((0, 0))
    Traceback (most recent call last):
    ...
    autograd.errors.ArgumentError: dim 0 appears multiple times in the list of dims (0, 0)
    """


class DTypeError(RuntimeError, TypeError):
    """A dtype an op cannot take (an integer tensor that would need a gradient, two dtypes a product will not
    mix, a float mask): a ``RuntimeError`` as PyTorch raises, and a ``TypeError`` for Python habits.

    >>> import autograd
    >>> autograd.tensor([1, 2], requires_grad=True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    autograd.errors.DTypeError: only floating-point tensors can require gradients, got dtype int64 ...
    """
