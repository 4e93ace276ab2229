"""SeparableConv workloads: (a) SeparableConv1D same k5, (b) SeparableConv2D same 3x3,
(c) SeparableConv1D at batch 1 (call overhead, as Conv1D's (c)).

Hand-written PyTorch competitors, weights in torch layout, no Keras bookkeeping:
the depthwise step as a grouped convolution (``groups=C``) and the pointwise step
as a 1x1 convolution or a matmul, on channels_first data (input prepared as
NC(H)W outside the timed region) or on channels_last memory (the NHWC input
viewed as NCHW in ``torch.channels_last`` format, no copy).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from harness import Candidate, LayerSpec, Workload
from layouts import as_nchw, channels_first, from_4d, from_nchw, same_pads, to_4d


def _weights(channels, filters, k, rank):
    """Depthwise ``(C, 1, *k)``, pointwise ``(F, C, *1)`` and bias, in torch layout."""
    taps = (k,) * rank if rank == 2 else (1, k)
    dw = torch.randn(channels, 1, *taps, requires_grad=True)
    pw = torch.randn(filters, channels, 1, 1, requires_grad=True)
    b = torch.zeros(filters, requires_grad=True)
    return dw, pw, b


def _raw_channels_first(channels, filters, k, rank):
    """Grouped conv then 1x1 conv on a contiguous NC(H)W input (prepared untimed)."""

    def make() -> Candidate:
        dw, pw, b = _weights(channels, filters, k, rank)
        pad = same_pads(k, rank)

        def forward(x):
            y = F.conv2d(to_4d(x, rank), dw, None, 1, pad, 1, channels)
            return from_4d(F.conv2d(y, pw, b), rank)

        return Candidate(forward, [dw, pw, b], prepare=lambda x: channels_first(x, rank))

    return make


def _raw_channels_last(channels, filters, k, rank, pointwise):
    """Grouped conv on the channels_last input viewed as NCHW; 1x1 conv or addmm."""

    def make() -> Candidate:
        dw, pw, b = _weights(channels, filters, k, rank)
        pad = same_pads(k, rank)
        matrix = pw.detach().reshape(filters, channels).t().contiguous().requires_grad_()

        def forward(x):
            y = F.conv2d(as_nchw(x, rank), dw, None, 1, pad, 1, channels)
            if pointwise == "conv":
                return from_nchw(F.conv2d(y, pw, b), rank)
            out = torch.addmm(b, from_nchw(y, rank).reshape(-1, channels), matrix)
            return out.view(*x.shape[:-1], filters)

        return Candidate(forward, [dw, pw if pointwise == "conv" else matrix, b])

    return make


INPUT_1D = (32, 1024, 64)  # (a); the depthwise workloads use the same inputs
INPUT_2D = (16, 64, 64, 32)  # (b)
INPUT_1D_C = (1, 64, 16)  # (c): batch 1, as Conv1D's (c)


def workloads() -> list[Workload]:
    a, b, c = INPUT_1D, INPUT_2D, INPUT_1D_C
    return [
        Workload(
            "separable1d-a",
            "SeparableConv1D same, 32x1024, 64->128, k5",
            LayerSpec("SeparableConv1D", dict(filters=128, kernel_size=5, padding="same"), a),
            {
                "grouped+1x1-cf": _raw_channels_first(64, 128, 5, 1),
                "grouped+1x1-cl": _raw_channels_last(64, 128, 5, 1, "conv"),
                "grouped-cl+addmm": _raw_channels_last(64, 128, 5, 1, "addmm"),
            },
            tfkeras=("separable1d-a", ({},)),
        ),
        Workload(
            "separable2d-b",
            "SeparableConv2D same, 16x64x64, 32->64, 3x3",
            LayerSpec("SeparableConv2D", dict(filters=64, kernel_size=3, padding="same"), b),
            {
                "grouped+1x1-cf": _raw_channels_first(32, 64, 3, 2),
                "grouped+1x1-cl": _raw_channels_last(32, 64, 3, 2, "conv"),
                "grouped-cl+addmm": _raw_channels_last(32, 64, 3, 2, "addmm"),
            },
            tfkeras=("separable2d-b", ({},)),
            notes={
                "train": "Training against Keras 3 is bounded by memory traffic: the depthwise "
                "step's input and output gradients stream through DRAM in every variant "
                "(`NOTES_separable.md`)."
            },
        ),
        Workload(
            "separable1d-c",
            "SeparableConv1D batch 1, 64, 16->16, k3 (call overhead)",
            LayerSpec("SeparableConv1D", dict(filters=16, kernel_size=3, padding="same"), c),
            {
                "grouped+1x1-cf": _raw_channels_first(16, 16, 3, 1),
                "grouped+1x1-cl": _raw_channels_last(16, 16, 3, 1, "conv"),
            },
            tfkeras=("separable1d-c", ({},)),
        ),
    ]
