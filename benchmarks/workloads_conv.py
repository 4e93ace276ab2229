"""Conv1D workloads (a) same, (b) causal dilated, (c) batch-1 call overhead, (d) a small
problem at batch 8; Conv2D (a) same, (b) 'same' with stride 2 (TF's asymmetric padding).

Hand-written PyTorch competitors, weights in torch layout, no Keras bookkeeping: F.conv1d
on a transposed input, the 1-D conv as a 2-D conv on a channels_last ``(N, C, 1, L)``
view (no copy), F.conv2d on a channels_first copy (made untimed) or on the NHWC input
viewed as ``torch.channels_last`` NCHW, and a bare F.conv1d on a ready channels_first
tensor (the per-call floor of workloads (c) and (d)).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from harness import PHASES, Candidate, LayerSpec, Workload
from layouts import as_nchw, channels_first, from_nchw


def _raw_conv1d(channels, filters, k, left, right, dilation):
    """F.conv1d on a transposed (N, C, L) view, weights in torch layout."""

    def make() -> Candidate:
        w = torch.randn(filters, channels, k, requires_grad=True)
        b = torch.zeros(filters, requires_grad=True)

        def forward(x):
            x = x.transpose(1, 2)
            if left == right:
                y = F.conv1d(x, w, b, padding=left, dilation=dilation)
            else:
                y = F.conv1d(F.pad(x, (left, right)), w, b, dilation=dilation)
            return y.transpose(1, 2)

        return Candidate(forward, [w, b])

    return make


def _raw_conv2d_cl(channels, filters, k, left, right, dilation, crop):
    """The 1-D conv as a 2-D conv on a channels_last (N, C, 1, L) view (no copy)."""

    def make() -> Candidate:
        w = torch.randn(filters, channels, 1, k, requires_grad=True)
        b = torch.zeros(filters, requires_grad=True)

        def forward(x):
            v = as_nchw(x, 1)
            if left == right:
                y = F.conv2d(v, w, b, padding=(0, left), dilation=(1, dilation))
            elif crop:
                pad = max(left, right)
                y = F.conv2d(v, w, b, padding=(0, pad), dilation=(1, dilation))
                y = y[..., : x.shape[1]]
            else:
                y = F.conv2d(F.pad(v, (left, right)), w, b, dilation=(1, dilation))
            return from_nchw(y, 1)

        return Candidate(forward, [w, b])

    return make


def _raw_conv1d_bare(channels, filters, k):
    """A bare F.conv1d call on a channels_first input: the per-call floor."""

    def make() -> Candidate:
        w = torch.randn(filters, channels, k, requires_grad=True)
        b = torch.zeros(filters, requires_grad=True)
        forward = lambda x: F.conv1d(x, w, b, padding=k // 2)  # noqa: E731
        return Candidate(forward, [w, b], prepare=lambda x: channels_first(x, 1))

    return make


def _raw_conv2d(channels, filters, k, stride, pads, layout):
    """F.conv2d, TF 'same' padding ``pads = (left, right, top, bottom)`` given to F.pad when
    it is asymmetric; ``layout`` 'cf': a contiguous NCHW input (prepared untimed, output
    NCHW); 'cl': the NHWC input viewed as channels_last NCHW (no copy, output NHWC view)."""

    def make() -> Candidate:
        w = torch.randn(filters, channels, k, k, requires_grad=True)
        if layout == "cl":
            w = w.detach().to(memory_format=torch.channels_last).requires_grad_()
        b = torch.zeros(filters, requires_grad=True)
        symmetric = pads[0] == pads[1] == pads[2] == pads[3]

        def forward(x):
            v = as_nchw(x, 2) if layout == "cl" else x
            if symmetric:
                y = F.conv2d(v, w, b, stride, pads[0])
            else:
                y = F.conv2d(F.pad(v, pads), w, b, stride)
            return from_nchw(y, 2) if layout == "cl" else y

        prepare = (lambda x: channels_first(x, 2)) if layout == "cf" else None
        return Candidate(forward, [w, b], prepare=prepare)

    return make


def workloads() -> list[Workload]:
    a = (32, 1024, 64)
    c = (1, 64, 16)
    d = (8, 64, 16)
    conv2d_a = (16, 32, 32, 64)
    conv2d_b = (16, 64, 64, 32)
    return [
        Workload(
            "conv1d-a",
            "Conv1D same, 32x1024, 64->64, k3",
            LayerSpec("Conv1D", dict(filters=64, kernel_size=3, padding="same"), a),
            {
                "conv1d": _raw_conv1d(64, 64, 3, 1, 1, 1),
                "conv2d-cl": _raw_conv2d_cl(64, 64, 3, 1, 1, 1, crop=False),
            },
            tfkeras=("conv1d-a", ({},)),
            notes={
                "train": "tf-keras runs the same oneDNN primitives (forward, input gradient, "
                "kernel gradient); no other layout, GEMM route or backward measured faster "
                "(`NOTES_conv.md`). The per-run ratios spread as widely as the VM's speed "
                "drifts between runs.",
            },
        ),
        Workload(
            "conv1d-b",
            "Conv1D causal d4, 32x1024, 64->64, k3",
            LayerSpec(
                "Conv1D", dict(filters=64, kernel_size=3, padding="causal", dilation_rate=4), a
            ),
            {
                "conv1d": _raw_conv1d(64, 64, 3, 8, 0, 4),
                "conv2d-cl-pad": _raw_conv2d_cl(64, 64, 3, 8, 0, 4, crop=False),
                "conv2d-cl-crop": _raw_conv2d_cl(64, 64, 3, 8, 0, 4, crop=True),
            },
            tfkeras=("conv1d-b", ({},)),
        ),
        Workload(
            "conv1d-c",
            "Conv1D batch 1, 64, 16->16, k3 (call overhead)",
            LayerSpec("Conv1D", dict(filters=16, kernel_size=3, padding="same"), c),
            {
                "conv1d": _raw_conv1d(16, 16, 3, 1, 1, 1),
                "conv2d-cl": _raw_conv2d_cl(16, 16, 3, 1, 1, 1, crop=False),
                "bare-conv1d-cf": _raw_conv1d_bare(16, 16, 3),
            },
            tfkeras=("conv1d-c", ({},)),
            notes=dict.fromkeys(
                PHASES,
                "All call overhead around a 10 µs op. Forward: the module call and Layer "
                "protocol (about 4 µs), six view ops that map the channels_last input, the "
                "Keras kernel and the output to NCHW (about 6.5 µs), the padding plan and "
                "Python frames (about 5 µs); at this size torch's `slow_conv2d` copies the "
                "channels_last input and the permuted kernel. Training: each view is also an "
                "autograd node, and their non-contiguous gradients are copied; one custom "
                "autograd node instead costs more (its Python backward: `NOTES_conv.md`).",
            ),
        ),
        Workload(
            "conv1d-d",
            "Conv1D batch 8, 64, 16->32, k3 (small problem)",
            LayerSpec("Conv1D", dict(filters=32, kernel_size=3, padding="same"), d),
            {
                "conv1d": _raw_conv1d(16, 32, 3, 1, 1, 1),
                "conv2d-cl": _raw_conv2d_cl(16, 32, 3, 1, 1, 1, crop=False),
                "bare-conv1d-cf": _raw_conv1d_bare(16, 32, 3),
            },
            tfkeras=("conv1d-d", ({},)),
            notes=dict.fromkeys(
                PHASES,
                "A small problem from batch 2, where torch's convolutions run oneDNN and its "
                "per-call set-up weighs; ours runs as one GEMM on the input's windows "
                "(`ops.conv_gemm`): 0.54x our conv2d route's forward and 0.80x its training "
                "step measured alone; against the hand-written conv2d on a channels_last "
                "view (no Python around it) from about even to 1.17x ahead, run to run "
                "(`NOTES_conv.md`).",
            ),
        ),
        Workload(
            "conv2d-a",
            "Conv2D same, 16x32x32, 64->64, 3x3",
            LayerSpec("Conv2D", dict(filters=64, kernel_size=3, padding="same"), conv2d_a),
            {
                "conv2d-cf": _raw_conv2d(64, 64, 3, 1, (1, 1, 1, 1), "cf"),
                "conv2d-cl": _raw_conv2d(64, 64, 3, 1, (1, 1, 1, 1), "cl"),
            },
            tfkeras=("conv2d-a", ({},)),
        ),
        Workload(
            "conv2d-b",
            "Conv2D same stride 2, 16x64x64, 32->64, 3x3",
            LayerSpec(
                "Conv2D", dict(filters=64, kernel_size=3, strides=2, padding="same"), conv2d_b
            ),
            {
                "pad+conv2d-cf": _raw_conv2d(32, 64, 3, 2, (0, 1, 0, 1), "cf"),
                "pad+conv2d-cl": _raw_conv2d(32, 64, 3, 2, (0, 1, 0, 1), "cl"),
            },
            tfkeras=("conv2d-b", ({},)),
        ),
    ]
