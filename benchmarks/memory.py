"""Peak memory of one step, measured with torch's memory profiler.

The profiler records every CPU tensor's allocation and release during the step (and the
tensors that existed before it, such as the input and the weights, as soon as an op
touches them); :func:`peak` replays that timeline and returns the largest total of live
tensor bytes, together with the step's own tensors (input + output + parameters), so the
report can give the peak as a multiple of them. It counts tensors, not the allocator's
cache or fragmentation (glibc keeps freed blocks under the benchmark's malloc settings),
so it compares algorithms, not processes. The gradients of a previous step are dropped
before the measurement, so a training peak holds this step's gradients only.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from harness import Candidate, candidate_input, run_once, tensor_bytes
from torch.profiler import ProfilerActivity, profile
from torch.profiler._memory_profiler import MemoryProfileTimeline


@dataclass(frozen=True)
class Peak:
    """Peak live bytes of a step and the bytes of its input, output and parameters."""

    peak: int
    tensors: int

    @property
    def ratio(self) -> float:
        return self.peak / self.tensors

    def as_dict(self) -> dict:
        return {"peak": self.peak, "tensors": self.tensors}


def peak(candidate: Candidate, x: torch.Tensor, train: bool) -> Peak:
    """Peak live CPU tensor bytes during one warm step of the phase."""
    xi = candidate_input(candidate, x, train)
    y = run_once(candidate, xi, train)  # warm any per-shape cache first
    tensors = tensor_bytes(xi, y, *candidate.params)
    del y
    xi.grad = None
    for p in candidate.params:
        p.grad = None
    with profile(
        activities=[ProfilerActivity.CPU], profile_memory=True, record_shapes=True, with_stack=True
    ) as prof:
        run_once(candidate, xi, train)
    _, sizes = MemoryProfileTimeline(prof._memory_profile())._coalesce_timeline("cpu")
    return Peak(max(sum(s) for s in sizes), tensors)
