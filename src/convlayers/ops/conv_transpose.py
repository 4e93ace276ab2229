"""Transposed convolution on Keras-layout kernels with TF's output lengths.

``conv_transpose2d`` (unpadded) on the NCHW views of ``ops.nchw`` gives the full output,
``(L - 1) * s + k_eff`` long per spatial dim; TF's output is a window of it
(``conv_arithmetic.deconv_crop``), with zeros past its end when ``output_padding`` asks
for more. The bias is added last, so those entries hold the bias, as in TF.

>>> import torch
>>> x, kernel = torch.ones(1, 2, 1), torch.ones(3, 1, 1)  # (N, L, C), (k, F, C)
>>> conv_transpose(x, kernel, None, (2,), "same", None, (1,), True)[0, :, 0]  # full: 1 1 2 1 1
tensor([1., 1., 2., 1.])
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ..conv_arithmetic import deconv_crop
from .caching import shape_cache
from .nchw import from_nchw, kernel_to_torch, to_nchw

__all__ = ["conv_transpose"]


@shape_cache(256)
def _window(spatial, kernel_size, strides, padding, output_padding, dilation):
    """Per spatial dim ``(start, out)``: the slice of the full output TF returns."""
    pads = output_padding or (None,) * len(spatial)
    return tuple(
        deconv_crop(n, k, padding, p, s, d)
        for n, k, p, s, d in zip(spatial, kernel_size, pads, strides, dilation, strict=True)
    )


def conv_transpose(
    x: torch.Tensor,
    kernel: torch.Tensor,
    bias: torch.Tensor | None,
    strides: tuple[int, ...],
    padding: str,
    output_padding: tuple[int, ...] | None,
    dilation: tuple[int, ...],
    channels_last: bool,
) -> torch.Tensor:
    """Keras transposed convolution of ``x`` (rank 1 or 2, ``groups=1``).

    Shapes (``*s`` spatial):
        x: ``(N, *s, C)`` if ``channels_last`` else ``(N, C, *s)``.
        kernel: ``(*k, F, C)`` (Keras' layout: filters before input channels).
        bias: ``(F,)`` or None.
        returns: ``(N, *s_out, F)`` or ``(N, F, *s_out)``, ``s_out`` by
        ``conv_arithmetic.deconv_output_length``.
    """
    rank = kernel.dim() - 2
    spatial = tuple(x.shape[1 : rank + 1] if channels_last else x.shape[2:])
    window = _window(
        spatial, tuple(kernel.shape[:rank]), strides, padding, output_padding, dilation
    )
    lead = (1,) * (2 - rank)  # a 1-D problem runs with a unit height
    y = F.conv_transpose2d(
        to_nchw(x, rank, channels_last),
        kernel_to_torch(kernel),  # (*k, F, C) -> (C, F, kh, kw): conv_transpose2d's layout
        stride=(*lead, *strides),
        dilation=(*lead, *dilation),
    )
    full = y.shape[-rank:]
    y = y[(..., *(slice(a, a + n) for a, n in window))]
    extra = [max(a + n - length, 0) for (a, n), length in zip(window, full, strict=True)]
    if any(extra):
        y = F.pad(y, [v for e in reversed(extra) for v in (0, e)])
    if bias is not None:
        y = y + bias.view(-1, 1, 1)
    return from_nchw(y, rank, channels_last)
