"""SeparableConv1D and SeparableConv2D: one rank-generic base, thin subclasses fixing the rank."""

from __future__ import annotations

from typing import Any

import torch

from .. import constraints, initializers, regularizers
from ..ops.separable import separable_conv
from ..validation import normalize_positive_int
from .conv import Conv, IntOrTuple
from .depthwise import DepthwiseKernel

__all__ = ["SeparableConv", "SeparableConv1D", "SeparableConv2D"]


class SeparableConv(DepthwiseKernel, Conv):
    """Base of SeparableConv1D/2D: a depthwise convolution, then a pointwise one, plus bias.

    Arguments as ``tf.keras.layers.SeparableConv2D`` (positional order included).
    The keyword-only ``groups`` (only 1), ``kernel_initializer``,
    ``kernel_regularizer`` and ``kernel_constraint`` are accepted and reported by
    ``get_config`` because the reference's config carries them; as in the
    reference they do not affect the layer.

    Deviations from tf-keras 2.21: a kernel longer than a 'valid' input raises
    ValueError (tf-keras returns an output as long as the input); a bad
    ``depth_multiplier`` is refused in ``__init__`` (tf-keras fails in the first call);
    ``groups`` other than 1 is refused (tf-keras ignores it).
    """

    def __init__(
        self,
        filters: int,
        kernel_size: IntOrTuple,
        strides: IntOrTuple = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: IntOrTuple = 1,
        depth_multiplier: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform",
        pointwise_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        depthwise_regularizer: Any = None,
        pointwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        pointwise_constraint: Any = None,
        bias_constraint: Any = None,
        *,
        groups: int = 1,
        kernel_initializer: Any = "glorot_uniform",
        kernel_regularizer: Any = None,
        kernel_constraint: Any = None,
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
        self._init_depthwise(
            depth_multiplier, depthwise_initializer, depthwise_regularizer,
            depthwise_constraint, groups,
        )  # fmt: skip
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.pointwise_constraint = constraints.get(pointwise_constraint)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)

    def build(self, input_shape: Any) -> None:
        shape, channels = self._input_channels(input_shape)
        self._add_depthwise_kernel(channels)
        self.add_weight(
            "pointwise_kernel",
            (*(1,) * self.rank, channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer,
            regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint,
        )
        self._add_bias(self.filters)
        self._finish_build(shape, channels)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return self._activate(self._fold_batch(self._separable, inputs))

    def _separable(self, inputs: torch.Tensor) -> torch.Tensor:
        return separable_conv(
            inputs,
            self.depthwise_kernel,
            self.pointwise_kernel,
            self.bias,
            self.strides,
            self.padding,
            self.dilation_rate,
            self._channels_last,
            self.name,
        )

    def compute_output_shape(self, input_shape: Any) -> tuple[int | None, ...]:
        return self._output_shape(input_shape, self.filters)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            **self._depthwise_config(),
            "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
            "pointwise_regularizer": regularizers.serialize(self.pointwise_regularizer),
            "pointwise_constraint": constraints.serialize(self.pointwise_constraint),
        }


class SeparableConv1D(SeparableConv):
    """Depthwise separable 1-D convolution, exactly as ``tf.keras.layers.SeparableConv1D``.

    Each input channel is convolved with ``depth_multiplier`` filters (depthwise
    step), the ``C*dm`` results are mixed by a pointwise (1x1) convolution into
    ``filters`` channels, the bias is added and the activation applied.
    ``padding`` is 'valid', 'same' or 'causal'.

    Shapes (``dm`` = depth_multiplier, ``F`` = filters):
        input: ``(N, L, C)`` (channels_last) or ``(N, C, L)``.
        output: ``(N, L_out, F)`` or ``(N, F, L_out)``, ``L_out`` as Conv1D.
        depthwise_kernel: ``(k, C, dm)``; pointwise_kernel: ``(1, C*dm, F)``; bias: ``(F,)``.

    Example:

    >>> import torch, convlayers
    >>> layer = convlayers.SeparableConv1D(8, 5, padding="causal", depth_multiplier=2)
    >>> layer(torch.randn(4, 16, 3)).shape
    torch.Size([4, 16, 8])
    >>> [tuple(w.shape) for w in layer.weights]
    [(5, 3, 2), (1, 6, 8), (8,)]
    """

    rank = 1


class SeparableConv2D(SeparableConv):
    """Depthwise separable 2-D convolution, exactly as ``tf.keras.layers.SeparableConv2D``.

    ``padding`` is 'valid' or 'same'; kernel sizes, strides and dilations may differ
    per axis.

    Shapes (``dm`` = depth_multiplier, ``F`` = filters):
        input: ``(N, H, W, C)`` (channels_last) or ``(N, C, H, W)``.
        output: ``(N, H_out, W_out, F)`` or ``(N, F, H_out, W_out)``, each spatial length
        by the Conv1D formula.
        depthwise_kernel: ``(kh, kw, C, dm)``; pointwise_kernel: ``(1, 1, C*dm, F)``;
        bias: ``(F,)``.

    Example:

    >>> import torch, convlayers
    >>> layer = convlayers.SeparableConv2D(16, (3, 3), strides=2, padding="same")
    >>> layer(torch.randn(2, 9, 9, 4)).shape
    torch.Size([2, 5, 5, 16])
    >>> [tuple(w.shape) for w in layer.weights]
    [(3, 3, 4, 1), (1, 1, 4, 16), (16,)]
    """

    rank = 2
