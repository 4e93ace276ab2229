"""An independent float64 NumPy reference for the pooling and normalization layers.

Written from the TensorFlow/Keras definitions, sharing no code with the library: each
pooling window is enumerated explicitly; normalization uses ``np.mean``/``np.var``.
"""

from __future__ import annotations

import itertools
import math

import numpy as np


def tf_windows(length: int, k: int, s: int, padding: str) -> list[range]:
    """The input positions of each TF pooling window (padding left out)."""
    if padding == "valid":
        out, left = (length - k) // s + 1, 0
    else:
        out = math.ceil(length / s)
        left = max((out - 1) * s + k - length, 0) // 2
    return [range(max(o * s - left, 0), min(o * s - left + k, length)) for o in range(out)]


def pool(x, mode, pool_size, strides, padding, channels_last=True):
    """Max or average pooling; x is (N, *S, C) or (N, C, *S)."""
    x = np.asarray(x, np.float64)
    if not channels_last:
        x = np.moveaxis(x, 1, -1)
    windows = [tf_windows(n, k, s, padding) for n, k, s in zip(x.shape[1:-1], pool_size, strides)]
    out = np.zeros((x.shape[0], *(len(w) for w in windows), x.shape[-1]))
    reduce = np.max if mode == "max" else np.mean
    for index in itertools.product(*(range(len(w)) for w in windows)):
        block = tuple(slice(w[i].start, w[i].stop) for w, i in zip(windows, index))
        region = x[(slice(None), *block)].reshape(x.shape[0], -1, x.shape[-1])
        out[(slice(None), *index)] = reduce(region, axis=1)
    return out if channels_last else np.moveaxis(out, -1, 1)


def batch_norm_train(x, axes, gamma, beta, epsilon, mask=None):
    """(output, mean, biased variance) with statistics over every axis but ``axes``;
    parameters broadcast over ``axes``. ``mask`` weights the entries (tf-keras' form)."""
    x = np.asarray(x, np.float64)
    reduce = tuple(d for d in range(x.ndim) if d not in axes)
    if mask is None:
        mean = x.mean(axis=reduce, keepdims=True)
        var = x.var(axis=reduce, keepdims=True)
    else:
        w = np.broadcast_to(np.asarray(mask, np.float64)[..., None], x.shape)
        mean = (w * x).sum(axis=reduce, keepdims=True) / w.sum(axis=reduce, keepdims=True)
        var = (w * (x - mean) ** 2).sum(axis=reduce, keepdims=True) / w.sum(
            axis=reduce, keepdims=True
        )
    y = (x - mean) / np.sqrt(var + epsilon)
    shape = [x.shape[d] if d in axes else 1 for d in range(x.ndim)]
    if gamma is not None:
        y = y * np.asarray(gamma, np.float64).reshape(shape)
    if beta is not None:
        y = y + np.asarray(beta, np.float64).reshape(shape)
    return y, mean.reshape(-1), var.reshape(-1)


def batch_norm_infer(x, axes, gamma, beta, mean, var, epsilon):
    x = np.asarray(x, np.float64)
    shape = [x.shape[d] if d in axes else 1 for d in range(x.ndim)]
    y = (x - np.reshape(mean, shape)) / np.sqrt(np.reshape(var, shape) + epsilon)
    if gamma is not None:
        y = y * np.reshape(gamma, shape)
    if beta is not None:
        y = y + np.reshape(beta, shape)
    return y


def layer_norm(x, axes, gamma, beta, epsilon):
    """Per-sample normalization over ``axes``; gamma/beta (shaped in ``axes`` order) are
    laid over the axes in ascending order by a plain reshape, as tf-keras does."""
    x = np.asarray(x, np.float64)
    axes = tuple(axes)
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(var + epsilon)
    shape = [x.shape[d] if d in axes else 1 for d in range(x.ndim)]
    if gamma is not None:
        y = y * np.reshape(gamma, shape)
    if beta is not None:
        y = y + np.reshape(beta, shape)
    return y
