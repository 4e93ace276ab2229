"""Small helpers of the Layer base: shapes, input conversion, NumPy export.

>>> as_shape([None, 10, 3])
(None, 10, 3)
>>> batch_input_shape({"input_shape": (10, 3), "batch_size": 4})
(4, 10, 3)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from ..symbolic import flatten as _flatten
from .input_spec import not_a_tensor

__all__ = [
    "as_shape",
    "batch_input_shape",
    "convert_input",
    "device_of",
    "is_shape",
    "mask_of",
    "per_output",
    "shapes_of",
    "to_numpy",
]


def is_shape(value: Any) -> bool:
    """Whether ``value`` is one shape (a sequence of ints and ``None``), not a list of them."""
    return isinstance(value, (tuple, list, torch.Size)) and all(
        d is None or (isinstance(d, (int, np.integer)) and not isinstance(d, bool)) for d in value
    )


def as_shape(input_shape: Any) -> tuple[int | None, ...]:
    """A shape given as tuple, list or ``torch.Size``, as a tuple of ints and ``None``."""
    if is_shape(input_shape):
        return tuple(None if d is None else int(d) for d in input_shape)
    raise TypeError(
        f"`input_shape` must be a tuple of integers or None. Received: input_shape={input_shape!r}"
    )


def batch_input_shape(kwargs: dict[str, Any]) -> tuple[int | None, ...] | None:
    """The full input shape from Keras' ``input_shape``/``batch_input_shape``/... arguments."""
    if kwargs.get("batch_input_shape") is not None:
        return as_shape(kwargs["batch_input_shape"])
    if kwargs.get("input_shape") is not None:
        return (kwargs.get("batch_size"), *as_shape(kwargs["input_shape"]))
    if kwargs.get("input_dim") is not None:
        return (kwargs.get("batch_size"), kwargs["input_dim"])
    return None


def convert_input(value: Any, dtype: torch.dtype) -> Any:
    """Floating tensors and arrays (also nested in lists) as tensors of ``dtype``."""
    if isinstance(value, torch.Tensor):
        if value.is_floating_point() and value.dtype != dtype:
            return value.to(dtype)
        return value
    if isinstance(value, (list, tuple)):
        return type(value)(convert_input(v, dtype) for v in value)
    if isinstance(value, (np.ndarray, np.generic, float)):
        array = np.asarray(value)
        if np.issubdtype(array.dtype, np.floating):
            return torch.as_tensor(array, dtype=dtype)
        return torch.as_tensor(array)
    return value


def to_numpy(tensor: torch.Tensor, copy: bool = True) -> np.ndarray:
    """``tensor`` as a NumPy array (bfloat16 as float32); ``copy=False`` may share its memory."""
    tensor = tensor.detach().cpu()
    if tensor.dtype == torch.bfloat16:
        tensor = tensor.float()
    return tensor.numpy().copy() if copy else tensor.numpy()


def shapes_of(inputs: Any) -> Any:
    """The shape of a tensor as a tuple, or a list of shapes for a list of tensors."""
    if isinstance(inputs, (list, tuple)):
        return [shapes_of(v) for v in inputs]
    if not hasattr(inputs, "shape"):
        raise not_a_tensor(inputs)
    return tuple(inputs.shape)


def device_of(inputs: Any) -> torch.device | None:
    """The device of the first tensor in ``inputs``."""
    if isinstance(inputs, (list, tuple)):
        return next((d for d in map(device_of, inputs) if d is not None), None)
    return inputs.device if isinstance(inputs, torch.Tensor) else None


def mask_of(inputs: Any) -> Any:
    """The ``_keras_mask`` carried by ``inputs`` (a list for several; ``None`` if none)."""
    if isinstance(inputs, (list, tuple)):
        masks = [getattr(t, "_keras_mask", None) for t in inputs]
        return None if all(m is None for m in masks) else masks
    return getattr(inputs, "_keras_mask", None)


def per_output(mask: Any, outputs: Any) -> list[Any]:
    """One mask per output tensor of ``outputs``."""
    count = len(_flatten(outputs))
    if isinstance(mask, (list, tuple)) and count > 1:
        return list(mask)
    return [mask] * count
