# cython: language_level=3
"""C access that Python lacks: taking an object out of (and back into) the cyclic collector's view.

Used through autograd/collector.py, which falls back to doing nothing where this was not built.
"""

from cpython.object cimport PyObject


cdef extern from "Python.h":
    ctypedef struct PyTypeObject:
        Py_ssize_t tp_dictoffset
    PyTypeObject *Py_TYPE(object)
    PyObject **_PyObject_GetDictPtr(object)
    Py_ssize_t PyDict_GET_SIZE(PyObject *)
    int PyObject_GC_IsTracked(object)
    void PyObject_GC_Track(object)
    void PyObject_GC_UnTrack(object)


cdef inline bint _has_attributes(object obj):
    cdef PyObject **slot = _PyObject_GetDictPtr(obj)
    return slot != NULL and slot[0] != NULL and PyDict_GET_SIZE(slot[0]) != 0


def hide(node, parts):
    """Untrack ``node`` and the tuple ``parts`` unless ``node`` holds attributes of its own.

    Only objects of the compiled classes, whose ``__dict__`` sits at a fixed offset: reading a Python
    class's managed ``__dict__`` would allocate one.
    """
    if Py_TYPE(node).tp_dictoffset > 0 and not _has_attributes(node):
        if PyObject_GC_IsTracked(node):
            PyObject_GC_UnTrack(node)
        if PyObject_GC_IsTracked(parts):
            PyObject_GC_UnTrack(parts)


def show(node, parts):
    """Track ``node`` and ``parts`` again if ``node`` now holds attributes of its own (they may close a cycle)."""
    if Py_TYPE(node).tp_dictoffset > 0 and _has_attributes(node):
        if not PyObject_GC_IsTracked(node):
            PyObject_GC_Track(node)
        if type(parts) is tuple and not PyObject_GC_IsTracked(parts):
            PyObject_GC_Track(parts)
