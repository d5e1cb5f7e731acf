"""One benchmark process at a fixed thread count; prints its results as JSON on stdout.

``python -m benchmarks.worker --threads 1`` runs every workload; ``python -m benchmarks`` starts one
worker per thread setting, because BLAS and OpenMP read their thread counts once, when they load.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from typing import Any

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
# Set on some machines to force an older OpenBLAS kernel, which slows a current NumPy's matmul; the two
# go together (the L2 size describes the forced core). Only benchmark processes drop them.
OPENBLAS_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def benchmark_environment(threads: int, keep_openblas_overrides: bool) -> dict[str, str]:
    """The environment a worker runs in: a fixed thread count for every threading library."""
    env = dict(os.environ)
    env.update({name: str(threads) for name in THREAD_VARIABLES})
    if not keep_openblas_overrides:
        for name in OPENBLAS_OVERRIDES:
            env.pop(name, None)
    return env


def _workloads() -> dict[str, Callable[[bool], dict[str, Any]]]:
    from . import chains, digits, mlp

    return {
        "tiny": chains.tiny_chain,
        "scalar": chains.scalar_chain,
        "mlp128": lambda quick: mlp.mlp_step(128, quick),
        "mlp1024": lambda quick: mlp.mlp_step(1024, quick),
        "mlpsmall": lambda quick: mlp.mlp_step(128, quick, mlp.SMALL),
        "long": chains.long_chains,
        "digits": digits.digits_training,
        "memory128": lambda quick: mlp.mlp_memory(128),
        "memory1024": lambda quick: mlp.mlp_memory(1024),
    }


WORKLOAD_IDS = ("tiny", "scalar", "mlp128", "mlp1024", "mlpsmall", "long", "digits", "memory128", "memory1024")


def _kernels() -> dict[str, Any]:
    """Which BLAS and threading libraries are loaded, and with which kernel and thread count."""
    import numpy as np
    import torch

    import autograd.compiled

    info: dict[str, Any] = {"compiled": autograd.compiled.active(), "numpy": np.__version__,
                            "torch": torch.__version__,
                            "torch_threads": torch.get_num_threads(), "python": platform.python_version(),
                            "openblas_overrides": {name: os.environ.get(name) for name in OPENBLAS_OVERRIDES}}
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        info["threadpools"] = "threadpoolctl is not installed"
    else:
        info["threadpools"] = [
            {key: pool.get(key) for key in ("internal_api", "version", "architecture", "num_threads")}
            | {"library": os.path.basename(pool["filepath"])} for pool in threadpool_info()]
    return info


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.worker", description=__doc__)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--quick", action="store_true", help="few repetitions: a smoke run, not a measurement")
    parser.add_argument("--only", nargs="+", choices=WORKLOAD_IDS, default=list(WORKLOAD_IDS))
    parser.add_argument("--keep-openblas-overrides", action="store_true")
    parser.add_argument("--cpu-time", action="store_true", help="time with this process's CPU clock")
    parser.add_argument("--chainrule-only", action="store_true", help="time chainrule alone, not its peers")
    args = parser.parse_args(argv)
    if "numpy" in sys.modules or "torch" in sys.modules:
        raise RuntimeError("the worker must set thread counts before NumPy or torch is imported")
    env = benchmark_environment(args.threads, args.keep_openblas_overrides)
    os.environ.clear()
    os.environ.update(env)
    for peer in ("torch", "micrograd"):
        if importlib.util.find_spec(peer) is None:
            raise SystemExit(f"the benchmarks compare against {peer}, which is not installed: "
                             'pip install -e ".[bench]" and a PyTorch CPU build')

    import torch

    from . import timing

    torch.set_num_threads(args.threads)
    if args.cpu_time:
        timing.clock = time.process_time
    if args.chainrule_only:
        timing.only = {"chainrule"}
    workloads = _workloads()
    results = []
    for workload_id in args.only:
        print(f"  [{args.threads} thread{'s' if args.threads > 1 else ''}] {workload_id} ...", file=sys.stderr,
              flush=True)
        rows = workloads[workload_id](args.quick)
        results += rows if isinstance(rows, list) else [{"id": workload_id, **rows}]
    print(json.dumps({"threads": args.threads, "quick": args.quick,
                      "clock": "cpu" if args.cpu_time else "wall", "load_average": os.getloadavg(),
                      "environment": _kernels(), "results": results}))


if __name__ == "__main__":
    main()
