"""Pooling layers: MaxPooling1D/2D, AveragePooling1D/2D and the global poolings, as
tf-keras 2.21 has them (configs, TF 'same' windows, averages that leave the padding out).

>>> import torch, convlayers
>>> convlayers.MaxPooling2D()(torch.randn(2, 7, 6, 3)).shape
torch.Size([2, 3, 3, 3])
>>> convlayers.GlobalAveragePooling1D(keepdims=True)(torch.randn(2, 7, 3)).shape
torch.Size([2, 1, 3])
"""

from __future__ import annotations

from typing import Any

import torch

from ..conv_arithmetic import conv_output_length
from ..ops.pooling import global_pool, pool
from ..validation import (
    argument_error,
    check_output_length,
    normalize_data_format,
    normalize_padding,
    normalize_tuple,
)
from .base import Layer, as_shape
from .input_spec import InputSpec
from .registry import register_builtin

__all__ = [
    "AveragePooling1D",
    "AveragePooling2D",
    "AvgPool1D",
    "AvgPool2D",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalAvgPool1D",
    "GlobalAvgPool2D",
    "GlobalMaxPool1D",
    "GlobalMaxPool2D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "MaxPool1D",
    "MaxPool2D",
    "MaxPooling1D",
    "MaxPooling2D",
]

IntOrTuple = int | tuple[int, ...]


def _check_rank(layer: Layer, shape: tuple[int | None, ...], rank: int) -> None:
    if len(shape) != rank + 2:
        raise ValueError(
            f'Input 0 of layer "{layer.name}" is incompatible with the layer: expected '
            f"ndim={rank + 2}, found ndim={len(shape)}. Full shape received: {shape}"
        )


class _Pooling(Layer):
    """Base of the window poolings; subclasses fix ``rank`` and ``mode`` ('max' or 'avg').

    ``strides=None`` means ``pool_size``; ``padding`` is 'valid' or 'same' (TF's split:
    the extra position on the right); ``data_format`` ``None`` is the global setting.
    """

    rank: int = 1
    mode: str = "max"

    def __init__(
        self,
        pool_size: IntOrTuple,
        strides: IntOrTuple | None = None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.pool_size = normalize_tuple(pool_size, self.rank, "pool_size")
        self.strides = normalize_tuple(
            self.pool_size if strides is None else strides, self.rank, "strides"
        )
        self.padding = normalize_padding(padding, ("valid", "same"))
        self.data_format = normalize_data_format(data_format)
        self._channels_last = self.data_format == "channels_last"
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return pool(
            inputs,
            self.mode,
            self.pool_size,
            self.strides,
            self.padding,
            self._channels_last,
            self.name,
        )

    def compute_output_shape(self, input_shape: Any) -> tuple[int | None, ...]:
        shape = as_shape(input_shape)
        _check_rank(self, shape, self.rank)
        spatial = shape[1:-1] if self._channels_last else shape[2:]
        out = tuple(
            conv_output_length(n, k, self.padding, s)
            for n, k, s in zip(spatial, self.pool_size, self.strides)
        )
        check_output_length(self.name, shape, out)
        if self._channels_last:
            return (shape[0], *out, shape[-1])
        return (shape[0], shape[1], *out)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "pool_size": self.pool_size,
            "padding": self.padding,
            "strides": self.strides,
            "data_format": self.data_format,
        }

    def extra_repr(self) -> str:
        return (
            f"name={self.name!r}, pool_size={self.pool_size}, strides={self.strides}, "
            f"padding={self.padding!r}, data_format={self.data_format!r}"
        )


class _Pooling1D(_Pooling):
    """The 1-D poolings' arguments and defaults (tf-keras's)."""

    rank = 1

    def __init__(
        self,
        pool_size: IntOrTuple = 2,
        strides: IntOrTuple | None = None,
        padding: str = "valid",
        data_format: str | None = "channels_last",
        **kwargs: Any,
    ) -> None:
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class _Pooling2D(_Pooling):
    """The 2-D poolings' arguments and defaults (tf-keras's)."""

    rank = 2

    def __init__(
        self,
        pool_size: IntOrTuple = (2, 2),
        strides: IntOrTuple | None = None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class MaxPooling1D(_Pooling1D):
    """Maximum over windows of ``pool_size`` steps, as ``tf.keras.layers.MaxPooling1D``.

    Args:
        pool_size: window length ``k`` (default 2).
        strides: step ``s`` between windows; ``None`` (default) means ``pool_size``.
        padding: 'valid' or 'same' (TF's split; padding never wins the maximum).
        data_format: 'channels_last' (default) ``(N, L, C)`` or 'channels_first' ``(N, C, L)``.

    Shapes: input ``(N, L, C)`` or ``(N, C, L)``; output ``(N, L_out, C)`` or
    ``(N, C, L_out)`` with ``L_out = ceil((L - k + 1) / s)`` ('valid') or ``ceil(L / s)``
    ('same'). No weights.

    >>> import torch, convlayers
    >>> convlayers.MaxPooling1D(3, strides=2, padding="same")(torch.randn(4, 10, 5)).shape
    torch.Size([4, 5, 5])
    """

    mode = "max"


class AveragePooling1D(_Pooling1D):
    """Mean over windows of ``pool_size`` steps, as ``tf.keras.layers.AveragePooling1D``:
    under 'same' padding a window at the edge is averaged over its input positions only.

    Arguments and shapes as :class:`MaxPooling1D`'s. No weights.

    >>> import torch, convlayers
    >>> x = torch.tensor([[[1.0], [2.0], [3.0]]])
    >>> convlayers.AveragePooling1D(2, padding="same")(x).flatten().tolist()
    [1.5, 3.0]
    """

    mode = "avg"


class MaxPooling2D(_Pooling2D):
    """Maximum over ``pool_size`` windows, as ``tf.keras.layers.MaxPooling2D``.

    Arguments as :class:`MaxPooling1D`'s with ints or 2-tuples (default ``(2, 2)``);
    ``data_format`` defaults to ``None``, the global ``image_data_format()``.

    Shapes: input ``(N, H, W, C)`` or ``(N, C, H, W)``; output ``(N, H_out, W_out, C)`` or
    ``(N, C, H_out, W_out)``, each length by the MaxPooling1D formula. No weights.

    >>> import torch, convlayers
    >>> convlayers.MaxPooling2D((3, 2), strides=1)(torch.randn(1, 7, 6, 2)).shape
    torch.Size([1, 5, 5, 2])
    """

    mode = "max"


class AveragePooling2D(_Pooling2D):
    """Mean over ``pool_size`` windows, as ``tf.keras.layers.AveragePooling2D`` (padding
    left out of each mean). Arguments and shapes as :class:`MaxPooling2D`'s. No weights.

    >>> import torch, convlayers
    >>> x = torch.arange(9.0).reshape(1, 3, 3, 1)  # the 'same' padding is one row and column
    >>> convlayers.AveragePooling2D(2, padding="same")(x)[0, :, :, 0].tolist()
    [[2.0, 3.5], [6.5, 8.0]]
    """

    mode = "avg"


class _GlobalPooling(Layer):
    """Base of the global poolings: a reduction over every spatial axis."""

    rank: int = 1
    mode: str = "avg"

    def __init__(
        self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.data_format = normalize_data_format(data_format)
        if not isinstance(keepdims, bool):
            raise argument_error("keepdims", "a boolean", keepdims)
        self.keepdims = keepdims
        self._channels_last = self.data_format == "channels_last"
        first = 1 if self._channels_last else 2
        self._dims = tuple(range(first, first + self.rank))
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def build(self, input_shape: Any) -> None:
        shape = as_shape(input_shape)
        _check_rank(self, shape, self.rank)
        for axis in self._dims:
            if shape[axis] == 0:
                raise ValueError(
                    f"Incorrect input shape {list(shape)} with dimension 0 at reduction "
                    f"axis {axis}. Received: input_shape={shape}"
                )
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return global_pool(inputs, self.mode, self._dims, self.keepdims)

    def compute_output_shape(self, input_shape: Any) -> tuple[int | None, ...]:
        shape = as_shape(input_shape)
        _check_rank(self, shape, self.rank)
        channels = shape[-1] if self._channels_last else shape[1]
        if not self.keepdims:
            return (shape[0], channels)
        ones = (1,) * self.rank
        return (shape[0], *ones, channels) if self._channels_last else (shape[0], channels, *ones)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


class _GlobalPooling1D(_GlobalPooling):
    """The 1-D global poolings' default data_format (tf-keras's: 'channels_last')."""

    rank = 1

    def __init__(
        self, data_format: str | None = "channels_last", keepdims: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(data_format, keepdims, **kwargs)


class GlobalAveragePooling1D(_GlobalPooling1D):
    """Mean over the steps, as ``tf.keras.layers.GlobalAveragePooling1D``.

    Args:
        data_format: 'channels_last' (default) ``(N, L, C)`` or 'channels_first' ``(N, C, L)``.
        keepdims: keep the steps axis with length 1.

    A mask ``(N, L)`` (``mask=`` or carried by the input) leaves the masked steps out of
    the mean; the output carries no mask.

    Shapes: output ``(N, C)``; with ``keepdims`` ``(N, 1, C)`` or ``(N, C, 1)``. No weights.

    >>> import torch, convlayers
    >>> x = torch.tensor([[[1.0], [2.0], [6.0]]])
    >>> layer = convlayers.GlobalAveragePooling1D()
    >>> layer(x).tolist(), layer(x, mask=torch.tensor([[True, True, False]])).tolist()
    ([[3.0]], [[1.5]])
    """

    mode = "avg"
    supports_masking = True

    def call(self, inputs: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        channel_dim = -1 if self._channels_last else 1
        return global_pool(inputs, "avg", self._dims, self.keepdims, mask, channel_dim)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return None


class GlobalMaxPooling1D(_GlobalPooling1D):
    """Maximum over the steps, as ``tf.keras.layers.GlobalMaxPooling1D``.

    Arguments and shapes as :class:`GlobalAveragePooling1D`'s (no mask). No weights.

    >>> import torch, convlayers
    >>> convlayers.GlobalMaxPooling1D()(torch.tensor([[[1.0], [5.0], [2.0]]])).tolist()
    [[5.0]]
    """

    mode = "max"


class _GlobalPooling2D(_GlobalPooling):
    """The 2-D global poolings (``data_format`` ``None``: the global setting)."""

    rank = 2


class GlobalAveragePooling2D(_GlobalPooling2D):
    """Mean over height and width, as ``tf.keras.layers.GlobalAveragePooling2D``.

    Args:
        data_format: 'channels_last' ``(N, H, W, C)`` or 'channels_first' ``(N, C, H, W)``;
            ``None`` (default) is the global ``image_data_format()``.
        keepdims: keep the spatial axes with length 1.

    Shapes: output ``(N, C)``; with ``keepdims`` ``(N, 1, 1, C)`` or ``(N, C, 1, 1)``.
    No weights.

    >>> import torch, convlayers
    >>> convlayers.GlobalAveragePooling2D(keepdims=True)(torch.ones(2, 4, 5, 3)).shape
    torch.Size([2, 1, 1, 3])
    """

    mode = "avg"


class GlobalMaxPooling2D(_GlobalPooling2D):
    """Maximum over height and width, as ``tf.keras.layers.GlobalMaxPooling2D``.

    Arguments and shapes as :class:`GlobalAveragePooling2D`'s. No weights.

    >>> import torch, convlayers
    >>> convlayers.GlobalMaxPooling2D("channels_first")(torch.ones(2, 3, 4, 5)).shape
    torch.Size([2, 3])
    """

    mode = "max"


# The short names tf-keras exports for the same classes (configs name the long ones).
MaxPool1D, MaxPool2D = MaxPooling1D, MaxPooling2D
AvgPool1D, AvgPool2D = AveragePooling1D, AveragePooling2D
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D
for _alias, _cls in [
    ("MaxPool1D", MaxPooling1D),
    ("MaxPool2D", MaxPooling2D),
    ("AvgPool1D", AveragePooling1D),
    ("AvgPool2D", AveragePooling2D),
    ("GlobalAvgPool1D", GlobalAveragePooling1D),
    ("GlobalAvgPool2D", GlobalAveragePooling2D),
    ("GlobalMaxPool1D", GlobalMaxPooling1D),
    ("GlobalMaxPool2D", GlobalMaxPooling2D),
]:
    register_builtin(_cls, _alias)
del _alias, _cls
