"""UpSampling1D and UpSampling2D: integer-factor upsampling as tf-keras 2.21 computes it.

UpSampling1D repeats each step ``size`` times. UpSampling2D resizes with
``tf.image.resize``'s 'nearest' or 'bilinear' rule (half-pixel centers, see
``convlayers.ops.resize``). The reference accepts six more interpolations
('bicubic', 'area', 'lanczos3', 'lanczos5', 'gaussian', 'mitchellcubic'); convlayers
refuses them with ``NotImplementedError`` rather than compute something else.
UpSampling1D's ``size`` must be a positive int (the reference calls ``int(size)`` and
fails inside TF for 0).

>>> import torch, convlayers
>>> convlayers.UpSampling2D((2, 3))(torch.ones(1, 4, 5, 3)).shape
torch.Size([1, 8, 15, 3])
"""

from __future__ import annotations

from typing import Any

import torch

from ..ops.resize import upsample_bilinear, upsample_nearest
from ..validation import argument_error, keras_data_format, keras_tuple
from .input_spec import InputSpec
from .spatial import SpatialLayer

__all__ = ["UpSampling1D", "UpSampling2D"]

_SUPPORTED = ("nearest", "bilinear")
_REFERENCE_ONLY = ("bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic")


def _normalize_interpolation(value: Any) -> str:
    name = value.lower() if isinstance(value, str) else value
    if name in _SUPPORTED:
        return name
    if name in _REFERENCE_ONLY:
        raise NotImplementedError(
            f"`interpolation` {name!r} is accepted by tf-keras but not implemented by "
            f"convlayers; use one of {_SUPPORTED}. Received: interpolation={value!r}"
        )
    raise NotImplementedError(
        f"Value not recognized for `interpolation`: {value}. Supported values are: "
        f"{_SUPPORTED} (tf-keras also accepts {_REFERENCE_ONLY}, convlayers does not). "
        f"Received: interpolation={value!r}"
    )


class _UpSampling(SpatialLayer):
    """Shared shape rule: each spatial axis of length ``n`` becomes ``n * factor``."""

    _rank = 1

    def compute_output_shape(self, input_shape: Any) -> tuple[int | None, ...]:
        shape = self._checked_shape(input_shape)
        for axis, factor in zip(self._spatial_axes(), self._factors):
            if shape[axis] is not None:
                shape[axis] *= factor
        return tuple(shape)


class UpSampling1D(_UpSampling):
    """Repeats each step ``size`` times along the steps axis.

    Args:
        size: the repeat factor, a positive integer.

    Shapes: input ``(N, L, C)``; output ``(N, L * size, C)``.

    >>> import torch, convlayers
    >>> convlayers.UpSampling1D(2)(torch.tensor([[[1.0], [2.0]]])).flatten().tolist()
    [1.0, 1.0, 2.0, 2.0]
    """

    def __init__(self, size: int = 2, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise argument_error("size", "a positive integer", size)
        self.size = size
        self._factors = (size,)
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return upsample_nearest(inputs, self._factors, (1,))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "size": self.size}


class UpSampling2D(_UpSampling):
    """Upsamples images by integer factors with 'nearest' or 'bilinear' interpolation.

    Args:
        size: int or ``(rows, cols)`` factors, each >= 1.
        data_format: 'channels_last' ``(N, H, W, C)`` or 'channels_first' ``(N, C, H, W)``.
        interpolation: 'nearest' (repeat) or 'bilinear' (TF's half-pixel rule), any case.

    Shapes: ``H`` becomes ``H * rows`` and ``W`` becomes ``W * cols``.

    >>> import torch, convlayers
    >>> layer = convlayers.UpSampling2D((2, 1), interpolation="bilinear")
    >>> layer(torch.tensor([0.0, 1.0]).reshape(1, 2, 1, 1)).flatten().tolist()
    [0.0, 0.25, 0.75, 1.0]
    """

    _rank = 2

    def __init__(
        self,
        size: Any = (2, 2),
        data_format: str | None = None,
        interpolation: str = "nearest",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.data_format = keras_data_format(data_format)
        self.size = keras_tuple(size, 2, "size")
        self.interpolation = _normalize_interpolation(interpolation)
        self._factors = self.size
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if self.interpolation == "bilinear":
            return upsample_bilinear(inputs, self.size, self.data_format == "channels_first")
        return upsample_nearest(inputs, self.size, tuple(self._spatial_axes()))

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "size": self.size,
            "data_format": self.data_format,
            "interpolation": self.interpolation,
        }
