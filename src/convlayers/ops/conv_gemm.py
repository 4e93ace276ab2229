"""Small 1-D convolutions as one GEMM on the input's windows.

For a small problem the time of ``conv2d`` is its fixed cost: at batch 1 torch runs
``slow_conv2d`` (its own im2col and GEMM) behind several dispatch layers, and from
batch 2 oneDNN, whose per-call set-up dwarfs the arithmetic. The same product written
out is cheaper there: the Keras layouts already suit it, so no view of the input,
kernel or output needs a permutation.

With ``x`` channels_last ``(N, L, C)``, TF-padded to ``(N, L + left + right, C)``, the
windows of the ``L_out`` outputs, ``k`` taps each, are one ``unfold`` view; one copy
makes them the ``(N * L_out, k * C)`` matrix whose rows are a window's taps in kernel
order, and the Keras kernel ``(k, C, F)`` is already the ``(k * C, F)`` matrix::

    y = addmm(bias, windows, kernel.reshape(k * C, F))      # (N * L_out, F)

which is the channels_last output ``(N, L_out, F)`` as it stands. Autograd
differentiates these ops (``unfold``'s backward is a dedicated kernel). The copy is
``k`` times the input, so the route is taken only below a size measured on the
benchmark machine (``ops.conv.GEMM_MAX_WINDOW_ELEMENTS``).

>>> import torch
>>> from convlayers.ops.padding import conv_plan
>>> x, kernel = torch.ones(1, 5, 2), torch.ones(3, 2, 1)
>>> conv_gemm(x, kernel, None, conv_plan((5,), (3,), (1,), (1,), "same"), True)[0, :, 0]
tensor([4., 6., 6., 6., 4.])
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .padding import ConvPlan

__all__ = ["conv_gemm", "window_elements"]


def window_elements(x: torch.Tensor, kernel: torch.Tensor, plan: ConvPlan) -> int:
    """Elements of the window matrix ``(N * L_out, k * C)``: the size of the route's copy."""
    return x.shape[0] * plan.output_shape[0] * kernel.shape[0] * kernel.shape[1]


def conv_gemm(
    x: torch.Tensor,
    kernel: torch.Tensor,
    bias: torch.Tensor | None,
    plan: ConvPlan,
    channels_last: bool,
) -> torch.Tensor:
    """Keras 1-D convolution (``groups=1``) of ``x`` as one matrix product.

    Shapes:
        x: ``(N, L, C)`` if ``channels_last`` else ``(N, C, L)``.
        kernel: ``(k, C, F)``; bias: ``(F,)`` or None.
        returns: ``(N, L_out, F)`` or an ``(N, F, L_out)`` view, ``L_out`` as planned.
    """
    if not channels_last:
        x = x.transpose(1, 2)
    left, right = plan.tf_pads[0]
    if left or right:
        x = F.pad(x, (0, 0, left, right))
    taps, dilation = kernel.shape[0], plan.dilation[1]
    windows = x.unfold(1, (taps - 1) * dilation + 1, plan.stride[1])  # (N, L_out, C, span)
    if dilation > 1:
        windows = windows[..., ::dilation]
    n, length = windows.shape[:2]
    features = taps * kernel.shape[1]
    windows = windows.transpose(2, 3).reshape(n * length, features)  # (N * L_out, k * C): a copy
    weight = kernel.reshape(features, kernel.shape[-1])
    y = windows @ weight if bias is None else torch.addmm(bias, windows, weight)
    y = y.view(n, length, kernel.shape[-1])
    return y if channels_last else y.transpose(1, 2)
