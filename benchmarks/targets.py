"""The speed and memory targets, each read from one run's results.

Sources: issue #13 (call overhead of Conv1D (c); the decision on the LocallyConnected
targets), issue #14 (Conv1D training against tf-keras) and the earlier targets of
``README.md``. Every target is a ratio measured in one run:

* ``ours/peer``: our median over a peer's (``best-raw``: the fastest hand-written variant
  of that phase in the run), both timed in the same interleaved rounds;
* ``peer/ours``: the inverse, for "N× faster than" targets;
* ``train/fwd``: our training step over our own forward, same run;
* ``tf/ours``: tf-keras ``tf.function`` (its fastest implementation) over ours, both
  alone in a loop, one after the other, the median over the run's ``--repeat`` runs;
* ``memory``: our peak over our input + output + parameters.

A value within ``NOISE`` of its bound is reported as such: one run's medians of equal
code differ by a few percent on this machine.
"""

from __future__ import annotations

from dataclasses import dataclass

from results import Results

NOISE = 0.05


@dataclass(frozen=True)
class Target:
    """``measure`` of ``workload`` in ``phase`` (against ``peer``) ≤ or ≥ ``bound``."""

    workload: str
    phase: str
    measure: str
    bound: float
    upper: bool
    source: str
    peer: str | None = None

    def describe(self) -> str:
        sign = "≤" if self.upper else "≥"
        names = {"best-raw": "best hand-written", "keras3": "Keras 3"}
        peer = names.get(self.peer or "", f"`{(self.peer or '').removeprefix('raw:')}`")
        kind = {
            "ours/peer": f"ours / {peer}",
            "peer/ours": f"{peer} / ours",
            "train/fwd": "ours train / ours fwd",
            "tf/ours": "tf-keras / ours",
            "memory": "peak / (in + out + params)",
        }[self.measure]
        return f"{kind} {sign} {self.bound:g}"

    def measured(self, results: Results) -> float | None:
        """The target's ratio in ``results``, or None when the run lacks it."""
        found = results.find(self.workload)
        if found is None or self.phase not in found.phases:
            return None
        phase = found.phases[self.phase]
        if self.measure == "train/fwd":
            fwd, train = found.phases.get("fwd"), found.phases.get("train")
            if not fwd or not train or "ours" not in fwd.eager or "ours" not in train.eager:
                return None
            return train.eager["ours"].median / fwd.eager["ours"].median
        if self.measure == "tf/ours":
            return phase.tf_speedup()
        if self.measure == "memory":
            return phase.memory_ratio("ours")
        peer = phase.best_raw if self.peer == "best-raw" else self.peer
        speedup = phase.speedup(peer) if peer else None
        if speedup is None:
            return None
        return speedup if self.measure == "peer/ours" else 1 / speedup

    def verdict(self, value: float | None) -> str:
        if value is None:
            return "not measured"
        if value <= self.bound if self.upper else value >= self.bound:
            return "met"
        near = self.bound * (1 + NOISE) if self.upper else self.bound / (1 + NOISE)
        if value <= near if self.upper else value >= near:
            return f"within {NOISE:.0%} (noise)"
        return "**not met**"


def _both(workload, measure, bound, upper, source, peer=None) -> list[Target]:
    return [Target(workload, p, measure, bound, upper, source, peer) for p in ("fwd", "train")]


def _conv1d() -> list[Target]:
    found: list[Target] = []
    for key in ("conv1d-a", "conv1d-b"):
        found += _both(key, "ours/peer", 1.0, True, "README", "best-raw")
        found += _both(key, "peer/ours", 1.0, False, "README", "keras3")
        found.append(Target(key, "train", "tf/ours", 1.15, False, "#14"))
    bare = "raw:bare-conv1d-cf"
    found += [
        Target("conv1d-c", "fwd", "ours/peer", 2.0, True, "#13 item 1", bare),
        Target("conv1d-c", "train", "ours/peer", 1.5, True, "#13 item 1", bare),
    ]
    return found + _both("conv1d-c", "peer/ours", 1.0, False, "README", "keras3")


def _separable() -> list[Target]:
    found: list[Target] = []
    for key in ("separable1d-a", "separable2d-b"):
        found += _both(key, "ours/peer", 1.0, True, "README", "best-raw")
        found += _both(key, "peer/ours", 2.0, False, "README", "keras3")
    bare = "raw:grouped+1x1-cf"  # issue #13 item 1: "measure one other layer's batch-1 call"
    found.append(Target("separable1d-c", "fwd", "ours/peer", 2.0, True, "#13 item 1", bare))
    found.append(Target("separable1d-c", "train", "ours/peer", 1.5, True, "#13 item 1", bare))
    return found


def _local() -> list[Target]:
    decision, memory = "#13 decision", "README"
    found: list[Target] = []
    for impl in (1, 3):
        key = f"local-a-i{impl}"
        found += [
            Target(key, "fwd", "ours/peer", 1.10, True, decision, "raw:unfold-bmm"),
            Target(key, "train", "ours/peer", 1.0, True, decision, "raw:unfold-bmm"),
            Target(key, "fwd", "memory", 2.0, True, memory),
        ]
    for impl in (1, 3):
        key = f"local-b-i{impl}"
        found += [
            Target(key, "train", "train/fwd", 3.5, True, decision),
            Target(key, "train", "ours/peer", 0.7, True, decision, "raw:unfold-bmm"),
            Target(key, "train", "tf/ours", 5.0, False, decision),
            Target(key, "fwd", "memory", 2.0, True, memory),
        ]
    same = "local-b-same-i3"
    found += [
        Target(same, "train", "ours/peer", 0.7, True, decision, "raw:pad-unfold-bmm"),
        Target(same, "fwd", "memory", 2.0, True, memory),
    ]
    return found + [Target(f"local2d-i{i}", "fwd", "memory", 2.0, True, memory) for i in (1, 3)]


def targets() -> list[Target]:
    """Every target, in the order of the workloads."""
    return _conv1d() + _separable() + _local()
