"""Upsampling by integer factors, as ``tf.image.resize`` computes it for UpSampling1D/2D.

'nearest' repeats every entry ``factor`` times along each axis: TF's half-pixel nearest rule
``floor((o + 0.5) / factor)`` is ``o // factor`` for an integer factor. It runs as one
broadcast view and one copy. 'bilinear' is TF's half-pixel bilinear rule (source coordinate
``(o + 0.5) / factor - 0.5``, clamped at the borders, no antialiasing), which is torch's
``interpolate(mode='bilinear', align_corners=False)``.

>>> import torch
>>> upsample_nearest(torch.tensor([[1.0, 2.0]]), (2,), (1,))
tensor([[1., 1., 2., 2.]])
>>> upsample_bilinear(torch.arange(2.0).reshape(1, 2, 1, 1), (2, 1), channels_first=False).flatten()
tensor([0.0000, 0.2500, 0.7500, 1.0000])
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F

__all__ = ["upsample_bilinear", "upsample_nearest"]


def upsample_nearest(x: torch.Tensor, factors: Sequence[int], axes: Sequence[int]) -> torch.Tensor:
    """``x`` with every entry repeated ``factors[i]`` times along ``axes[i]``.

    Shapes: an axis of length ``n`` becomes ``n * factor``; other axes are unchanged.
    """
    scale = dict(zip((a % x.dim() for a in axes), factors))
    view, expanded, final = [], [], []
    for axis, size in enumerate(x.shape):
        factor = scale.get(axis, 1)
        if factor == 1:
            view.append(size)
            expanded.append(size)
        else:
            view += [size, 1]
            expanded += [size, factor]
        final.append(size * factor)
    return x.reshape(view).expand(expanded).reshape(final)


def upsample_bilinear(
    x: torch.Tensor, factors: Sequence[int], channels_first: bool
) -> torch.Tensor:
    """``x`` (rank 4) resized by ``factors`` (rows, cols) with TF's bilinear rule.

    Shapes: ``(N, C, H, W)`` or ``(N, H, W, C)`` to ``H * factors[0]``, ``W * factors[1]``.
    """
    images = x if channels_first else x.permute(0, 3, 1, 2)
    size = (images.shape[2] * factors[0], images.shape[3] * factors[1])
    out = F.interpolate(images, size=size, mode="bilinear", align_corners=False)
    return out if channels_first else out.permute(0, 2, 3, 1)
