"""DepthwiseConv1D and DepthwiseConv2D: one rank-generic base, thin subclasses fixing the rank."""

from __future__ import annotations

from typing import Any

import torch

from .. import constraints, initializers, regularizers
from ..ops.separable import depthwise_conv
from ..validation import argument_error, normalize_positive_int
from .conv import Conv, IntOrTuple

__all__ = ["DepthwiseConv", "DepthwiseConv1D", "DepthwiseConv2D", "DepthwiseKernel"]


def check_single_group(groups: Any) -> int:
    """``groups`` of a depthwise/separable layer: only 1 (the reference's config key).

    tf-keras accepts and ignores other values; we refuse them instead of ignoring them.
    """
    if groups != 1 or isinstance(groups, bool):
        raise argument_error("groups", "1 for depthwise and separable layers", groups)
    return 1


class DepthwiseKernel:
    """The depthwise kernel ``(*k, C, depth_multiplier)`` shared by the depthwise and
    separable layers: its arguments, its weight and its config entries."""

    def _init_depthwise(
        self, depth_multiplier: Any, initializer: Any, regularizer: Any, constraint: Any,
        groups: Any,
    ) -> None:  # fmt: skip
        self.depth_multiplier = normalize_positive_int(depth_multiplier, "depth_multiplier")
        self.groups = check_single_group(groups)
        self.depthwise_initializer = initializers.get(initializer)
        self.depthwise_regularizer = regularizers.get(regularizer)
        self.depthwise_constraint = constraints.get(constraint)

    def _add_depthwise_kernel(self, channels: int) -> None:
        self.add_weight(  # type: ignore[attr-defined]
            "depthwise_kernel",
            (*self.kernel_size, channels, self.depth_multiplier),  # type: ignore[attr-defined]
            initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
        )

    def _depthwise_config(self) -> dict[str, Any]:
        return {
            "groups": self.groups,
            "depth_multiplier": self.depth_multiplier,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
            "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
        }


class DepthwiseConv(DepthwiseKernel, Conv):
    """Base of DepthwiseConv1D/2D: each input channel convolved with ``depth_multiplier`` filters.

    Arguments as ``tf.keras.layers.DepthwiseConv2D`` (positional order included);
    ``padding`` is 'valid' or 'same' ('causal' is refused, as by the reference).
    Deviations from tf-keras 2.21: a bad ``depth_multiplier`` is refused in
    ``__init__`` (tf-keras fails in the first call); ``groups`` other than 1 is refused
    (tf-keras ignores it).
    """

    causal_padding = False
    leading_batch_axes = False

    def __init__(
        self,
        kernel_size: IntOrTuple,
        strides: IntOrTuple = 1,
        padding: str = "valid",
        depth_multiplier: int = 1,
        data_format: str | None = None,
        dilation_rate: IntOrTuple = 1,
        activation: Any = None,
        use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        depthwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        bias_constraint: Any = None,
        *,
        groups: int = 1,
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
        self._init_depthwise(
            depth_multiplier, depthwise_initializer, depthwise_regularizer,
            depthwise_constraint, groups,
        )  # fmt: skip

    def build(self, input_shape: Any) -> None:
        shape, channels = self._input_channels(input_shape)
        self._add_depthwise_kernel(channels)
        self._add_bias(channels * self.depth_multiplier)
        self._finish_build(shape, channels)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        outputs = depthwise_conv(
            inputs,
            self.depthwise_kernel,
            self.bias,
            self.strides,
            self.padding,
            self.dilation_rate,
            self._channels_last,
            self.name,
        )
        return self._activate(outputs)

    def compute_output_shape(self, input_shape: Any) -> tuple[int | None, ...]:
        _, channels = self._input_channels(input_shape)
        return self._output_shape(input_shape, channels * self.depth_multiplier)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), **self._depthwise_config()}


class DepthwiseConv1D(DepthwiseConv):
    """1-D depthwise convolution, exactly as ``tf.keras.layers.DepthwiseConv1D``.

    Shapes (``dm`` = depth_multiplier):
        input: ``(N, L, C)`` (channels_last) or ``(N, C, L)``.
        output: ``(N, L_out, C*dm)`` or ``(N, C*dm, L_out)``, ``L_out`` as Conv1D
        ('valid' or 'same'); channel ``c*dm + m`` comes from input channel ``c``.
        depthwise_kernel: ``(k, C, dm)``; bias: ``(C*dm,)``.

    Example:

    >>> import torch, convlayers
    >>> layer = convlayers.DepthwiseConv1D(3, strides=2, padding="same", depth_multiplier=2)
    >>> layer(torch.randn(4, 9, 5)).shape
    torch.Size([4, 5, 10])
    >>> [tuple(w.shape) for w in layer.weights]
    [(3, 5, 2), (10,)]
    """

    rank = 1


class DepthwiseConv2D(DepthwiseConv):
    """2-D depthwise convolution, exactly as ``tf.keras.layers.DepthwiseConv2D``.

    Shapes (``dm`` = depth_multiplier):
        input: ``(N, H, W, C)`` (channels_last) or ``(N, C, H, W)``.
        output: ``(N, H_out, W_out, C*dm)`` or ``(N, C*dm, H_out, W_out)``, each spatial
        length by the Conv1D formula ('valid' or 'same').
        depthwise_kernel: ``(kh, kw, C, dm)``; bias: ``(C*dm,)``.

    Example:

    >>> import torch, convlayers
    >>> layer = convlayers.DepthwiseConv2D((3, 2), padding="same", data_format="channels_first")
    >>> layer(torch.randn(2, 4, 7, 6)).shape
    torch.Size([2, 4, 7, 6])
    >>> [tuple(w.shape) for w in layer.weights]
    [(3, 2, 4, 1), (4,)]
    """

    rank = 2
