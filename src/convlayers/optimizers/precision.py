"""Scalar arithmetic at a weight's precision, as TensorFlow does it on 0-d tensors.

tf-keras computes an update's scalars (the learning rate, ``beta_1 ** t``, ``1 - beta_2 ** t``,
...) as tensors of the weight's dtype, so each operation rounds to float32 for float32
weights. The optimizers here compute those scalars in Python and round after every
operation with :func:`rounder`, which gives the same values: one IEEE operation done in
double precision and then rounded to float32 is the correctly rounded float32 result.

>>> import torch
>>> r = rounder(torch.float32)
>>> r(0.1)
0.10000000149011612
>>> 1 - 0.999, r(1 - r(0.999))  # tf-keras' ``1 - beta_2 ** 1`` for a float32 weight
(0.0010000000000000009, 0.0009999871253967285)
>>> rounder(torch.float64)(0.1)
0.1
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

__all__ = ["rounder"]

_NUMPY_TYPES = {torch.float64: np.float64, torch.float16: np.float16}


def rounder(dtype: torch.dtype) -> Callable[[float], float]:
    """A function that rounds a Python float to ``dtype``'s precision and returns it as a
    Python float (float32 precision for float32, bfloat16 and any other dtype)."""
    numpy_type = _NUMPY_TYPES.get(dtype, np.float32)
    if numpy_type is np.float64:
        return float
    return lambda value: float(numpy_type(value))
