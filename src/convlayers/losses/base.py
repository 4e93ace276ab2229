"""The loss base classes: ``loss(y_true, y_pred, sample_weight=None)`` as tf-keras 2.21.

A :class:`Loss` computes per-sample values with ``call`` and reduces them with its
``reduction`` ('auto' = 'sum_over_batch_size', 'sum', 'none'); see
:mod:`convlayers.losses.reduction`. :class:`LossFunctionWrapper` makes a loss object of
a function ``fn(y_true, y_pred, **kwargs)``.

>>> import torch
>>> from convlayers.losses.functions import mean_squared_error
>>> mse = LossFunctionWrapper(mean_squared_error, name="mse")
>>> mse(torch.tensor([[0.0], [1.0]]), torch.tensor([[1.0], [1.0]]))
tensor(0.5000)
>>> mse(torch.tensor([[0.0], [1.0]]), torch.tensor([[1.0], [1.0]]), sample_weight=[3.0, 1.0])
tensor(1.5000)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import torch

from . import functions
from .reduction import (
    Reduction,
    apply_valid_mask,
    compute_weighted_loss,
    get_mask,
    squeeze_or_expand_dimensions,
    to_tensor,
)

__all__ = ["Loss", "LossFunctionWrapper"]


class Loss:
    """Base class: subclasses implement ``call(y_true, y_pred) -> per-sample losses``.

    Args:
        reduction: 'auto' (= 'sum_over_batch_size': the weighted sum divided by the number
            of values), 'sum', 'sum_over_batch_size' or 'none'.
        name: the loss' name (used for the log of a model output).

    >>> import torch
    >>> from convlayers import losses
    >>> class MeanCubedError(losses.Loss):
    ...     def call(self, y_true, y_pred):
    ...         return (y_pred - y_true).abs().pow(3).mean(dim=-1)
    >>> loss = MeanCubedError(name='mce')
    >>> loss(torch.zeros(2, 3), torch.full((2, 3), 2.0), sample_weight=torch.tensor([1.0, 0.0]))
    tensor(4.)
    >>> loss.get_config()
    {'reduction': 'auto', 'name': 'mce'}
    """

    def __init__(self, reduction: str = Reduction.AUTO, name: str | None = None) -> None:
        Reduction.validate(reduction)
        self.reduction = reduction
        self.name = name

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> torch.Tensor:
        """The reduced, weighted loss. ``sample_weight``: None, a scalar, per sample
        ``(batch,)`` or per value (the shape of the per-sample losses)."""
        y_pred = to_tensor(y_pred)
        losses = self.call(to_tensor(y_true), y_pred)
        in_mask, out_mask = get_mask(y_pred), get_mask(losses)
        if in_mask is not None and out_mask is not None:
            mask = in_mask & out_mask
        else:
            mask = in_mask if in_mask is not None else out_mask
        reduction = self._reduction()
        sample_weight = apply_valid_mask(losses, sample_weight, mask, reduction)
        return compute_weighted_loss(losses, sample_weight, reduction=reduction)

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        """The per-sample losses; subclasses implement it."""
        raise NotImplementedError("Must be implemented in subclasses.")

    def _reduction(self) -> str:
        return Reduction.SUM_OVER_BATCH_SIZE if self.reduction == Reduction.AUTO else self.reduction

    def get_config(self) -> dict[str, Any]:
        """``{'reduction': ..., 'name': ...}`` plus the subclass' arguments."""
        return {"reduction": self.reduction, "name": self.name}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Loss:
        """An instance from ``get_config()`` output."""
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class LossFunctionWrapper(Loss):
    """A :class:`Loss` around a function ``fn(y_true, y_pred, **kwargs)`` returning
    per-sample losses (the form ``compile`` gives a loss named by a string or function)."""

    def __init__(
        self,
        fn: Callable[..., torch.Tensor],
        reduction: str = Reduction.AUTO,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(reduction=reduction, name=name)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        y_pred, y_true = squeeze_or_expand_dimensions(y_pred, y_true)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict[str, Any]:
        fn_name = getattr(self.fn, "__name__", None)
        return {**super().get_config(), **self._fn_kwargs, "fn": fn_name}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Loss:
        config = dict(config)
        fn_name = config.pop("fn", None)
        if cls is LossFunctionWrapper:
            config["fn"] = functions.by_name(fn_name)
        return cls(**config)
