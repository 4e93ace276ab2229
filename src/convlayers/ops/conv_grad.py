"""The Keras convolution as one autograd node, with hand-picked backward kernels.

``ops.conv.conv(..., backward='hand')`` (the separable and depthwise layers) runs through
``KerasConv`` when gradients are tracked in eager mode and the problem is large enough
(``ops.conv.HAND_BACKWARD_MIN_MACS``: the node's Python backward costs about 70 µs a
call). The forward is exactly ``ops.nchw.conv_nchw`` on the NCHW views; what differs is
the backward, with the same mathematics and the same results to float rounding:

* the bias gradient is ``grad.sum``: oneDNN's fused bias gradient in
  ``convolution_backward`` costs up to 4x more on this CPU;
* the incoming gradient is laid out once, in the input's memory format, and the views,
  pad and crop around ``conv2d`` need no autograd nodes of their own;
* optionally (``unit_width``, for 1-D depthwise convolutions) the kernel gradient of
  a unit-height ``(N, C, 1, L)`` problem runs on the ``(N, C, L, 1)`` view of the
  same memory, which oneDNN computes about 5x faster (``NOTES_separable.md``).

Figures: ``benchmarks/NOTES_conv.md``. A double backward (``create_graph=True``)
differentiates the plain ops instead, so higher-order gradients still work. Under
``torch.compile`` the plain ops run too.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from ..conv_arithmetic import conv_output_length
from .nchw import conv_nchw, from_nchw, kernel_from_torch, kernel_to_torch, to_nchw
from .padding import ConvPlan

__all__ = ["KerasConv"]

_convolution_backward = torch.ops.aten.convolution_backward


def _unit_width(t: torch.Tensor) -> torch.Tensor:
    """``(N, C, 1, L)`` as ``(N, C, L, 1)`` without a copy, the unit axis strided as
    torch's NCHW/NHWC layouts expect (otherwise oneDNN reorders the whole tensor)."""
    t = t.transpose(2, 3)
    stride = t.stride()
    return t.as_strided(t.shape, (*stride[:3], stride[2]))


def _format(t: torch.Tensor) -> torch.memory_format:
    """The memory format ``t`` is laid out in (NHWC or NCHW)."""
    cl = t.is_contiguous(memory_format=torch.channels_last) and not t.is_contiguous()
    return torch.channels_last if cl else torch.contiguous_format


def _uncrop(
    grad: torch.Tensor, x: torch.Tensor, weight: torch.Tensor, plan: ConvPlan
) -> torch.Tensor:
    """The gradient of the uncropped ``conv2d`` output: ``grad`` inside, zeros around."""
    full = [
        conv_output_length(n + 2 * p, k, "valid", s, d)
        for n, p, d, k, s in zip(
            x.shape[2:], plan.padding, plan.dilation, weight.shape[2:], plan.stride, strict=True
        )
    ]
    shape = (*grad.shape[:2], *full)
    out = torch.empty(shape, dtype=grad.dtype, device=grad.device, memory_format=_format(grad))
    out.zero_()
    out[plan.crop] = grad
    return out


def _unpad(grad_x: torch.Tensor, pre_pad: list[int], shape: torch.Size) -> torch.Tensor:
    """Undo ``F.pad(x, pre_pad)`` on the input gradient (a view)."""
    left, top = pre_pad[0], pre_pad[2]
    return grad_x[..., top : top + shape[2], left : left + shape[3]]


class KerasConv(torch.autograd.Function):
    """``from_nchw(conv_nchw(to_nchw(x), kernel_to_torch(kernel), bias, plan, groups))``.

    Shapes as ``ops.conv.conv``: x ``(N, *s, C)`` or ``(N, C, *s)``; kernel
    ``(*k, C // groups, F)``; bias ``(F,)`` or None; output in the input's layout.
    """

    @staticmethod
    def forward(  # type: ignore[override]
        ctx: Any,
        x: torch.Tensor,
        kernel: torch.Tensor,
        bias: torch.Tensor | None,
        plan: ConvPlan,
        groups: int,
        channels_last: bool,
        unit_width: bool,
    ) -> torch.Tensor:
        ctx.save_for_backward(x, kernel, bias)
        ctx.conf = (plan, groups, channels_last, unit_width)
        rank = kernel.dim() - 2
        y = conv_nchw(to_nchw(x, rank, channels_last), kernel_to_torch(kernel), bias, plan, groups)
        # detach: the output is not a view, so in-place ops on it stay allowed
        return from_nchw(y, rank, channels_last).detach()

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor | None, ...]:  # type: ignore[override]
        x, kernel, bias = ctx.saved_tensors
        plan, groups, channels_last, unit_width = ctx.conf
        need_x, need_kernel, need_bias = ctx.needs_input_grad[:3]
        rank = kernel.dim() - 2
        none = (None,) * 4
        if torch.is_grad_enabled():  # create_graph=True: keep the gradients differentiable
            xv, weight = to_nchw(x, rank, channels_last), kernel_to_torch(kernel)
            y = from_nchw(conv_nchw(xv, weight, bias, plan, groups), rank, channels_last)
            inputs = (x, kernel, bias)
            wanted = [t for t, n in zip(inputs, ctx.needs_input_grad[:3], strict=True) if n]
            found = iter(torch.autograd.grad(y, wanted, grad, create_graph=True))
            return (*(next(found) if n else None for n in ctx.needs_input_grad[:3]), *none)
        xv = to_nchw(x, rank, channels_last)
        unpadded = xv.shape
        if plan.pre_pad is not None:
            xv = F.pad(xv, plan.pre_pad)
        weight = kernel_to_torch(kernel)
        g = to_nchw(grad, rank, channels_last).contiguous(memory_format=_format(xv))
        grad_bias = g.sum((0, 2, 3)) if need_bias else None
        if plan.crop is not None:
            g = _uncrop(g, xv, weight, plan)
        conf = (plan.stride, plan.padding, plan.dilation, False, (0, 0), groups)
        mask = (need_x, need_kernel and not unit_width, False)
        grad_x, grad_weight, _ = _convolution_backward(g, xv, weight, None, *conf, mask)
        if need_kernel and unit_width:
            grad_weight = _convolution_backward(
                _unit_width(g), _unit_width(xv), _unit_width(weight), None, plan.stride[::-1],
                plan.padding[::-1], plan.dilation[::-1], False, (0, 0), groups,
                (False, True, False),
            )[1].transpose(2, 3)  # fmt: skip
        if grad_x is not None:
            if plan.pre_pad is not None:
                grad_x = _unpad(grad_x, plan.pre_pad, unpadded)
            grad_x = from_nchw(grad_x, rank, channels_last)
        if grad_weight is not None:
            grad_weight = kernel_from_torch(grad_weight, rank)
        return grad_x, grad_weight, grad_bias, *none
