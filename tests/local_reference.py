"""An independent float64 NumPy reference for LocallyConnected1D/2D (no library code).

Written from the tf-keras definitions: every implementation is one dense matrix ``W``
from the flattened input to the flattened output, ``y = x.reshape(N, -1) @ W``, where
the input flattens ``(*S, C)`` (channels_last) or ``(C, *S)`` and the output ``(*O, F)``
or ``(F, *O)``. Only connected (input, output) pairs may be non-zero. The window of
output ``o`` along an axis reads inputs ``o*s + t`` ('valid') or ``o*s - k//2 + t``
('same'), ``t = 0 .. k-1``, taps outside the input dropped (SPEC.md). The stored kernel
fills ``W`` by implementation:

* 1 (``backend.local_conv``): ``(P, prod(K) * C, F)``, ``P`` the output positions in
  row-major order, the patch flattened as ``(*K, C)`` (channels_first ``(C, *K)``).
* 2 (``local_conv_matmul``): ``(*S, C, *O, F)`` (channels_first ``(C, *S, F, *O)``),
  reshaped to ``W`` and masked by the connectivity.
* 3 (``local_conv_sparse_matmul``): entry ``i`` is ``W[in_i, out_i]`` for the connected
  pairs ``(out_i, in_i)`` in sorted order.

The bias ``(*O, F)`` is added as is (channels_last) or *reshaped* to ``(F, *O)``
(channels_first), as tf-keras's ``bias_add`` does.
"""

from __future__ import annotations

import itertools
import math

import numpy as np


def output_length(length: int, k: int, s: int, padding: str) -> int:
    """``ceil(L / s)`` for 'same', ``ceil((L - k + 1) / s)`` for 'valid'."""
    return math.ceil(length / s) if padding == "same" else math.ceil((length - k + 1) / s)


def window(o: int, length: int, k: int, s: int, padding: str) -> list[tuple[int, int]]:
    """``(tap, input position)`` pairs read by output ``o`` along one axis."""
    start = o * s - (k // 2 if padding == "same" else 0)
    return [(t, start + t) for t in range(k) if 0 <= start + t < length]


def connections(spatial, kernel_size, strides, padding):
    """``(output position, taps, input position)`` for every connected pair, as tuples
    over the spatial axes, output positions in row-major order."""
    out = [output_length(n, k, s, padding) for n, k, s in zip(spatial, kernel_size, strides)]
    for pos in itertools.product(*(range(o) for o in out)):
        per_axis = [
            window(p, n, k, s, padding) for p, n, k, s in zip(pos, spatial, kernel_size, strides)
        ]
        for pairs in itertools.product(*per_axis):
            yield pos, tuple(t for t, _ in pairs), tuple(i for _, i in pairs)


def kernel_length(spatial, channels, filters, kernel_size, strides, padding) -> int:
    """Length of implementation 3's kernel: connected (input, output) entries."""
    pairs = sum(1 for _ in connections(spatial, kernel_size, strides, padding))
    return pairs * channels * filters


def dense_matrix(kernel, spatial, channels, filters, kernel_size, strides, padding,
                 channels_last, implementation):  # fmt: skip
    """The matrix ``W`` ``(prod(S) * C, prod(O) * F)`` the stored ``kernel`` stands for."""
    kernel = np.asarray(kernel, np.float64)
    out = [output_length(n, k, s, padding) for n, k, s in zip(spatial, kernel_size, strides)]
    in_dims = (*spatial, channels) if channels_last else (channels, *spatial)
    out_dims = (*out, filters) if channels_last else (filters, *out)

    def in_index(i, c):
        return np.ravel_multi_index((*i, c) if channels_last else (c, *i), in_dims)

    def out_index(o, f):
        return np.ravel_multi_index((*o, f) if channels_last else (f, *o), out_dims)

    w = np.zeros((math.prod(in_dims), math.prod(out_dims)))
    links = list(connections(spatial, kernel_size, strides, padding))
    if implementation == 2:
        full = kernel.reshape(w.shape)
        for o, _, i in links:
            for c, f in itertools.product(range(channels), range(filters)):
                w[in_index(i, c), out_index(o, f)] = full[in_index(i, c), out_index(o, f)]
    elif implementation == 1:
        patch = (*kernel_size, channels) if channels_last else (channels, *kernel_size)
        for o, t, i in links:
            p = np.ravel_multi_index(o, out)
            for c, f in itertools.product(range(channels), range(filters)):
                feature = np.ravel_multi_index((*t, c) if channels_last else (c, *t), patch)
                w[in_index(i, c), out_index(o, f)] = kernel[p, feature, f]
    else:
        pairs = sorted(
            (out_index(o, f), in_index(i, c))
            for o, _, i in links
            for c, f in itertools.product(range(channels), range(filters))
        )
        assert kernel.shape == (len(pairs),), (kernel.shape, len(pairs))
        for value, (o, i) in zip(kernel, pairs):
            w[i, o] = value
    return w


def local(x, kernel, bias, filters, kernel_size, strides, padding, channels_last,
          implementation):  # fmt: skip
    """LocallyConnected output for ``x`` ``(N, *S, C)`` or ``(N, C, *S)``."""
    x = np.asarray(x, np.float64)
    rank = len(kernel_size)
    spatial = x.shape[1 : rank + 1] if channels_last else x.shape[2:]
    channels = x.shape[-1] if channels_last else x.shape[1]
    w = dense_matrix(kernel, spatial, channels, filters, kernel_size, strides, padding,
                     channels_last, implementation)  # fmt: skip
    out = [output_length(n, k, s, padding) for n, k, s in zip(spatial, kernel_size, strides)]
    y = x.reshape(x.shape[0], -1) @ w
    y = y.reshape(x.shape[0], *((*out, filters) if channels_last else (filters, *out)))
    if bias is not None:
        b = np.asarray(bias, np.float64)
        y = y + (b if channels_last else b.reshape(filters, *out))
    return y
