"""Layer dtypes: Keras names ('float32', ...) and their torch counterparts.

>>> standardize_dtype(None), standardize_dtype(torch.float64), standardize_dtype("bfloat16")
('float32', 'float64', 'bfloat16')
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from . import config

__all__ = ["INTEGER_DTYPES", "dtype_name", "standardize_dtype", "to_torch_dtype"]

#: The dtypes of id and index inputs (``Input(dtype="int32")`` for an ``Embedding``).
INTEGER_DTYPES = frozenset(
    ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
)

_FLOAT_DTYPES: dict[str, torch.dtype] = {
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
}


def dtype_name(value: Any) -> str:
    """The name ('float32', 'int64', ...) of a dtype given as a torch dtype, a string or
    anything NumPy reads as a dtype; TypeError for anything else."""
    if isinstance(value, torch.dtype):
        return str(value).removeprefix("torch.")
    if isinstance(value, str):
        return value
    return np.dtype(value).name


def standardize_dtype(value: Any) -> str:
    """A floating dtype given by name, torch dtype or NumPy dtype, as its Keras name
    (``None``: ``config.floatx()``)."""
    if value is None:
        return config.floatx()
    try:
        name = dtype_name(value)
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
