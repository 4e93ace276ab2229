"""Compare a workload's candidates on a shared, busy machine: interleaved rounds, CPU-time clock.

``bench.py`` times each candidate in its own block of wall-clock time, which other
processes on a 2-core machine distort by 2-10x. Here every round runs each
candidate once, in turn, so they see the same load, and ``--clock thread`` measures
the calling thread's CPU time (with ``--threads 1`` all the work runs on that
thread), which preemption does not inflate. Prints min and median per candidate.

Run: ``PYTHONPATH=src KERAS_BACKEND=torch python benchmarks/interleaved.py separable``
(arguments are workload-key prefixes).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")
sys.path.insert(0, str(Path(__file__).parent))

import torch
from bench import load_workloads
from harness import Candidate, _step


def compare(workload, rounds: int, clock) -> list[tuple[str, str, float, float]]:
    """(phase, candidate, min ms, median ms) for every candidate of ``workload``."""
    x = torch.randn(workload.input_shape)
    makers = {"ours": workload.ours, **{f"raw:{k}": m for k, m in workload.raw.items()}}
    if workload.keras3 is not None:
        makers["keras3"] = workload.keras3
    candidates: dict[str, Candidate] = {}
    for name, make in makers.items():
        try:
            candidates[name] = make()
        except ImportError:
            continue
    rows = []
    for phase, train in (("fwd", False), ("train", True)):
        inputs = {}
        for name, c in candidates.items():
            xi = (c.prepare(x) if c.prepare is not None else x).contiguous()
            inputs[name] = xi.detach().requires_grad_(train)
            for _ in range(2):
                _step(c, inputs[name], train)
        samples: dict[str, list[float]] = {name: [] for name in candidates}
        for _ in range(rounds):
            for name, c in candidates.items():
                start = clock()
                _step(c, inputs[name], train)
                samples[name].append((clock() - start) * 1e3)
        rows += [(phase, n, min(s), statistics.median(s)) for n, s in samples.items()]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("only", nargs="*", help="workload key prefixes")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--clock", choices=("thread", "wall"), default="thread")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    clock = time.thread_time if args.clock == "thread" else time.perf_counter
    print(f"threads {args.threads}, clock {args.clock}, rounds {args.rounds}")
    print("| workload | phase | candidate | min ms | median ms | median / ours |")
    print("|---|---|---|---|---|---|")
    for w in load_workloads():
        if args.only and not any(w.key.startswith(p) for p in args.only):
            continue
        rows = compare(w, args.rounds, clock)
        ours = {phase: med for phase, name, _, med in rows if name == "ours"}
        for phase, name, low, med in rows:
            print(
                f"| {w.key} | {phase} | {name} | {low:.2f} | {med:.2f} | {med / ours[phase]:.2f} |"
            )


if __name__ == "__main__":
    main()
