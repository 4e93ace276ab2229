"""Weights and inputs from a formula, so the reference and the tests set the same values
without storing them (DeepFace alone has 137 million weights).

>>> values((2, 3), 0).dtype
dtype('float32')
>>> values((2, 3), 0).astype("float64").round(3).tolist()
[[0.0, 0.072, 0.135], [0.179, 0.199, 0.192]]
"""

from __future__ import annotations

import numpy as np


def values(shape: tuple[int, ...], index: int, scale: float = 0.2) -> np.ndarray:
    """float32 ``scale * sin(0.37 * k + 1.3 * index) * cos(0.011 * k)`` for k = 0, 1, ...
    laid out in ``shape`` (C order); ``index`` tells weights apart."""
    k = np.arange(int(np.prod(shape)), dtype=np.float64)
    flat = scale * np.sin(0.37 * k + 1.3 * index) * np.cos(0.011 * k)
    return flat.reshape(shape).astype(np.float32)


def weights_for(shapes: list[tuple[str, tuple[int, ...]]]) -> list[np.ndarray]:
    """One array per ``(name, shape)`` in model.weights order; variances and scales of
    batch normalization stay positive."""
    out = []
    for index, (name, shape) in enumerate(shapes):
        value = values(shape, index)
        if name.endswith(("moving_variance", "gamma")):
            value = np.abs(value) + np.float32(0.5)
        out.append(value)
    return out
