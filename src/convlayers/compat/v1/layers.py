"""``tf.layers`` (TF1): convolution classes and functions on the convlayers layers.

The classes are the convlayers layers (same math, same speed) with TF1's defaults
and variable management (``LayerV1``): ``kernel_initializer=None`` (and the separable
``depthwise_initializer``/``pointwise_initializer``) means the enclosing variable scope's
initializer, else glorot_uniform; ``bias_initializer`` is zeros; ``data_format`` is
'channels_last'. The functions (``conv1d``, ...) make a layer named ``name`` in the
variable scope ``name`` (``reuse=True`` shares the variables of an earlier call of that
name) and call it on ``inputs``; without a name each call makes a new unique scope.

>>> import torch
>>> from convlayers.compat import v1 as tf
>>> tf.reset_default_graph()
>>> x = torch.randn(2, 10, 3)
>>> with tf.variable_scope("encoder"):
...     y = tf.layers.conv1d(x, 4, 3, name="conv")
>>> with tf.variable_scope("encoder", reuse=True):
...     z = tf.layers.conv1d(x, 4, 3, name="conv")  # the same weights
>>> bool((y == z).all()), [v.name for v in tf.trainable_variables()]
(True, ['encoder/conv/kernel:0', 'encoder/conv/bias:0'])
"""

from __future__ import annotations

from typing import Any

from ... import layers as _keras
from ...initializers import Zeros
from .base_layer import Layer, LayerV1

__all__ = [
    "Conv1D",
    "Conv2D",
    "Layer",
    "SeparableConv1D",
    "SeparableConv2D",
    "conv1d",
    "conv2d",
    "separable_conv1d",
    "separable_conv2d",
]

_ZEROS = Zeros()


class _PlainConvV1(LayerV1):
    """TF1 arguments of Conv1D/Conv2D (positional order as TF1: no ``groups``)."""

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str = "channels_last",
        dilation_rate: Any = 1,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = None,
        bias_initializer: Any = _ZEROS,
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        trainable: bool = True,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            filters,
            kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            trainable=trainable,
            name=name,
            **kwargs,
        )


class _SeparableConvV1(LayerV1):
    """TF1 arguments of SeparableConv1D/2D."""

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str = "channels_last",
        dilation_rate: Any = 1,
        depth_multiplier: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        depthwise_initializer: Any = None,
        pointwise_initializer: Any = None,
        bias_initializer: Any = _ZEROS,
        depthwise_regularizer: Any = None,
        pointwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        pointwise_constraint: Any = None,
        bias_constraint: Any = None,
        trainable: bool = True,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            filters,
            kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            depth_multiplier=depth_multiplier,
            activation=activation,
            use_bias=use_bias,
            depthwise_initializer=depthwise_initializer,
            pointwise_initializer=pointwise_initializer,
            bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer,
            pointwise_regularizer=pointwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint,
            pointwise_constraint=pointwise_constraint,
            bias_constraint=bias_constraint,
            trainable=trainable,
            name=name,
            **kwargs,
        )


class Conv1D(_PlainConvV1, _keras.Conv1D):
    """``tf.layers.Conv1D``: ``convlayers.Conv1D`` with TF1 defaults and variable scopes.

    Shapes as ``convlayers.Conv1D``: input ``(N, L, C)`` ('channels_last') or
    ``(N, C, L)``; kernel ``(k, C, F)``; bias ``(F,)``.
    """


class Conv2D(_PlainConvV1, _keras.Conv2D):
    """``tf.layers.Conv2D``: ``convlayers.Conv2D`` with TF1 defaults and variable scopes.

    Shapes as ``convlayers.Conv2D``: input ``(N, H, W, C)`` or ``(N, C, H, W)``; kernel
    ``(kh, kw, C, F)``; bias ``(F,)``.
    """


class SeparableConv1D(_SeparableConvV1, _keras.SeparableConv1D):
    """``tf.layers.SeparableConv1D``: ``convlayers.SeparableConv1D`` with TF1 defaults.

    Shapes: depthwise_kernel ``(k, C, dm)``; pointwise_kernel ``(1, C*dm, F)``; bias ``(F,)``.
    """


class SeparableConv2D(_SeparableConvV1, _keras.SeparableConv2D):
    """``tf.layers.SeparableConv2D``: ``convlayers.SeparableConv2D`` with TF1 defaults.

    Shapes: depthwise_kernel ``(kh, kw, C, dm)``; pointwise_kernel ``(1, 1, C*dm, F)``;
    bias ``(F,)``.
    """


def _call_new(cls: type, arguments: dict[str, Any]) -> Any:
    """Make ``cls`` from a TF1 function's arguments (``name`` is also its scope) and call it."""
    inputs = arguments.pop("inputs")
    reuse = arguments.pop("reuse")
    layer = cls(**arguments, _reuse=reuse, _scope=arguments["name"])
    return layer(inputs)


def conv1d(
    inputs: Any,
    filters: int,
    kernel_size: Any,
    strides: Any = 1,
    padding: str = "valid",
    data_format: str = "channels_last",
    dilation_rate: Any = 1,
    activation: Any = None,
    use_bias: bool = True,
    kernel_initializer: Any = None,
    bias_initializer: Any = _ZEROS,
    kernel_regularizer: Any = None,
    bias_regularizer: Any = None,
    activity_regularizer: Any = None,
    kernel_constraint: Any = None,
    bias_constraint: Any = None,
    trainable: bool = True,
    name: str | None = None,
    reuse: Any = None,
) -> Any:
    """``tf.layers.conv1d``: a ``Conv1D`` in scope ``name`` (reused if ``reuse``) on ``inputs``."""
    return _call_new(Conv1D, dict(locals()))


def conv2d(
    inputs: Any,
    filters: int,
    kernel_size: Any,
    strides: Any = (1, 1),
    padding: str = "valid",
    data_format: str = "channels_last",
    dilation_rate: Any = (1, 1),
    activation: Any = None,
    use_bias: bool = True,
    kernel_initializer: Any = None,
    bias_initializer: Any = _ZEROS,
    kernel_regularizer: Any = None,
    bias_regularizer: Any = None,
    activity_regularizer: Any = None,
    kernel_constraint: Any = None,
    bias_constraint: Any = None,
    trainable: bool = True,
    name: str | None = None,
    reuse: Any = None,
) -> Any:
    """``tf.layers.conv2d``: a ``Conv2D`` in scope ``name`` (reused if ``reuse``) on ``inputs``."""
    return _call_new(Conv2D, dict(locals()))


def separable_conv1d(
    inputs: Any,
    filters: int,
    kernel_size: Any,
    strides: Any = 1,
    padding: str = "valid",
    data_format: str = "channels_last",
    dilation_rate: Any = 1,
    depth_multiplier: int = 1,
    activation: Any = None,
    use_bias: bool = True,
    depthwise_initializer: Any = None,
    pointwise_initializer: Any = None,
    bias_initializer: Any = _ZEROS,
    depthwise_regularizer: Any = None,
    pointwise_regularizer: Any = None,
    bias_regularizer: Any = None,
    activity_regularizer: Any = None,
    depthwise_constraint: Any = None,
    pointwise_constraint: Any = None,
    bias_constraint: Any = None,
    trainable: bool = True,
    name: str | None = None,
    reuse: Any = None,
) -> Any:
    """``tf.layers.separable_conv1d``: a ``SeparableConv1D`` in scope ``name`` on ``inputs``."""
    return _call_new(SeparableConv1D, dict(locals()))


def separable_conv2d(
    inputs: Any,
    filters: int,
    kernel_size: Any,
    strides: Any = (1, 1),
    padding: str = "valid",
    data_format: str = "channels_last",
    dilation_rate: Any = (1, 1),
    depth_multiplier: int = 1,
    activation: Any = None,
    use_bias: bool = True,
    depthwise_initializer: Any = None,
    pointwise_initializer: Any = None,
    bias_initializer: Any = _ZEROS,
    depthwise_regularizer: Any = None,
    pointwise_regularizer: Any = None,
    bias_regularizer: Any = None,
    activity_regularizer: Any = None,
    depthwise_constraint: Any = None,
    pointwise_constraint: Any = None,
    bias_constraint: Any = None,
    trainable: bool = True,
    name: str | None = None,
    reuse: Any = None,
) -> Any:
    """``tf.layers.separable_conv2d``: a ``SeparableConv2D`` in scope ``name`` on ``inputs``."""
    return _call_new(SeparableConv2D, dict(locals()))
