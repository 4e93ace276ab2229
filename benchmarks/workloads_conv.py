"""Conv1D workloads: (a) same, (b) causal dilated, (c) batch-1 call overhead."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from harness import Candidate, Workload

import convlayers


def _ours(shape, filters, k, **kwargs):
    def make() -> Candidate:
        layer = convlayers.Conv1D(filters, k, **kwargs)
        layer.build(shape)
        return Candidate(layer, list(layer.parameters()))

    return make


def _raw_conv1d(channels, filters, k, left, right, dilation):
    """F.conv1d on a transposed (N, C, L) copy, weights in torch layout."""

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
            v = x.transpose(1, 2).unsqueeze(2)
            if left == right:
                y = F.conv2d(v, w, b, padding=(0, left), dilation=(1, dilation))
            elif crop:
                pad = max(left, right)
                y = F.conv2d(v, w, b, padding=(0, pad), dilation=(1, dilation))
                y = y[..., : x.shape[1]]
            else:
                y = F.conv2d(F.pad(v, (left, right)), w, b, dilation=(1, dilation))
            return y.squeeze(2).transpose(1, 2)

        return Candidate(forward, [w, b])

    return make


def _raw_conv1d_bare(channels, filters, k):
    """A bare F.conv1d call on a channels_first input: the per-call floor."""

    def make() -> Candidate:
        w = torch.randn(filters, channels, k, requires_grad=True)
        b = torch.zeros(filters, requires_grad=True)
        forward = lambda x: F.conv1d(x, w, b, padding=k // 2)  # noqa: E731
        return Candidate(forward, [w, b], prepare=lambda x: x.transpose(1, 2))

    return make


def _keras3(shape, filters, k, **kwargs):
    def make() -> Candidate:
        import keras

        layer = keras.layers.Conv1D(filters, k, **kwargs)
        layer.build(shape)
        return Candidate(layer, [v.value for v in layer.weights])

    return make


def workloads() -> list[Workload]:
    a = (32, 1024, 64)
    c = (1, 64, 16)
    return [
        Workload(
            "conv1d-a",
            "Conv1D same, 32x1024, 64->64, k3",
            a,
            _ours(a, 64, 3, padding="same"),
            {
                "conv1d": _raw_conv1d(64, 64, 3, 1, 1, 1),
                "conv2d-cl": _raw_conv2d_cl(64, 64, 3, 1, 1, 1, crop=False),
            },
            _keras3(a, 64, 3, padding="same"),
        ),
        Workload(
            "conv1d-b",
            "Conv1D causal d4, 32x1024, 64->64, k3",
            a,
            _ours(a, 64, 3, padding="causal", dilation_rate=4),
            {
                "conv1d": _raw_conv1d(64, 64, 3, 8, 0, 4),
                "conv2d-cl-pad": _raw_conv2d_cl(64, 64, 3, 8, 0, 4, crop=False),
                "conv2d-cl-crop": _raw_conv2d_cl(64, 64, 3, 8, 0, 4, crop=True),
            },
            _keras3(a, 64, 3, padding="causal", dilation_rate=4),
        ),
        Workload(
            "conv1d-c",
            "Conv1D batch 1, 64, 16->16, k3 (call overhead)",
            c,
            _ours(c, 16, 3, padding="same"),
            {
                "conv1d": _raw_conv1d(16, 16, 3, 1, 1, 1),
                "conv2d-cl": _raw_conv2d_cl(16, 16, 3, 1, 1, 1, crop=False),
                "bare-conv1d-cf": _raw_conv1d_bare(16, 16, 3),
            },
            _keras3(c, 16, 3, padding="same"),
        ),
    ]
