# Declarations for compiling tensor.py with Cython (pure-Python mode): Tensor becomes an extension type
# whose slots are C members. tensor.py stays the source; see autograd/compiled.py.

cdef class Tensor:
    cdef dict __dict__
    cdef object __weakref__
    cdef public object data, grad_fn, requires_grad
