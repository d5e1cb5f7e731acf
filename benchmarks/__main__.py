"""``python -m benchmarks``: every workload in one fresh process per thread setting; a table and a JSON file.

The options and what each workload measures are in ``benchmarks/README.md`` (and ``--help``).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from .targets import evaluate
from .worker import WORKLOAD_IDS, benchmark_environment

LIBRARIES = ("chainrule", "chainrule-py", "torch", "micrograd", "tape", "numpy")
ROOT = Path(__file__).resolve().parent.parent


PURE_WORKLOADS = ("tiny", "scalar", "long")  # also run on chainrule's Python source, as "chainrule-py"


def _run_worker(threads: int, args: argparse.Namespace, pure: bool = False) -> dict[str, Any]:
    only = [w for w in args.only if w in PURE_WORKLOADS] if pure else args.only
    command = [sys.executable, "-m", "benchmarks.worker", "--threads", str(threads), "--only", *only]
    if pure:
        command.append("--chainrule-only")
    if args.quick:
        command.append("--quick")
    if args.keep_openblas_overrides:
        command.append("--keep-openblas-overrides")
    if args.cpu_time and threads == 1:  # CPU time adds up over threads: it is no wall time above 1
        command.append("--cpu-time")
    env = benchmark_environment(threads, args.keep_openblas_overrides)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("CHAINRULE_PURE_PYTHON", None)
    if pure:
        env["CHAINRULE_PURE_PYTHON"] = "1"
    done = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout)


def _table(run: dict[str, Any]) -> str:
    libs = [lib for lib in LIBRARIES if any(lib in r["results"] for r in run["results"])]
    header = ["workload", "unit", *libs, "notes"]
    rows = [header]
    for r in run["results"]:
        notes = "; ".join(f"{k}: {v}" for k, v in r.get("notes", {}).items())
        rows.append([r["name"], r["unit"], *(f"{r['results'][lib]:.4g}" if lib in r["results"] else "–"
                                            for lib in libs), notes])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)


def _kernel_line(run: dict[str, Any]) -> str:
    env = run["environment"]
    pools = env["threadpools"]
    blas = (", ".join(f"{p['library']} {p['internal_api']} {p['version'] or ''} {p['architecture'] or ''} "
                      f"×{p['num_threads']}" for p in pools) if isinstance(pools, list) else pools)
    build = ("its compiled build (Cython, from the same source)" if env["compiled"]
             else "its Python source only (the compiled build is not installed, or CHAINRULE_PURE_PYTHON is set)")
    return f"chainrule on {build}; NumPy {env['numpy']}, torch {env['torch']} (×{env['torch_threads']}); loaded: {blas}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2],
                        help="thread settings, one worker process each (default: 1 2); targets use the smallest")
    parser.add_argument("--quick", action="store_true", help="few repetitions: a smoke run, not a measurement")
    parser.add_argument("--only", nargs="+", choices=WORKLOAD_IDS, default=list(WORKLOAD_IDS), metavar="WORKLOAD",
                        help=f"run these workloads only: {', '.join(WORKLOAD_IDS)}")
    parser.add_argument("--keep-openblas-overrides", action="store_true",
                        help="keep OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (by default the workers drop them)")
    parser.add_argument("--cpu-time", action="store_true",
                        help="time 1-thread runs with the CPU clock: steadier on a busy machine")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results",
                        help="directory for the JSON results (default: benchmarks/results, git-ignored)")
    args = parser.parse_args(argv)

    runs = [_run_worker(threads, args) for threads in args.threads]
    baseline = min(runs, key=lambda run: run["threads"])
    if any(w in PURE_WORKLOADS for w in args.only):  # chainrule-py: the same workloads on the Python source
        pure = {r["id"]: r["results"]["chainrule"] for r in _run_worker(baseline["threads"], args, pure=True)["results"]}
        for r in baseline["results"]:
            if r["id"] in pure:
                r["results"]["chainrule-py"] = pure[r["id"]]
    for run in runs:
        print(f"\n{run['threads']} thread{'s' if run['threads'] > 1 else ''}, {run['clock']} time, load average "
              f"{run['load_average'][0]:.2f}: {_kernel_line(run)}")
        print(_table(run))
        if run is baseline and any("chainrule-py" in r["results"] for r in run["results"]):
            print("chainrule-py: chainrule on its Python source (a second process, CHAINRULE_PURE_PYTHON=1)")
    targets = evaluate(baseline["results"])
    if targets:
        print(f"\ntargets ({baseline['threads']} thread{'s' if baseline['threads'] > 1 else ''}): "
              "chainrule ÷ reference")
        for t in targets:
            print(f"  {t['name']:<45} ÷ {t['reference']:<9} {t['ratio']:6.2f}  ≤ {t['max_ratio']:<5} "
                  f"{'met' if t['met'] else 'MISSED'}")
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = args.out / f"{stamp}{'-quick' if args.quick else ''}.json"
    path.write_text(json.dumps({"command": "python -m benchmarks " + " ".join(argv if argv is not None else
                                                                              sys.argv[1:]),
                                "created": stamp, "runs": runs, "targets": targets}, indent=2))
    print(f"\nsaved {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()
