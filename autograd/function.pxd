# Declarations for compiling function.py with Cython (pure-Python mode); function.py stays the source.

cimport cython

from autograd.tensor cimport Tensor


cdef class Context:
    cdef dict __dict__
    cdef public object _running, _saved, epoch, fn, inputs, step


@cython.locals(ctx=Context, out=Tensor, t=Tensor)
cpdef Tensor _apply(cls, tuple inputs, dict attrs)

@cython.locals(t=Tensor)
cpdef _record(Context ctx, tuple inputs, Tensor out)
