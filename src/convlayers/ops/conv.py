"""Convolution on Keras-layout kernels with TF padding, the hot path of Conv1D/Conv2D.

Every rank runs as ``torch.nn.functional.conv2d`` (a 1-D input gets a unit
height). A channels_last input ``(N, *spatial, C)`` is viewed, without a copy,
as an NCHW tensor in ``torch.channels_last`` memory format, which oneDNN runs
faster than ``conv1d`` on transposed copies; the output comes back as a view
in the input's layout. The Keras kernel is permuted to torch's layout here,
once per call, as a view.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from ..validation import check_output_length
from .padding import ConvPlan, conv_plan

__all__ = ["check_floating", "conv", "from_nchw", "plan_for", "to_nchw"]


def check_floating(x: torch.Tensor, name: str) -> None:
    """TypeError for an integer or boolean input (torch would fail deep in the conv)."""
    if not x.is_floating_point():
        raise TypeError(
            f"The inputs of layer {name!r} must be a floating-point tensor. Received: "
            f"inputs with dtype={x.dtype}"
        )


def plan_for(
    x: torch.Tensor,
    kernel_size: tuple[int, ...],
    strides: tuple[int, ...],
    padding: str,
    dilation: tuple[int, ...],
    channels_last: bool,
    name: str,
) -> ConvPlan:
    """The plan for ``x``; ValueError naming ``name`` if the output would be empty."""
    rank = len(kernel_size)
    spatial = x.shape[1 : rank + 1] if channels_last else x.shape[2:]
    plan = conv_plan(spatial, kernel_size, strides, dilation, padding)
    if not plan.fits:
        check_output_length(name, tuple(x.shape), plan.output_shape)
    return plan


def to_nchw(x: torch.Tensor, rank: int, channels_last: bool) -> torch.Tensor:
    """``x`` as a 4-D NCHW view (channels_last inputs keep their memory: no copy)."""
    if rank == 1:
        x = x.unsqueeze(1 if channels_last else 2)
    return x.permute(0, 3, 1, 2) if channels_last else x


def from_nchw(y: torch.Tensor, rank: int, channels_last: bool) -> torch.Tensor:
    """Undo ``to_nchw`` on an output."""
    if channels_last:
        y = y.permute(0, 2, 3, 1)
    return y.squeeze(1 if channels_last else 2) if rank == 1 else y


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
    conv2d: Callable[..., torch.Tensor] = F.conv2d,
) -> torch.Tensor:
    """Keras convolution of ``x`` with a Keras-layout ``kernel``.

    ``conv2d`` is the 2-D convolution that does the work, with ``F.conv2d``'s
    signature (``ops.fast_grad`` offers variants with faster gradients).

    Shapes (rank 1 or 2; ``*s`` spatial):
        x: ``(N, *s, C)`` if ``channels_last`` else ``(N, C, *s)``.
        kernel: ``(*k, C // groups, F)``; bias: ``(F,)`` or None.
        returns: ``(N, *s_out, F)`` or ``(N, F, *s_out)`` with ``s_out`` given by
        ``conv_arithmetic.conv_output_length`` for ``padding``.
    """
    check_floating(x, name)
    rank = kernel.dim() - 2
    plan = plan_for(x, kernel.shape[:rank], strides, padding, dilation, channels_last, name)
    weight = (kernel.unsqueeze(0) if rank == 1 else kernel).permute(3, 2, 0, 1)
    if weight.shape[0] == 1:  # one filter: torch's slow_conv2d backward refuses this view
        weight = weight.contiguous()  # (its grad_weight "must be contiguous"); a tiny copy
    x = to_nchw(x, rank, channels_last)
    if plan.pre_pad is not None:
        x = F.pad(x, plan.pre_pad)
    y = conv2d(x, weight, bias, plan.stride, plan.padding, plan.dilation, groups)
    if plan.crop is not None:
        y = y[plan.crop]
    return from_nchw(y, rank, channels_last)
