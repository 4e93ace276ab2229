"""Layer dtypes: Keras names ('float32', ...) and their torch counterparts.

>>> standardize_dtype(None), standardize_dtype(torch.float64), standardize_dtype("bfloat16")
('float32', 'float64', 'bfloat16')
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

__all__ = ["standardize_dtype", "to_torch_dtype"]

_FLOAT_DTYPES: dict[str, torch.dtype] = {
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
}


def standardize_dtype(value: Any) -> str:
    """A floating dtype given by name, torch dtype or NumPy dtype, as its Keras name."""
    if value is None:
        return "float32"
    if isinstance(value, torch.dtype):
        name = str(value).removeprefix("torch.")
    elif isinstance(value, str):
        name = value
    else:
        try:
            name = np.dtype(value).name
        except TypeError:
            name = repr(value)
    if name not in _FLOAT_DTYPES:
        raise ValueError(
            "`dtype` must be one of 'float32', 'float64', 'bfloat16', 'float16'. "
            f"Received: dtype={value!r}"
        )
    return name


def to_torch_dtype(value: Any) -> torch.dtype:
    """The torch dtype of a floating dtype given in any form ``standardize_dtype`` takes."""
    return _FLOAT_DTYPES[standardize_dtype(value)]
