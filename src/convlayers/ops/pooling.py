"""Max and average pooling with TF's windows, and global pooling: the pooling layers' hot paths.

A pooling window sweep is a convolution's, without dilation, so it runs on the
convolution's plan (``ops.padding.conv_plan``): the input is viewed as NCHW (a
channels_last input keeps its memory, as in ``ops.conv``), torch pools it with
symmetric padding and the output is cropped to TF's asymmetric 'same' split, or
the input is padded explicitly when the split cannot be reached by a crop.

Padding never enters a result: max pooling pads with ``-inf``; average pooling
divides by the number of input positions in each window. With symmetric padding
that is torch's ``count_include_pad=False``; after explicit zero padding the window
sums are divided by per-shape window sizes (``conv_arithmetic.window_sizes``).

>>> import torch
>>> x = torch.arange(5.0).reshape(1, 5, 1)
>>> pool(x, "avg", (2,), (2,), "same").flatten().tolist()
[0.5, 2.5, 4.0]
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from ..conv_arithmetic import window_sizes
from .caching import shape_cache
from .conv import from_nchw, plan_for, to_nchw

__all__ = ["global_pool", "pool"]


@shape_cache(256, constant=True)
def _window_sizes(
    spatial: tuple[int, ...],
    pool_size: tuple[int, ...],
    strides: tuple[int, ...],
    padding: str,
    dtype: torch.dtype,
    device: torch.device,
) -> torch.Tensor:
    """Input positions per output window, as a (H_out, W_out) tensor (1-D: (1, L_out))."""
    sizes = [window_sizes(n, k, padding, s) for n, k, s in zip(spatial, pool_size, strides)]
    if len(sizes) == 1:
        sizes.insert(0, (1,))
    rows = torch.tensor(sizes[0], dtype=dtype, device=device)
    cols = torch.tensor(sizes[1], dtype=dtype, device=device)
    return torch.outer(rows, cols)


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
    plan = plan_for(x, pool_size, strides, padding, (1,) * rank, channels_last, name)
    kernel = (1, *pool_size) if rank == 1 else pool_size
    spatial = x.shape[1 : rank + 1] if channels_last else x.shape[2:]
    x = to_nchw(x, rank, channels_last)
    divide = False
    if mode == "max":
        if plan.pre_pad is not None:
            x = F.pad(x, plan.pre_pad, value=-math.inf)
        y = F.max_pool2d(x, kernel, plan.stride, plan.padding)
    elif plan.pre_pad is None:
        y = F.avg_pool2d(x, kernel, plan.stride, plan.padding, count_include_pad=False)
    else:
        x = F.pad(x, plan.pre_pad)
        y = F.avg_pool2d(x, kernel, plan.stride, plan.padding, divisor_override=1)
        divide = True
    if plan.crop is not None:
        y = y[plan.crop]
    if divide:
        y = y / _window_sizes(tuple(spatial), pool_size, strides, padding, y.dtype, y.device)
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
