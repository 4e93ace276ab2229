"""Timing harness shared by the benchmark workloads (not a test).

A workload gives, for one layer and input size, our layer, the best
hand-written PyTorch variants and the Keras 3 (torch backend) layer. Each
candidate is timed for inference (forward under ``no_grad``) and for a
training step (forward, then the gradient of ``sum(outputs)`` with respect to
the input and every weight), in interleaved rounds after warm-up, in milliseconds.
"""

from __future__ import annotations

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
    rounds: int | None = None  # fewer rounds for a very slow workload
    tfkeras: str | None = None  # size key of this workload in ``tfkeras_local.py``


def _step(candidate: Candidate, x: torch.Tensor, train: bool) -> None:
    if not train:
        with torch.no_grad():
            candidate.forward(x)
        return
    x.grad = None
    for p in candidate.params:
        p.grad = None
    candidate.forward(x).sum().backward()


def time_interleaved(
    candidates: dict[str, Candidate],
    x: torch.Tensor,
    train: bool,
    rounds: int,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, list[float]]:
    """Milliseconds per call of every candidate, sampled in interleaved rounds.

    Each round runs every candidate once in turn, so all of them see the same
    machine load; a sample averages enough calls to last about 2 ms, so tiny
    (per-call overhead) workloads are not lost in clock resolution.
    """
    inputs, reps = {}, {}
    for name, candidate in candidates.items():
        xi = candidate.prepare(x).contiguous() if candidate.prepare is not None else x
        inputs[name] = xi.detach().requires_grad_(train)
        for _ in range(3):
            _step(candidate, inputs[name], train)
        start = time.perf_counter()
        _step(candidate, inputs[name], train)
        reps[name] = max(1, int(2e-3 / max(time.perf_counter() - start, 1e-7)))
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, candidate in candidates.items():
            start = clock()
            for _ in range(reps[name]):
                _step(candidate, inputs[name], train)
            samples[name].append((clock() - start) * 1e3 / reps[name])
    return samples
