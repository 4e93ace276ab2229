"""Benchmark convlayers against hand-written PyTorch and Keras 3 (torch backend).

Run with ``bash benchmarks/run.sh`` (creates its own venv with Keras 3) and
write the table with ``--write benchmarks/RESULTS.md``. Not a test: numbers
depend on the machine. Ratios come from one run, so they compare like with like.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")
sys.path.insert(0, str(Path(__file__).parent))

import torch
from harness import Workload, time_interleaved

WORKLOAD_MODULES = ["workloads_conv", "workloads_separable", "workloads_local"]


def load_workloads() -> list[Workload]:
    found = []
    for name in WORKLOAD_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        found.extend(module.workloads())
    return found


def run(workload: Workload, rounds: int, clock) -> list[dict]:
    x = torch.randn(workload.input_shape)
    makers = {"ours": workload.ours, **{f"raw:{k}": m for k, m in workload.raw.items()}}
    if workload.keras3 is not None:
        makers["keras3"] = workload.keras3
    candidates = {}
    for name, make in makers.items():
        try:
            candidates[name] = make()
        except ImportError:  # Keras 3 is only in the benchmark's own venv
            continue
    rows = []
    for phase, train in (("fwd", False), ("train", True)):
        samples = time_interleaved(candidates, x, train, workload.rounds or rounds, clock)
        times = {name: statistics.median(s) for name, s in samples.items()}
        lows = {name: min(s) for name, s in samples.items()}
        row = {"workload": workload, "phase": phase, "times": times, "lows": lows}
        if workload.tfkeras:  # tf-keras runs alone in a loop: so does ours for that table
            alone = time_interleaved({"ours": candidates["ours"]}, x, train, rounds, clock)
            row["alone"] = (statistics.median(alone["ours"]), min(alone["ours"]))
        rows.append(row)
        print(workload.key, phase, {k: round(v, 4) for k, v in times.items()}, flush=True)
    return rows


# tf-keras implementations timed per size: on (b) implementation 2 trains a dense 2.1 GB
# kernel and implementation 3 enumerates 5.2 M kernel entries in Python at build; both are
# many times slower than implementation 1 there (shared/PEERS.md), so only 1 is timed.
TFKERAS_RUNS = {"a": (1, 2, 3), "b": (1,)}


def tfkeras_times(python: str, sizes: set[str]) -> tuple[dict, dict]:
    """Time tf-keras LocallyConnected1D (``tfkeras_local.py``, in the reference venv
    ``python``) under tf.function: ``{size: {phase: (median ms, min ms, implementation)}}``
    for the implementation with the fastest median, and the versions it ran."""
    only = [f"{size}-i{impl}" for size in sorted(sizes) for impl in TFKERAS_RUNS[size]]
    script = Path(__file__).with_name("tfkeras_local.py")
    env = {**os.environ, "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    done = subprocess.run(
        [python, str(script), "--graph-only", "--json", "--only", *only],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    best: dict[str, dict[str, tuple[float, float, int]]] = {}
    versions = {}
    for line in done.stdout.splitlines():
        if not line.startswith("{"):
            continue
        record = json.loads(line)
        if "versions" in record:
            versions = record["versions"]
            continue
        phases = best.setdefault(record["size"], {})
        for phase in ("fwd", "train"):
            median, low = record[f"tf.function {phase}"]
            if phase not in phases or median < phases[phase][0]:
                phases[phase] = (median, low, record["implementation"])
        print("tf-keras", record, flush=True)
    return best, versions


def tfkeras_table(rows: list[dict], best: dict) -> str:
    lines = [
        "| workload | phase | ours ms (median / min) | tf-keras tf.function ms (median / min, "
        "best implementation) | tf-keras / ours (medians) | tf-keras / ours (mins) |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        size = row["workload"].tfkeras
        if size not in best:
            continue
        median, low, impl = best[size][row["phase"]]
        ours, ours_low = row["alone"]
        lines.append(
            f"| {row['workload'].title} | {row['phase']} | {fmt(ours)} / {fmt(ours_low)} "
            f"| {fmt(median)} / {fmt(low)} (i{impl}) | {median / ours:.1f} | {low / ours_low:.1f} |"
        )
    return "\n".join(lines)


def fmt(ms: float) -> str:
    return f"{ms:.3f}" if ms < 1 else f"{ms:.2f}"


def table(rows: list[dict]) -> str:
    lines = [
        "| workload | phase | ours ms | best raw (variant) ms | ours / raw "
        "| keras3 ms | keras3 / ours |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        times = row["times"]
        raw = {k[4:]: v for k, v in times.items() if k.startswith("raw:")}
        best = min(raw, key=raw.get) if raw else None
        ours = times["ours"]
        raw_cell = f"{fmt(raw[best])} ({best})" if best else "n/a"
        ratio = f"{ours / raw[best]:.2f}" if best else "n/a"
        k3 = times.get("keras3")
        k3_cells = (fmt(k3), f"{k3 / ours:.2f}") if k3 else ("n/a", "n/a")
        lines.append(
            f"| {row['workload'].title} | {row['phase']} | {fmt(ours)} | {raw_cell} | {ratio} "
            f"| {k3_cells[0]} | {k3_cells[1]} |"
        )
    return "\n".join(lines)


def detail(rows: list[dict]) -> str:
    lines = [
        "| workload | phase | candidate | median ms | min ms |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        for name, ms in row["times"].items():
            low = fmt(row["lows"][name])
            lines.append(f"| {row['workload'].key} | {row['phase']} | {name} | {fmt(ms)} | {low} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", help="workload keys (prefixes) to run")
    parser.add_argument("--rounds", type=int, default=25, help="interleaved rounds per phase")
    parser.add_argument("--threads", type=int, default=2, help="torch threads")
    parser.add_argument(
        "--clock",
        choices=("wall", "thread"),
        default="wall",
        help="wall time, or the calling thread's CPU time (robust on a busy machine "
        "with --threads 1)",
    )
    parser.add_argument("--write", type=Path, help="write a markdown report here")
    parser.add_argument(
        "--tfkeras-python",
        help="python of a venv with tensorflow + tf_keras 2.21 (tools/README.md): time "
        "tf-keras LocallyConnected1D in this run too (before ours, in its own process)",
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    clock = time.perf_counter if args.clock == "wall" else time.thread_time
    workloads = [
        w for w in load_workloads() if not args.only or any(w.key.startswith(p) for p in args.only)
    ]
    sizes = {w.tfkeras for w in workloads if w.tfkeras}
    tf_best, tf_versions = (
        tfkeras_times(args.tfkeras_python, sizes) if args.tfkeras_python and sizes else ({}, {})
    )
    rows = [row for w in workloads for row in run(w, args.rounds, clock)]
    try:
        import keras

        keras_version = keras.__version__
    except ImportError:
        keras_version = "not installed"
    header = "\n".join(
        [
            f"# convlayers benchmark ({datetime.date.today().isoformat()})",
            "",
            f"- Machine: {platform.processor() or platform.machine()}, "
            f"{os.cpu_count()} logical CPUs, torch threads {torch.get_num_threads()}",
            f"- Versions: torch {torch.__version__}, keras {keras_version} (torch backend), "
            f"Python {platform.python_version()}",
            "- malloc: "
            + " ".join(
                f"{k}={os.environ.get(k, 'default')}"
                for k in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")
            ),
            f"- Times: median ms over {args.rounds} interleaved rounds after warm-up"
            f" ({args.clock} clock); fwd = forward under no_grad; train = forward +"
            " gradient of sum(outputs) w.r.t. input and all weights.",
            "- `ours / raw` < 1 means we beat the best hand-written PyTorch variant;"
            " `keras3 / ours` > 1 means we beat Keras 3.",
            "",
        ]
    )
    report = f"{header}\n{table(rows)}\n"
    if tf_best:
        report += (
            f"\n## LocallyConnected1D against tf-keras (tensorflow {tf_versions['tensorflow']},"
            f" tf_keras {tf_versions['tf_keras']}, same run, 2 intra-op threads)\n\n"
            "tf-keras timed first, in its own process (`tfkeras_local.py`), under tf.function,"
            " the `implementation` with the fastest median, in a loop of the same step; ours"
            " per stored layout, likewise alone in a loop (between the hand-written"
            " competitors' steps our small steps run slower: workload (a) training 2.3 ms"
            " against 1.4 ms alone). The two are not interleaved, so a load burst can hit one"
            " and not the other: the ratio of minimums is the steadier of the two.\n\n"
            f"{tfkeras_table(rows, tf_best)}\n"
        )
    report += f"\n## Every candidate\n\n{detail(rows)}\n"
    print(report)
    if args.write:
        args.write.write_text(report)


if __name__ == "__main__":
    main()
