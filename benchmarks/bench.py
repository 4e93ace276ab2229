"""One peer report: convlayers against hand-written PyTorch, Keras 3 (torch) and tf-keras.

Run with ``bash benchmarks/run.sh`` (it makes ``benchmarks/.venv`` with Keras 3 and
matplotlib, sets the malloc thresholds and finds the tf-keras reference venv), e.g.
``bash benchmarks/run.sh --write benchmarks/RESULTS.md``. Not a test: figures depend on
the machine; ratios come from one run, so they compare like with like. One run:

1. every workload of ``workloads_*.py``, phase by phase (fwd, train): our layer, every
   hand-written variant and Keras 3 in interleaved rounds; then ours and the best
   hand-written variant under ``torch.compile``; the peak memory of ours, the best
   variant and Keras 3; a profile of ours, and of every peer that beats it;
2. ``--repeat`` times: each tf-keras configuration in its own process of the reference
   venv (``--tfkeras-python``), then ours alone in a loop;
3. ``--write X.md``: the report, ``X.json`` (the raw figures; ``--render X.json`` renders
   them again), the chart ``X.png``, and the targets table of the ``README.md`` beside it.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import importlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")
os.environ.setdefault("KINETO_LOG_LEVEL", "6")  # the profiler's start/stop lines, off
if "TORCHINDUCTOR_CACHE_DIR" not in os.environ:  # compile times are cold ones
    _cache = tempfile.mkdtemp(prefix="bench-inductor-")
    os.environ["TORCHINDUCTOR_CACHE_DIR"] = _cache
    atexit.register(shutil.rmtree, _cache, ignore_errors=True)
sys.path.insert(0, str(Path(__file__).parent))

import chart
import report
import torch
from breakdown import breakdown
from compiled import compile_candidate, reset, warm_up
from harness import PHASES, Candidate, LayerMissing, Workload, make_step
from memory import peak
from results import Results
from runinfo import describe_run
from tfkeras_runner import time_tfkeras
from timing import summarize, time_alone, time_interleaved

WORKLOAD_MODULES = [
    "workloads_conv",
    "workloads_separable",
    "workloads_depthwise",
    "workloads_local",
]


def load_workloads(only: list[str] | None) -> list[Workload]:
    """Every workload whose key starts with one of ``only`` (all when empty)."""
    found = [w for name in WORKLOAD_MODULES for w in importlib.import_module(name).workloads()]
    return [w for w in found if not only or any(w.key.startswith(p) for p in only)]


STARTED = time.perf_counter()
STAGE_SECONDS: dict[str, float] = {}  # wall time per stage of the run, for the report


def log(message: str) -> None:
    """Progress, with the minutes and seconds since the run began."""
    minutes, seconds = divmod(int(time.perf_counter() - STARTED), 60)
    print(f"[{minutes:02d}:{seconds:02d}] {message}", flush=True)


@contextlib.contextmanager
def stage(name: str):
    """Add the wall time of the block to ``STAGE_SECONDS[name]``."""
    start = time.perf_counter()
    try:
        yield
    finally:
        STAGE_SECONDS[name] = STAGE_SECONDS.get(name, 0.0) + time.perf_counter() - start


def timed(candidates: dict[str, Candidate], x: torch.Tensor, train: bool, rounds: int, opts):
    """Stats of ``candidates`` timed together in interleaved rounds."""
    steps = {name: make_step(c, x, train) for name, c in candidates.items()}
    samples = time_interleaved(steps, rounds, opts.clock, opts.max_seconds)
    return {name: summarize(s) for name, s in samples.items()}


def compiled_phase(candidates: dict[str, Candidate], names, x, train, rounds, opts):
    """Compile ``names`` of ``candidates``, then time them together: (stats, infos, built)."""
    built, infos = {}, {}
    for name in names:
        compiled, info = compile_candidate(candidates[name], x, train)
        infos[name] = info.as_dict()
        if compiled is not None:
            built[name] = compiled
    return timed(built, x, train, rounds, opts), infos, built


def measure_phase(
    workload: Workload, candidates: dict[str, Candidate], x: torch.Tensor, train: bool, opts
) -> dict:
    """Eager and compiled times, memory and profiles of one phase (a results.py record)."""
    phase = "train" if train else "fwd"
    rounds = workload.rounds or opts.rounds
    with stage("eager timing"):
        eager = timed(candidates, x, train, rounds, opts)
    raws = [name for name in eager if name.startswith("raw:")]
    best = min(raws, key=lambda name: eager[name].median) if raws else None
    record: dict = {"eager": {n: s.as_dict() for n, s in eager.items()}, "best_raw": best}
    record["note"] = workload.notes.get(phase, "")
    faster = [n for n in (best, "keras3") if n in eager and eager[n].median < eager["ours"].median]
    profiled = {"ours": candidates["ours"], **{n: candidates[n] for n in faster}}
    skipped = workload.no_compile.get(phase)
    if skipped:
        record["compile_skipped"] = skipped
    elif opts.compile:
        with stage("torch.compile: compiling and timing"):
            names = ("ours", best) if best else ("ours",)
            stats, infos, built = compiled_phase(candidates, names, x, train, rounds, opts)
        record["compiled"] = {n: s.as_dict() for n, s in stats.items()}
        record["compile_info"] = infos
        if best in stats and stats[best].median < stats["ours"].median:
            profiled.update({"compiled:ours": built["ours"], f"compiled:{best}": built[best]})
    if opts.memory:
        with stage("peak memory"):
            names = [n for n in ("ours", best, "keras3") if n in candidates]
            record["memory"] = {n: peak(candidates[n], x, train).as_dict() for n in names}
    if opts.explain:
        with stage("profiles"):
            record["breakdown"] = {n: breakdown(c, x, train).as_dict() for n, c in profiled.items()}
    return record


def measure_workload(workload: Workload, opts) -> dict | None:
    """Every phase of one workload; None if our layer is missing (a hook for new layers)."""
    try:
        candidates = workload.candidates()
    except LayerMissing as missing:
        log(f"{workload.key}: skipped, {missing}")
        return None
    x = torch.randn(workload.spec.input_shape)
    reset()
    phases = {}
    for phase in PHASES:
        phases[phase] = measure_phase(workload, candidates, x, phase == "train", opts)
        medians = {n: round(s["median"], 4) for n, s in phases[phase]["eager"].items()}
        compiled = {n: round(s["median"], 4) for n, s in phases[phase].get("compiled", {}).items()}
        secs = {n: round(i["seconds"], 1) for n, i in phases[phase].get("compile_info", {}).items()}
        log(f"{workload.key} {phase} eager {medians} compiled {compiled} in s {secs}")
    del candidates
    gc.collect()
    spec = workload.spec.as_dict()
    return {"key": workload.key, "title": workload.title, "spec": spec, "phases": phases}


def tfkeras_best(variants: tuple[dict, ...], spec: dict, opts, versions: dict) -> dict:
    """Time each tf-keras variant of ``spec`` in its own process; per phase the fastest
    ``{"tfkeras": stat, "implementation": label}``, or ``{"error": ...}`` if none ran."""
    best: dict[str, dict] = {}
    errors = []
    for overrides in variants:
        request = {**spec, "kwargs": {**spec["kwargs"], **overrides}}
        with stage("tf-keras processes"):
            got = time_tfkeras(opts.tfkeras_python, request, opts.rounds, opts.max_seconds)
        if "error" in got:
            errors.append(got["error"])
            continue
        versions.update(got["versions"])
        label = f"i{overrides['implementation']}" if "implementation" in overrides else ""
        for phase in PHASES:
            stat = summarize(got[phase]).as_dict()
            if phase not in best or stat["median"] < best[phase]["tfkeras"]["median"]:
                best[phase] = {"tfkeras": stat, "implementation": label}
    return {phase: best.get(phase, {"error": "; ".join(errors)}) for phase in PHASES}


def ours_alone(workload: Workload, opts) -> dict[str, dict]:
    """Our layer's stats per phase, each phase alone in a loop (as tf-keras is timed)."""
    ours, x = workload.ours(), torch.randn(workload.spec.input_shape)
    rounds = workload.rounds or opts.rounds
    found = {}
    with stage("ours alone (tf-keras runs)"):
        for phase in PHASES:
            step = make_step(ours, x, phase == "train")
            found[phase] = summarize(time_alone(step, rounds, opts.clock, opts.max_seconds))
    return {phase: stat.as_dict() for phase, stat in found.items()}


def tfkeras_stage(workloads: list[Workload], records: dict[str, dict], opts) -> dict:
    """``opts.repeat`` runs of: each tf-keras configuration in its own process, then ours
    alone in a loop; appended to each phase's ``tfkeras`` list. Returns tf versions."""
    groups: dict[str, tuple[tuple[dict, ...], list[Workload]]] = {}
    for w in workloads:
        if w.tfkeras and w.key in records:
            groups.setdefault(w.tfkeras[0], (w.tfkeras[1], []))[1].append(w)
    versions: dict = {}
    for run in range(1, opts.repeat + 1):
        for variants, members in groups.values():
            tf = tfkeras_best(variants, members[0].spec.as_dict(), opts, versions)
            for w in members:
                alone = ours_alone(w, opts)
                for phase in PHASES:
                    entry = {"ours": alone[phase], **tf[phase]}
                    records[w.key]["phases"][phase].setdefault("tfkeras", []).append(entry)
                    said = f"{entry['tfkeras']['median']:.4g} ms" if "tfkeras" in entry else "error"
                    mine = alone[phase]["median"]
                    log(f"run {run} {w.key} {phase}: tf-keras {said}, ours alone {mine:.4g} ms")
                gc.collect()
    return versions


def write(results: Results, path: Path) -> None:
    """``path`` (markdown), the chart beside it, and the README's targets table."""
    png = path.with_suffix(".png")
    try:
        chart.draw(results, png)
    except ImportError:
        print("matplotlib is not installed: no chart (run.sh installs it)", flush=True)
        png = None
    path.write_text(report.render(results, png.name if png else None))
    readme = path.with_name("README.md")
    if readme.exists() and report.update_readme(readme, results):
        print(f"updated the targets table of {readme}", flush=True)
    print(f"wrote {path}" + (f" and {png}" if png else ""), flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--only", nargs="*", help="workload keys (prefixes) to run")
    parser.add_argument("--list", action="store_true", help="list the workload keys and stop")
    parser.add_argument("--rounds", type=int, default=40, help="interleaved rounds per phase")
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=30.0,
        help="time budget of one timed group (rounds stop early, never below 5)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="tf-keras runs (each: tf-keras, then ours alone); the median ratio is reported",
    )
    parser.add_argument("--threads", type=int, default=2, help="torch threads")
    parser.add_argument(
        "--clock",
        choices=("wall", "thread"),
        default="wall",
        help="wall time, or the calling thread's CPU time (with --threads 1 on a busy "
        "machine; tf-keras is then not timed)",
    )
    parser.add_argument("--no-compile", dest="compile", action="store_false")
    parser.add_argument("--no-memory", dest="memory", action="store_false")
    parser.add_argument(
        "--no-explain",
        dest="explain",
        action="store_false",
        help="skip the profiles of ours and of the peers that beat it",
    )
    parser.add_argument("--tfkeras-python", help="python of the reference venv (tf-keras 2.21)")
    parser.add_argument("--write", type=Path, help="write the report here (and .json, .png)")
    parser.add_argument("--render", type=Path, help="render a saved .json again; no timing")
    opts = parser.parse_args()
    opts.clock_name = opts.clock
    opts.clock = time.perf_counter if opts.clock == "wall" else time.thread_time
    if opts.clock_name == "thread" and opts.tfkeras_python:
        log("--clock thread: tf-keras (many threads) is not timed")
        opts.tfkeras_python = None
    return opts


def main() -> None:
    opts = parse_args()
    if opts.render:
        results = Results.load(opts.render)
        write(results, opts.write or opts.render.with_suffix(".md"))
        return
    workloads = load_workloads(opts.only)
    if opts.list:
        print("\n".join(f"{w.key}: {w.title}" for w in workloads))
        return
    started, load_start = time.perf_counter(), os.getloadavg()
    torch.set_num_threads(opts.threads)
    torch.manual_seed(0)
    if opts.compile:
        with stage("torch.compile start-up"):
            warm_up()
    records = {}
    for w in workloads:
        record = measure_workload(w, opts)
        if record is not None:
            records[w.key] = record
    tf_versions = tfkeras_stage(workloads, records, opts) if opts.tfkeras_python else {}
    data = {
        "meta": describe_run(opts, started, load_start, tf_versions, STAGE_SECONDS),
        "workloads": list(records.values()),
    }
    results = Results.from_dict(data)
    print(report.summary(results), flush=True)
    if opts.write:
        opts.write.parent.mkdir(parents=True, exist_ok=True)
        opts.write.with_suffix(".json").write_text(json.dumps(data, indent=1) + "\n")
        write(results, opts.write)


if __name__ == "__main__":
    main()
