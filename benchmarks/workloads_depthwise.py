"""DepthwiseConv workloads: (a) DepthwiseConv1D same k5, (b) DepthwiseConv2D same 3x3.

Hand-written PyTorch competitors, weights in torch layout: the depthwise convolution as a
grouped convolution (``groups=C``), a 1-D one run as 2-D with height 1, on a contiguous
channels_first input (prepared untimed, output left channels_first) or on the channels_last
input viewed as ``torch.channels_last`` NCHW (no copy, output a channels_last view).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from harness import Candidate, LayerSpec, Workload
from layouts import as_nchw, channels_first, from_4d, from_nchw, same_pads, to_4d
from workloads_separable import INPUT_1D, INPUT_2D


def _raw(channels, k, rank, layout):
    """Grouped conv2d, ``layout`` 'cf' (contiguous NC(1)W / NCHW) or 'cl' (a view)."""

    def make() -> Candidate:
        taps = (k, k) if rank == 2 else (1, k)
        w = torch.randn(channels, 1, *taps)
        if layout == "cl":
            w = w.to(memory_format=torch.channels_last)
        w.requires_grad_()
        b = torch.zeros(channels, requires_grad=True)
        pad = same_pads(k, rank)
        into, back = (as_nchw, from_nchw) if layout == "cl" else (to_4d, from_4d)

        def forward(x):
            return back(F.conv2d(into(x, rank), w, b, 1, pad, 1, channels), rank)

        prepare = (lambda x: channels_first(x, rank)) if layout == "cf" else None
        return Candidate(forward, [w, b], prepare=prepare)

    return make


def workloads() -> list[Workload]:
    a, b = INPUT_1D, INPUT_2D  # the separable workloads' inputs
    return [
        Workload(
            "depthwise1d-a",
            "DepthwiseConv1D same, 32x1024, 64, k5",
            LayerSpec("DepthwiseConv1D", dict(kernel_size=5, padding="same"), a),
            {"grouped-cf": _raw(64, 5, 1, "cf"), "grouped-cl": _raw(64, 5, 1, "cl")},
            tfkeras=("depthwise1d-a", ({},)),
        ),
        Workload(
            "depthwise2d-b",
            "DepthwiseConv2D same, 16x64x64, 32, 3x3",
            LayerSpec("DepthwiseConv2D", dict(kernel_size=3, padding="same"), b),
            {"grouped-cf": _raw(32, 3, 2, "cf"), "grouped-cl": _raw(32, 3, 2, "cl")},
            tfkeras=("depthwise2d-b", ({},)),
        ),
    ]
