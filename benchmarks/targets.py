"""The speed and memory targets: chainrule's value over a peer's, measured in the same run, at 1 thread."""

from __future__ import annotations

from typing import Any, NamedTuple


class Target(NamedTuple):
    workload: str
    reference: str
    max_ratio: float


TARGETS = (
    Target("tiny", "torch", 0.5),
    Target("scalar", "micrograd", 1.5),
    Target("mlp128", "torch", 0.7),
    Target("mlp128", "numpy", 1.15),
    Target("mlp1024", "torch", 0.9),
    Target("long", "torch", 1.0),
    Target("memory128", "numpy", 1.3),
    Target("memory1024", "numpy", 1.3),
)


def evaluate(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each target whose workload ran: the ratio chainrule / reference and whether it is met."""
    by_id = {r["id"]: r for r in results}
    rows = []
    for t in TARGETS:
        if t.workload not in by_id:
            continue
        values = by_id[t.workload]["results"]
        ratio = values["chainrule"] / values[t.reference]
        rows.append({"workload": t.workload, "name": by_id[t.workload]["name"], "reference": t.reference,
                     "ratio": ratio, "max_ratio": t.max_ratio, "met": ratio <= t.max_ratio})
    return rows
