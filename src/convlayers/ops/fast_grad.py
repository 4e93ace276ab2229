"""``F.conv2d`` with hand-picked backward kernels, for the separable/depthwise hot paths.

Used as ``ops.conv.conv(..., conv2d=fast_grad.conv2d)``: the forward is exactly
``F.conv2d``; only the backward differs, with the same mathematics and the same
results to float rounding:

* the bias gradient is ``grad.sum((0, 2, 3))``: oneDNN's fused bias gradient in
  ``convolution_backward`` costs 4x more on this CPU;
* the incoming gradient is laid out once, not once per gradient;
* optionally (``unit_width_grad``, used by 1-D depthwise convolutions) the kernel
  gradient of a unit-height ``(N, C, 1, L)`` problem runs on the ``(N, C, L, 1)``
  view of the same memory, which oneDNN computes about 5x faster.

Figures: ``benchmarks/NOTES_separable.md``. A double backward (``create_graph=True``)
differentiates the plain ``F.conv2d`` instead, so higher-order gradients still work.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

__all__ = ["conv2d", "conv2d_unit_width"]

_convolution_backward = torch.ops.aten.convolution_backward


def _unit_width(t: torch.Tensor) -> torch.Tensor:
    """``(N, C, 1, L)`` as ``(N, C, L, 1)`` without a copy, the unit axis strided as
    torch's NCHW/NHWC layouts expect (otherwise oneDNN reorders the whole tensor)."""
    t = t.transpose(2, 3)
    stride = t.stride()
    return t.as_strided(t.shape, (*stride[:3], stride[2]))


def _like(grad: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    channels_last = x.is_contiguous(memory_format=torch.channels_last) and not x.is_contiguous()
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    return grad.contiguous(memory_format=fmt)


class _Conv2d(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, bias, stride, padding, dilation, groups, unit_width):  # type: ignore[override]
        ctx.save_for_backward(x, weight, bias)
        ctx.conf = (stride, padding, dilation, groups, unit_width)
        return F.conv2d(x, weight, bias, stride, padding, dilation, groups)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[override]
        x, weight, bias = ctx.saved_tensors
        stride, padding, dilation, groups, unit_width = ctx.conf
        need = ctx.needs_input_grad[:3]
        none = (None,) * 5
        if torch.is_grad_enabled():  # create_graph=True: keep the gradients differentiable
            y = F.conv2d(x, weight, bias, stride, padding, dilation, groups)
            wanted = [t for t, n in zip((x, weight, bias), need, strict=True) if n]
            found = iter(torch.autograd.grad(y, wanted, grad, create_graph=True))
            return (*(next(found) if n else None for n in need), *none)
        grad = _like(grad, x)
        gx = gw = gb = None
        if need[0]:
            gx = _convolution_backward(
                grad, x, weight, None, stride, padding, dilation, False, (0, 0), groups,
                (True, False, False),
            )[0]  # fmt: skip
        if need[1] and unit_width:
            gw = _convolution_backward(
                _unit_width(grad), _unit_width(x), _unit_width(weight), None, stride[::-1],
                padding[::-1], dilation[::-1], False, (0, 0), groups, (False, True, False),
            )[1].transpose(2, 3)  # fmt: skip
        elif need[1]:
            gw = _convolution_backward(
                grad, x, weight, None, stride, padding, dilation, False, (0, 0), groups,
                (False, True, False),
            )[1]  # fmt: skip
        if need[2]:
            gb = grad.sum((0, 2, 3))
        return gx, gw, gb, *none


def _fast_grad_conv2d(unit_width: bool) -> Callable[..., torch.Tensor]:
    def conv2d(x, weight, bias, stride, padding, dilation, groups):  # F.conv2d's signature
        tracked = torch.is_grad_enabled() and (
            x.requires_grad or weight.requires_grad or (bias is not None and bias.requires_grad)
        )
        if not tracked or torch.compiler.is_compiling():
            return F.conv2d(x, weight, bias, stride, padding, dilation, groups)
        return _Conv2d.apply(x, weight, bias, stride, padding, dilation, groups, unit_width)

    return conv2d


conv2d = _fast_grad_conv2d(unit_width=False)
conv2d.__doc__ = """``F.conv2d`` with the backward above (plain ``F.conv2d`` when nothing is
tracked or under ``torch.compile``); pass it as ``ops.conv.conv(..., conv2d=conv2d)``."""

conv2d_unit_width = _fast_grad_conv2d(unit_width=True)
conv2d_unit_width.__doc__ = """``conv2d`` whose kernel gradient of a unit-height problem runs on
the transposed view: for 1-D depthwise convolutions."""
