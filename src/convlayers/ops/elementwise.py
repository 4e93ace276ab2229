"""Elementwise maximum and minimum with TensorFlow's values and gradients.

``tf.maximum(a, b)`` propagates NaN and sends the whole gradient to ``a`` where
``a >= b`` (to ``b`` elsewhere); ``torch.maximum`` splits it in halves at ties. These
follow TF (``minimum`` with ``a <= b``). Either operand may be a Python number.

>>> import torch
>>> a = torch.tensor([1.0, 2.0], requires_grad=True)
>>> b = torch.tensor([1.0, 3.0], requires_grad=True)
>>> maximum(a, b).sum().backward()
>>> a.grad.tolist(), b.grad.tolist()
([1.0, 0.0], [0.0, 1.0])
"""

from __future__ import annotations

from typing import Any

import torch

__all__ = ["as_tensors", "maximum", "minimum"]


def as_tensors(a: Any, b: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """``a`` and ``b`` as tensors; a number or list takes the other operand's dtype and
    device (TF converts a constant operand to the tensor's dtype)."""
    if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor):
        return a, b
    if isinstance(a, torch.Tensor):
        return a, torch.as_tensor(b, dtype=a.dtype, device=a.device)
    if isinstance(b, torch.Tensor):
        return torch.as_tensor(a, dtype=b.dtype, device=b.device), b
    return torch.as_tensor(a), torch.as_tensor(b)


def maximum(a: Any, b: Any) -> torch.Tensor:
    """``max(a, b)`` elementwise; the gradient goes to ``a`` where ``a >= b``."""
    a, b = as_tensors(a, b)
    return torch.where((a >= b) | torch.isnan(a), a, b)


def minimum(a: Any, b: Any) -> torch.Tensor:
    """``min(a, b)`` elementwise; the gradient goes to ``a`` where ``a <= b``."""
    a, b = as_tensors(a, b)
    return torch.where((a <= b) | torch.isnan(a), a, b)
