"""Where a step's time goes: torch's profiler, per aten op.

For every ratio where our layer loses to a PyTorch peer, the report shows this breakdown
for both sides: the ops with the most self time per step (their count per step), and
"outside ops": the step's time under the profiler less the self time of every op, which
is Python, the Layer protocol, autograd's engine and dispatch. Under ``torch.compile`` the
kernels inductor generated show as one entry, ``inductor-generated kernels``. The profiler
adds a few microseconds per op, so a breakdown says what a step spends its time on, while
the timing tables say how long it takes.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import torch
from harness import Candidate, candidate_input, run_once
from torch.profiler import ProfilerActivity, profile

PROFILE_SECONDS = 1.0  # profile about this long (at least 3 steps, at most 20)


@dataclass(frozen=True)
class Breakdown:
    """Per-step milliseconds: the profiled step, its top ops, and the time outside ops."""

    step_ms: float
    ops: tuple[tuple[str, float, float], ...]  # (op, self ms per step, calls per step)
    outside_ms: float

    def as_dict(self) -> dict:
        ops = [list(o) for o in self.ops]
        return {"step_ms": self.step_ms, "ops": ops, "outside_ms": self.outside_ms}


def breakdown(candidate: Candidate, x: torch.Tensor, train: bool) -> Breakdown:
    """Profile warm steps of the phase and sum aten ops' self CPU time per step."""
    xi = candidate_input(candidate, x, train)
    start = time.perf_counter()
    run_once(candidate, xi, train)
    steps = max(3, min(20, int(PROFILE_SECONDS / max(time.perf_counter() - start, 1e-6))))
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        start = time.perf_counter()
        for _ in range(steps):
            run_once(candidate, xi, train)
        wall = (time.perf_counter() - start) * 1e3 / steps
    per_step: dict[str, list[float]] = {}
    for e in prof.key_averages():
        if e.self_cpu_time_total > 0:
            entry = per_step.setdefault(_label(e.key), [0.0, 0.0])
            entry[0] += e.self_cpu_time_total / 1e3 / steps
            entry[1] += e.count / steps
    ranked = sorted(per_step.items(), key=lambda item: item[1][0], reverse=True)
    ops = tuple((name, ms, round(calls, 2)) for name, (ms, calls) in ranked[:8])
    total_self = sum(ms for ms, _ in per_step.values())
    return Breakdown(wall, ops, max(0.0, wall - total_self))


def _label(key: str) -> str:
    """An event's name without the hashes and counters of compiled graphs: the kernels
    inductor generated run inside the ``CompiledFxGraph`` event."""
    if key.startswith("## Call CompiledFxGraph"):
        return "inductor-generated kernels"
    return re.sub(r"(Torch-Compiled Region): \d+/\d+", r"\1", key)
