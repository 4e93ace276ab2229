"""Convolution on Keras-layout kernels with TF padding, the hot path of Conv1D/Conv2D.

Every rank runs as ``torch.nn.functional.conv2d`` (a 1-D input gets a unit
height). A channels_last input ``(N, *spatial, C)`` is viewed, without a copy,
as an NCHW tensor in ``torch.channels_last`` memory format, which oneDNN runs
faster than ``conv1d`` on transposed copies; the output comes back as a view
in the input's layout.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ..validation import check_output_length
from .padding import conv_plan

__all__ = ["conv", "kernel_to_torch", "spatial_shape"]


def spatial_shape(x: torch.Tensor, rank: int, channels_last: bool) -> tuple[int, ...]:
    """The spatial dimensions of ``x``."""
    return tuple(x.shape[1 : rank + 1] if channels_last else x.shape[2:])


def kernel_to_torch(kernel: torch.Tensor) -> torch.Tensor:
    """Keras kernel ``(*k, in/groups, out)`` as a conv2d weight ``(out, in/groups, kh, kw)``.

    A view (no copy); a 1-D kernel gets a unit height.
    """
    if kernel.dim() == 3:
        return kernel.permute(2, 1, 0).unsqueeze(2)
    return kernel.permute(3, 2, 0, 1)


def conv(
    x: torch.Tensor,
    kernel: torch.Tensor,
    bias: torch.Tensor | None,
    strides: tuple[int, ...],
    padding: str,
    dilation: tuple[int, ...],
    groups: int = 1,
    channels_last: bool = True,
    name: str = "conv",
) -> torch.Tensor:
    """Keras convolution of ``x`` with a Keras-layout ``kernel``.

    Shapes (rank 1 or 2; ``*s`` spatial):
        x: ``(N, *s, C)`` if ``channels_last`` else ``(N, C, *s)``.
        kernel: ``(*k, C // groups, F)``; bias: ``(F,)`` or None.
        returns: ``(N, *s_out, F)`` or ``(N, F, *s_out)`` with ``s_out`` given by
        ``conv_arithmetic.conv_output_length`` for ``padding``.
    """
    rank = kernel.dim() - 2
    spatial = spatial_shape(x, rank, channels_last)
    plan = conv_plan(spatial, tuple(kernel.shape[:rank]), strides, dilation, padding)
    if min(plan.output_shape) <= 0:
        check_output_length(name, tuple(x.shape), plan.output_shape)
    if channels_last:
        x = x.movedim(-1, 1)
    weight = kernel_to_torch(kernel)
    pre_pad, conv_padding, crop = plan.pre_pad, plan.padding, plan.crop
    if rank == 1:
        x = x.unsqueeze(2)
        strides, dilation = (1, *strides), (1, *dilation)
        pre_pad, conv_padding = ((0, 0), *pre_pad), (0, *conv_padding)
        crop = None if crop is None else (slice(None), *crop)
    if any(p != (0, 0) for p in pre_pad):
        x = F.pad(x, [p for pair in reversed(pre_pad) for p in pair])
    y = F.conv2d(x, weight, bias, strides, conv_padding, dilation, groups)
    if crop is not None:
        y = y[(..., *crop)]
    if rank == 1:
        y = y.squeeze(2)
    return y.movedim(1, -1) if channels_last else y
