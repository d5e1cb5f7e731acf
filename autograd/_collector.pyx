# cython: language_level=3
"""C access that Python lacks: taking graph objects out of (and back into) the cyclic collector's view.

Used through autograd/collector.py, which says why and falls back to doing nothing where this was not built.
"""

import gc
import sys

from cpython.object cimport PyObject
from numpy import ndarray


cdef extern from "Python.h":
    ctypedef int (*setattrofunc)(PyObject *, PyObject *, PyObject *)
    ctypedef struct PyTypeObject:
        Py_ssize_t tp_dictoffset
        setattrofunc tp_setattro
    PyTypeObject *Py_TYPE(object)
    PyObject **_PyObject_GetDictPtr(object)
    Py_ssize_t PyDict_GET_SIZE(PyObject *)
    bint PyDict_CheckExact(PyObject *)
    void Py_DECREF(PyObject *)
    int PyObject_GC_IsTracked(object)
    void PyObject_GC_Track(object)
    void PyObject_GC_UnTrack(object)
    int PyObject_GenericSetAttr(PyObject *, PyObject *, PyObject *)
    void PyType_Modified(PyTypeObject *)


cdef type _Tensor = None  # the compiled classes whose objects are hidden, set by watch()
cdef type _Context = None


cdef inline bint _has_attributes(object obj):
    cdef PyObject **slot = _PyObject_GetDictPtr(obj)
    return slot != NULL and slot[0] != NULL and (not PyDict_CheckExact(slot[0]) or PyDict_GET_SIZE(slot[0]) != 0)


cdef inline void _untrack(object obj):
    """Out of the collector's view, and without the empty __dict__ a compiled class makes for every object
    (Python makes one again on the first attribute set)."""
    cdef PyObject **slot = _PyObject_GetDictPtr(obj)
    cdef PyObject *attributes
    if slot != NULL and slot[0] != NULL:
        attributes, slot[0] = slot[0], NULL
        Py_DECREF(attributes)
    if PyObject_GC_IsTracked(obj):
        PyObject_GC_UnTrack(obj)


cdef inline void _track(object obj):
    if not PyObject_GC_IsTracked(obj):
        PyObject_GC_Track(obj)


cdef int _setattro(PyObject *obj, PyObject *name, PyObject *value) noexcept:
    """Set an attribute as Python does, then make the object visible: an attribute may close a cycle."""
    cdef int result = PyObject_GenericSetAttr(obj, name, value)
    if result == 0:
        _track(<object>obj)
    return result


def watch(type tensor, type context):
    """Hide objects of these two compiled classes from now on; setting any attribute on one shows it again."""
    global _Tensor, _Context
    for cls in (tensor, context):
        if Py_TYPE(cls) is NULL or (<PyTypeObject *>cls).tp_dictoffset <= 0:
            raise TypeError(f"{cls.__name__} is not a compiled class with a __dict__")
        if <void *>(<PyTypeObject *>cls).tp_setattro != <void *>PyObject_GenericSetAttr:
            raise TypeError(f"{cls.__name__} sets attributes its own way; it cannot be watched")
        (<PyTypeObject *>cls).tp_setattro = _setattro
        PyType_Modified(<PyTypeObject *>cls)
    _Tensor, _Context = tensor, context
    if reveal not in gc.callbacks:
        gc.callbacks.append(reveal)


def hide(node, parts, out=None):
    """Untrack a recorded ``node``, the tuple ``parts`` and its output ``out``, unless ``node`` holds attributes
    or saved something other than arrays (either may close a cycle)."""
    if type(node) is not _Context or _has_attributes(node):
        return
    for saved in node._saved:
        if type(saved) is not ndarray:
            return
    _untrack(node)
    if PyObject_GC_IsTracked(parts):
        PyObject_GC_UnTrack(parts)
    if out is not None and type(out) is _Tensor and not _has_attributes(out):
        _untrack(out)


def hide_constant(tensor):
    """Untrack a constant Tensor made by the engine (a lifted number) while it holds no attributes."""
    if type(tensor) is _Tensor and not _has_attributes(tensor):
        _untrack(tensor)


def reveal(phase, info):
    """``gc.callbacks`` hook: before a full collection, track again every hidden object a cycle could pass through.

    Hidden objects refer only down the graph (node → inputs → their nodes); a cycle through them must come
    back up through an attribute, and every Tensor or node holding one is tracked (``watch``). So from each
    of those, the walk follows what the attributes refer to, and tracks the hidden graph it reaches.
    """
    if phase != "start" or info["generation"] != 2 or _Tensor is None:
        return
    stack = [obj for obj in gc.get_objects()
             if (type(obj) is _Context or isinstance(obj, _Tensor)) and (_has_attributes(obj) or type(obj) is _Context)]
    if not stack:
        return
    skip = {id(vars(m)) for m in list(sys.modules.values()) if hasattr(m, "__dict__")}  # module namespaces
    seen = set()
    while stack:
        obj = stack.pop()
        key = id(obj)
        if key in seen:
            continue
        seen.add(key)
        if isinstance(obj, _Tensor) or type(obj) is _Context or type(obj) is tuple:
            _track(obj)  # a hidden Tensor, node or input tuple (a tuple of atoms Python untracks again itself)
        elif isinstance(obj, type) or key in skip or type(obj) is type(sys) or not gc.is_tracked(obj):
            continue  # classes and modules (and a function's globals) reach everything; untracked ones hold no cycle
        # what the object refers to, as the collector sees it (safe on an object still being built)
        stack.extend(gc.get_referents(obj))
