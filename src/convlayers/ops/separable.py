"""Depthwise, pointwise and separable convolution on Keras-layout kernels.

* ``depthwise_conv``: a Keras depthwise kernel ``(*k, C, dm)`` is, reshaped
  without a copy, the kernel ``(*k, 1, C*dm)`` of a grouped convolution with
  ``groups=C`` whose output channel ``c*dm + m`` is Keras' channel ``c*dm + m``.
  It runs as ``ops.conv.conv`` does: the same TF padding plan, the same
  channels_last memory-format trick (oneDNN's depthwise kernel on NHWC memory is
  the fast route on CPU; the same convolution on NCHW memory is up to 2x slower, see
  pytorch/pytorch#13716 and ``benchmarks/NOTES_separable.md``).
* ``pointwise_conv``: a ``(*1, C', F)`` kernel run as a 1x1 convolution with the
  bias fused, on the same memory layout as the depthwise output. On channels_last
  memory oneDNN runs it as one GEMM; it measured 10-20% faster than ``addmm`` or
  ``F.linear`` on the ``(N*S, C')`` view of the same memory.
* ``separable_conv``: the two in sequence, bias added once by the pointwise step.

Both steps run ``ops.conv.conv``, whose backward (``ops.conv_grad``) takes the bias
gradient as a sum and, for 1-D depthwise kernels, the kernel gradient on the
transposed view.
"""

from __future__ import annotations

import torch

from .conv import conv

__all__ = ["depthwise_conv", "pointwise_conv", "separable_conv"]


def depthwise_conv(
    x: torch.Tensor,
    depthwise_kernel: torch.Tensor,
    bias: torch.Tensor | None,
    strides: tuple[int, ...],
    padding: str,
    dilation: tuple[int, ...],
    channels_last: bool = True,
    name: str = "depthwise_conv",
) -> torch.Tensor:
    """Keras depthwise convolution of ``x``.

    Shapes (rank 1 or 2; ``*s`` spatial):
        x: ``(N, *s, C)`` if ``channels_last`` else ``(N, C, *s)``.
        depthwise_kernel: ``(*k, C, dm)``; bias: ``(C*dm,)`` or None.
        returns: ``(N, *s_out, C*dm)`` or ``(N, C*dm, *s_out)``; channel ``c*dm + m``
        is input channel ``c`` convolved with ``depthwise_kernel[..., c, m]``.
    """
    *k, channels, multiplier = depthwise_kernel.shape
    kernel = depthwise_kernel.reshape(*k, 1, channels * multiplier)
    backward = "hand_unit_width" if len(k) == 1 else "hand"
    return conv(
        x, kernel, bias, strides, padding, dilation, channels, channels_last, name, backward
    )


def pointwise_conv(
    x: torch.Tensor,
    pointwise_kernel: torch.Tensor,
    bias: torch.Tensor | None,
    channels_last: bool = True,
) -> torch.Tensor:
    """Keras pointwise (1x1) convolution of ``x``: a 1x1 ``conv`` with the bias fused.

    Shapes: x ``(N, *s, C')`` or ``(N, C', *s)``; pointwise_kernel ``(*1, C', F)``;
    bias ``(F,)`` or None; returns ``(N, *s, F)`` or ``(N, F, *s)``.
    """
    ones = (1,) * (pointwise_kernel.dim() - 2)
    return conv(x, pointwise_kernel, bias, ones, "valid", ones, 1, channels_last, backward="hand")


def separable_conv(
    x: torch.Tensor,
    depthwise_kernel: torch.Tensor,
    pointwise_kernel: torch.Tensor,
    bias: torch.Tensor | None,
    strides: tuple[int, ...],
    padding: str,
    dilation: tuple[int, ...],
    channels_last: bool = True,
    name: str = "separable_conv",
) -> torch.Tensor:
    """Keras separable convolution: ``depthwise_conv`` then ``pointwise_conv`` plus bias.

    Shapes: x ``(N, *s, C)`` or ``(N, C, *s)``; depthwise_kernel ``(*k, C, dm)``;
    pointwise_kernel ``(*1, C*dm, F)``; bias ``(F,)`` or None; returns
    ``(N, *s_out, F)`` or ``(N, F, *s_out)``.
    """
    y = depthwise_conv(x, depthwise_kernel, None, strides, padding, dilation, channels_last, name)
    return pointwise_conv(y, pointwise_kernel, bias, channels_last)
