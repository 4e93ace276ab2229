"""The markdown report of one run (``RESULTS.md``) and the targets table of ``README.md``.

Every ratio is a *speed-up*: a peer's median time over ours, so > 1 means ours is faster
and < 1 that the peer is; the targets table gives each ratio in its target's own form.
"""

from __future__ import annotations

import re
from pathlib import Path

from results import PhaseResult, Results
from targets import targets

README_BEGIN = "<!-- targets:begin (written by bench.py --write) -->"
README_END = "<!-- targets:end -->"


def fmt_ms(ms: float | None) -> str:
    """Milliseconds: three decimals below 1 ms, two above; ``n/a`` for None."""
    if ms is None:
        return "n/a"
    return f"{ms:.3f}" if ms < 1 else f"{ms:.2f}"


def fmt_x(ratio: float | None) -> str:
    return "n/a" if ratio is None else f"{ratio:.2f}"


def fmt_mb(nbytes: float) -> str:
    """MiB, three significant digits (whole MiB from 1000 up)."""
    mb = nbytes / 2**20
    return f"{mb:.0f}" if mb >= 1000 else f"{mb:.3g}"


def fmt_short(ms: float) -> str:
    """A breakdown's time: µs below 0.1 ms."""
    return f"{ms * 1e3:.0f} µs" if ms < 0.1 else f"{ms:.3g} ms"


def variant(name: str | None) -> str:
    return (name or "").removeprefix("raw:")


def header(meta: dict) -> str:
    versions = ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
    malloc = " ".join(f"{k}={v}" for k, v in meta["malloc"].items())
    load = meta.get("load", {})
    stages = ", ".join(f"{k} {v / 60:.1f}" for k, v in meta.get("stage_s", {}).items())
    return "\n".join(
        [
            f"# convlayers peer benchmark ({meta['date']})",
            "",
            f"- Machine: {meta['machine']}, {meta['cpus']} logical CPUs; torch threads "
            f"{meta['threads']}, tf-keras 2 intra-op / 2 inter-op threads. Load average "
            f"at start {load.get('start', 'n/a')}, at end {load.get('end', 'n/a')}.",
            f"- Versions: {versions}; convlayers at `{meta['commit']}`.",
            f"- malloc: {malloc}.",
            f"- Command: `{meta['command']}`; wall time {meta['wall_s'] / 60:.1f} min "
            f"({stages} min).",
            "",
            "## Method",
            "",
            f"- Times: median ms per call over {meta['rounds']} rounds after 3 warm-up calls "
            f"({meta['clock']} clock); a sample is the mean of enough calls to last 2 ms; "
            "every candidate of a workload runs once per round in turn, so all see the same "
            "load (`timing.py`; rounds stop early after "
            f"{meta['max_seconds']} s, never below 5: see *rounds* in the last table).",
            "- fwd = forward under `no_grad`; train = forward + gradients of `sum(y)` with "
            "respect to the input and every weight. Each candidate takes the input in the "
            "layout it likes best, made untimed.",
            "- Peers: the best hand-written PyTorch variant of the phase in this run "
            "(weights in torch layout, no Keras bookkeeping); Keras 3 on its torch backend "
            "where it has the layer; tf-keras under `tf.function`.",
            "- Speed-up = peer ms / ours ms (> 1: ours faster).",
            "- tf-keras: each layer (each `implementation`) in its own process of the "
            "reference venv (`tfkeras_runner.py`), timed alone in a loop with the same "
            "timing code; right after it, ours alone in a loop in this process; "
            f"tf-keras / ours per run, median of {meta['repeat']} runs; the fastest "
            "implementation is taken.",
            "- Compiled: `torch.compile` (inductor, default mode) of ours and of the best "
            "hand-written variant of the eager phase, compiled by a first call (its time "
            "below: a cold compile, as the run starts with an empty inductor cache), then "
            "timed together in interleaved rounds.",
            "- Peak memory: torch's memory profiler, the largest sum of live CPU tensors during "
            "one warm step (input, weights, output, temporaries, saved tensors, gradients), "
            "given in MB and as a multiple of the candidate's input + output + parameters.",
            "- Where ours loses: torch's profiler, self CPU time per op for ours and the peer.",
            "",
        ]
    )


def summary(results: Results) -> str:
    lines = [
        "| workload | phase | ours ms | best hand-written ms (variant) | × hand-written "
        "| Keras 3 ms | × Keras 3 | tf-keras ms (impl) | × tf-keras | ours peak MB (× tensors) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for w, name, p in results.rows():
        ours = p.eager["ours"].median
        raw = p.eager.get(p.best_raw or "")
        k3 = p.eager.get("keras3")
        tf_ms, impl = _tf_median(p)
        mem_cell = _peak(p.memory["ours"]) if "ours" in p.memory else "n/a"
        lines.append(
            f"| {w.title} | {name} | {fmt_ms(ours)} "
            f"| {fmt_ms(raw.median if raw else None)} ({variant(p.best_raw)}) "
            f"| {fmt_x(p.speedup(p.best_raw or ''))} | {fmt_ms(k3.median if k3 else None)} "
            f"| {fmt_x(p.speedup('keras3'))} | {fmt_ms(tf_ms)}{impl} "
            f"| {fmt_x(p.tf_speedup())} | {mem_cell} |"
        )
    return "\n".join(lines)


def _tf_median(phase: PhaseResult) -> tuple[float | None, str]:
    runs = [r for r in phase.tfkeras if "tfkeras" in r]
    if not runs:
        return None, ""
    times = sorted(r["tfkeras"]["median"] for r in runs)
    impls = sorted({r.get("implementation", "") for r in runs} - {""})
    return times[len(times) // 2], f" ({'/'.join(impls)})" if impls else ""


def compiled(results: Results) -> str:
    lines = [
        "| workload | phase | ours compiled ms | hand-written compiled ms (variant) "
        "| × hand-written compiled | ours eager / compiled | hand-written eager / compiled "
        "| compile s (ours / hand-written) | graphs, breaks (ours / hand-written) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    notes = []
    for w, name, p in results.rows():
        if p.compile_skipped:
            notes.append(f"- {w.key} {name}: {p.compile_skipped}")
        if not p.compile_info:
            continue
        raw = p.best_raw or ""
        info = {k: p.compile_info.get(k, {}) for k in ("ours", raw)}
        cells = [fmt_ms(p.compiled[k].median) if k in p.compiled else "failed" for k in info]
        gain = [
            fmt_x(p.eager[k].median / p.compiled[k].median) if k in p.compiled else "n/a"
            for k in info
        ]
        secs = " / ".join(f"{i.get('seconds', 0):.1f}" for i in info.values())
        graphs = " / ".join(f"{i.get('graphs', 0)}, {i.get('breaks', 0)}" for i in info.values())
        lines.append(
            f"| {w.title} | {name} | {cells[0]} | {cells[1]} ({variant(raw)}) "
            f"| {fmt_x(p.speedup(raw, True))} | {gain[0]} | {gain[1]} | {secs} | {graphs} |"
        )
        for who, i in info.items():
            if i.get("error") or i.get("reasons"):
                why = i.get("error") or "; ".join(i["reasons"])
                notes.append(f"- {w.key} {name} {variant(who)}: {why}")
    if notes:
        lines += ["", "Not compiled, compilation errors and graph-break reasons:", "", *notes]
    return "\n".join(lines)


def tfkeras(results: Results) -> str:
    lines = [
        "| workload | phase | tf-keras ms per run (implementation) | ours alone ms per run "
        "| tf-keras / ours per run | median |",
        "|---|---|---|---|---|---|",
    ]
    for w, name, p in results.rows():
        if not p.tfkeras:
            continue
        tf_cells, ours_cells = [], []
        for r in p.tfkeras:
            if "tfkeras" in r:
                impl = f" ({r['implementation']})" if r.get("implementation") else ""
                tf_cells.append(f"{fmt_ms(r['tfkeras']['median'])}{impl}")
            else:
                tf_cells.append(f"error: {r.get('error', '?')}")
            ours_cells.append(fmt_ms(r["ours"]["median"]) if "ours" in r else "n/a")
        ratios = ", ".join(f"{x:.2f}" for x in p.tf_runs()) or "n/a"
        lines.append(
            f"| {w.title} | {name} | {', '.join(tf_cells)} | {', '.join(ours_cells)} "
            f"| {ratios} | **{fmt_x(p.tf_speedup())}** |"
        )
    return "\n".join(lines)


def memory(results: Results) -> str:
    lines = [
        "| workload | phase | ours: tensors MB, peak MB (×) | best hand-written: peak MB (×) "
        "| Keras 3: peak MB (×) |",
        "|---|---|---|---|---|",
    ]
    for w, name, p in results.rows():
        if "ours" not in p.memory:
            continue
        ours = p.memory["ours"]
        cells = [f"{fmt_mb(ours['tensors'])}, {_peak(ours)}"]
        for who in (p.best_raw or "", "keras3"):
            cells.append(_peak(p.memory[who]) if who in p.memory else "n/a")
        lines.append(f"| {w.title} | {name} | {' | '.join(cells)} |")
    return "\n".join(lines)


def _peak(m: dict) -> str:
    """``peak MB (× input + output + parameters)``."""
    return f"{fmt_mb(m['peak'])} ({m['peak'] / m['tensors']:.2f})"


def targets_table(results: Results) -> str:
    lines = [
        "| workload | phase | target | measured | verdict | source |",
        "|---|---|---|---|---|---|",
    ]
    for t in targets():
        value = t.measured(results)
        lines.append(
            f"| {t.workload} | {t.phase} | {t.describe()} | {fmt_x(value)} | {t.verdict(value)} "
            f"| {t.source} |"
        )
    return "\n".join(lines)


def _describe(b: dict | None, top: int = 5) -> str:
    if not b:
        return "not profiled"
    parts = [f"`{op}` {fmt_short(ms)} (×{calls:g})" for op, ms, calls in b["ops"][:top]]
    parts.append(f"outside ops {fmt_short(b['outside_ms'])}")
    return f"{fmt_short(b['step_ms'])} under the profiler: " + ", ".join(parts)


def losses(results: Results) -> str:
    """Every ratio where a peer is faster than ours, with what each side spends time on."""
    items = []
    for w, name, p in results.rows():
        for kind, (who, ratio) in p.peer_speedups().items():
            if ratio is None or ratio >= 1:
                continue
            ours_key = "compiled:ours" if kind == "hand-written compiled" else "ours"
            peer_key = f"compiled:{who}" if kind == "hand-written compiled" else who
            head = f"- **{w.title}, {name}**, against {kind} (`{variant(who)}`): {ratio:.2f}"
            noise = " (within 5%: medians of equal code differ this much)" if ratio >= 0.95 else ""
            lines = [f"{head}{noise}."]
            if p.note:
                lines.append(f"  Known: {p.note}")
            lines.append(f"  - ours: {_describe(p.breakdown.get(ours_key))}")
            if kind != "tf-keras":
                lines.append(f"  - {variant(who)}: {_describe(p.breakdown.get(peer_key))}")
            items.append("\n".join(lines))
    intro = (
        "Every speed-up below 1, with the profile of both sides (per step: the ops with the "
        "most self time, their calls, and the time outside ops).\n\n"
    )
    return intro + "\n".join(items) if items else "Ours is at least as fast as every peer."


def detail(results: Results) -> str:
    lines = [
        "| workload | phase | mode | candidate | median ms | min ms | max ms | rounds |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for w, name, p in results.rows():
        for mode, stats in (("eager", p.eager), ("compiled", p.compiled)):
            for who, s in stats.items():
                lines.append(
                    f"| {w.key} | {name} | {mode} | {who} | {fmt_ms(s.median)} "
                    f"| {fmt_ms(s.low)} | {fmt_ms(s.high)} | {s.rounds} |"
                )
    return "\n".join(lines)


def render(results: Results, chart_name: str | None) -> str:
    """The whole ``RESULTS.md``."""
    parts = [header(results.meta)]
    if chart_name:
        parts.append(f"![Speed-ups of ours over each peer]({chart_name})\n")
    parts += [
        "## Speed-ups, eager (one run)\n",
        summary(results),
        "\n## Against the targets\n",
        targets_table(results),
        "\n## torch.compile\n",
        "What compile does to each: *eager / compiled* > 1 means compiling made it faster; "
        "*graphs, breaks* are dynamo's counts for the compiled forward (a graph break splits "
        "it into several compiled pieces run from Python).\n",
        compiled(results),
        "\n## tf-keras (tf.function), alone in a loop\n",
        tfkeras(results),
        "\n## Peak memory\n",
        memory(results),
        "\n## Where ours loses\n",
        losses(results),
        "\n## Every candidate\n",
        detail(results),
    ]
    return "\n".join(parts) + "\n"


def update_readme(readme: Path, results: Results) -> bool:
    """Replace the targets table between the markers of ``readme``; False if it has none."""
    text = readme.read_text()
    if README_BEGIN not in text or README_END not in text:
        return False
    block = (
        f"{README_BEGIN}\nFrom the run of {results.meta['date']} "
        f"(`RESULTS.md`, {results.meta['machine']}):\n\n{targets_table(results)}\n\n"
        "Conv2D, DepthwiseConv1D/2D and LocallyConnected2D have no speed target yet: the "
        f"report gives their ratios, and explains each one below 1.\n{README_END}"
    )
    pattern = re.escape(README_BEGIN) + r".*?" + re.escape(README_END)
    readme.write_text(re.sub(pattern, lambda _: block, text, flags=re.S))
    return True
