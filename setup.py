"""Compiles the engine's own source with Cython where it can; metadata is in pyproject.toml.

The modules in autograd.compiled.MODULES are compiled from their .py files (typed by the .pxd files
beside them). Each extension is optional: without Cython or a working C compiler, chainrule installs
and runs on the .py files alone.
"""

from setuptools import Extension, setup

MODULES = ('grad_mode', 'tensor', 'function', 'engine', 'ops.elementwise')  # as in autograd/compiled.py (a test checks)


def extensions() -> list[Extension]:
    try:
        from Cython.Build import cythonize
    except ImportError:
        return []
    modules = [Extension(f"autograd.{name}", [f"autograd/{name.replace('.', '/')}.py"]) for name in MODULES]
    modules.append(Extension("autograd._collector", ["autograd/_collector.pyx"]))
    # annotations stay hints: the .pxd files, not `x: int`, decide what is typed in C
    compiled = cythonize(modules, quiet=True, compiler_directives={"language_level": 3, "annotation_typing": False})
    for extension in compiled:
        extension.optional = True  # a failed compile is a warning, and that module stays Python (cythonize drops it)
    return compiled


setup(ext_modules=extensions())
