"""How a convolution with TF padding runs on torch: symmetric padding plus a crop.

torch's convolutions pad symmetrically. A TF padding ``(left, right)`` runs as
a convolution padded by ``max(left, right)`` on both sides whose output is
cropped, when that needs no fractional shift of the stride grid; otherwise the
input is padded explicitly (one copy). Plans hold ready-to-use ``conv2d``
arguments (a 1-D convolution gets a unit height) and are cached per shape.
"""

from __future__ import annotations

from typing import NamedTuple

from ..conv_arithmetic import conv_output_length, conv_padding
from .caching import shape_cache

__all__ = ["ConvPlan", "conv_plan"]


class ConvPlan(NamedTuple):
    """``conv2d`` arguments for one input shape.

    ``pre_pad`` is the ``F.pad`` argument (None when no explicit padding is
    needed), ``crop`` the index that trims the output (None when untrimmed),
    ``output_shape`` the spatial output shape (entries may be <= 0: callers check),
    ``tf_pads`` the TF ``(left, right)`` zeros per spatial dim (``ops.conv_gemm``).
    """

    stride: tuple[int, int]
    padding: tuple[int, int]
    dilation: tuple[int, int]
    pre_pad: list[int] | None
    crop: tuple[slice, ...] | None
    output_shape: tuple[int, ...]
    fits: bool
    tf_pads: tuple[tuple[int, int], ...]


@shape_cache(1024)
def conv_plan(
    spatial_shape: tuple[int, ...],
    kernel_size: tuple[int, ...],
    strides: tuple[int, ...],
    dilation: tuple[int, ...],
    padding: str,
) -> ConvPlan:
    """The plan for one input shape, for rank 1 or 2."""
    sym_padding, explicit, crop, output_shape, tf_pads = [], [], [], [], []
    needs_crop = False
    for length, k, s, d in zip(spatial_shape, kernel_size, strides, dilation):
        left, right = conv_padding(length, k, padding, s, d)
        tf_pads.append((left, right))
        out = conv_output_length(length, k, padding, s, d)
        output_shape.append(out)
        pad = max(left, right)
        shift, rest = (pad - left) // s, (pad - left) % s  # no divmod: Dynamo rejects it on SymInts
        if rest == 0:
            sym_padding.append(pad)
            explicit.append((0, 0))
            full = conv_output_length(length + 2 * pad, k, "valid", s, d)  # torch's output
            needs_crop |= shift != 0 or full != out
            crop.append(slice(shift, shift + out))
        else:
            sym_padding.append(0)
            explicit.append((left, right))
            crop.append(slice(None))
    if len(spatial_shape) == 1:  # run as 2-D with a unit height
        strides, dilation = (1, *strides), (1, *dilation)
        sym_padding, explicit, crop = [0, *sym_padding], [(0, 0), *explicit], [slice(None), *crop]
    pre_pad = [p for pair in reversed(explicit) for p in pair]
    return ConvPlan(
        stride=tuple(strides),
        padding=tuple(sym_padding),
        dilation=tuple(dilation),
        pre_pad=pre_pad if any(pre_pad) else None,
        crop=(Ellipsis, *crop) if needs_crop else None,
        output_shape=tuple(output_shape),
        fits=min(output_shape) > 0,
        tf_pads=tuple(tf_pads),
    )
