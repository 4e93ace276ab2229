"""Float64 NumPy references for depthwise and separable convolution (no library code).

Built from ``numpy_reference.conv`` by the definitions: output channel ``c*dm + m`` of a
depthwise convolution is input channel ``c`` alone convolved with ``kernel[..., c, m]``;
a separable convolution is that, then a per-position matrix product with the pointwise
kernel, then the bias.
"""

from __future__ import annotations

import numpy as np
import numpy_reference


def depthwise(x, kernel, bias, strides, padding, dilation, channels_last=True):
    """x: (N, *S, C) or (N, C, *S); kernel: (*K, C, dm); bias: (C*dm,) or None."""
    x = np.asarray(x, np.float64)
    kernel = np.asarray(kernel, np.float64)
    if not channels_last:
        x = np.moveaxis(x, 1, -1)
    channels, multiplier = kernel.shape[-2:]
    columns = []
    for c in range(channels):
        for m in range(multiplier):
            single = kernel[..., c : c + 1, m : m + 1]  # (*K, 1, 1): one channel in, one out
            columns.append(
                numpy_reference.conv(x[..., c : c + 1], single, None, strides, padding, dilation)
            )
    y = np.concatenate(columns, axis=-1)
    if bias is not None:
        y = y + np.asarray(bias, np.float64)
    return y if channels_last else np.moveaxis(y, -1, 1)


def pointwise(y, kernel, bias, channels_last=True):
    """y: (N, *S, C') or (N, C', *S); kernel: (*1, C', F)."""
    y = np.asarray(y, np.float64)
    matrix = np.asarray(kernel, np.float64).reshape(kernel.shape[-2:])
    if not channels_last:
        y = np.moveaxis(y, 1, -1)
    out = np.einsum("...c,cf->...f", y, matrix)
    if bias is not None:
        out = out + np.asarray(bias, np.float64)
    return out if channels_last else np.moveaxis(out, -1, 1)


def separable(
    x, depthwise_kernel, pointwise_kernel, bias, strides, padding, dilation, channels_last=True
):
    """Depthwise (no bias), then pointwise plus bias."""
    y = depthwise(x, depthwise_kernel, None, strides, padding, dilation, channels_last)
    return pointwise(y, pointwise_kernel, bias, channels_last)
