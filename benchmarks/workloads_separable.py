"""SeparableConv workloads: (a) SeparableConv1D same k5, (b) SeparableConv2D same 3x3.

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
        pad = (k // 2, k // 2) if rank == 2 else (0, k // 2)

        def forward(x):
            v = x if rank == 2 else x.unsqueeze(2)
            y = F.conv2d(F.conv2d(v, dw, None, 1, pad, 1, channels), pw, b)
            return y if rank == 2 else y.squeeze(2)

        prepare = (lambda x: x.movedim(-1, 1)) if rank == 2 else (lambda x: x.transpose(1, 2))
        return Candidate(forward, [dw, pw, b], prepare=prepare)

    return make


def _raw_channels_last(channels, filters, k, rank, pointwise):
    """Grouped conv on the NHWC input viewed as channels_last NCHW; 1x1 conv or addmm."""

    def make() -> Candidate:
        dw, pw, b = _weights(channels, filters, k, rank)
        pad = (k // 2, k // 2) if rank == 2 else (0, k // 2)
        matrix = pw.detach().reshape(filters, channels).t().contiguous().requires_grad_()

        def forward(x):
            v = x.movedim(-1, 1) if rank == 2 else x.unsqueeze(1).permute(0, 3, 1, 2)
            y = F.conv2d(v, dw, None, 1, pad, 1, channels)
            if pointwise == "conv":
                y = F.conv2d(y, pw, b).permute(0, 2, 3, 1)
                return y if rank == 2 else y.squeeze(1)
            y = y.permute(0, 2, 3, 1)
            out = torch.addmm(b, y.reshape(-1, channels), matrix)
            return out.view(*x.shape[:-1], filters)

        return Candidate(forward, [dw, pw if pointwise == "conv" else matrix, b])

    return make


def workloads() -> list[Workload]:
    a = (32, 1024, 64)
    b = (16, 64, 64, 32)
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
    ]
