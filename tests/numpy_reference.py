"""An independent float64 NumPy reference for the convolution layers.

Written from the Keras/TensorFlow definitions, sharing no code with the
library: explicit TF padding, then a sum over kernel taps of strided slices.
"""

from __future__ import annotations

import math

import numpy as np


def tf_padding(length: int, k: int, s: int, d: int, padding: str) -> tuple[int, int]:
    """(left, right) zeros TF adds for ``padding`` (its documented definitions)."""
    k_eff = d * (k - 1) + 1
    if padding == "valid":
        return (0, 0)
    if padding == "causal":
        return (k_eff - 1, 0)
    out = math.ceil(length / s)
    total = max((out - 1) * s + k_eff - length, 0)
    return (total // 2, total - total // 2)


def conv(x, kernel, bias, strides, padding, dilation, groups=1, channels_last=True):
    """N-d grouped convolution (cross-correlation) of ``x`` with a Keras-layout kernel.

    x: (N, *S, C) if channels_last else (N, C, *S); kernel: (*K, C // groups, F).
    """
    x = np.asarray(x, np.float64)
    kernel = np.asarray(kernel, np.float64)
    if not channels_last:
        x = np.moveaxis(x, 1, -1)
    rank = kernel.ndim - 2
    spatial = x.shape[1:-1]
    pads = [
        tf_padding(n, k, s, d, padding)
        for n, k, s, d in zip(spatial, kernel.shape[:rank], strides, dilation)
    ]
    x = np.pad(x, [(0, 0), *pads, (0, 0)])
    out_shape = [
        (n + left + right - d * (k - 1) - 1) // s + 1
        for n, (left, right), k, s, d in zip(spatial, pads, kernel.shape[:rank], strides, dilation)
    ]
    n_in, n_out = kernel.shape[-2], kernel.shape[-1]
    f_per_group = n_out // groups
    y = np.zeros((x.shape[0], *out_shape, n_out))
    for taps in np.ndindex(*kernel.shape[:rank]):
        index = tuple(
            slice(t * d, t * d + s * (o - 1) + 1, s)
            for t, d, s, o in zip(taps, dilation, strides, out_shape)
        )
        patch = x[(slice(None), *index, slice(None))]
        for g in range(groups):
            cin = slice(g * n_in, (g + 1) * n_in)
            fout = slice(g * f_per_group, (g + 1) * f_per_group)
            y[..., fout] += patch[..., cin] @ kernel[taps][:, fout]
    if bias is not None:
        y += np.asarray(bias, np.float64)
    return y if channels_last else np.moveaxis(y, -1, 1)
