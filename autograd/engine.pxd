# Declarations for compiling engine.py with Cython (pure-Python mode); engine.py stays the source.

cimport cython

from autograd.function cimport Context
from autograd.grad_mode cimport _Clock
from autograd.tensor cimport Tensor

cdef _Clock clock


cdef class _Pass:
    cdef public bint anomaly, arrays, retain_graph, rule_on_arrays
    cdef public object capture, stored, thread, upstream
    cdef public dict captured, consumers, leaves, pending

    @cython.locals(t=Tensor, ctx=Context, inp=Tensor, node=Context, consumers=dict, pending=dict, leaves=dict,
                   left=Py_ssize_t, downstream=tuple, i=Py_ssize_t)
    cpdef walk(self, list ready)

    cpdef take_upstream(self)


@cython.locals(inputs=tuple, checked=list, i=Py_ssize_t, inp=Tensor)
cpdef tuple _step(Context ctx, Tensor t, _Pass run, bint free)

@cython.locals(stack=list, consumers=dict, ctx=Context, inp=Tensor)
cpdef dict _consumer_counts(roots)

@cython.locals(out=Tensor)
cpdef Tensor _stored(existing, g, bint create_graph, set stored, dtype=*)
