"""Keras metrics by name, as per-sample values averaged over an epoch.

'accuracy' picks the Keras variant from the loss and the shapes: sparse
categorical (integer labels), categorical (one-hot) or binary (threshold 0.5).

>>> import torch
>>> name, fn = get("accuracy", "sparse_categorical_crossentropy")
>>> name, fn(torch.tensor([1, 0]), torch.tensor([[0.2, 0.8], [0.3, 0.7]])).tolist()
('accuracy', [1.0, 0.0])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

__all__ = ["get"]

Metric = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def sparse_categorical_accuracy(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    labels = y_true.reshape(y_pred.shape[:-1]).long()
    return (y_pred.argmax(dim=-1) == labels).float()


def categorical_accuracy(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    return (y_pred.argmax(dim=-1) == y_true.argmax(dim=-1)).float()


def binary_accuracy(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    hits = (y_pred > 0.5).float() == y_true.reshape(y_pred.shape).float()
    return hits.float().mean(dim=-1)


def mean_absolute_error(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    return (y_pred - y_true.to(y_pred.dtype)).abs().mean(dim=-1)


def mean_squared_error(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    return (y_pred - y_true.to(y_pred.dtype)).square().mean(dim=-1)


def _auto_accuracy(loss: Any) -> Metric:
    loss_name = loss if isinstance(loss, str) else getattr(loss, "name", "")
    from_logits = getattr(loss, "from_logits", False)
    if "sparse_categorical" in loss_name:
        return sparse_categorical_accuracy
    if "categorical" in loss_name or loss_name == "cce":
        return categorical_accuracy
    if from_logits and "binary" in loss_name:
        return lambda y_true, y_pred: binary_accuracy(y_true, torch.sigmoid(y_pred))

    def by_shape(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        if y_pred.shape[-1] > 1 and y_true.dim() < y_pred.dim():
            return sparse_categorical_accuracy(y_true, y_pred)
        if y_pred.shape[-1] > 1 and y_true.shape == y_pred.shape:
            return categorical_accuracy(y_true, y_pred)
        return binary_accuracy(y_true, y_pred)

    return by_shape


_NAMES: dict[str, tuple[str, Metric]] = {
    "mae": ("mae", mean_absolute_error),
    "mean_absolute_error": ("mean_absolute_error", mean_absolute_error),
    "mse": ("mse", mean_squared_error),
    "mean_squared_error": ("mean_squared_error", mean_squared_error),
    "sparse_categorical_accuracy": ("sparse_categorical_accuracy", sparse_categorical_accuracy),
    "categorical_accuracy": ("categorical_accuracy", categorical_accuracy),
    "binary_accuracy": ("binary_accuracy", binary_accuracy),
}


def get(identifier: Any, loss: Any = None) -> tuple[str, Metric]:
    """``(name, fn)`` for a metric name ('accuracy'/'acc', 'mae', 'mse', ...) or a function
    ``fn(y_true, y_pred)`` returning per-sample values (or their mean)."""
    if identifier in ("accuracy", "acc"):
        return identifier, _auto_accuracy(loss)
    if isinstance(identifier, str):
        if identifier not in _NAMES:
            raise ValueError(
                f"`metrics` entries must be one of {['accuracy', *sorted(_NAMES)]} or callables. "
                f"Received: metric={identifier!r}"
            )
        return _NAMES[identifier]
    if callable(identifier):
        return getattr(identifier, "__name__", type(identifier).__name__), identifier
    raise ValueError(f"A metric must be a name or a callable. Received: metric={identifier!r}")
