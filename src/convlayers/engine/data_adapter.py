"""The arrays ``fit``/``evaluate``/``predict`` take, as tf-keras 2.21's data adapter reads them.

``x``, ``y`` and ``sample_weight`` may each be an array or tensor, a list of them (one per
model input or output), a dict keyed by input/output name, or None; a list of plain
numbers is one array. Floating arrays are cast to the model's dtype (tf-keras casts them
to float32). Every array must have the same number of samples.

>>> import numpy as np
>>> x = to_tensors(np.zeros((4, 3)), torch.float32)
>>> x.dtype, num_samples(x, [np.zeros(4)], None)
(torch.float32, 4)
>>> class_weights(torch.tensor([0, 1, 1, 0]), None, {0: 1.0, 1: 3.0}).tolist()
[1.0, 3.0, 3.0, 1.0]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Number
from typing import Any

import numpy as np
import torch

from ..symbolic import flatten, map_structure

__all__ = [
    "class_weights",
    "num_samples",
    "take",
    "to_tensors",
    "train_validation_split",
    "unpack_x_y_sample_weight",
]


def _to_tensor(value: Any, dtype: torch.dtype) -> torch.Tensor:
    if not isinstance(value, torch.Tensor):
        array = np.asarray(value)
        if array.dtype == object:
            raise ValueError(
                "The data must be arrays or tensors (lists or dicts of them), or come in "
                "batches (a Sequence, generator or iterable such as a DataLoader); ragged "
                "lists are not supported. "
                f"Received: {type(value).__name__} {value!r:.80}"
            )
        value = torch.as_tensor(array)
    return value.to(dtype) if value.is_floating_point() else value


def to_tensors(data: Any, dtype: torch.dtype) -> Any:
    """``data`` with every array as a tensor (floating ones of ``dtype``), nesting kept."""
    if data is None:
        return None
    if isinstance(data, list | tuple) and data and all(isinstance(v, Number) for v in data):
        return _to_tensor(data, dtype)
    return map_structure(lambda leaf: None if leaf is None else _to_tensor(leaf, dtype), data)


def _sizes(data: Any) -> list[int]:
    return [len(t) for t in flatten(data) if t is not None]


def num_samples(x: Any, y: Any = None, sample_weight: Any = None) -> int:
    """The common number of samples; ``ValueError`` in tf-keras' words if they differ."""
    parts = [("x", x), ("y", y), ("sample_weight", sample_weight)]
    sizes = {size for _, data in parts for size in _sizes(data)}
    if len(sizes) > 1:
        lines = [
            f"  {label} sizes: {', '.join(map(str, _sizes(data)))}\n"
            for label, data in parts
            if _sizes(data)
        ]
        raise ValueError(
            "Data cardinality is ambiguous:\n"
            + "".join(lines)
            + "Make sure all arrays contain the same number of samples."
        )
    return sizes.pop() if sizes else 0


def take(data: Any, index: Any, device: torch.device | None = None) -> Any:
    """The samples ``index`` of every array in ``data`` (on ``device``)."""

    def pick(leaf: Any) -> Any:
        if leaf is None:
            return None
        part = leaf[index]
        return part if device is None else part.to(device)

    return map_structure(pick, data)


def unpack_x_y_sample_weight(data: Any) -> tuple[Any, Any, Any]:
    """``(x, y, sample_weight)`` from ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) in (1, 2, 3):
        return (*data, *(None,) * (3 - len(data)))  # type: ignore[return-value]
    raise ValueError(
        "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, "
        f"found: {data}"
    )


def train_validation_split(
    arrays: tuple[Any, ...], validation_split: float
) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """The first ``1 - validation_split`` of the samples, and the rest (not shuffled)."""
    total = num_samples(*arrays)
    split_at = math.floor(total * (1.0 - validation_split))
    if split_at == 0 or split_at == total:
        raise ValueError(
            f"Training data contains {total} samples, which is not sufficient to split it "
            "into a validation and training set as specified by `validation_split="
            f"{validation_split}`. Either provide more data, or a different value for the "
            "`validation_split` argument."
        )
    return take(arrays, slice(0, split_at)), take(arrays, slice(split_at, None))


def class_weights(y: Any, sample_weight: Any, class_weight: Mapping[int, float]) -> torch.Tensor:
    """Per-sample weights ``class_weight[class of y]`` (times ``sample_weight``): the class
    is ``argmax`` of one-hot targets, else the rounded target."""
    class_ids = sorted(class_weight)
    if class_ids != list(range(len(class_ids))):
        raise ValueError(
            "Expected `class_weight` to be a dict with keys from 0 to one less than the "
            f"number of classes, found {class_weight}"
        )
    flat = flatten(y) if isinstance(y, list | tuple | dict) else [y]
    if len(flat) != 1:
        raise ValueError("`class_weight` is only supported for Models with a single output.")
    y = flat[0]
    if y.ndim >= 2:
        classes = y.argmax(dim=-1) if y.shape[-1] > 1 else torch.round(y.squeeze(-1)).long()
    else:
        classes = torch.round(y).long() if y.is_floating_point() else y.long()
    if bool(((classes < 0) | (classes >= len(class_ids))).any()):
        raise ValueError(
            f"`class_weight` has weights for classes 0 to {len(class_ids) - 1} but the targets "
            f"hold classes {sorted(set(classes.unique().tolist()))}. "
            f"Received: class_weight={class_weight}"
        )
    table = torch.tensor([float(class_weight[c]) for c in class_ids], device=classes.device)
    weights = table[classes]
    if sample_weight is None:
        return weights
    weights = weights.to(sample_weight.dtype)
    extra = weights.ndim - sample_weight.ndim
    return sample_weight.reshape(*sample_weight.shape, *(1,) * max(extra, 0)) * weights
