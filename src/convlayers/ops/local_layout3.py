"""Layout 3 (the connected entries only) as the canonical kernel, by strided block copies.

Along each spatial dim, consecutive output positions whose windows keep the same taps
inside the input form a *run*: under 'valid' padding one run covers every position,
under 'same' the interior is one run and each truncated edge position usually its own.
For one run per dim, the layout-3 entries of those positions are a regular strided
block of the flat kernel, and their place in the canonical grid is a slice. So one
strided copy per block moves them into a zero grid, and one per block moves a gradient
back: no index tensor, no mask, and a handful of copies (a 3x3 'same' 2-D kernel with
unit strides has 9 blocks).

Grid layout: channels_last ``(*O, F, *K, C)``, channels_first ``(F, *O, C, *K)``; it is
the canonical ``(P, prod(K) * C, F)`` kernel up to a view (``grid_as_canonical``).
"""

from __future__ import annotations

import itertools
import math

import torch
from torch.autograd.function import once_differentiable

from .caching import shape_cache
from .local_geometry import LocalGeometry, tap_counts, window_runs

__all__ = ["CanonicalRows", "grid_as_canonical", "layout3_canonical"]

# (storage offset, sizes, strides) of a block in the flat kernel, and its grid slice
Block = tuple[int, tuple[int, ...], tuple[int, ...], tuple[slice, ...]]


@shape_cache(64)
def _blocks(geom: LocalGeometry, first: int, stop: int) -> tuple[Block, ...]:
    """The blocks of output rows ``first:stop`` (first spatial axis), grid rows from 0.

    Layout 3 lists position ``o`` after all earlier positions (raveled order), each
    with ``n_d(o_d)`` taps per dim, so its entries start at
    ``unit * sum_d prod_{e<d} n_e(o_e) * cum_d(o_d) * prod_{e>d} N_e`` with ``cum_d``
    the taps of earlier positions along ``d``, ``N_d`` their total and ``unit`` = F*C
    (channels_last) or C (channels_first, within each filter's entries). Within a run
    the counts are constant, so every position axis has a fixed stride.
    """
    runs, filters, channels = window_runs(geom), geom.filters, geom.channels
    cums = [[0, *itertools.accumulate(counts)] for counts in tap_counts(geom)]
    totals = [cum[-1] for cum in cums]
    unit = channels * (filters if geom.channels_last else 1)
    per_filter = channels * math.prod(totals)  # channels_first: entries of one filter
    blocks = []
    for combo in itertools.product(*runs):
        lo, hi = max(combo[0][0], first), min(combo[0][1], stop)
        if lo >= hi:
            continue
        starts = [lo, *(run[0] for run in combo[1:])]
        lengths = [hi - lo, *(run[1] - run[0] for run in combo[1:])]
        taps = [run[3] - run[2] for run in combo]
        offset, steps = 0, []
        for d in range(len(combo)):
            before, after = math.prod(taps[:d]), math.prod(totals[d + 1 :])
            offset += unit * before * cums[d][starts[d]] * after
            steps.append(unit * before * taps[d] * after)
        inner = [math.prod(taps[d + 1 :]) for d in range(len(taps))]  # tap strides / C
        grid_starts = [lo - first, *starts[1:]]  # the grid holds rows first:stop only
        positions = tuple(slice(a, a + n) for a, n in zip(grid_starts, lengths))
        tap_slices = tuple(slice(run[2], run[3]) for run in combo)
        whole = slice(None)
        if geom.channels_last:  # block (*positions, F, *taps, C)
            sizes = (*lengths, filters, *taps, channels)
            strides = (*steps, math.prod(taps) * channels, *(s * channels for s in inner), 1)
            index = (*positions, whole, *tap_slices, whole)
        else:  # block (F, *positions, C, *taps)
            sizes = (filters, *lengths, channels, *taps)
            strides = (per_filter, *steps, math.prod(taps), *inner)
            index = (whole, *positions, whole, *tap_slices)
        blocks.append((offset, sizes, strides, index))
    return tuple(blocks)


def _grid_shape(geom: LocalGeometry, rows: int) -> tuple[int, ...]:
    out, kernel = geom.output_shape, geom.kernel_size
    if geom.channels_last:
        return (rows, *out[1:], geom.filters, *kernel, geom.channels)
    return (geom.filters, rows, *out[1:], geom.channels, *kernel)


def _scatter(kernel: torch.Tensor, geom: LocalGeometry, first: int, stop: int) -> torch.Tensor:
    """The grid of output rows ``first:stop``: zeros, and every block copied in."""
    kernel = kernel.contiguous()
    grid = kernel.new_zeros(_grid_shape(geom, stop - first))
    for block in _blocks(geom, first, stop):
        grid[block[3]].copy_(_block_view(kernel, block))
    return grid


def _block_view(kernel: torch.Tensor, block: Block) -> torch.Tensor:
    """A block of a contiguous flat kernel, as a strided view."""
    offset, sizes, strides, _ = block
    # as_strided counts from the storage's start (traced: a parameter's, offset 0)
    base = 0 if torch.compiler.is_compiling() else kernel.storage_offset()
    return kernel.as_strided(sizes, strides, base + offset)


class _Layout3Scatter(torch.autograd.Function):
    """Flat layout-3 kernel -> grid; the backward copies every block back (each entry
    of the kernel lies in exactly one block, so nothing is zero-filled)."""

    @staticmethod
    def forward(ctx, kernel, geom):  # type: ignore[override]
        ctx.geom = geom
        return _scatter(kernel, geom, 0, geom.output_shape[0])

    @staticmethod
    @once_differentiable
    def backward(ctx, grad):  # type: ignore[override]
        geom = ctx.geom
        dkernel = grad.new_empty(geom.kernel_shape(3))
        for block in _blocks(geom, 0, geom.output_shape[0]):
            _block_view(dkernel, block).copy_(grad[block[3]])
        return dkernel, None


def grid_as_canonical(grid: torch.Tensor, geom: LocalGeometry) -> torch.Tensor:
    """Grid rows as canonical ``(positions, prod(K) * C, F)``: a view of a grid, or of a
    block of whole windows whose positions merge (else ``reshape`` copies)."""
    feat = math.prod(geom.kernel_size) * geom.channels
    if geom.channels_last:
        return grid.reshape(-1, geom.filters, feat).transpose(1, 2)
    return grid.reshape(geom.filters, -1, feat).permute(1, 2, 0)


def layout3_canonical(kernel: torch.Tensor, geom: LocalGeometry) -> torch.Tensor:
    """The canonical kernel of a layout-3 ``kernel``, differentiable in ``kernel``."""
    if torch.compiler.is_compiling():  # traced: autograd of the plain copies
        grid = _scatter(kernel, geom, 0, geom.output_shape[0])
    else:
        grid = _Layout3Scatter.apply(kernel, geom)
    return grid_as_canonical(grid, geom)


class CanonicalRows:
    """A layout-3 kernel seen as its canonical kernel, built when indexed.

    ``rows[positions]`` is the canonical kernel of a slice of output positions that
    covers whole rows of the first output axis: a view of the kernel when every window
    of those rows lies inside the input, else built (a zero grid and block copies). A
    piecewise forward thus never holds the whole (parameter-sized) canonical kernel.
    ``cuts`` are the rows where inside and edge rows meet (pieces should not straddle
    them) and ``built`` the elements of the edge rows. No autograd: no-grad forwards.
    """

    def __init__(self, kernel: torch.Tensor, geom: LocalGeometry) -> None:
        self.kernel, self.geom, self.shape = kernel.contiguous(), geom, geom.canonical_shape
        self.row = math.prod(geom.output_shape[1:])  # positions per row
        self.inside = inside = _rows_inside(geom)
        self.cuts = tuple(r for r in range(1, len(inside)) if inside[r] != inside[r - 1])
        self.built = inside.count(False) * self.row * self.shape[1] * self.shape[2]

    def __getitem__(self, positions: slice) -> torch.Tensor:
        first, stop, _ = positions.indices(self.shape[0])
        rows = (first // self.row, stop // self.row)
        if all(self.inside[rows[0] : rows[1]]):  # one block of whole windows: a view
            (block,) = _blocks(self.geom, *rows)
            return grid_as_canonical(_block_view(self.kernel, block), self.geom)
        return grid_as_canonical(_scatter(self.kernel, self.geom, *rows), self.geom)


@shape_cache(32)
def _rows_inside(geom: LocalGeometry) -> list[bool]:
    """Per row of the first output axis: whether every window of the row is inside."""
    counts = tap_counts(geom)
    others = all(n == k for dim, k in zip(counts[1:], geom.kernel_size[1:]) for n in dim)
    return [others and n == geom.kernel_size[0] for n in counts[0]]
