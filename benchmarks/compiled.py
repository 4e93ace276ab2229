"""``torch.compile`` of a candidate, and what compilation did to it.

A compiled candidate is the same candidate (same parameters) whose ``forward`` is
``torch.compile(forward)`` with the default inductor backend; in a training step
AOTAutograd compiles the backward graph too. :func:`compile_candidate` compiles on a first
call and records what dynamo made of it: the compile time (first call, one step
included), the number of graphs and the graph breaks with their reasons (dynamo's own
counters). Call :func:`reset` before each workload: dynamo's caches then never carry
one workload's compiled code into the next, whose recompile limit it would eat (every
layer shares ``Layer.__call__``'s code).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import torch
import torch._dynamo
from harness import Candidate, candidate_input, run_once
from torch._dynamo.utils import counters


@dataclass(frozen=True)
class CompileInfo:
    """What ``torch.compile`` made of one candidate in one phase."""

    seconds: float
    graphs: int
    breaks: int
    reasons: tuple[str, ...]
    error: str = ""

    def as_dict(self) -> dict:
        return {
            "seconds": self.seconds,
            "graphs": self.graphs,
            "breaks": self.breaks,
            "reasons": list(self.reasons),
            "error": self.error,
        }


def warm_up() -> None:
    """Compile a trivial function once, so the one-time start-up of dynamo and inductor
    (imports, the C++ toolchain check, the kernels' common header) is not counted as the
    first workload's compile time."""
    torch.compile(lambda t: t * 2 + 1)(torch.ones(8))
    torch._dynamo.reset()


def reset() -> None:
    """Forget every compiled graph (call between workloads, never between candidates that
    are timed together)."""
    torch._dynamo.reset()


def compile_candidate(
    candidate: Candidate, x: torch.Tensor, train: bool
) -> tuple[Candidate | None, CompileInfo]:
    """``candidate`` with a compiled forward, compiled by one call of the phase.

    Returns ``(None, info)`` with ``info.error`` set when compilation fails, so one
    workload that does not compile does not stop the run.
    """
    counters.clear()
    compiled = Candidate(torch.compile(candidate.forward), candidate.params, candidate.prepare)
    xi = candidate_input(compiled, x, train)
    start = time.perf_counter()
    try:
        run_once(compiled, xi, train)
    except Exception as error:  # report it in the table, keep going
        message = f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"
        return None, CompileInfo(time.perf_counter() - start, 0, 0, (), message)
    seconds = time.perf_counter() - start
    breaks = counters["graph_break"]
    info = CompileInfo(
        seconds=seconds,
        graphs=int(counters["stats"]["unique_graphs"]),
        breaks=sum(breaks.values()),
        reasons=tuple(sorted(breaks, key=breaks.get, reverse=True)[:3]),
    )
    return compiled, info
