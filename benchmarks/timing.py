"""Timing and memory measurement: warm-up, then the median of repeated runs, the libraries taking turns."""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

# Wall time by default. ``--cpu-time`` switches to this process's CPU time, which a busy machine disturbs
# far less (time spent waiting for a core is not counted); it only equals wall time with one thread.
clock: Callable[[], float] = time.perf_counter
only: set[str] | None = None  # time just these libraries (a worker on chainrule's Python source: {"chainrule"})


def median_times(fns: dict[str, Callable[..., Any]], repeat: int, warmup: int = 2, rounds: int = 3,
                 setup: dict[str, Callable[[], Any]] | None = None) -> dict[str, float]:
    """Seconds per call of each ``fns[name]``: the median of ``repeat`` timed calls.

    The libraries take turns in ``rounds`` rounds; in each, a library runs ``warmup`` untimed calls, then
    its share of the timed ones. Turns spread a slow spell of the machine over all the libraries instead
    of biasing one; the warm-up in every turn absorbs what the previous library left behind (OpenMP
    threads still spinning, cold caches). With ``setup[name]``, each call is ``fns[name](setup[name]())``
    and only the call is timed (a graph built for one backward). The garbage collector stays on, as it
    is for a user; one full collection first clears what earlier benchmarks left.
    """
    if only is not None:
        fns = {name: fn for name, fn in fns.items() if name in only}
    gc.collect()
    times: dict[str, list[float]] = {name: [] for name in fns}
    rounds = max(1, min(rounds, repeat))
    for r in range(rounds):
        timed = repeat // rounds + (r < repeat % rounds)
        for name, fn in fns.items():
            for i in range(warmup + timed):
                args = () if setup is None else (setup[name](),)
                start = clock()
                fn(*args)
                elapsed = clock() - start
                if i >= warmup:
                    times[name].append(elapsed)
                del args
    return {name: statistics.median(t) for name, t in times.items()}


def peak_memory(fn: Callable[[], Any], warmup: int = 1) -> int:
    """Peak bytes allocated (tracemalloc: Python objects and NumPy buffers) during one call of ``fn``.

    Measured above what is alive before the call, so parameters and data already allocated do not count.
    """
    for _ in range(warmup):
        fn()
    gc.collect()
    tracemalloc.start()
    try:
        base, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - base
