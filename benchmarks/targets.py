"""The speed and memory targets: chainrule's value over a peer's, measured in the same run, at 1 thread."""

from __future__ import annotations

from typing import Any, NamedTuple


class Target(NamedTuple):
    workload: str
    reference: str  # a library measured in the same workload, or "library@workload" for another workload's row
    max_ratio: float
    library: str = "chainrule"  # or "chainrule-py", the Python source


TARGETS = (
    Target("tiny", "torch", 0.5),
    Target("tiny", "torch", 0.8, "chainrule-py"),
    Target("scalar", "micrograd", 1.5),
    Target("mlp128", "torch", 0.7),
    Target("mlp128", "numpy", 1.05),
    Target("mlpsmall", "numpy", 1.15),
    Target("mlp1024", "torch", 0.9),
    *(Target(f"long{n}-{what}", "torch", 0.35) for n in (100_000, 1_000_000) for what in ("forward", "backward")),
    *(Target(f"long1000000-{what}", f"chainrule@long1000-{what}", 1.3) for what in ("forward", "backward")),
    Target("memory128", "numpy", 1.2),
    Target("memory1024", "numpy", 1.2),
)


def evaluate(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each target whose workload ran: the ratio chainrule / reference and whether it is met."""
    by_id = {r["id"]: r for r in results}
    rows = []
    for t in TARGETS:
        lib, _, other = t.reference.partition("@")
        reference = by_id.get(other or t.workload)
        if t.workload not in by_id or reference is None or t.library not in by_id[t.workload]["results"]:
            continue
        ratio = by_id[t.workload]["results"][t.library] / reference["results"][lib]
        rows.append({"workload": t.workload, "name": f"{by_id[t.workload]['name']} ({t.library})",
                     "reference": t.reference, "ratio": ratio, "max_ratio": t.max_ratio, "met": ratio <= t.max_ratio})
    return rows
