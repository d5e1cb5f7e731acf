"""Builds the optional C twin of the engine's hot loops (autograd/_speedups.c); metadata is in pyproject.toml."""

import numpy
from setuptools import Extension, setup

setup(ext_modules=[Extension("autograd._speedups", ["autograd/_speedups.c"], include_dirs=[numpy.get_include()],
                             optional=True)])
