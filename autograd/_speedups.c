/* Compiled twins of the loops every op runs through: Function.apply and the backward walk.

   function.py and engine.py hold the reference versions, which are the ones to read. These do the same
   steps in the same order and call back into the Python helpers for everything rare (lifting constants,
   hooks, anomaly mode, a rule that needs Tensors, a wrong gradient), so both raise the same errors. The
   test suite runs under both (autograd/compiled.py switches them).

   What makes them faster is direct access: a Tensor's and a node's slots are read at their offsets
   (taken from the classes' member descriptors at setup), arrays' shapes are compared through NumPy's
   C API, and no frame or tuple is made for a call. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>
#include <numpy/arrayscalars.h>

static PyTypeObject *Tensor, *Context;
static Py_ssize_t T_data, T_grad_fn, T_requires_grad, C_fn, C_inputs, C_saved, C_epoch;
static PyObject *state, *ticks, *never, *freed_graph, *asarray, *empty;
static PyObject *saved_as_tensors, *lift_all, *creation_site, *visit, *tensor_rule, *one_per_input, *checked;
static PyObject *s_enabled, *s_arrays, *s_anomaly, *s_now, *s_forward, *s_backward, *s_arrays_ok, *s_hooks,
    *s_retains_grad, *s_check_saved, *s_creation_site;
static PyObject *passing; /* borrowed: the gradient walk() is handing to a rule right now */

#define SLOT(o, off) (*(PyObject **)((char *)(o) + (off)))

static void set_slot(PyObject *o, Py_ssize_t off, PyObject *v)
{
    PyObject *old = SLOT(o, off);
    Py_INCREF(v);
    SLOT(o, off) = v;
    Py_XDECREF(old);
}

/* A slot's value (borrowed), or NULL with AttributeError when it was never set. */
static PyObject *get_slot(PyObject *o, Py_ssize_t off, const char *name)
{
    PyObject *v = SLOT(o, off);
    if (v == NULL)
        PyErr_Format(PyExc_AttributeError, "'%.100s' object has no attribute '%s'", Py_TYPE(o)->tp_name, name);
    return v;
}

static int slot_offset(PyTypeObject *type, const char *name, Py_ssize_t *off)
{
    PyObject *d = PyDict_GetItemString(type->tp_dict, name);
    if (d == NULL || Py_TYPE(d) != &PyMemberDescr_Type || ((PyMemberDescrObject *)d)->d_member->type != T_OBJECT_EX) {
        PyErr_Format(PyExc_TypeError, "%s.%s is not a __slots__ member", type->tp_name, name);
        return -1;
    }
    *off = ((PyMemberDescrObject *)d)->d_member->offset;
    return 0;
}

static int is_true(PyObject *v)
{
    if (v == Py_True)
        return 1;
    if (v == Py_False || v == Py_None)
        return 0;
    return PyObject_IsTrue(v);
}

/* getattr(o, name) as a truth value; -1 on error. */
static int attr_true(PyObject *o, PyObject *name)
{
    PyObject *v = PyObject_GetAttr(o, name);
    if (v == NULL)
        return -1;
    int r = is_true(v);
    Py_DECREF(v);
    return r;
}

/* t.requires_grad as a truth value; -1 on error. */
static int wants_grad(PyObject *t)
{
    PyObject *v = get_slot(t, T_requires_grad, "requires_grad");
    return v == NULL ? -1 : is_true(v);
}

/* 0 once setup() has run; else -1 with an error (the classes are needed before anything else). */
static int set_up(void)
{
    if (Tensor != NULL)
        return 0;
    PyErr_SetString(PyExc_RuntimeError, "autograd._speedups is used before setup(); import autograd first");
    return -1;
}

static int check_tensor(PyObject *t)
{
    if (PyObject_TypeCheck(t, Tensor))
        return 0;
    PyErr_Format(PyExc_TypeError, "expected a Tensor in the graph, got %.100s", Py_TYPE(t)->tp_name);
    return -1;
}

/* t's node (borrowed; Py_None for a leaf), checked to be a Context; NULL on error. */
static PyObject *node_of(PyObject *t)
{
    PyObject *ctx = get_slot(t, T_grad_fn, "grad_fn");
    if (ctx == NULL || ctx == Py_None || PyObject_TypeCheck(ctx, Context))
        return ctx;
    PyErr_Format(PyExc_TypeError, "grad_fn is a %.100s, not a graph node", Py_TYPE(ctx)->tp_name);
    return NULL;
}

/* The node's inputs as a tuple of Tensors (new reference; another sequence is copied, as the Python walk
   accepts one); NULL on error. */
static PyObject *inputs_of(PyObject *ctx)
{
    PyObject *inputs = get_slot(ctx, C_inputs, "inputs");
    if (inputs == NULL)
        return NULL;
    inputs = PyTuple_CheckExact(inputs) ? Py_NewRef(inputs) : PySequence_Tuple(inputs);
    if (inputs == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(inputs); i++)
        if (check_tensor(PyTuple_GET_ITEM(inputs, i)) < 0) {
            Py_DECREF(inputs);
            return NULL;
        }
    return inputs;
}

/* ------------------------------------------------------------------ Function.apply */

/* x * 0.9, the common case of _lift_all: a Python float or int beside a float Tensor becomes a constant
   Tensor of the Tensor's dtype. NULL without an error when the case does not apply. */
static PyObject *lift_number(PyObject *x, PyObject *like)
{
    if (!(PyFloat_CheckExact(x) || PyLong_CheckExact(x)) || !PyObject_TypeCheck(like, Tensor))
        return NULL;
    PyObject *d = SLOT(like, T_data);
    if (d == NULL || !PyArray_Check(d) || !PyArray_ISFLOAT((PyArrayObject *)d))
        return NULL;
    PyArray_Descr *dtype = PyArray_DESCR((PyArrayObject *)d);
    Py_INCREF(dtype); /* stolen by PyArray_FromAny */
    PyObject *data = PyArray_FromAny(x, dtype, 0, 0, 0, NULL);
    if (data == NULL)
        return NULL;
    PyObject *t = Tensor->tp_alloc(Tensor, 0);
    if (t != NULL) {
        set_slot(t, T_data, data);
        set_slot(t, T_grad_fn, Py_None);
        set_slot(t, T_requires_grad, Py_False);
    }
    Py_DECREF(data);
    return t;
}

#define STACK 8

static PyObject *apply(PyObject *module, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    Py_ssize_t nkw = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
    if (set_up() < 0)
        return NULL;
    if (nargs < 1) {
        PyErr_SetString(PyExc_TypeError, "apply() needs the Function class first");
        return NULL;
    }
    PyObject *cls = args[0], *inputs = NULL, *ctx = NULL, *raw = NULL, *data = NULL, *out = NULL, *result = NULL;
    Py_ssize_t n = nargs - 1;
    PyObject *small[STACK], **stack = small;
    Py_ssize_t filled = 0;

    int lift = 0;
    inputs = PyTuple_New(n);
    if (inputs == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *x = args[1 + i];
        Py_INCREF(x);
        PyTuple_SET_ITEM(inputs, i, x);
        lift |= !PyObject_TypeCheck(x, Tensor);
    }
    if (lift && n == 2) {
        for (Py_ssize_t i = 0; i < 2; i++) {
            PyObject *c = lift_number(args[1 + i], args[2 - i]);
            if (c != NULL) {
                PyObject *number = PyTuple_GET_ITEM(inputs, i);
                PyTuple_SET_ITEM(inputs, i, c);
                Py_DECREF(number);
                lift = 0;
                break;
            }
            if (PyErr_Occurred())
                goto fail;
        }
    }
    if (lift) {
        PyObject *lifted = PyObject_CallOneArg(lift_all, inputs);
        Py_SETREF(inputs, lifted);
        if (inputs == NULL)
            return NULL;
        if (!PyTuple_CheckExact(inputs) || PyTuple_GET_SIZE(inputs) != n) {
            PyErr_SetString(PyExc_TypeError, "_lift_all must return a tuple of as many Tensors");
            goto fail;
        }
        for (Py_ssize_t i = 0; i < n; i++)
            if (check_tensor(PyTuple_GET_ITEM(inputs, i)) < 0)
                goto fail;
    }

    ctx = Context->tp_alloc(Context, 0);
    if (ctx == NULL)
        goto fail;
    set_slot(ctx, C_fn, cls);
    set_slot(ctx, C_saved, empty);

    PyObject *forward = PyObject_GetAttr(cls, s_forward);
    if (forward == NULL)
        goto fail;
    Py_ssize_t total = 1 + n + nkw;
    if (total > STACK && (stack = PyMem_Malloc(total * sizeof(PyObject *))) == NULL) {
        Py_DECREF(forward);
        PyErr_NoMemory();
        goto fail;
    }
    stack[filled++] = Py_NewRef(ctx);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *d = get_slot(PyTuple_GET_ITEM(inputs, i), T_data, "data");
        if (d == NULL) {
            Py_DECREF(forward);
            goto fail;
        }
        stack[filled++] = Py_NewRef(d);
    }
    for (Py_ssize_t k = 0; k < nkw; k++)
        stack[filled++] = Py_NewRef(args[nargs + k]);
    raw = PyObject_Vectorcall(forward, stack, 1 + n, kwnames);
    Py_DECREF(forward);
    if (raw == NULL)
        goto fail;

    if (PyArray_CheckExact(raw)) {
        data = raw;
        raw = NULL;
    } else { /* a NumPy scalar from an op on 0-d arrays: the output must be the array it becomes */
        data = PyArray_IsScalar(raw, Generic) ? PyArray_FromScalar(raw, NULL) : PyObject_CallOneArg(asarray, raw);
        if (data == NULL)
            goto fail;
        PyObject *saved = SLOT(ctx, C_saved);
        if (saved != NULL && PyTuple_Check(saved)) {
            Py_ssize_t m = PyTuple_GET_SIZE(saved), i;
            for (i = 0; i < m && PyTuple_GET_ITEM(saved, i) != raw; i++)
                ;
            if (i < m) { /* forward saved its output (tanh, exp): save the array instead */
                PyObject *fixed = PyTuple_New(m);
                if (fixed == NULL)
                    goto fail;
                for (i = 0; i < m; i++) {
                    PyObject *s = PyTuple_GET_ITEM(saved, i);
                    PyTuple_SET_ITEM(fixed, i, Py_NewRef(s == raw ? data : s));
                }
                set_slot(ctx, C_saved, fixed);
                Py_DECREF(fixed);
            }
        }
    }

    out = Tensor->tp_alloc(Tensor, 0);
    if (out == NULL)
        goto fail;
    set_slot(out, T_data, data);
    int enabled = attr_true(state, s_enabled);
    if (enabled < 0)
        goto fail;
    for (Py_ssize_t i = 0; enabled && i < n; i++) {
        int wants = wants_grad(PyTuple_GET_ITEM(inputs, i));
        if (wants < 0)
            goto fail;
        if (!wants)
            continue;
        set_slot(out, T_grad_fn, ctx);
        set_slot(out, T_requires_grad, Py_True);
        set_slot(ctx, C_inputs, inputs);
        PyObject *saved = SLOT(ctx, C_saved);
        int any_saved = saved == NULL ? 0 : is_true(saved);
        if (any_saved < 0)
            goto fail;
        if (any_saved) {
            PyObject *now = PyObject_GetAttr(ticks, s_now);
            if (now == NULL)
                goto fail;
            set_slot(ctx, C_epoch, now);
            Py_DECREF(now);
        } else {
            set_slot(ctx, C_epoch, never);
        }
        int anomaly = attr_true(state, s_anomaly);
        if (anomaly < 0)
            goto fail;
        if (anomaly) {
            PyObject *site = PyObject_CallNoArgs(creation_site);
            if (site == NULL || PyObject_SetAttr(ctx, s_creation_site, site) < 0) {
                Py_XDECREF(site);
                goto fail;
            }
            Py_DECREF(site);
        }
        goto done;
    }
    set_slot(out, T_grad_fn, Py_None);
    set_slot(out, T_requires_grad, Py_False);
done:
    result = out;
    out = NULL;
fail:
    for (Py_ssize_t i = 0; i < filled; i++)
        Py_DECREF(stack[i]);
    if (stack != small)
        PyMem_Free(stack);
    Py_XDECREF(inputs);
    Py_XDECREF(ctx);
    Py_XDECREF(raw);
    Py_XDECREF(data);
    Py_XDECREF(out);
    return result;
}

/* ------------------------------------------------------------------ the backward walk */

/* A growable stack of owned references. */
typedef struct {
    PyObject **items;
    Py_ssize_t size, cap;
} Stack;

static int push(Stack *s, PyObject *o)
{
    if (s->size == s->cap) {
        Py_ssize_t cap = s->cap ? 2 * s->cap : 64;
        PyObject **items = PyMem_Realloc(s->items, cap * sizeof(PyObject *));
        if (items == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        s->items = items;
        s->cap = cap;
    }
    s->items[s->size++] = Py_NewRef(o);
    return 0;
}

static void clear(Stack *s)
{
    while (s->size)
        Py_DECREF(s->items[--s->size]);
    PyMem_Free(s->items);
}

/* consumers[t] += delta, the count being a Python int; the new count, or -1 on error. */
static Py_ssize_t count_add(PyObject *consumers, PyObject *t, Py_ssize_t delta)
{
    PyObject *c = PyDict_GetItemWithError(consumers, t);
    if (c == NULL) {
        if (!PyErr_Occurred())
            PyErr_SetObject(PyExc_KeyError, t);
        return -1;
    }
    Py_ssize_t left = PyLong_AsSsize_t(c) + delta;
    if (left == -1 && PyErr_Occurred())
        return -1;
    PyObject *v = PyLong_FromSsize_t(left);
    if (v == NULL || PyDict_SetItem(consumers, t, v) < 0) {
        Py_XDECREF(v);
        return -1;
    }
    Py_DECREF(v);
    return left;
}

static PyObject *consumer_counts(PyObject *module, PyObject *roots)
{
    PyObject *consumers = PyDict_New(), *zero = PyLong_FromLong(0), *seq = PySequence_Fast(roots, "roots");
    Stack stack = {0};
    if (set_up() < 0 || consumers == NULL || zero == NULL || seq == NULL)
        goto fail;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); i++) {
        PyObject *r = PySequence_Fast_GET_ITEM(seq, i), *ctx;
        if (check_tensor(r) < 0 || (ctx = node_of(r)) == NULL)
            goto fail;
        if (ctx == Py_None)
            continue;
        int seen = PyDict_Contains(consumers, r);
        if (seen < 0 || (!seen && (PyDict_SetItem(consumers, r, zero) < 0 || push(&stack, r) < 0)))
            goto fail;
    }
    while (stack.size) {
        /* hashing a Tensor subclass may run Python code, so t's node is checked again */
        PyObject *t = stack.items[--stack.size], *ctx = node_of(t), *inputs = NULL;
        if (ctx == Py_None)
            PyErr_SetString(PyExc_RuntimeError, "a tensor's grad_fn was removed while its graph was being walked");
        else if (ctx != NULL)
            inputs = inputs_of(ctx);
        if (inputs == NULL) {
            Py_DECREF(t);
            goto fail;
        }
        Py_DECREF(t);
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(inputs); i++) {
            PyObject *p = PyTuple_GET_ITEM(inputs, i), *ctx = node_of(p);
            if (ctx == NULL) {
                Py_DECREF(inputs);
                goto fail;
            }
            if (ctx == Py_None)
                continue;
            int seen = PyDict_Contains(consumers, p);
            if (seen < 0 || (!seen && (PyDict_SetItem(consumers, p, zero) < 0 || push(&stack, p) < 0))
                || count_add(consumers, p, 1) < 0) {
                Py_DECREF(inputs);
                goto fail;
            }
        }
        Py_DECREF(inputs);
    }
    clear(&stack);
    Py_DECREF(zero);
    Py_DECREF(seq);
    return consumers;
fail:
    clear(&stack);
    Py_XDECREF(consumers);
    Py_XDECREF(zero);
    Py_XDECREF(seq);
    return NULL;
}

/* Whether a gradient passes unchecked: of the pass's type and of its input's shape, anomaly mode off. */
static int plain(PyObject *g, PyObject *inp, int arrays)
{
    PyObject *want = SLOT(inp, T_data);
    if (want == NULL || !PyArray_CheckExact(want))
        return 0;
    PyArrayObject *w = (PyArrayObject *)want;
    if (arrays) {
        if (Py_TYPE(g) == &PyDoubleArrType_Type)
            return PyArray_NDIM(w) == 0;
    } else {
        if (Py_TYPE(g) != Tensor)
            return 0;
        g = SLOT(g, T_data);
        if (g == NULL)
            return 0;
    }
    if (!PyArray_CheckExact(g))
        return 0;
    PyArrayObject *a = (PyArrayObject *)g;
    return PyArray_NDIM(a) == PyArray_NDIM(w)
           && PyArray_CompareLists(PyArray_DIMS(a), PyArray_DIMS(w), PyArray_NDIM(a));
}

/* The node's rule, called with its upstream gradient g: one gradient per input, as a tuple (new ref). */
static PyObject *run_rule(PyObject *ctx, PyObject *t, PyObject *g, int arrays, PyObject *arrays_obj, Py_ssize_t k)
{
    PyObject *fn = get_slot(ctx, C_fn, "fn"), *res;
    if (fn == NULL)
        return NULL;
    int fast = arrays ? attr_true(fn, s_arrays_ok) : 0;
    if (fast < 0)
        return NULL;
    if (fast) {
        PyObject *rule = PyObject_GetAttr(fn, s_backward);
        if (rule == NULL)
            return NULL;
        PyObject *call[2] = {ctx, g};
        passing = g;
        res = PyObject_Vectorcall(rule, call, 2, NULL);
        passing = NULL;
        Py_DECREF(rule);
    } else {
        PyObject *call[4] = {ctx, t, g, arrays_obj};
        res = PyObject_Vectorcall(tensor_rule, call, 4, NULL);
    }
    if (res == NULL)
        return NULL;
    if (!PyTuple_CheckExact(res)) /* a one-input rule's lone gradient */
        Py_SETREF(res, PyTuple_Pack(1, res));
    if (res != NULL && PyTuple_GET_SIZE(res) != k)
        Py_SETREF(res, PyObject_CallFunctionObjArgs(one_per_input, ctx, res, NULL));
    return res;
}

static PyObject *walk(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (set_up() < 0)
        return NULL;
    if (nargs != 11) {
        PyErr_SetString(PyExc_TypeError, "walk() takes 11 arguments");
        return NULL;
    }
    PyObject *ready = args[0], *consumers = args[1], *pending = args[2], *leaves = args[3], *arrays_obj = args[4],
             *capture = args[6], *captured = args[7], *stored = args[8], *now = args[10];
    int arrays = is_true(arrays_obj), retain = is_true(args[5]), anomaly = is_true(args[9]);
    if (arrays < 0 || retain < 0 || anomaly < 0)
        return NULL;
    if (!PyList_Check(ready) || !PyDict_Check(consumers) || !PyDict_Check(pending) || !PyDict_Check(leaves)) {
        PyErr_SetString(PyExc_TypeError, "walk() takes a list and three dicts first");
        return NULL;
    }
    Stack stack = {0};
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(ready); i++)
        if (push(&stack, PyList_GET_ITEM(ready, i)) < 0)
            goto fail;

    while (stack.size) {
        PyObject *t = stack.items[--stack.size], *downstream = NULL, *ctx = NULL, *inputs;
        if (check_tensor(t) < 0 || (ctx = node_of(t)) == NULL || ctx == Py_None || (inputs = inputs_of(ctx)) == NULL) {
            if (ctx == Py_None)
                PyErr_SetString(PyExc_TypeError, "walk() reached a leaf as a node");
            Py_DECREF(t);
            goto fail;
        }
        Py_INCREF(ctx);
        Py_ssize_t k = PyTuple_GET_SIZE(inputs);
        PyObject *g = PyDict_GetItemWithError(pending, t);
        if (g == NULL) { /* no gradient reached it (nothing needed one), but its inputs are still visited */
            if (PyErr_Occurred() || (downstream = PyTuple_New(k)) == NULL)
                goto node_failed;
            for (Py_ssize_t i = 0; i < k; i++)
                PyTuple_SET_ITEM(downstream, i, Py_NewRef(Py_None));
        } else {
            int hooked = attr_true(t, s_hooks);
            if (hooked == 0)
                hooked = attr_true(t, s_retains_grad);
            if (hooked == 0)
                hooked = capture != Py_None;
            if (hooked < 0)
                goto node_failed;
            if (hooked) {
                PyObject *call[6] = {t, g, arrays_obj, stored, capture, captured};
                PyObject *seen = PyObject_Vectorcall(visit, call, 6, NULL);
                if (seen == NULL || PyDict_SetItem(pending, t, seen) < 0) {
                    Py_XDECREF(seen);
                    goto node_failed;
                }
                Py_DECREF(seen);
            }
            PyObject *saved = get_slot(ctx, C_saved, "_saved");
            if (saved == NULL)
                goto node_failed;
            if (saved == Py_None) { /* released by an earlier backward */
                PyErr_SetObject(PyExc_RuntimeError, freed_graph);
                goto node_failed;
            }
            PyObject *epoch = get_slot(ctx, C_epoch, "epoch");
            if (epoch == NULL)
                goto node_failed;
            int stale = epoch == never ? 0 : PyObject_RichCompareBool(epoch, now, Py_LT);
            if (stale < 0)
                goto node_failed;
            if (stale) {
                PyObject *r = PyObject_CallMethodNoArgs(ctx, s_check_saved);
                if (r == NULL)
                    goto node_failed;
                Py_DECREF(r);
            }
            /* pending.pop(t): the rule may then hold the only other reference (see ops.scratch) */
            g = PyDict_GetItemWithError(pending, t);
            if (g == NULL) {
                if (!PyErr_Occurred())
                    PyErr_SetObject(PyExc_KeyError, t);
                goto node_failed;
            }
            Py_INCREF(g);
            if (PyDict_DelItem(pending, t) < 0) {
                Py_DECREF(g);
                goto node_failed;
            }
            downstream = run_rule(ctx, t, g, arrays, arrays_obj, k);
            Py_DECREF(g);
            if (downstream == NULL)
                goto node_failed;
            if (!retain)
                set_slot(ctx, C_saved, Py_None);
        }
        for (Py_ssize_t i = 0; i < k; i++) { /* per edge */
            PyObject *inp = PyTuple_GET_ITEM(inputs, i), *gi = PyTuple_GET_ITEM(downstream, i), *into;
            PyObject *node = node_of(inp);
            if (node == NULL)
                goto node_failed;
            if (node != Py_None) {
                Py_ssize_t left = count_add(consumers, inp, -1);
                if (left < 0 || (left == 0 && push(&stack, inp) < 0))
                    goto node_failed;
                into = pending;
            } else {
                into = leaves;
            }
            if (gi == Py_None)
                continue;
            int wants = wants_grad(inp);
            if (wants < 0)
                goto node_failed;
            if (!wants)
                continue;
            if (!anomaly && plain(gi, inp, arrays)) {
                Py_INCREF(gi);
            } else {
                PyObject *call[6] = {ctx, t, downstream, inp, gi, arrays_obj};
                if ((gi = PyObject_Vectorcall(checked, call, 6, NULL)) == NULL)
                    goto node_failed;
            }
            PyObject *prev = PyDict_GetItemWithError(into, inp);
            if (prev == NULL && PyErr_Occurred()) {
                Py_DECREF(gi);
                goto node_failed;
            }
            if (prev != NULL) { /* held while Tensor.__add__ (Python) runs: it could change the dict */
                Py_INCREF(prev);
                Py_SETREF(gi, PyNumber_Add(prev, gi));
                Py_DECREF(prev);
            }
            if (gi == NULL || PyDict_SetItem(into, inp, gi) < 0) {
                Py_XDECREF(gi);
                goto node_failed;
            }
            Py_DECREF(gi);
        }
        Py_DECREF(downstream);
        Py_DECREF(inputs);
        Py_DECREF(ctx);
        Py_DECREF(t);
        continue;
    node_failed:
        Py_XDECREF(downstream);
        Py_DECREF(inputs);
        Py_DECREF(ctx);
        Py_DECREF(t);
        goto fail;
    }
    clear(&stack);
    Py_RETURN_NONE;
fail:
    clear(&stack);
    return NULL;
}

/* ------------------------------------------------------------------ Context.saved_tensors */

static PyObject *saved_tensors(PyObject *module, PyObject *ctx)
{
    if (set_up() < 0)
        return NULL;
    if (!PyObject_TypeCheck(ctx, Context)) {
        PyErr_Format(PyExc_TypeError, "saved_tensors of a %.100s", Py_TYPE(ctx)->tp_name);
        return NULL;
    }
    PyObject *saved = get_slot(ctx, C_saved, "_saved");
    if (saved == NULL)
        return NULL;
    if (saved == Py_None) {
        PyErr_SetObject(PyExc_RuntimeError, freed_graph);
        return NULL;
    }
    int arrays = attr_true(state, s_arrays);
    if (arrays < 0)
        return NULL;
    return arrays ? Py_NewRef(saved) : PyObject_CallOneArg(saved_as_tensors, ctx);
}

/* ------------------------------------------------------------------ module */

static PyObject *is_passing(PyObject *module, PyObject *a)
{
    return PyBool_FromLong(a == passing);
}

static PyObject *setup(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 13) {
        PyErr_SetString(PyExc_TypeError, "setup() takes 13 arguments");
        return NULL;
    }
    if (!PyType_Check(args[0]) || !PyType_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "setup() takes the Tensor and Context classes first");
        return NULL;
    }
    PyTypeObject *tensor = (PyTypeObject *)args[0], *context = (PyTypeObject *)args[1];
    if (slot_offset(tensor, "data", &T_data) < 0 || slot_offset(tensor, "grad_fn", &T_grad_fn) < 0
        || slot_offset(tensor, "requires_grad", &T_requires_grad) < 0 || slot_offset(context, "fn", &C_fn) < 0
        || slot_offset(context, "inputs", &C_inputs) < 0 || slot_offset(context, "_saved", &C_saved) < 0
        || slot_offset(context, "epoch", &C_epoch) < 0)
        return NULL;
    PyObject **targets[] = {(PyObject **)&Tensor, (PyObject **)&Context, &state, &ticks, &never, &freed_graph,
                            &saved_as_tensors, &lift_all, &creation_site, &visit, &tensor_rule, &one_per_input,
                            &checked};
    for (Py_ssize_t i = 0; i < nargs; i++)
        Py_XSETREF(*targets[i], Py_NewRef(args[i]));
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"setup", (PyCFunction)(void (*)(void))setup, METH_FASTCALL,
     "setup(Tensor, Context, state, clock, never, freed_graph, saved_as_tensors, lift_all, creation_site, visit, "
     "tensor_rule, one_per_input, checked): the classes and Python helpers the loops use."},
    {"saved_tensors", saved_tensors, METH_O, "saved_tensors(ctx): Context.saved_tensors, compiled."},
    {"apply", (PyCFunction)(void (*)(void))apply, METH_FASTCALL | METH_KEYWORDS,
     "Run ``forward`` on the inputs' arrays; record a node if grad mode is on and an input requires grad "
     "(function.py's Function.apply, compiled)."},
    {"consumer_counts", consumer_counts, METH_O,
     "For each non-leaf tensor above ``roots``: how many graph edges consume it (engine._consumer_counts, "
     "compiled)."},
    {"walk", (PyCFunction)(void (*)(void))walk, METH_FASTCALL,
     "The backward pass proper: take a ready tensor, run its node's rule, hand each input its gradient "
     "(engine._walk, compiled; same arguments)."},
    {"is_passing", is_passing, METH_O,
     "is_passing(a): whether walk() holds a reference to ``a`` because it is handing it to a rule now."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "autograd._speedups", NULL, -1, methods};

PyMODINIT_FUNC PyInit__speedups(void)
{
    import_array();
    PyObject *np = PyImport_ImportModule("numpy");
    if (np == NULL)
        return NULL;
    asarray = PyObject_GetAttrString(np, "asarray");
    Py_DECREF(np);
    if (asarray == NULL || (empty = PyTuple_New(0)) == NULL)
        return NULL;
    struct {
        PyObject **name;
        const char *text;
    } names[] = {{&s_enabled, "enabled"},     {&s_arrays, "arrays"},
                 {&s_anomaly, "anomaly"},     {&s_now, "now"},
                 {&s_forward, "forward"},     {&s_backward, "backward"},
                 {&s_arrays_ok, "arrays_ok"}, {&s_hooks, "_hooks"},
                 {&s_retains_grad, "_retains_grad"}, {&s_check_saved, "check_saved"},
                 {&s_creation_site, "creation_site"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if ((*names[i].name = PyUnicode_InternFromString(names[i].text)) == NULL)
            return NULL;
    return PyModule_Create(&module);
}
