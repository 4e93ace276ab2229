"""Conv1DTranspose and Conv2DTranspose: Keras transposed convolutions (tf-keras 2.21).

The layers of decoders and generators (autoencoders, U-Nets, DCGAN): each output
position gathers the inputs whose strided windows cover it. The kernel is stored as
Keras stores it, ``(*kernel_size, filters, in_channels)``.

>>> import torch, convlayers
>>> layer = convlayers.layers.Conv2DTranspose(8, 3, strides=2, padding="same")
>>> layer(torch.zeros(1, 4, 4, 3)).shape, tuple(layer.kernel.shape)
(torch.Size([1, 8, 8, 8]), (3, 3, 8, 3))
"""

from __future__ import annotations

from typing import Any

import torch

from ..conv_arithmetic import deconv_output_length
from ..ops.conv import check_floating
from ..ops.conv_transpose import conv_transpose
from ..symbolic import SymbolicTensor
from ..validation import normalize_tuple
from .base import as_shape
from .conv import IntOrTuple, _PlainConv
from .input_spec import InputSpec

__all__ = ["Conv1DTranspose", "Conv2DTranspose"]


class _ConvTranspose(_PlainConv):
    """A transposed convolution; subclasses fix ``rank``. The arguments are Conv1D/2D's
    (``groups`` only 1) plus ``output_padding``, which Keras places after ``padding``;
    positional arguments follow Keras' order up to ``use_bias``."""

    causal_padding = False

    def __init__(
        self,
        filters: int,
        kernel_size: IntOrTuple,
        strides: IntOrTuple = 1,
        padding: str = "valid",
        output_padding: IntOrTuple | None = None,
        data_format: str | None = None,
        dilation_rate: IntOrTuple = 1,
        activation: Any = None,
        use_bias: bool = True,
        *,
        groups: int = 1,
        **kwargs: Any,
    ) -> None:
        if groups != 1:  # tf-keras accepts it from Conv2D's arguments and ignores it
            raise ValueError(
                f"`groups` must be 1 for {type(self).__name__}: a grouped transposed "
                f"convolution is not supported. Received: groups={groups!r}"
            )
        super().__init__(
            filters,
            kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            **kwargs,
        )
        self.output_padding = None
        if output_padding is not None:
            self.output_padding = normalize_tuple(
                output_padding, self.rank, "output_padding", min_value=0
            )
            if any(p >= s for s, p in zip(self.strides, self.output_padding, strict=True)):
                raise ValueError(
                    "Strides must be greater than output padding. Received "
                    f"strides={self.strides}, output_padding={self.output_padding}."
                )

    def build(self, input_shape: Any) -> None:
        shape = as_shape(input_shape)
        self.input_spec.check(self.name, SymbolicTensor(shape))  # min_ndim, as tf-keras
        if len(shape) != self.rank + 2:
            raise ValueError(
                f"Inputs should have rank {self.rank + 2}. Received input_shape={shape}."
            )
        channels = shape[self._channel_axis]
        if channels is None:
            raise ValueError(
                f"The channel dimension of the inputs to `{type(self).__name__}` should be "
                f"defined. The input_shape received is {shape}, where axis "
                f"{self._channel_axis % len(shape)} (0-based) is the channel dimension, "
                "which found to be `None`."
            )
        self.add_weight(
            "kernel",
            (*self.kernel_size, self.filters, channels),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self._add_bias(self.filters)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: channels})
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        check_floating(inputs, self.name)
        outputs = conv_transpose(
            inputs,
            self.kernel,
            self.bias,
            self.strides,
            self.padding,
            self.output_padding,
            self.dilation_rate,
            self._channels_last,
        )
        return self._activate(outputs)

    def compute_output_shape(self, input_shape: Any) -> tuple[int | None, ...]:
        shape = as_shape(input_shape)
        pads = self.output_padding or (None,) * self.rank
        spatial = tuple(
            deconv_output_length(n, k, self.padding, p, s, d)
            for n, k, p, s, d in zip(
                self._spatial(shape),
                self.kernel_size,
                pads,
                self.strides,
                self.dilation_rate,
                strict=True,
            )
        )
        if self._channels_last:
            return (shape[0], *spatial, self.filters)
        return (shape[0], self.filters, *spatial)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "output_padding": self.output_padding}


class Conv1DTranspose(_ConvTranspose):
    """Transposed 1-D convolution (padding 'valid' or 'same'; 'causal' is refused).

    Shapes: input ``(N, L, C)`` (channels_first ``(N, C, L)``); output ``(N, L_out, F)``
    with ``L_out`` from ``conv_arithmetic.deconv_output_length``; kernel ``(k, F, C)``;
    bias ``(F,)``.

    >>> import torch
    >>> Conv1DTranspose(4, 3, strides=2)(torch.zeros(2, 5, 3)).shape
    torch.Size([2, 11, 4])
    """

    rank = 1


class Conv2DTranspose(_ConvTranspose):
    """Transposed 2-D convolution.

    Shapes: input ``(N, H, W, C)`` (channels_first ``(N, C, H, W)``); output
    ``(N, H_out, W_out, F)``; kernel ``(kh, kw, F, C)``; bias ``(F,)``.

    >>> import torch
    >>> Conv2DTranspose(4, 3, strides=2, padding="same")(torch.zeros(2, 4, 3, 3)).shape
    torch.Size([2, 8, 6, 4])
    """

    rank = 2
