"""The base of layers that act on the spatial axes of ``(N, *spatial, C)`` or
``(N, C, *spatial)`` inputs of a fixed rank (padding, cropping, upsampling).

>>> import convlayers
>>> convlayers.ZeroPadding2D(data_format="channels_first")._spatial_axes()
range(2, 4)
"""

from __future__ import annotations

from typing import Any

from ..symbolic import SymbolicTensor
from .base import Layer, as_shape

__all__ = ["SpatialLayer"]


class SpatialLayer(Layer):
    """A layer on ``_rank`` spatial axes; ``input_spec`` fixes the input rank."""

    _rank = 1
    data_format = "channels_last"

    def _spatial_axes(self) -> range:
        first = 2 if self.data_format == "channels_first" else 1
        return range(first, first + self._rank)

    def _checked_shape(self, input_shape: Any) -> list[int | None]:
        """``input_shape`` as a list, after the input spec's rank check."""
        shape = as_shape(input_shape)
        self.input_spec.check(self.name, SymbolicTensor(shape))
        return list(shape)
