"""Conv1D and Conv2D: Keras convolution layers with a rank-generic base."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from .. import activations, constraints, initializers, regularizers
from ..conv_arithmetic import conv_output_length
from ..ops.conv import conv
from ..symbolic import SymbolicTensor
from ..validation import (
    check_output_length,
    normalize_data_format,
    normalize_padding,
    normalize_positive_int,
    normalize_tuple,
)
from .base import Layer, as_shape
from .input_spec import InputSpec

__all__ = ["Conv", "Conv1D", "Conv2D", "IntOrTuple"]

IntOrTuple = int | tuple[int, ...]


class Conv(Layer):
    """Base of the Keras convolution layers; subclasses fix ``rank``.

    Normalises the shared arguments (``kernel_size``, ``strides``, ``padding``,
    ``data_format``, ``dilation_rate``, ``activation``) once, and owns the
    spatial arithmetic of ``compute_output_shape`` and the input checks of
    ``build``. Subclasses create their weights in ``build`` and compute in ``call``.
    """

    rank: int = 1
    #: Whether a rank-1 subclass accepts padding='causal' (DepthwiseConv1D does not).
    causal_padding: bool = True
    #: Whether inputs may have extra leading batch axes (``InputSpec(min_ndim=rank + 2)``),
    #: e.g. ``(N1, N2, L, C)`` for Conv1D; DepthwiseConv refuses them, as tf-keras does
    #: (with its message, which names the base class).
    leading_batch_axes: bool = True

    def __init__(
        self,
        kernel_size: IntOrTuple,
        strides: IntOrTuple = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: IntOrTuple = 1,
        activation: Any = None,
        use_bias: bool = True,
        bias_initializer: Any = "zeros",
        bias_regularizer: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        rank = self.rank
        self.kernel_size = normalize_tuple(kernel_size, rank, "kernel_size")
        self.strides = normalize_tuple(strides, rank, "strides", min_value=0)
        if 0 in self.strides:
            raise ValueError(
                f"The argument `strides` cannot contains 0(s). Received: strides={strides!r}"
            )
        causal = rank == 1 and self.causal_padding
        allowed = ("valid", "same", "causal") if causal else ("valid", "same")
        self.padding = normalize_padding(padding, allowed)
        self.data_format = normalize_data_format(data_format)
        self.dilation_rate = normalize_tuple(dilation_rate, rank, "dilation_rate")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                f"Received: strides={self.strides} and dilation_rate={self.dilation_rate}"
            )
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.bias_initializer = initializers.get(bias_initializer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.bias_constraint = constraints.get(bias_constraint)
        self._channels_last = self.data_format == "channels_last"
        self._channel_axis = -1 if self._channels_last else -1 - rank
        self.input_spec = self._input_spec()

    def _input_spec(self, channels: int | None = None) -> InputSpec:
        axes = None if channels is None else {self._channel_axis: channels}
        if self.leading_batch_axes:
            return InputSpec(min_ndim=self.rank + 2, axes=axes)
        return InputSpec(ndim=self.rank + 2, axes=axes)

    def _input_channels(self, input_shape: Any) -> tuple[tuple[int | None, ...], int]:
        """Check the rank and channel dimension of ``input_shape``; return (shape, channels)."""
        shape = as_shape(input_shape)
        if not self.leading_batch_axes and len(shape) != self.rank + 2:
            raise ValueError(
                f"Inputs to `DepthwiseConv` should have rank {self.rank + 2}. "
                f"Received input_shape={shape}."
            )
        self.input_spec.check(self.name, SymbolicTensor(shape))  # once built: the channels
        channels = shape[self._channel_axis]
        if channels is None:
            raise ValueError(
                "The channel dimension of the inputs should be defined. The input_shape "
                f"received is {shape}, where axis {self._channel_axis} (0-based) is the "
                "channel dimension, which found to be `None`."
            )
        return shape, channels

    def _spatial(self, shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        rank = self.rank
        return shape[-rank - 1 : -1] if self._channels_last else shape[-rank:]

    def _output_spatial(self, shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        spatial = tuple(
            conv_output_length(n, k, self.padding, s, d)
            for n, k, s, d in zip(
                self._spatial(shape),
                self.kernel_size,
                self.strides,
                self.dilation_rate,
                strict=True,
            )
        )
        check_output_length(self.name, shape, spatial)
        return spatial

    def _finish_build(self, shape: tuple[int | None, ...], channels: int) -> None:
        """Check the output fits and fix the input spec (called at the end of ``build``)."""
        self._output_spatial(shape)
        self.input_spec = self._input_spec(channels)
        self.built = True

    def _add_bias(self, filters: int) -> None:
        if self.use_bias:
            self.add_weight(
                "bias",
                (filters,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.register_parameter("bias", None)

    def _output_shape(self, input_shape: Any, filters: int) -> tuple[int | None, ...]:
        shape, _ = self._input_channels(input_shape)
        spatial = self._output_spatial(shape)
        batch = shape[: -self.rank - 1]
        if self._channels_last:
            return (*batch, *spatial, filters)
        return (*batch, filters, *spatial)

    def _fold_batch(
        self, op: Callable[[torch.Tensor], torch.Tensor], inputs: torch.Tensor
    ) -> torch.Tensor:
        """``op`` on ``inputs`` with extra leading batch axes folded into one, and back."""
        if inputs.dim() == self.rank + 2:
            return op(inputs)
        batch = inputs.shape[: -self.rank - 1]
        outputs = op(inputs.reshape(-1, *inputs.shape[-self.rank - 1 :]))
        return outputs.reshape(*batch, *outputs.shape[1:])

    def _activate(self, outputs: torch.Tensor) -> torch.Tensor:
        return outputs if self.activation is activations.linear else self.activation(outputs)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }

    def extra_repr(self) -> str:
        return (
            f"name={self.name!r}, kernel_size={self.kernel_size}, strides={self.strides}, "
            f"padding={self.padding!r}, data_format={self.data_format!r}"
        )


class _PlainConv(Conv):
    """A convolution with one kernel ``(*kernel_size, in // groups, filters)``: Conv1D, Conv2D."""

    def __init__(
        self,
        filters: int,
        kernel_size: IntOrTuple,
        strides: IntOrTuple = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: IntOrTuple = 1,
        groups: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            bias_initializer=bias_initializer,
            bias_regularizer=bias_regularizer,
            bias_constraint=bias_constraint,
            activity_regularizer=activity_regularizer,
            **kwargs,
        )
        self.filters = normalize_positive_int(filters, "filters")
        self.groups = normalize_positive_int(groups, "groups")
        if self.filters % self.groups:
            raise ValueError(
                "The number of filters must be evenly divisible by the number of groups. "
                f"Received: groups={self.groups}, filters={self.filters}"
            )
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)

    def _grouped_channels(self, input_shape: Any) -> tuple[tuple[int | None, ...], int]:
        """``_input_channels``, also checking that ``groups`` divides the channels."""
        shape, channels = self._input_channels(input_shape)
        if channels % self.groups:
            raise ValueError(
                "The number of input channels must be evenly divisible by the number of "
                f"groups. Received groups={self.groups}, but the input has {channels} "
                f"channels (full input shape is {shape})."
            )
        return shape, channels

    def build(self, input_shape: Any) -> None:
        shape, channels = self._grouped_channels(input_shape)
        self.add_weight(
            "kernel",
            (*self.kernel_size, channels // self.groups, self.filters),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self._add_bias(self.filters)
        self._finish_build(shape, channels)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return self._activate(self._fold_batch(self._conv, inputs))

    def _conv(self, inputs: torch.Tensor) -> torch.Tensor:
        return conv(
            inputs,
            self.kernel,
            self.bias,
            self.strides,
            self.padding,
            self.dilation_rate,
            self.groups,
            self._channels_last,
            self.name,
        )

    def compute_output_shape(self, input_shape: Any) -> tuple[int | None, ...]:
        self._grouped_channels(input_shape)
        return self._output_shape(input_shape, self.filters)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "filters": self.filters,
            "groups": self.groups,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
        }


class Conv1D(_PlainConv):
    """1-D convolution (temporal convolution), exactly as ``tf.keras.layers.Conv1D``.

    Args:
        filters: number of output channels ``F``.
        kernel_size: window length ``k`` (int or 1-tuple).
        strides: stride ``s``; ``s > 1`` excludes ``dilation_rate > 1``.
        padding: 'valid', 'same' (TF split: extra zero on the right) or 'causal'
            (``d*(k-1)`` zeros on the left).
        data_format: 'channels_last' ``(N, L, C)`` or 'channels_first' ``(N, C, L)``;
            ``None`` means ``convlayers.config.image_data_format()``.
        dilation_rate: dilation ``d``.
        groups: ``C`` and ``F`` are split into this many independent groups.

    ``activation``, ``use_bias`` and the ``*_initializer``, ``*_regularizer`` and
    ``*_constraint`` arguments are those of Keras.

    Shapes:
        input: ``(N, L, C)`` (channels_last) or ``(N, C, L)``.
        output: ``(N, L_out, F)`` or ``(N, F, L_out)`` with ``k_eff = d*(k-1)+1`` and
        ``L_out = ceil((L - k_eff + 1)/s)`` ('valid'), ``ceil(L/s)`` ('same'),
        ``ceil(L/s)`` after ``k_eff - 1`` left zeros ('causal').
        kernel: ``(k, C // groups, F)``; bias: ``(F,)``.

    Example:

    >>> import torch, convlayers
    >>> layer = convlayers.Conv1D(8, 3, padding="causal", dilation_rate=2)
    >>> layer(torch.randn(4, 10, 5)).shape
    torch.Size([4, 10, 8])
    >>> [tuple(w.shape) for w in layer.weights]
    [(3, 5, 8), (8,)]
    """

    rank = 1

    def __init__(
        self,
        filters: int,
        kernel_size: IntOrTuple,
        strides: IntOrTuple = 1,
        padding: str = "valid",
        data_format: str | None = "channels_last",
        dilation_rate: IntOrTuple = 1,
        groups: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            filters,
            kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            groups=groups,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )


class Conv2D(_PlainConv):
    """2-D convolution, exactly as ``tf.keras.layers.Conv2D`` (padding 'valid' or 'same').

    Arguments as ``Conv1D``'s, with ints or 2-tuples for ``kernel_size``, ``strides``
    and ``dilation_rate``; ``data_format`` defaults to ``None``, the global
    ``convlayers.config.image_data_format()``, as in Keras.

    Shapes:
        input: ``(N, H, W, C)`` (channels_last) or ``(N, C, H, W)``.
        output: ``(N, H_out, W_out, F)`` or ``(N, F, H_out, W_out)``, each spatial
        length by the Conv1D formula; kernel ``(kh, kw, C // groups, F)``; bias ``(F,)``.

    Example:

    >>> import torch, convlayers
    >>> convlayers.Conv2D(8, (3, 2), strides=(2, 1), padding="same")(
    ...     torch.randn(1, 7, 9, 3)).shape
    torch.Size([1, 4, 9, 8])
    """

    rank = 2
