"""Exception classes shared by the engine and the ops."""


class ShapeError(RuntimeError, ValueError):
    """Operand shapes that do not fit an op: a ``RuntimeError`` as PyTorch raises, and a ``ValueError`` for NumPy habits.

    >>> import autograd
    >>> issubclass(autograd.ShapeError, RuntimeError) and issubclass(autograd.ShapeError, ValueError)
    True
    """
