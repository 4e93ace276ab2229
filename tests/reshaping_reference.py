"""An independent float64 NumPy reference for padding, cropping, upsampling and Permute.

Written from the Keras/TensorFlow definitions (``np.pad``, slicing, ``np.repeat``, TF's
half-pixel bilinear formula per axis), sharing no code with the library.
"""

from __future__ import annotations

import numpy as np


def spatial_axes(rank: int, channels_first: bool) -> list[int]:
    first = 2 if channels_first else 1
    return list(range(first, first + rank))


def zero_pad(x: np.ndarray, pairs, axes) -> np.ndarray:
    widths = [(0, 0)] * x.ndim
    for axis, pair in zip(axes, pairs):
        widths[axis] = tuple(pair)
    return np.pad(x, widths)


def crop(x: np.ndarray, pairs, axes) -> np.ndarray:
    index = [slice(None)] * x.ndim
    for axis, (before, after) in zip(axes, pairs):
        index[axis] = slice(before, x.shape[axis] - after)
    return x[tuple(index)]


def upsample_nearest(x: np.ndarray, factors, axes) -> np.ndarray:
    for axis, factor in zip(axes, factors):
        x = np.repeat(x, factor, axis=axis)
    return x


def _linear_1d(x: np.ndarray, factor: int, axis: int) -> np.ndarray:
    """TF's half-pixel linear resize of one axis by an integer factor."""
    n = x.shape[axis]
    source = (np.arange(n * factor) + 0.5) / factor - 0.5
    source = np.clip(source, 0.0, None)
    low = np.floor(source).astype(int)
    high = np.minimum(low + 1, n - 1)
    weight = source - low
    shape = [1] * x.ndim
    shape[axis] = -1
    weight = weight.reshape(shape)
    return np.take(x, low, axis=axis) * (1 - weight) + np.take(x, high, axis=axis) * weight


def upsample_bilinear(x: np.ndarray, factors, axes) -> np.ndarray:
    for axis, factor in zip(axes, factors):
        x = _linear_1d(x, factor, axis)
    return x


def permute(x: np.ndarray, dims) -> np.ndarray:
    return np.transpose(x, (0, *dims))
