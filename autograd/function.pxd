# Declarations for compiling function.py with Cython (pure-Python mode); function.py stays the source.

cimport cython

from autograd.grad_mode cimport _Clock, _Open
from autograd.tensor cimport Tensor

cdef _Clock clock
cdef _Open opened


cdef class Context:
    cdef dict __dict__
    cdef public object _running, _saved, epoch, fn, inputs, step


@cython.locals(ctx=Context, out=Tensor, t=Tensor)
cpdef Tensor _apply(cls, tuple inputs, dict attrs)

@cython.locals(t=Tensor)
cpdef Tensor _number(x, dtype)

@cython.locals(t=Tensor)
cpdef _record(Context ctx, tuple inputs, Tensor out, dict attrs)

cpdef _output_array(cls, raw)
