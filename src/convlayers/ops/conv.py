"""Convolution on Keras-layout kernels with TF padding, the hot path of every conv layer.

Every rank runs as one ``conv2d`` on NCHW views of the Keras tensors (``ops.nchw``),
except small 1-D problems, which run as one GEMM (``ops.conv_gemm``).

By default autograd differentiates the views and ``conv2d``; with ``backward='hand'``
(the separable and depthwise layers) the whole call is one autograd node whose
backward picks its kernels by hand (``ops.conv_grad``). The forward is
``ops.nchw.conv_nchw`` either way.
"""

from __future__ import annotations

import math

import torch

from ..validation import check_output_length
from .conv_gemm import conv_gemm, window_elements
from .conv_grad import KerasConv
from .nchw import conv_nchw, from_nchw, kernel_to_torch, to_nchw
from .padding import ConvPlan, conv_plan

__all__ = [
    "GEMM_MAX_WINDOW_ELEMENTS",
    "HAND_BACKWARD_MIN_MACS",
    "check_floating",
    "conv",
    "plan_for",
]

#: Multiply-adds of one convolution (batch x output positions x kernel size) from which
#: each hand-picked backward runs; below, the Python work of the custom autograd node
#: costs more than it saves and autograd's own backward runs. The unit-width kernel
#: gradient saves about 5x on the depthwise kernel gradient, so it pays off early; the
#: bias-as-a-sum saving grows slowly with size. Crossovers measured on DepthwiseConv1D
#: and SeparableConv1D training steps: ``benchmarks/NOTES_conv.md``.
HAND_BACKWARD_MIN_MACS = {"hand": 64_000_000, "hand_unit_width": 200_000}

#: Up to how many elements of its window matrix (``ops.conv_gemm.window_elements``) a
#: 1-D convolution with ``groups=1`` runs as one GEMM (``ops.conv_gemm``) rather than
#: ``conv2d``, without and with autograd recording; above, ``conv2d``'s fixed cost is
#: small beside the copy of the windows (and, in training, their gradient's fold).
#: Training at batch 1 stays on ``conv2d``: torch's ``slow_conv2d`` is an im2col GEMM
#: there already, and autograd through ours costs 5-14% more. Measured on the benchmark
#: machine: ``benchmarks/NOTES_conv.md``, "Small 1-D convolutions as one GEMM".
GEMM_MAX_WINDOW_ELEMENTS = {"forward": 65_536, "training": 49_152}


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
    backward: str = "autograd",
) -> torch.Tensor:
    """Keras convolution of ``x`` with a Keras-layout ``kernel``.

    Small 1-D problems with ``groups=1`` run as one GEMM on the input's windows
    (``ops.conv_gemm``, up to ``GEMM_MAX_WINDOW_ELEMENTS``); others as ``conv2d`` on
    NCHW views. ``backward`` picks the gradient kernels when gradients are tracked in
    eager mode:
    'autograd' (torch's own, through the views), 'hand' (``ops.conv_grad``: one node,
    bias gradient as a sum) or 'hand_unit_width' ('hand', with the kernel gradient of
    a 1-D problem on the transposed view: for depthwise kernels). 'hand' applies from
    ``HAND_BACKWARD_MIN_MACS`` multiply-adds; smaller problems use autograd's.

    Shapes (rank 1 or 2; ``*s`` spatial):
        x: ``(N, *s, C)`` if ``channels_last`` else ``(N, C, *s)``.
        kernel: ``(*k, C // groups, F)``; bias: ``(F,)`` or None.
        returns: ``(N, *s_out, F)`` or ``(N, F, *s_out)`` with ``s_out`` given by
        ``conv_arithmetic.conv_output_length`` for ``padding``.
    """
    check_floating(x, name)
    rank = kernel.dim() - 2
    plan = plan_for(x, kernel.shape[:rank], strides, padding, dilation, channels_last, name)
    tracked = torch.is_grad_enabled() and (
        x.requires_grad or kernel.requires_grad or (bias is not None and bias.requires_grad)
    )
    if rank == 1 and groups == 1 and not (tracked and x.shape[0] == 1):
        limit = GEMM_MAX_WINDOW_ELEMENTS["training" if tracked else "forward"]
        if window_elements(x, kernel, plan) <= limit:
            return conv_gemm(x, kernel, bias, plan, channels_last)
    if backward != "autograd" and not torch.compiler.is_compiling():
        macs = x.shape[0] * math.prod(plan.output_shape) * kernel.numel() if tracked else 0
        if tracked and macs >= HAND_BACKWARD_MIN_MACS[backward]:
            unit_width = backward == "hand_unit_width"
            return KerasConv.apply(x, kernel, bias, plan, groups, channels_last, unit_width)
    y = conv_nchw(to_nchw(x, rank, channels_last), kernel_to_torch(kernel), bias, plan, groups)
    return from_nchw(y, rank, channels_last)
