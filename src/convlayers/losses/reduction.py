"""How a loss object turns per-sample losses into one value, as tf-keras 2.21 does.

A loss function gives one value per sample (per position for sequence outputs); a
:class:`~convlayers.losses.Loss` multiplies them by ``sample_weight`` (broadcast after
the rank fix-ups of :func:`squeeze_or_expand_dimensions`) and reduces:

- ``'sum_over_batch_size'`` (and ``'auto'``): the weighted sum divided by the *number of
  values*, not by the sum of the weights;
- ``'sum'``: the weighted sum;
- ``'none'``: the weighted values, unreduced.

>>> import torch
>>> losses = torch.tensor([1.0, 2.0, 3.0, 4.0])
>>> compute_weighted_loss(losses, torch.tensor([1.0, 0.0, 1.0, 0.0]))
tensor(1.)
>>> compute_weighted_loss(losses, reduction="sum")
tensor(10.)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

__all__ = [
    "Reduction",
    "apply_mask",
    "apply_valid_mask",
    "compute_weighted_loss",
    "get_mask",
    "remove_squeezable_dimensions",
    "squeeze_or_expand_dimensions",
    "to_tensor",
]


class Reduction:
    """The reduction names of ``tf.keras.losses.Reduction``.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true, y_pred = torch.zeros(2, 1), torch.tensor([[1.0], [3.0]])
    >>> [float(losses.MeanAbsoluteError(reduction=r)(y_true, y_pred)) for r in ('auto', 'sum')]
    [2.0, 4.0]
    >>> losses.Reduction.all()
    ('auto', 'none', 'sum', 'sum_over_batch_size')
    """

    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"

    @classmethod
    def all(cls) -> tuple[str, ...]:
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)

    @classmethod
    def validate(cls, key: Any) -> None:
        """``ValueError`` in tf-keras' words for anything but the four names."""
        if key not in cls.all():
            raise ValueError(
                f'Invalid Reduction Key: {key}. Expected keys are "{cls.all()}". '
                f"Received: reduction={key!r}"
            )


def to_tensor(value: Any, like: torch.Tensor | None = None) -> torch.Tensor:
    """``value`` as a tensor, as ``tf.convert_to_tensor`` sees it: tensors and NumPy arrays
    keep their dtype, Python floats become float32. With ``like``, cast to its dtype and
    device (``tf.cast(value, like.dtype)``)."""
    if not isinstance(value, torch.Tensor):
        array = np.asarray(value)
        if not isinstance(value, np.ndarray | np.generic) and array.dtype == np.float64:
            array = array.astype(np.float32)
        value = torch.as_tensor(array)
    if like is not None:
        value = value.to(device=like.device, dtype=like.dtype)
    return value


def get_mask(tensor: Any) -> torch.Tensor | None:
    """The Keras mask a layer attached to ``tensor`` (``tensor._keras_mask``), if any."""
    return getattr(tensor, "_keras_mask", None)


def _squeeze_last(tensor: torch.Tensor, what: str) -> torch.Tensor:
    if tensor.shape[-1] != 1:
        raise ValueError(
            f"Can not squeeze dim[-1] of `{what}`, expected a dimension of 1. "
            f"Received: {what}.shape={tuple(tensor.shape)}"
        )
    return tensor.squeeze(-1)


def remove_squeezable_dimensions(
    labels: torch.Tensor, predictions: torch.Tensor, expected_rank_diff: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Squeeze the last axis (of size 1) of whichever of the two has one axis too many
    compared with ``rank(predictions) - rank(labels) == expected_rank_diff``."""
    rank_diff = predictions.ndim - labels.ndim
    if rank_diff == expected_rank_diff + 1 and predictions.shape[-1] == 1:
        predictions = predictions.squeeze(-1)
    elif rank_diff == expected_rank_diff - 1 and labels.shape[-1] == 1:
        labels = labels.squeeze(-1)
    return labels, predictions


def squeeze_or_expand_dimensions(
    y_pred: torch.Tensor,
    y_true: torch.Tensor | None = None,
    sample_weight: torch.Tensor | None = None,
) -> tuple[Any, ...]:
    """tf-keras' rank fix-ups: squeeze a size-1 last axis of ``y_pred`` or ``y_true`` when
    their ranks differ by one (unless ``y_true`` holds class ids for ``y_pred``'s last
    axis), then squeeze or expand ``sample_weight``'s last axis when its rank differs from
    ``y_pred``'s by one. Returns ``(y_pred, y_true)`` or ``(y_pred, y_true, sample_weight)``."""
    if y_true is not None and (y_pred.ndim - y_true.ndim != 1 or y_pred.shape[-1] == 1):
        y_true, y_pred = remove_squeezable_dimensions(y_true, y_pred)
    if sample_weight is None:
        return y_pred, y_true
    if sample_weight.ndim == 0:
        return y_pred, y_true, sample_weight
    if sample_weight.ndim - y_pred.ndim == 1:
        sample_weight = _squeeze_last(sample_weight, "sample_weight")
    elif y_pred.ndim - sample_weight.ndim == 1:
        sample_weight = sample_weight.unsqueeze(-1)
    return y_pred, y_true, sample_weight


def _reduce(weighted: torch.Tensor, reduction: str) -> torch.Tensor:
    if reduction == Reduction.NONE:
        return weighted
    total = weighted.sum()
    if reduction == Reduction.SUM_OVER_BATCH_SIZE:
        count = weighted.numel()
        return total / count if count else torch.zeros_like(total)
    return total


def compute_weighted_loss(
    losses: torch.Tensor,
    sample_weight: Any = None,
    reduction: str = Reduction.SUM_OVER_BATCH_SIZE,
) -> torch.Tensor:
    """``losses * sample_weight`` reduced by ``reduction`` ('auto' is
    'sum_over_batch_size'). ``sample_weight``: None, a scalar, or a tensor broadcastable
    to ``losses`` after :func:`squeeze_or_expand_dimensions`."""
    Reduction.validate(reduction)
    if reduction == Reduction.AUTO:
        reduction = Reduction.SUM_OVER_BATCH_SIZE
    if not losses.is_floating_point():
        losses = losses.float()
    weight = to_tensor(1.0 if sample_weight is None else sample_weight, like=losses)
    losses, _, weight = squeeze_or_expand_dimensions(losses, None, weight)
    try:
        weighted = losses * weight
    except RuntimeError as error:
        raise ValueError(
            "`sample_weight` must be broadcastable to the per-sample losses. Received: "
            f"sample_weight.shape={tuple(weight.shape)} for losses of shape "
            f"{tuple(losses.shape)}"
        ) from error
    return _reduce(weighted, reduction)


def apply_mask(y_pred: torch.Tensor, sample_weight: Any, mask: Any) -> Any:
    """Sample weights times the output mask (the mask alone when there are no weights)."""
    if mask is None:
        return sample_weight
    mask = to_tensor(mask, like=y_pred)
    if sample_weight is None:
        return mask
    sample_weight = to_tensor(sample_weight, like=mask)
    mask, _, sample_weight = squeeze_or_expand_dimensions(mask, sample_weight=sample_weight)
    return sample_weight * mask


def apply_valid_mask(losses: torch.Tensor, sample_weight: Any, mask: Any, reduction: str) -> Any:
    """As :func:`apply_mask`, the mask first scaled by ``size / valid`` for the mean
    reductions, so masked-out entries do not count in the divisor."""
    if mask is not None:
        mask = to_tensor(mask, like=losses)
        if reduction in (Reduction.AUTO, Reduction.SUM_OVER_BATCH_SIZE):
            mask = mask * (mask.numel() / mask.sum())
    return apply_mask(losses, sample_weight, mask)
