"""Keras losses by name: ``(y_true, y_pred) -> scalar`` averaged over the batch.

Probabilities (``from_logits=False``) are clipped to ``[1e-7, 1 - 1e-7]`` as Keras does.

>>> import torch
>>> get("mse")(torch.tensor([[1.0, 2.0]]), torch.tensor([[1.0, 4.0]]))
tensor(2.)
>>> loss = SparseCategoricalCrossentropy(from_logits=True)
>>> round(float(loss(torch.tensor([0]), torch.tensor([[0.0, 0.0]]))), 4)
0.6931
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F

__all__ = [
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "Loss",
    "MeanAbsoluteError",
    "MeanSquaredError",
    "SparseCategoricalCrossentropy",
    "get",
]

EPSILON = 1e-7


class Loss:
    """A named loss; ``from_logits`` says whether predictions are logits."""

    name = "loss"

    def __init__(self, from_logits: bool = False) -> None:
        self.from_logits = bool(from_logits)

    def __call__(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        return self.per_sample(y_true, y_pred).mean()

    def per_sample(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "from_logits": self.from_logits}


class MeanSquaredError(Loss):
    name = "mean_squared_error"

    def per_sample(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        return (y_pred - y_true.to(y_pred.dtype)).square().mean(dim=-1)


class MeanAbsoluteError(Loss):
    name = "mean_absolute_error"

    def per_sample(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        return (y_pred - y_true.to(y_pred.dtype)).abs().mean(dim=-1)


class BinaryCrossentropy(Loss):
    name = "binary_crossentropy"

    def per_sample(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        y_true = y_true.to(y_pred.dtype).reshape(y_pred.shape)
        if self.from_logits:
            values = F.binary_cross_entropy_with_logits(y_pred, y_true, reduction="none")
        else:
            p = y_pred.clamp(EPSILON, 1 - EPSILON)  # then +epsilon inside the logs, as Keras
            values = -(y_true * (p + EPSILON).log() + (1 - y_true) * (1 - p + EPSILON).log())
        return values.mean(dim=-1)


class CategoricalCrossentropy(Loss):
    name = "categorical_crossentropy"

    def per_sample(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        return -(y_true.to(y_pred.dtype) * _log_probs(y_pred, self.from_logits)).sum(dim=-1)


class SparseCategoricalCrossentropy(Loss):
    name = "sparse_categorical_crossentropy"

    def per_sample(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        labels = y_true.reshape(y_pred.shape[:-1]).long()
        if self.from_logits:
            log_p = F.log_softmax(y_pred, dim=-1)
        else:  # Keras clips, then normalises (a softmax of the logs)
            log_p = F.log_softmax(y_pred.clamp(EPSILON, 1 - EPSILON).log(), dim=-1)
        return -log_p.gather(-1, labels.unsqueeze(-1))[..., 0]


def _log_probs(y_pred: torch.Tensor, from_logits: bool) -> torch.Tensor:
    if from_logits:
        return F.log_softmax(y_pred, dim=-1)
    p = y_pred / y_pred.sum(dim=-1, keepdim=True)  # Keras normalises, then clips
    return p.clamp(EPSILON, 1 - EPSILON).log()


_NAMES: dict[str, type[Loss]] = {
    "mse": MeanSquaredError,
    "mean_squared_error": MeanSquaredError,
    "mae": MeanAbsoluteError,
    "mean_absolute_error": MeanAbsoluteError,
    "bce": BinaryCrossentropy,
    "binary_crossentropy": BinaryCrossentropy,
    "cce": CategoricalCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
}


def get(identifier: Any) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """A loss from a Keras name, a :class:`Loss`, a ``torch.nn`` loss module (called as
    ``module(y_pred, y_true)``, PyTorch's order) or a function ``fn(y_true, y_pred)``."""
    if isinstance(identifier, str):
        if identifier not in _NAMES:
            raise ValueError(
                f"`loss` must be one of {sorted(_NAMES)} or a callable. "
                f"Received: loss={identifier!r}"
            )
        return _NAMES[identifier]()
    if isinstance(identifier, torch.nn.Module):
        module = identifier
        return lambda y_true, y_pred: module(y_pred, y_true)
    if callable(identifier):
        return identifier
    raise ValueError(f"`loss` must be a name or a callable. Received: loss={identifier!r}")
