"""The tf-keras 2.21 accuracy functions: ``fn(y_true, y_pred) -> per-sample 0/1 values``.

``y_pred`` holds scores (probabilities or logits) with classes on the last axis;
sparse variants take integer class ids (with or without a trailing axis of size 1),
the others one-hot labels. Ties go to the lowest class index, as ``argmax`` does; a
class tied with the k-th best score counts as in the top k, as ``tf.math.in_top_k``.

>>> import torch
>>> sparse_categorical_accuracy(torch.tensor([1, 0]), torch.tensor([[0.2, 0.8], [0.3, 0.7]]))
tensor([1., 0.])
>>> binary_accuracy(torch.tensor([[1.0, 0.0]]), torch.tensor([[0.7, 0.6]]))
tensor([0.5000])
"""

from __future__ import annotations

from typing import Any

import torch

from ..losses.reduction import to_tensor

__all__ = [
    "accuracy",
    "binary_accuracy",
    "binary_matches",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "sparse_categorical_matches",
    "sparse_top_k_categorical_accuracy",
    "sparse_top_k_categorical_matches",
    "top_k_categorical_accuracy",
]


def accuracy(y_true: Any, y_pred: Any) -> torch.Tensor:
    """1.0 where ``y_pred == y_true`` exactly (``y_pred`` cast to ``y_true``'s dtype)."""
    y_true, y_pred = to_tensor(y_true), to_tensor(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"Shapes {tuple(y_true.shape)} and {tuple(y_pred.shape)} are incompatible. "
            f"Received: y_true.shape={tuple(y_true.shape)}, y_pred.shape={tuple(y_pred.shape)}"
        )
    return (y_true == y_pred.to(device=y_true.device, dtype=y_true.dtype)).float()


def binary_matches(y_true: Any, y_pred: Any, threshold: float = 0.5) -> torch.Tensor:
    """1.0 where ``(y_pred > threshold) == y_true``, per value."""
    y_pred = to_tensor(y_pred)
    predicted = (y_pred > threshold).to(y_pred.dtype)
    return (to_tensor(y_true, like=predicted) == predicted).float()


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> torch.Tensor:
    """The mean of :func:`binary_matches` over the last axis.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
    >>> y_pred = torch.tensor([[0.2], [0.7], [0.4], [0.9]])
    >>> metrics.binary_accuracy(y_true, y_pred)  # one value per sample
    tensor([1., 1., 0., 0.])
    """
    return binary_matches(y_true, y_pred, threshold).mean(dim=-1)


def sparse_categorical_matches(y_true: Any, y_pred: Any) -> torch.Tensor:
    """1.0 where ``argmax(y_pred) == y_true``; ``y_true`` of ``y_pred``'s rank (a trailing
    axis of size 1) gives matches of ``y_true``'s shape."""
    y_true, y_pred = to_tensor(y_true), to_tensor(y_pred)
    original_shape = y_true.shape
    reshape = y_true.ndim == y_pred.ndim
    if reshape:
        if y_true.shape[-1] != 1:
            raise ValueError(
                "Can not squeeze dim[-1] of `y_true`, expected a dimension of 1. "
                f"Received: y_true.shape={tuple(y_true.shape)}"
            )
        y_true = y_true.squeeze(-1)
    predicted = y_pred.argmax(dim=-1).to(device=y_true.device, dtype=y_true.dtype)
    matches = (y_true == predicted).float()
    return matches.reshape(original_shape) if reshape else matches


def categorical_accuracy(y_true: Any, y_pred: Any) -> torch.Tensor:
    """1.0 where ``argmax(y_pred) == argmax(y_true)``.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    >>> y_pred = torch.tensor([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    >>> metrics.categorical_accuracy(y_true, y_pred)  # one value per sample
    tensor([1., 0.])
    """
    return sparse_categorical_matches(to_tensor(y_true).argmax(dim=-1), y_pred)


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> torch.Tensor:
    """1.0 where ``argmax(y_pred) == y_true`` (a trailing size-1 axis is dropped).

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([1, 2])
    >>> y_pred = torch.tensor([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    >>> metrics.sparse_categorical_accuracy(y_true, y_pred)  # one value per sample
    tensor([1., 0.])
    """
    matches = sparse_categorical_matches(y_true, y_pred)
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = matches.squeeze(-1)
    return matches


def _in_top_k(predictions: torch.Tensor, targets: torch.Tensor, k: int) -> torch.Tensor:
    """``tf.math.in_top_k``: fewer than ``k`` scores beat the target's; rows with a
    non-finite score or an out-of-range target give False."""
    num_classes = predictions.shape[-1]
    in_range = (targets >= 0) & (targets < num_classes)
    index = targets.clamp(0, num_classes - 1).long().unsqueeze(-1)
    target_score = predictions.gather(-1, index)
    better = (predictions > target_score).sum(dim=-1)
    finite = torch.isfinite(predictions).all(dim=-1)
    return in_range & finite & (better < k)


def sparse_top_k_categorical_matches(y_true: Any, y_pred: Any, k: int = 5) -> torch.Tensor:
    """1.0 where class ``y_true`` is among the ``k`` best scores of ``y_pred``."""
    y_true, y_pred = to_tensor(y_true), to_tensor(y_pred)
    original_shape = y_true.shape
    if y_pred.ndim > 2:
        y_pred = y_pred.reshape(-1, y_pred.shape[-1])
    reshape = y_true.ndim > 1
    if reshape:
        y_true = y_true.reshape(-1)
    targets = y_true.to(device=y_pred.device).to(torch.int32)
    matches = _in_top_k(y_pred, targets, k).float()
    return matches.reshape(original_shape) if reshape else matches


def top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> torch.Tensor:
    """1.0 where ``argmax(y_true)`` is among the ``k`` best scores of ``y_pred``.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    >>> y_pred = torch.tensor([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    >>> metrics.top_k_categorical_accuracy(y_true, y_pred, k=2)  # one value per sample
    tensor([1., 1.])
    """
    return sparse_top_k_categorical_matches(to_tensor(y_true).argmax(dim=-1), y_pred, k)


def sparse_top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> torch.Tensor:
    """1.0 where class ``y_true`` is among the ``k`` best scores of ``y_pred``.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([1, 2])
    >>> y_pred = torch.tensor([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    >>> metrics.sparse_top_k_categorical_accuracy(y_true, y_pred, k=2)  # one value per sample
    tensor([1., 1.])
    """
    return sparse_top_k_categorical_matches(y_true, y_pred, k)


acc = ACC = accuracy

# the names tf-keras resolves to these functions
NAMED = {
    "accuracy": accuracy,
    "acc": acc,
    "ACC": ACC,
    "binary_accuracy": binary_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "top_k_categorical_accuracy": top_k_categorical_accuracy,
    "sparse_top_k_categorical_accuracy": sparse_top_k_categorical_accuracy,
}
