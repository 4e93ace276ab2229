"""The chart of one run: ours' speed-up over each peer, per workload, forward and training.

One horizontal bar per peer (``results.PEERS``) and workload, on a log axis, drawn from 1
(parity) to the ratio: a bar to the right means ours is faster, to the left slower; the
ratios are those of ``RESULTS.md``. Needs matplotlib (installed in ``benchmarks/.venv`` by
``run.sh``); renders without a display.
"""

from __future__ import annotations

from pathlib import Path

from results import PEERS, Results

COLOURS = dict(zip(PEERS, ("#4c72b0", "#dd8452", "#55a868", "#8172b3"), strict=True))


def draw(results: Results, path: Path) -> None:
    """Write the PNG chart of ``results`` to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [w for w in results.workloads if "fwd" in w.phases]
    top, bottom = 0.5, 0.9  # inches for the title, and for the axis label and legend
    height = top + bottom + 0.55 * len(rows)
    fig, axes = plt.subplots(1, 2, figsize=(14, height), sharey=True)
    bar = 0.8 / len(PEERS)
    legend = {}
    for ax, phase in zip(axes, ("fwd", "train"), strict=True):
        for i, w in enumerate(rows):
            speedups = w.phases[phase].peer_speedups() if phase in w.phases else {}
            for j, peer in enumerate(PEERS):
                ratio = speedups.get(peer, ("", None))[1]
                if ratio is None:
                    continue
                y = i + (j - (len(PEERS) - 1) / 2) * bar
                bars = ax.barh(y, ratio - 1, height=bar, left=1, color=COLOURS[peer])
                legend.setdefault(peer, bars)
                label, side = (
                    (f" {ratio:.3g}", "left") if ratio >= 1 else (f"{ratio:.3g} ", "right")
                )
                ax.text(ratio, y, label, ha=side, va="center", fontsize=6)
        ax.set_xscale("log")
        ax.axvline(1.0, color="black", linewidth=0.8)
        ax.set_title({"fwd": "forward (no_grad)", "train": "training step"}[phase])
        ax.set_xlabel("peer time / ours (> 1: ours faster)")
        ax.grid(axis="x", which="both", alpha=0.3)
    axes[0].set_yticks(range(len(rows)), [w.title for w in rows], fontsize=7)
    axes[0].invert_yaxis()
    order = [p for p in PEERS if p in legend]
    fig.legend([legend[p] for p in order], order, loc="lower center", ncol=len(PEERS))
    meta = results.meta
    fig.suptitle(f"convlayers: speed-up over each peer, {meta['date']} ({meta['machine']})")
    fig.tight_layout(rect=(0, 0.35 / height, 1, 1 - 0.1 / height))
    fig.savefig(path, dpi=110)
    plt.close(fig)
