"""How a convolution with TF padding runs on torch: symmetric padding plus a crop.

torch's convolutions pad symmetrically. A TF padding ``(left, right)`` is run
as a convolution padded by ``max(left, right)`` on both sides whose output is
cropped, when that needs no fractional shift of the stride grid; otherwise the
input is padded explicitly (one copy). Plans are cached per input shape.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from ..conv_arithmetic import conv_output_length, conv_padding

__all__ = ["ConvPlan", "conv_plan"]


class ConvPlan(NamedTuple):
    """Per spatial dimension: torch's symmetric ``padding``, explicit ``pre_pad``
    ``(left, right)`` pairs (all zero when unused) and the output ``crop`` slices."""

    padding: tuple[int, ...]
    pre_pad: tuple[tuple[int, int], ...]
    crop: tuple[slice, ...] | None
    output_shape: tuple[int, ...]


@functools.lru_cache(maxsize=1024)
def conv_plan(
    spatial_shape: tuple[int, ...],
    kernel_size: tuple[int, ...],
    strides: tuple[int, ...],
    dilation: tuple[int, ...],
    padding: str,
) -> ConvPlan:
    """The plan for one input shape (output lengths may be <= 0; callers check)."""
    sym_padding, pre_pad, crop, output_shape = [], [], [], []
    needs_crop = False
    for length, k, s, d in zip(spatial_shape, kernel_size, strides, dilation):
        left, right = conv_padding(length, k, padding, s, d)
        out = conv_output_length(length, k, padding, s, d)
        output_shape.append(out)
        pad = max(left, right)
        shift, rest = divmod(pad - left, s)
        if rest == 0:
            sym_padding.append(pad)
            pre_pad.append((0, 0))
            full = (length + 2 * pad - d * (k - 1) - 1) // s + 1
            needs_crop |= shift != 0 or full != out
            crop.append(slice(shift, shift + out))
        else:
            sym_padding.append(0)
            pre_pad.append((left, right))
            crop.append(slice(0, out))
    return ConvPlan(
        tuple(sym_padding),
        tuple(pre_pad),
        tuple(crop) if needs_crop else None,
        tuple(output_shape),
    )
