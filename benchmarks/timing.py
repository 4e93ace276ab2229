"""Timing: milliseconds per call of zero-argument steps (the one timing loop of the benchmark).

This module imports neither torch nor TensorFlow: ``bench.py`` times our layer and the
PyTorch peers with it, and ``tfkeras_runner.py`` times tf-keras with it in the reference
venv, so every figure of the report is sampled the same way:

* each step is called 3 times to warm up (``torch.compile`` and ``tf.function`` trace and
  compile there), then once more to size a sample;
* a sample is the mean of enough consecutive calls to last about 2 ms, so a call of a few
  microseconds is not lost in the clock's resolution;
* steps given together run in interleaved rounds (each round calls every step once in
  turn), so they share the machine's load; a step given alone runs alone in a loop.

>>> samples = time_interleaved({"noop": lambda: None}, rounds=3)
>>> len(samples["noop"]), summarize(samples["noop"]).rounds
(3, 3)
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

Step = Callable[[], object]
Clock = Callable[[], float]

SAMPLE_SECONDS = 2e-3  # a sample lasts at least this long
WARMUP_CALLS = 3
MIN_ROUNDS = 5  # a time budget never cuts a run below this many rounds


@dataclass(frozen=True)
class Stat:
    """Summary of one step's samples, in milliseconds per call."""

    median: float
    low: float
    high: float
    rounds: int

    def as_dict(self) -> dict:
        return {"median": self.median, "low": self.low, "high": self.high, "rounds": self.rounds}


def summarize(samples: list[float]) -> Stat:
    """Median, minimum and maximum of ``samples`` (ms per call) and their count."""
    return Stat(statistics.median(samples), min(samples), max(samples), len(samples))


def calls_per_sample(step: Step, warmup: int = WARMUP_CALLS) -> int:
    """Warm ``step`` up, then how many calls make a sample of about ``SAMPLE_SECONDS``."""
    for _ in range(warmup):
        step()
    start = time.perf_counter()
    step()
    return max(1, int(SAMPLE_SECONDS / max(time.perf_counter() - start, 1e-7)))


def time_interleaved(
    steps: dict[str, Step],
    rounds: int,
    clock: Clock = time.perf_counter,
    max_seconds: float | None = None,
) -> dict[str, list[float]]:
    """Milliseconds per call of every step, one sample per step per round.

    Rounds stop early once ``max_seconds`` have passed (never before ``MIN_ROUNDS``), so a
    very slow step cannot make a run overlong; the samples say how many rounds ran.
    """
    reps = {name: calls_per_sample(step) for name, step in steps.items()}
    samples: dict[str, list[float]] = {name: [] for name in steps}
    began = time.perf_counter()
    for done in range(1, rounds + 1):
        for name, step in steps.items():
            start = clock()
            for _ in range(reps[name]):
                step()
            samples[name].append((clock() - start) * 1e3 / reps[name])
        late = max_seconds is not None and time.perf_counter() - began > max_seconds
        if late and done >= MIN_ROUNDS:
            break
    return samples


def time_alone(
    step: Step,
    rounds: int,
    clock: Clock = time.perf_counter,
    max_seconds: float | None = None,
) -> list[float]:
    """Milliseconds per call of ``step`` run alone in a loop (as tf-keras is timed)."""
    return time_interleaved({"step": step}, rounds, clock, max_seconds)["step"]
