"""Batch and layer normalization over Keras axes: the normalization layers' hot paths.

``axes`` are the kept (normalized-per-entry) axes of a Keras layer, as non-negative
ints; parameters have the Keras shapes (``(C,)`` for one axis; for several axes
BatchNormalization keeps the input's rank with 1 on the other axes, while
LayerNormalization has one entry per axis, in the order given).

Batch statistics come from torch's fused ``batch_norm`` (one pass, native backward)
on a view of the input whose channels are axis 1: the input itself when the axis is 1,
else ``(rest, C)`` (a free view when the axes are the trailing ones).

>>> import torch
>>> x = torch.tensor([[1.0], [3.0]])
>>> y, mean, var = batch_norm_training(x, [1], None, None, 0.0)
>>> y.flatten().tolist(), mean.tolist(), var.tolist()
([-1.0, 1.0], [2.0], [1.0])
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

__all__ = [
    "batch_norm_inference",
    "batch_norm_training",
    "broadcast_shape",
    "layer_norm",
    "masked_batch_norm_training",
    "moving_average_",
]


def broadcast_shape(rank: int, axes: list[int], sizes: tuple[int, ...]) -> list[int]:
    """The shape that broadcasts per-axis values against a rank-``rank`` input."""
    shape = [1] * rank
    for axis, size in zip(sorted(axes), sizes):
        shape[axis] = size
    return shape


def _channels_view(x: torch.Tensor, axes: list[int]) -> tuple[torch.Tensor, list[int] | None]:
    """``x`` with its channels on axis 1, and the permutation that got there (None: the
    input itself, channels already on axis 1)."""
    if axes == [1]:
        return x, None
    rank = x.dim()
    order = [d for d in range(rank) if d not in axes] + sorted(axes)
    moved = x.permute(order)
    channels = math.prod([x.shape[a] for a in axes])
    return moved.reshape(-1, channels), order


def _restore(y: torch.Tensor, x: torch.Tensor, order: list[int] | None) -> torch.Tensor:
    if order is None:
        return y
    inverse = [order.index(d) for d in range(len(order))]
    return y.reshape([x.shape[d] for d in order]).permute(inverse)


def _flat(param: torch.Tensor | None) -> torch.Tensor | None:
    return None if param is None else param.reshape(-1)


def batch_norm_training(
    x: torch.Tensor,
    axes: list[int],
    gamma: torch.Tensor | None,
    beta: torch.Tensor | None,
    epsilon: float,
    bessel: bool = False,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Normalize ``x`` with its own statistics over every axis but ``axes``.

    Returns ``(y, mean, variance)``: ``y = (x - mean) / sqrt(var + epsilon) * gamma + beta``
    (differentiable; ``var`` the biased batch variance) and the batch statistics as flat
    ``(C,)`` tensors outside autograd. The returned ``variance`` is ``var``, or with
    ``bessel`` ``var * n / (n - 1)`` for ``n`` entries per channel (``var`` when ``n == 1``),
    what TF's fused batch norm returns.
    """
    view, order = _channels_view(x, axes)
    channels = view.shape[1]
    count = view.numel() // max(channels, 1)
    mean = torch.zeros(channels, dtype=x.dtype, device=x.device)
    variance = torch.zeros(channels, dtype=x.dtype, device=x.device)
    # torch.batch_norm (F.batch_norm without its n > 1 check) writes the batch mean and
    # the Bessel-corrected variance into the running buffers when momentum is 1.
    y = torch.batch_norm(
        view,
        _flat(gamma),
        _flat(beta),
        mean,
        variance,
        True,
        1.0,
        epsilon,
        torch.backends.cudnn.enabled,
    )
    # torch.batch_norm keeps its running buffers for backward: no in-place change here.
    if count <= 1:
        variance = torch.zeros_like(variance)
    elif not bessel:
        variance = variance * ((count - 1) / count)
    return _restore(y, x, order), mean, variance


def masked_batch_norm_training(
    x: torch.Tensor,
    axes: list[int],
    gamma: torch.Tensor | None,
    beta: torch.Tensor | None,
    epsilon: float,
    mask: torch.Tensor,
    param_shape: list[int],
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """As ``batch_norm_training`` with the entries weighted by ``mask`` (broadcast to
    ``x`` after a trailing unit axis, as tf-keras does): weighted mean and biased
    variance (``tf.nn.weighted_moments``). Statistics come back flat, without grad."""
    weights = mask.to(x.dtype).unsqueeze(-1)
    reduce = [d for d in range(x.dim()) if d not in axes]
    total = weights.expand_as(x).sum(reduce, keepdim=True)
    total = total + (total == 0)  # an empty selection gives 0, as TF's div_no_nan
    mean = (x * weights).sum(reduce, keepdim=True) / total
    variance = (weights * (x - mean).square()).sum(reduce, keepdim=True) / total
    inv = torch.rsqrt(variance + epsilon)
    if gamma is not None:
        inv = inv * gamma.reshape(param_shape)
    y = (x - mean) * inv
    if beta is not None:
        y = y + beta.reshape(param_shape)
    return y, mean.detach().reshape(-1), variance.detach().reshape(-1)


def batch_norm_inference(
    x: torch.Tensor,
    gamma: torch.Tensor | None,
    beta: torch.Tensor | None,
    mean: torch.Tensor,
    variance: torch.Tensor,
    epsilon: float,
    param_shape: list[int],
) -> torch.Tensor:
    """``x * inv + (beta - mean * inv)`` with ``inv = gamma / sqrt(variance + epsilon)``
    (``tf.nn.batch_normalization``'s order); parameters reshaped to ``param_shape``."""
    inv = torch.rsqrt(variance + epsilon)
    if gamma is not None:
        inv = inv * gamma
    shift = -mean * inv if beta is None else beta - mean * inv
    return torch.addcmul(shift.reshape(param_shape), x, inv.reshape(param_shape))


@torch.no_grad()
def moving_average_(variable: torch.Tensor, value: torch.Tensor, momentum: float) -> None:
    """Keras' moving average in place, outside autograd:
    ``variable -= (variable - value) * (1 - momentum)``."""
    decay = 1.0 - momentum
    variable.sub_((variable - value.reshape(variable.shape).to(variable.dtype)) * decay)


def layer_norm(
    x: torch.Tensor,
    axes: list[int],
    gamma: torch.Tensor | None,
    beta: torch.Tensor | None,
    epsilon: float,
) -> torch.Tensor:
    """Normalize ``x`` over ``axes`` per sample (``F.layer_norm``).

    The parameters' entries are laid over the axes in ascending order by a plain
    reshape, as tf-keras does (which matters only for unsorted ``axes``).
    """
    rank, k = x.dim(), len(axes)
    ordered = sorted(axes)
    order = None
    if ordered != list(range(rank - k, rank)):
        order = [d for d in range(rank) if d not in axes] + ordered
        x = x.permute(order)
    normalized = tuple(x.shape[rank - k :])
    weight = None if gamma is None else gamma.reshape(normalized)
    bias = None if beta is None else beta.reshape(normalized)
    y = F.layer_norm(x, normalized, weight, bias, epsilon)
    if order is None:
        return y
    return y.permute([order.index(d) for d in range(rank)])
