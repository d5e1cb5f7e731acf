# Declarations for compiling grad_mode.py with Cython (pure-Python mode): the clock's fields become C members,
# which the engine reads on every op. grad_mode.py stays the source.

cdef class _Clock:
    cdef public object _ticks, now, steps, _changed, _prune_at


cdef class _Open:
    cdef public object anomaly, disabled, lock, observers
