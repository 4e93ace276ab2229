"""The geometry of a LocallyConnected kernel: shapes, padding and window runs, in integers.

A :class:`LocalGeometry` fixes everything a kernel layout depends on; the layout
modules (``local_layouts``, ``local_layout3``) and the op read it. Along each
spatial dim, consecutive output positions whose windows keep the same taps inside
the input form a *run* (``window_runs``).

>>> g = LocalGeometry((5,), 2, 3, (3,), (2,), "same", True)
>>> g.output_shape, g.kernel_shape(3), window_runs(g)
((3,), (42,), (((0, 1, 1, 3), (1, 2, 0, 3), (2, 3, 0, 2)),))
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..conv_arithmetic import local_output_length, local_padding
from .caching import shape_cache

__all__ = ["LocalGeometry", "tap_counts", "window_runs"]


@dataclass(frozen=True)
class LocalGeometry:
    """Everything that fixes a LocallyConnected kernel's layout (hashable, for caching)."""

    input_shape: tuple[int, ...]  # spatial input shape S
    channels: int
    filters: int
    kernel_size: tuple[int, ...]
    strides: tuple[int, ...]
    padding: str
    channels_last: bool

    def __post_init__(self) -> None:
        # derived once: the op reads them on every call (not fields: no part of eq/hash)
        dims = list(zip(self.input_shape, self.kernel_size, self.strides))
        out = tuple(local_output_length(n, k, self.padding, s) for n, k, s in dims)
        pads = tuple(local_padding(n, k, self.padding, s) for n, k, s in dims)
        canonical = (math.prod(out), math.prod(self.kernel_size) * self.channels, self.filters)
        object.__setattr__(self, "_output_shape", out)
        object.__setattr__(self, "_pads", pads)
        object.__setattr__(self, "_canonical_shape", canonical)

    @property
    def rank(self) -> int:
        return len(self.input_shape)

    @property
    def output_shape(self) -> tuple[int, ...]:
        """Spatial output shape ``O``."""
        return self._output_shape  # type: ignore[attr-defined]

    @property
    def pads(self) -> tuple[tuple[int, int], ...]:
        """``(left, right)`` zeros per spatial dim that turn the windows into 'valid' ones."""
        return self._pads  # type: ignore[attr-defined]

    @property
    def canonical_shape(self) -> tuple[int, int, int]:
        """``(P, prod(K) * C, F)``: layout 1, also for 'same' padding."""
        return self._canonical_shape  # type: ignore[attr-defined]

    def kernel_shape(self, implementation: int) -> tuple[int, ...]:
        """Shape of the stored kernel for ``implementation`` (1, 2 or 3)."""
        if implementation == 1:
            return self.canonical_shape
        if implementation == 2:
            spatial, out = self.input_shape, self.output_shape
            if self.channels_last:
                return (*spatial, self.channels, *out, self.filters)
            return (self.channels, *spatial, self.filters, *out)
        return (_connected_entries(self),)


@shape_cache(32, constant=True)
def _connected_entries(geom: LocalGeometry) -> int:
    """Length of layout 3: ``F * C`` times the (position, tap) pairs inside the input."""
    return geom.filters * geom.channels * math.prod(sum(n) for n in tap_counts(geom))


@shape_cache(32)
def window_runs(geom: LocalGeometry) -> tuple[tuple[tuple[int, int, int, int], ...], ...]:
    """Per spatial dim, the runs ``(first, stop, tap0, tap1)``: positions
    ``first:stop`` keep taps ``tap0:tap1`` of their windows inside the input."""
    runs = []
    for n, k, s, (left, _), out in zip(
        geom.input_shape, geom.kernel_size, geom.strides, geom.pads, geom.output_shape
    ):
        dim: list[tuple[int, int, int, int]] = []
        for o in range(out):
            start = o * s - left
            tap0 = max(0, -start)
            taps = (tap0, max(tap0, min(k, n - start)))
            if dim and dim[-1][2:] == taps:
                dim[-1] = (dim[-1][0], o + 1, *taps)
            else:
                dim.append((o, o + 1, *taps))
        runs.append(tuple(dim))
    return tuple(runs)


def tap_counts(geom: LocalGeometry) -> list[list[int]]:
    """Per spatial dim, how many taps of each output position's window are inside."""
    return [[t1 - t0 for a, b, t0, t1 in dim for _ in range(a, b)] for dim in window_runs(geom)]
