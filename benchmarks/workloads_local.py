"""LocallyConnected workloads: 1-D (a) 32x128, 16->32, k3 and (b) 64x512, 32->64, k5, each
per stored kernel layout (``implementation`` 1, 2, 3), (b) 'same' in layout 3; 2-D 16x32x32,
8->16, 3x3 in layouts 1 and 3.

Every layout computes with the same op, so differences come from viewing/gathering the
stored kernel and from the size of its gradient (layout 2 is a dense ``(L, C, L_out, F)``
tensor: 2.1 GB on workload (b)). The hand-written competitors are the straightforward
PyTorch versions: ``Tensor.unfold`` patches, then ``bmm`` or ``einsum`` against a
``(L_out, k*C, F)`` kernel (2-D: ``Tensor.unfold`` on both axes, or ``F.unfold`` im2col
on a channels_first copy), autograd doing the rest; 'same' runs the same code on a padded
input (zero weights where a window leaves the input). tf-keras is timed with each of its
implementations where it can build them, and the fastest is taken: on (b) and in 2-D its
layout 2 is a dense multi-GB kernel and its layout 3 enumerates millions of entries in
Python at build, so only implementation 1 runs there; 'same' (b) has no tf-keras figure.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from harness import PHASES, Candidate, LayerSpec, Workload

SIZES = {
    "a": dict(batch=32, length=128, channels=16, filters=32, k=3),
    "b": dict(batch=64, length=512, channels=32, filters=64, k=5),
}
TFKERAS_IMPLEMENTATIONS = {"a": (1, 2, 3), "b": (1,)}
UNFOLD_2D_CRASH = (
    "not compiled: torch 2.13's inductor corrupts the heap (glibc aborts the process) in "
    "the backward of two `Tensor.unfold` calls on one tensor, which both ours (plain ops "
    "under torch.compile) and the hand-written variant run (`NOTES_compile.md`)"
)
SLOW = "not compiled: layout 2 on (b) is a 2.1 GB kernel whose training step takes about 1 s"
NOTES = {
    "a": dict.fromkeys(
        PHASES,
        "Fixed per-call costs dominate a 0.1–0.2 ms op: about 30 Python-level op calls, "
        "the Layer protocol and an autograd node around about 0.1 ms of `bmm` "
        "(`NOTES_local.md`, third session).",
    ),
    "b-i2": {
        "train": "Layout 2 stores a dense (L, C, L_out, F) kernel of 2.1 GB; its gradient is "
        "written whole every step, which is what the step spends its time on."
    },
}


def _raw_1d(length, channels, filters, k, variant, padding="valid"):
    # 'same' (stride 1): pad the input; the window taps outside it meet zero weights
    pads = (0, 0, (k - 1) // 2, k // 2) if padding == "same" else (0, 0, 0, 0)
    out = length + pads[2] + pads[3] - k + 1

    def make() -> Candidate:
        w = (torch.randn(out, k * channels, filters) * 0.05).requires_grad_()
        b = torch.zeros(out, filters, requires_grad=True)

        def unfold_bmm(x):
            x = F.pad(x, pads) if padding == "same" else x
            patches = x.unfold(1, k, 1).permute(1, 0, 3, 2).reshape(out, x.shape[0], -1)
            return torch.bmm(patches, w).transpose(0, 1) + b

        def unfold_einsum(x):
            x = F.pad(x, pads) if padding == "same" else x
            w4 = w.view(out, k, channels, filters)
            return torch.einsum("npck,pkcf->npf", x.unfold(1, k, 1), w4) + b

        forward = unfold_bmm if variant == "bmm" else unfold_einsum
        return Candidate(forward, [w, b])

    return make


def _raw_2d(shape, filters, k, variant):
    """'valid' 2-D: ``Tensor.unfold`` patches of the NHWC input (variant 'unfold-bmm'), or
    ``F.unfold`` on a channels_first copy made untimed ('im2col-bmm'); then one ``bmm``."""
    n, h, w_, c = shape
    oh, ow = h - k + 1, w_ - k + 1

    def make() -> Candidate:
        w = (torch.randn(oh * ow, k * k * c, filters) * 0.05).requires_grad_()
        b = torch.zeros(oh, ow, filters, requires_grad=True)

        def unfold_bmm(x):
            patches = x.unfold(1, k, 1).unfold(2, k, 1)  # (N, OH, OW, C, kh, kw)
            patches = patches.permute(1, 2, 0, 4, 5, 3).reshape(oh * ow, n, -1)
            return torch.bmm(patches, w).view(oh, ow, n, filters).permute(2, 0, 1, 3) + b

        def im2col_bmm(x):
            patches = F.unfold(x, k).permute(2, 0, 1)  # (OH*OW, N, C*kh*kw)
            return torch.bmm(patches, w).view(oh, ow, n, filters).permute(2, 0, 1, 3) + b

        if variant == "unfold-bmm":
            return Candidate(unfold_bmm, [w, b])
        return Candidate(im2col_bmm, [w, b], prepare=lambda x: x.permute(0, 3, 1, 2))

    return make


def _local_1d() -> list[Workload]:
    found = []
    for key, size in SIZES.items():
        shape = (size["batch"], size["length"], size["channels"])
        length, channels, filters, k = size["length"], size["channels"], size["filters"], size["k"]
        raw = {
            "unfold-bmm": _raw_1d(length, channels, filters, k, "bmm"),
            "unfold-einsum": _raw_1d(length, channels, filters, k, "einsum"),
        }
        tfkeras = tuple({"implementation": i} for i in TFKERAS_IMPLEMENTATIONS[key])
        for impl in (1, 2, 3):
            slow = (key, impl) == ("b", 2)
            found.append(
                Workload(
                    f"local-{key}-i{impl}",
                    f"LocallyConnected1D impl {impl}, {shape[0]}x{length}, "
                    f"{channels}->{filters}, k{k}",
                    LayerSpec(
                        "LocallyConnected1D",
                        dict(filters=filters, kernel_size=k, implementation=impl),
                        shape,
                    ),
                    raw,
                    keras3=False,
                    tfkeras=(f"local-{key}", tfkeras),
                    no_compile=dict.fromkeys(("fwd", "train"), SLOW) if slow else {},
                    rounds=5 if slow else None,
                    notes=NOTES.get(f"{key}-i{impl}", NOTES.get(key, {})),
                )
            )
    # 'same' exists for layouts 2 and 3 only; layout 3 is the one that scales
    size = SIZES["b"]
    shape = (size["batch"], size["length"], size["channels"])
    length, channels, filters, k = size["length"], size["channels"], size["filters"], size["k"]
    found.append(
        Workload(
            "local-b-same-i3",
            f"LocallyConnected1D impl 3 same, {shape[0]}x{length}, {channels}->{filters}, k{k}",
            LayerSpec(
                "LocallyConnected1D",
                dict(filters=filters, kernel_size=k, padding="same", implementation=3),
                shape,
            ),
            {
                variant: _raw_1d(length, channels, filters, k, name, "same")
                for variant, name in (("pad-unfold-bmm", "bmm"), ("pad-unfold-einsum", "einsum"))
            },
            keras3=False,
            notes={
                "fwd": "The forward builds the 'same' kernel's edge rows by strided block copies "
                "(about 2 ms on this size) that the hand-written version, whose kernel is "
                "stored zero-padded, does not need (`NOTES_local.md`, third session)."
            },
        )
    )
    return found


def _local_2d() -> list[Workload]:
    shape, filters, k = (16, 32, 32, 8), 16, 3
    raw = {
        "unfold-bmm": _raw_2d(shape, filters, k, "unfold-bmm"),
        "im2col-bmm-cf": _raw_2d(shape, filters, k, "im2col-bmm"),
    }
    return [
        Workload(
            f"local2d-i{impl}",
            f"LocallyConnected2D impl {impl}, 16x32x32, 8->16, 3x3",
            LayerSpec(
                "LocallyConnected2D",
                dict(filters=filters, kernel_size=k, implementation=impl),
                shape,
            ),
            raw,
            keras3=False,
            tfkeras=("local2d", ({"implementation": 1},)),
            no_compile={"train": UNFOLD_2D_CRASH},
        )
        for impl in (1, 3)
    ]


def workloads() -> list[Workload]:
    return _local_1d() + _local_2d()
