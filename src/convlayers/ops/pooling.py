"""Max and average pooling with TF's windows, and global pooling: the pooling layers' hot paths.

The input is viewed as NCHW (a channels_last input keeps its memory, as in
``ops.conv``) and pooled by torch's ``max_pool2d``/``avg_pool2d`` without a copy.
TF's 'same' split (``conv_arithmetic.conv_padding``: ``left = total // 2``, the
extra element on the right) maps onto torch's symmetric padding per axis:

* ``left == right``: padding ``left``;
* one more on the right, stride > 1: padding ``left``; ``ceil_mode`` lets the last
  window run past the right edge;
* one more on the right, stride 1: padding ``right`` and the first output cropped.

'same' pools in ``ceil_mode`` (which adds no window on the other axes: their padded
span is a whole number of strides), 'valid' without it, so the mode does not depend
on the shape. Padding never enters a result: torch's max pooling ignores it and its
average pooling (``count_include_pad=False``) divides by the input positions in each
window, as TF does.

>>> import torch
>>> x = torch.arange(5.0).reshape(1, 5, 1)
>>> pool(x, "avg", (2,), (2,), "same").flatten().tolist()
[0.5, 2.5, 4.0]
"""

from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F

from ..conv_arithmetic import conv_output_length, conv_padding
from ..validation import check_output_length
from .caching import shape_cache
from .nchw import from_nchw, to_nchw

__all__ = ["PoolPlan", "global_pool", "pool", "pool_plan"]


class PoolPlan(NamedTuple):
    """``max_pool2d``/``avg_pool2d`` arguments for one input shape (2-D; a 1-D pooling
    gets a unit height), the crop of torch's output (None: none) and TF's output shape."""

    kernel: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int]
    ceil_mode: bool
    crop: tuple[slice, ...] | None
    output_shape: tuple[int, ...]


def _torch_length(length: int, k: int, s: int, pad: int, ceil_mode: bool) -> int:
    """torch's pooled length (its documented formula, ceil_mode's last-window rule included)."""
    span = length + 2 * pad - k
    if not ceil_mode:
        return span // s + 1
    out = -(-span // s) + 1
    return out - 1 if (out - 1) * s >= length + pad else out


@shape_cache(1024)
def pool_plan(
    spatial_shape: tuple[int, ...],
    pool_size: tuple[int, ...],
    strides: tuple[int, ...],
    padding: str,
) -> PoolPlan:
    """The plan for one input shape, for rank 1 or 2."""
    pads, starts, outs = [], [], []
    ceil_mode = padding == "same"
    for length, k, s in zip(spatial_shape, pool_size, strides):
        left, right = conv_padding(length, k, padding, s)
        outs.append(conv_output_length(length, k, padding, s))
        if right > left and s == 1:  # shift the grid by one: pad `right`, drop output 0
            pads.append(right)
            starts.append(1)
        else:
            pads.append(left)
            starts.append(0)
    crop = [slice(start, start + out) for start, out in zip(starts, outs)]
    full = [
        _torch_length(n, k, s, pad, ceil_mode)
        for n, k, s, pad in zip(spatial_shape, pool_size, strides, pads)
    ]
    needs_crop = any(start or n != out for start, n, out in zip(starts, full, outs))
    kernel, stride = tuple(pool_size), tuple(strides)
    if len(spatial_shape) == 1:  # run as 2-D with a unit height
        kernel, stride, pads, crop = (1, *kernel), (1, *stride), [0, *pads], [slice(None), *crop]
    return PoolPlan(  # plain ints and bools: torch's pooling takes no symbolic ones
        kernel=kernel,  # type: ignore[arg-type]
        stride=stride,  # type: ignore[arg-type]
        padding=tuple(int(p) for p in pads),  # type: ignore[arg-type]
        ceil_mode=ceil_mode,
        crop=(Ellipsis, *crop) if needs_crop else None,
        output_shape=tuple(outs),
    )


def pool(
    x: torch.Tensor,
    mode: str,
    pool_size: tuple[int, ...],
    strides: tuple[int, ...],
    padding: str,
    channels_last: bool = True,
    name: str = "pool",
) -> torch.Tensor:
    """Max (``mode='max'``) or average (``'avg'``) pooling of ``x`` with TF padding.

    Shapes (rank 1 or 2; ``*s`` spatial):
        x: ``(N, *s, C)`` if ``channels_last`` else ``(N, C, *s)``.
        returns: ``(N, *s_out, C)`` or ``(N, C, *s_out)``, ``s_out`` by
        ``conv_arithmetic.conv_output_length`` (ValueError naming ``name`` if empty).
    """
    rank = len(pool_size)
    spatial = tuple(x.shape[1 : rank + 1] if channels_last else x.shape[2:])
    plan = pool_plan(spatial, pool_size, strides, padding)
    if min(plan.output_shape) <= 0:
        check_output_length(name, tuple(x.shape), plan.output_shape)
    x = to_nchw(x, rank, channels_last)
    if mode == "max":
        y = F.max_pool2d(x, plan.kernel, plan.stride, plan.padding, ceil_mode=plan.ceil_mode)
    else:
        y = F.avg_pool2d(
            x, plan.kernel, plan.stride, plan.padding, plan.ceil_mode, count_include_pad=False
        )
    if plan.crop is not None:
        y = y[plan.crop]
    return from_nchw(y, rank, channels_last)


def global_pool(
    x: torch.Tensor,
    mode: str,
    dims: tuple[int, ...],
    keepdims: bool,
    mask: torch.Tensor | None = None,
    channel_dim: int = -1,
) -> torch.Tensor:
    """Mean (``mode='avg'``) or maximum (``'max'``) of ``x`` over the spatial ``dims``.

    A ``mask`` (1 to keep, 0 to leave out; ``(N, L)`` for a ``(N, L, C)`` or ``(N, C, L)``
    input) makes the mean a masked one, as tf-keras' GlobalAveragePooling1D; a
    sample with nothing kept gives NaN, as there. The maximum's gradient is shared
    equally among tied maxima (``torch.amax``), as TF's ``reduce_max``.
    """
    if mode == "max":
        return x.amax(dims, keepdim=keepdims)
    if mask is None:
        return x.mean(dims, keepdim=keepdims)
    weights = mask.to(x.dtype).unsqueeze(channel_dim)
    total = (x * weights).sum(dims, keepdim=keepdims)
    return total / weights.sum(dims, keepdim=keepdims)
