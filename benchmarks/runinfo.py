"""What a run ran on and how: the metadata at the head of ``RESULTS.md``.

Date, CPU model, thread counts, library versions, the convlayers commit, the malloc
settings, the command, the load average at the start and end (a shared machine shows
there), the method's parameters and the wall time of each stage of the run.
"""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
MALLOC = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")


def machine() -> str:
    """The CPU model (``/proc/cpuinfo``), or what ``platform`` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def commit() -> str:
    """The checkout's short commit, ``+changes`` when ``src/`` differs from it."""
    git = ["git", "-C", str(ROOT)]
    quiet = dict(capture_output=True, text=True, check=True)
    try:
        head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], **quiet).stdout.strip()
        dirty = subprocess.run([*git, "status", "--porcelain", "--", "src"], **quiet).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+changes" if dirty.strip() else "")


def versions(tf_versions: dict) -> dict:
    """torch, Python, Keras 3 and the tf-keras runs' TensorFlow and tf_keras versions."""
    found = {"torch": torch.__version__, "python": platform.python_version()}
    try:
        import keras

        found["keras"] = f"{keras.__version__} (torch backend)"
    except ImportError:
        found["keras"] = "not installed"
    return {**found, **tf_versions}


def describe_run(
    opts, started: float, load_start: tuple[float, ...], tf_versions: dict, stages: dict
) -> dict:
    """The ``meta`` record of ``results.py``, at the end of a run begun at ``started``."""
    return {
        "date": datetime.date.today().isoformat(),
        "machine": machine(),
        "cpus": os.cpu_count(),
        "threads": torch.get_num_threads(),
        "versions": versions(tf_versions),
        "commit": commit(),
        "malloc": {k: os.environ.get(k, "default") for k in MALLOC},
        "command": os.environ.get("BENCH_COMMAND", " ".join(["python", *sys.argv])),
        "wall_s": time.perf_counter() - started,
        "load": {
            "start": [round(v, 2) for v in load_start],
            "end": [round(v, 2) for v in os.getloadavg()],
        },
        "rounds": opts.rounds,
        "repeat": opts.repeat if opts.tfkeras_python else 0,
        "clock": opts.clock_name,
        "max_seconds": opts.max_seconds,
        "stage_s": {name: round(s, 1) for name, s in stages.items()},
    }
