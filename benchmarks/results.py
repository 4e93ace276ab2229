"""The results of one run: the JSON record ``bench.py`` writes, and what it yields.

``bench.py`` writes ``RESULTS.json`` beside ``RESULTS.md``; the report, the chart and the
targets read it through these classes (no torch import), so a report can be rendered
again from a saved run (``bench.py --render RESULTS.json``). Times are milliseconds per
call; a *speed-up* is a peer's median over ours (> 1: ours is faster).

Layout: ``{"meta": {...}, "workloads": [{"key", "title", "spec", "phases":
{"fwd" | "train": {"eager": {candidate: stat}, "best_raw": name, "compiled": {candidate:
stat}, "compile_info": {candidate: info}, "memory": {candidate: {"peak", "tensors"}},
"breakdown": {label: {...}}, "tfkeras": [run, ...], "compile_skipped": why, "note":
text}}}]}``; a stat is a ``timing.Stat``
as a dict; a tf-keras run is ``{"tfkeras": stat, "implementation": overrides, "ours":
stat}`` (ours alone in a loop right after tf-keras, in the same run).
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from timing import Stat

PEERS = ("best hand-written", "Keras 3", "tf-keras", "hand-written compiled")


def _stats(d: dict | None) -> dict[str, Stat]:
    return {name: Stat(**s) for name, s in (d or {}).items()}


@dataclass
class PhaseResult:
    """One workload in one phase (``fwd`` or ``train``)."""

    eager: dict[str, Stat]
    best_raw: str | None
    compiled: dict[str, Stat]
    compile_info: dict[str, dict]
    memory: dict[str, dict]
    breakdown: dict[str, dict]
    tfkeras: list[dict]
    compile_skipped: str = ""
    note: str = ""

    @classmethod
    def from_dict(cls, d: dict) -> PhaseResult:
        return cls(
            eager=_stats(d.get("eager")),
            best_raw=d.get("best_raw"),
            compiled=_stats(d.get("compiled")),
            compile_info=d.get("compile_info", {}),
            memory=d.get("memory", {}),
            breakdown=d.get("breakdown", {}),
            tfkeras=d.get("tfkeras", []),
            compile_skipped=d.get("compile_skipped", ""),
            note=d.get("note", ""),
        )

    def speedup(self, peer: str, compiled: bool = False) -> float | None:
        """``peer``'s median over ours (eager, or both compiled); None if either is absent."""
        stats = self.compiled if compiled else self.eager
        if peer not in stats or "ours" not in stats:
            return None
        return stats[peer].median / stats["ours"].median

    def tf_runs(self) -> list[float]:
        """tf-keras's median over ours-alone's median, per run that has both."""
        return [r["tfkeras"]["median"] / r["ours"]["median"] for r in self.tfkeras if "ours" in r]

    def tf_speedup(self) -> float | None:
        """The median over runs of tf-keras / ours (both alone in a loop)."""
        runs = self.tf_runs()
        return statistics.median(runs) if runs else None

    def peer_speedups(self) -> dict[str, tuple[str, float | None]]:
        """For each kind of peer (``PEERS``): the candidate compared and its time over ours.

        ``hand-written compiled`` compares ours compiled with the best eager hand-written
        variant compiled."""
        raw = self.best_raw or ""
        compiled_raw = raw if raw in self.compiled else ""
        return {
            "best hand-written": (raw, self.speedup(raw)),
            "Keras 3": ("keras3", self.speedup("keras3")),
            "tf-keras": ("tfkeras", self.tf_speedup()),
            "hand-written compiled": (compiled_raw, self.speedup(compiled_raw, True)),
        }

    def memory_ratio(self, name: str) -> float | None:
        """Peak of ``name`` over its input + output + parameters."""
        m = self.memory.get(name)
        return m["peak"] / m["tensors"] if m else None


@dataclass
class WorkloadResult:
    """One workload: its key, title, spec and both phases."""

    key: str
    title: str
    spec: dict
    phases: dict[str, PhaseResult]

    @classmethod
    def from_dict(cls, d: dict) -> WorkloadResult:
        phases = {name: PhaseResult.from_dict(p) for name, p in d["phases"].items()}
        return cls(d["key"], d["title"], d["spec"], phases)


@dataclass
class Results:
    """A whole run: its metadata (machine, versions, method) and every workload."""

    meta: dict
    workloads: list[WorkloadResult]

    @classmethod
    def load(cls, path: Path) -> Results:
        return cls.from_dict(json.loads(path.read_text()))

    @classmethod
    def from_dict(cls, d: dict) -> Results:
        return cls(d["meta"], [WorkloadResult.from_dict(w) for w in d["workloads"]])

    def rows(self) -> Iterator[tuple[WorkloadResult, str, PhaseResult]]:
        """Every (workload, phase name, phase result), in the run's order."""
        for w in self.workloads:
            for name, phase in w.phases.items():
                yield w, name, phase

    def find(self, key: str) -> WorkloadResult | None:
        return next((w for w in self.workloads if w.key == key), None)
