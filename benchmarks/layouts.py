"""Views between Keras' channels_last data and torch's NCHW, for the hand-written variants.

A 1-D input ``(N, L, C)`` is seen as ``(N, C, 1, L)`` (height 1) and a 2-D one
``(N, H, W, C)`` as ``(N, C, H, W)``; both views are ``torch.channels_last`` NCHW tensors
over the same memory (no copy), which oneDNN reads directly. ``rank`` is the number of
spatial axes.
"""

from __future__ import annotations

import torch


def as_nchw(x: torch.Tensor, rank: int) -> torch.Tensor:
    """The channels_last input as an NCHW view (1-D: height 1), without a copy."""
    return x.movedim(-1, 1) if rank == 2 else x.transpose(1, 2).unsqueeze(2)


def from_nchw(y: torch.Tensor, rank: int) -> torch.Tensor:
    """The inverse view of :func:`as_nchw`: NCHW (1-D: height 1) back to channels_last."""
    return y.movedim(1, -1) if rank == 2 else y.squeeze(2).transpose(1, 2)


def channels_first(x: torch.Tensor, rank: int) -> torch.Tensor:
    """``(N, C, L)`` or ``(N, C, H, W)``: the layout of a ``prepare`` that copies (the
    harness makes it contiguous, untimed)."""
    return x.movedim(-1, 1) if rank == 2 else x.transpose(1, 2)


def to_4d(x: torch.Tensor, rank: int) -> torch.Tensor:
    """A channels_first ``(N, C, L)`` as ``(N, C, 1, L)``; a 2-D one unchanged."""
    return x if rank == 2 else x.unsqueeze(2)


def from_4d(y: torch.Tensor, rank: int) -> torch.Tensor:
    """The inverse of :func:`to_4d`."""
    return y if rank == 2 else y.squeeze(2)


def same_pads(k: int, rank: int) -> tuple[int, int]:
    """``F.conv2d`` padding of an odd ``k`` 'same' window (1-D: none along the height)."""
    return (k // 2, k // 2) if rank == 2 else (0, k // 2)
