"""Reproducible comparisons of chainrule against PyTorch, micrograd and hand-written NumPy.

Run ``python -m benchmarks`` from the repository root; see ``benchmarks/README.md``.
This package must not import NumPy at import time: the workers set the thread count first.
"""
