"""Misuse gets an exception (or warning) that names the problem, in the words PyTorch users know."""

import re
import warnings

import numpy as np
import pytest

import autograd


def _leaf(data):
    return autograd.tensor(data, requires_grad=True)


class TestBackwardMisuse:
    def test_non_scalar_backward_without_gradient_names_the_shape(self):
        y = _leaf([1.0, 2.0, 3.0]) * 2
        with pytest.raises(RuntimeError, match=r"implicitly created only for scalar outputs.*shape \(3,\)"):
            y.backward()

    def test_one_element_non_scalar_output_needs_no_gradient(self):
        x = _leaf([[2.0]])
        (x * 3).backward()
        assert x.grad.item() == 3.0

    def test_gradient_of_the_wrong_shape_names_both(self):
        y = _leaf([1.0, 2.0, 3.0]) * 2
        with pytest.raises(RuntimeError, match=r"shape \(2,\).*shape \(3,\)"):
            y.backward(autograd.ones(2))
        with pytest.raises(RuntimeError, match=r"shape \(3, 1\).*shape \(3,\)"):
            y.backward(np.ones((3, 1)))   # never broadcast silently

    def test_wrong_number_of_gradients(self):
        y = _leaf([1.0]) * 2
        with pytest.raises(RuntimeError, match="got 2 gradients for 1 outputs"):
            autograd.backward([y], [autograd.ones(1), autograd.ones(1)])

    @pytest.mark.parametrize("make", [
        lambda x: x + 1,                    # saves nothing: must raise too (PyTorch would not)
        lambda x: -x,
        lambda x: x.reshape(2, 1),
        lambda x: x[::-1],
        lambda x: x * x,
        lambda x: autograd.exp(x),
        lambda x: x @ x,
        lambda x: x.sum(),
    ], ids=["add", "neg", "reshape", "getitem", "mul", "exp", "matmul", "sum"])
    def test_second_backward_through_a_freed_graph_raises_every_time(self, make):
        x = _leaf([1.0, 2.0])
        y = make(x).sum()
        y.backward()
        first = x.grad.data.copy()
        for _ in range(2):
            with pytest.raises(RuntimeError, match=r"backward through the graph a second time.*retain_graph=True"):
                y.backward()
        np.testing.assert_array_equal(x.grad.data, first)   # nothing was half-accumulated

    def test_grad_through_a_freed_graph_raises(self):
        x = _leaf([1.0, 2.0])
        h = x * 3
        (h * h).sum().backward()
        with pytest.raises(RuntimeError, match="second time"):
            autograd.grad((h * 2).sum(), x)

    def test_nothing_requires_grad(self):
        with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad and does not have a grad_fn"):
            autograd.tensor([1.0]).sum().backward()
        x = _leaf([1.0])
        with autograd.no_grad():
            loss = (x * 2).sum()
        with pytest.raises(RuntimeError, match="does not require grad"):
            loss.backward()

    def test_grad_wrt_a_tensor_that_does_not_require_grad(self):
        x, c = _leaf([1.0]), autograd.tensor([2.0])
        with pytest.raises(RuntimeError, match=r"input 1 of grad\(\) does not require grad"):
            autograd.grad((x * c).sum(), [x, c])

    def test_unused_input_names_its_index(self):
        x, y, z = _leaf([1.0]), _leaf([2.0]), _leaf([3.0])
        with pytest.raises(RuntimeError, match=r"input 1 of grad\(\) appears not to have been used.*allow_unused=True"):
            autograd.grad((x * z).sum(), [x, y, z])
        assert autograd.grad((x * z).sum(), [x, y, z], allow_unused=True)[1] is None

    def test_backward_output_must_be_a_tensor(self):
        with pytest.raises(TypeError, match="output 0 is a list"):
            autograd.backward([[1.0]])


class TestDtype:
    @pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.bool_])
    def test_int_and_bool_tensors_cannot_require_grad(self, dtype):
        name = np.dtype(dtype).name
        with pytest.raises(TypeError, match=f"only floating-point tensors can require gradients, got dtype {name}"):
            autograd.tensor(np.zeros(2, dtype=dtype), requires_grad=True)
        with pytest.raises(TypeError, match=name):
            autograd.zeros(2, dtype=dtype, requires_grad=True)
        with pytest.raises(TypeError, match=name):
            autograd.tensor(np.zeros(2, dtype=dtype)).requires_grad_()

    def test_python_ints_become_int64_and_cannot_require_grad(self):
        assert autograd.tensor([1, 2]).dtype == np.int64  # as PyTorch: integer labels and indices
        with pytest.raises(TypeError, match=r"got dtype int64 \(write 1\.0"):
            autograd.tensor([1, 2], requires_grad=True)
        assert autograd.tensor([1.0, 2], requires_grad=True).dtype == np.float32

    @pytest.mark.parametrize("data", ["abc", [1, "a"], [None, 1.0], {"a": 1}])
    def test_non_numeric_data_is_refused(self, data):
        with pytest.raises(TypeError, match="cannot make a tensor"):
            autograd.tensor(data)


class TestShapes:
    def test_matmul_mismatch_names_both_shapes(self):
        a, b = autograd.ones(2, 3), autograd.ones(4, 5)
        with pytest.raises(ValueError, match=re.escape("shapes (2, 3) and (4, 5) cannot be multiplied")):
            a @ b
        with pytest.raises(ValueError, match=re.escape("(2, 3, 4) and (3, 4, 5)")):
            autograd.ones(2, 3, 4) @ autograd.ones(3, 4, 5)
        with pytest.raises(ValueError, match=re.escape("shapes (2,) and (3,)")):
            autograd.dot(autograd.ones(2), autograd.ones(3))

    @pytest.mark.parametrize("op", [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b, lambda a, b: a / b,
                                    lambda a, b: autograd.maximum(a, b)])
    def test_broadcast_mismatch_names_both_shapes(self, op):
        a, b = _leaf(np.ones((2, 3))), autograd.ones(4)
        with pytest.raises(ValueError, match=re.escape("(2,3) (4,)")):
            op(a, b)

    @pytest.mark.parametrize("call", [
        lambda x: x.sum(axis=2), lambda x: x.mean(axis=-3), lambda x: x.max(axis=5), lambda x: x.var(dim=2),
        lambda x: x.logsumexp(axis=2), lambda x: x.transpose(0, 2), lambda x: x.squeeze(2), lambda x: x.unsqueeze(4),
        lambda x: autograd.concatenate([x, x], axis=2),
    ])
    def test_bad_axis_names_axis_and_dimension(self, call):
        x = _leaf(np.ones((2, 3)))
        with pytest.raises(ValueError, match=r"axis -?\d is out of bounds for a tensor of dimension [23]"):
            call(x)

    def test_repeated_axis(self):
        with pytest.raises(ValueError, match=r"dim 0 appears multiple times in the list of dims \(0, 0\)"):
            autograd.ones(2, 3).sum(axis=(0, 0))

    def test_reshape_to_an_incompatible_size(self):
        x = _leaf(np.ones((2, 3)))
        with pytest.raises(ValueError, match=r"size 6 into shape \(4,\s?2\)"):
            x.reshape(4, 2)

    def test_broadcast_to_incompatible_shape(self):
        with pytest.raises(ValueError, match=r"\(2,3\).*\(4,3\)"):
            autograd.ones(2, 3).broadcast_to((4, 3))

    def test_stack_and_split_mismatch(self):
        with pytest.raises(ValueError, match=r"one shape, got \[\(2, 3\), \(3, 2\)\]"):
            autograd.stack([autograd.ones(2, 3), autograd.ones(3, 2)])
        with pytest.raises(ValueError, match="do not add up to dimension 1 of size 3"):
            autograd.ones(2, 3).split([1, 1], dim=1)

    def test_error_records_no_node(self):
        x = _leaf(np.ones((2, 3)))
        with pytest.raises(ValueError):
            x @ x
        (x * 2).sum().backward()
        np.testing.assert_array_equal(x.grad.data, np.full((2, 3), 2.0))

    def test_assigning_a_grad_of_the_wrong_shape(self):
        x = _leaf(np.ones((2, 3)))
        with pytest.raises(ValueError, match=r"shape \(3,\), but the tensor has shape \(2, 3\)"):
            x.grad = np.ones(3)


class _Fn(autograd.Function):
    """Returns whatever ``ctx.reply`` (set by the test) says as its gradients."""

    reply = None

    @staticmethod
    def forward(ctx, a, b):
        return a * b

    @staticmethod
    def backward(ctx, grad):
        return _Fn.reply(grad)


class TestCustomFunctionContract:
    def _run(self, reply, a_shape=(3,), b_shape=(3,)):
        _Fn.reply = staticmethod(reply)
        a, b = _leaf(np.ones(a_shape)), _leaf(np.ones(b_shape))
        _Fn.apply(a, b).sum().backward()
        return a, b

    def test_too_few_gradients(self):
        with pytest.raises(RuntimeError, match=r"function _FnBackward returned an incorrect number of gradients "
                                               r"\(expected 2, got 1\)"):
            self._run(lambda g: g)

    def test_too_many_gradients(self):
        with pytest.raises(RuntimeError, match=r"_FnBackward.*expected 2, got 3"):
            self._run(lambda g: (g, g, g))

    def test_wrong_shape_is_not_silently_summed(self):
        # pytorch#65244: a [4, 3] gradient for a [3] input must raise, not be summed over the 4
        with pytest.raises(RuntimeError, match=r"_FnBackward returned an invalid gradient at index 0: "
                                               r"got shape \(4, 3\) but expected shape \(3,\)"):
            self._run(lambda g: (autograd.ones(4, 3), g))

    def test_wrong_shape_at_index_1(self):
        with pytest.raises(RuntimeError, match=r"invalid gradient at index 1.*\(2,\).*\(3,\)"):
            self._run(lambda g: (g, autograd.ones(2)))

    def test_gradient_in_the_broadcast_output_shape_is_summed_down(self):
        a, b = self._run(lambda g: (g, g), a_shape=(4, 3), b_shape=(3,))
        assert a.grad.shape == (4, 3)
        np.testing.assert_array_equal(b.grad.data, np.full(3, 4.0))

    def test_none_and_arrays_are_accepted(self):
        a, b = self._run(lambda g: (None, np.full(3, 2.0)))
        assert a.grad is None
        np.testing.assert_array_equal(b.grad.data, np.full(3, 2.0))


class TestWarnings:
    def test_reading_grad_of_a_non_leaf_warns_and_retain_grad_fixes_it(self):
        x = _leaf([1.0, 2.0])
        h = x * 2
        (h * h).sum().backward(retain_graph=True)
        with pytest.warns(UserWarning, match=r"not a leaf.*retain_grad\(\)"):
            assert h.grad is None
        h2 = x * 2
        h2.retain_grad()
        (h2 * h2).sum().backward()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            np.testing.assert_array_equal(h2.grad.data, 2 * h2.data)

    def test_backward_with_create_graph_warns_about_the_reference_cycle(self):
        x = _leaf([1.0, 2.0])
        with pytest.warns(UserWarning, match=r"reference cycle.*autograd.grad"):
            (x * x).sum().backward(create_graph=True)
