"""Timing harness shared by the benchmark workloads (not a test).

A workload gives, for one layer and input size, our layer, the best
hand-written PyTorch variants and the Keras 3 (torch backend) layer. Each
candidate is timed for inference (forward under ``no_grad``) and for a
training step (forward, then the gradient of ``sum(outputs)`` with respect to
the input and every weight). Times are medians of repeated rounds after
warm-up, in milliseconds.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import torch

Forward = Callable[[torch.Tensor], torch.Tensor]


@dataclass
class Candidate:
    """A way to compute the workload: ``forward(x)`` and the parameters it trains.

    ``prepare`` turns the workload's input into this candidate's input layout
    once, outside the timed region.
    """

    forward: Forward
    params: list[torch.Tensor]
    prepare: Callable[[torch.Tensor], torch.Tensor] | None = None


@dataclass
class Workload:
    """One benchmark row group: a layer at one input size, and its competitors."""

    key: str
    title: str
    input_shape: tuple[int, ...]
    ours: Callable[[], Candidate]
    raw: dict[str, Callable[[], Candidate]] = field(default_factory=dict)
    keras3: Callable[[], Candidate] | None = None
    min_reps: int = 20


def _step(candidate: Candidate, x: torch.Tensor, train: bool) -> None:
    if not train:
        with torch.no_grad():
            candidate.forward(x)
        return
    x.grad = None
    for p in candidate.params:
        p.grad = None
    candidate.forward(x).sum().backward()


def time_candidate(
    candidate: Candidate, x: torch.Tensor, train: bool, budget_s: float = 1.5, min_reps: int = 20
) -> float:
    """Median milliseconds of one forward (or training step) over repeated calls."""
    if candidate.prepare is not None:
        x = candidate.prepare(x).contiguous()
    x = x.detach().requires_grad_(train)
    for _ in range(3):
        _step(candidate, x, train)
    samples = []
    start = time.perf_counter()
    while len(samples) < min_reps or time.perf_counter() - start < budget_s:
        t0 = time.perf_counter()
        _step(candidate, x, train)
        samples.append((time.perf_counter() - t0) * 1e3)
        if len(samples) >= 2000:
            break
    return statistics.median(samples)
