"""Keras layouts as torch NCHW views, and one planned ``conv2d`` on them.

Every convolution and pooling runs as a 2-D torch op (a 1-D input gets a unit height).
A channels_last input ``(N, *spatial, C)`` is viewed, without a copy, as an NCHW tensor
in ``torch.channels_last`` memory format, which oneDNN runs faster than ``conv1d`` on
transposed copies; the output comes back as a view in the input's layout. A Keras
kernel ``(*k, C_in, F)`` is viewed as torch's ``(F, C_in, kh, kw)``.

>>> import torch
>>> x = torch.zeros(2, 7, 3)  # (N, L, C), channels_last
>>> v = to_nchw(x, 1, channels_last=True)
>>> v.shape, v.is_contiguous(memory_format=torch.channels_last)
(torch.Size([2, 3, 1, 7]), True)
>>> from_nchw(v, 1, channels_last=True).shape
torch.Size([2, 7, 3])
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .padding import ConvPlan

__all__ = ["conv_nchw", "from_nchw", "kernel_from_torch", "kernel_to_torch", "to_nchw"]


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


def kernel_to_torch(kernel: torch.Tensor) -> torch.Tensor:
    """A Keras kernel ``(*k, C_in, F)`` as torch's ``(F, C_in, kh, kw)`` (1-D: ``kh = 1``).

    A view, except for one filter: torch's slow_conv2d backward refuses that view
    (its grad_weight "must be contiguous"), so a single filter gets a tiny copy.
    """
    weight = (kernel.unsqueeze(0) if kernel.dim() == 3 else kernel).permute(3, 2, 0, 1)
    return weight.contiguous() if weight.shape[0] == 1 else weight


def kernel_from_torch(weight: torch.Tensor, rank: int) -> torch.Tensor:
    """Undo ``kernel_to_torch`` (for a kernel gradient)."""
    kernel = weight.permute(2, 3, 1, 0)
    return kernel.squeeze(0) if rank == 1 else kernel


def conv_nchw(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, plan: ConvPlan, groups: int
) -> torch.Tensor:
    """``conv2d`` of an NCHW ``x`` with a torch-layout ``weight``, TF padding as ``plan``
    says: an explicit ``F.pad``, or torch's symmetric padding then a crop."""
    if plan.pre_pad is not None:
        x = F.pad(x, plan.pre_pad)
    y = F.conv2d(x, weight, bias, plan.stride, plan.padding, plan.dilation, groups)
    return y if plan.crop is None else y[plan.crop]
