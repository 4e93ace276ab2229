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

import inspect
from collections.abc import Callable
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

    >>> import torch
    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> layer = tf.layers.Conv1D(4, 3, name='conv')
    >>> with tf.variable_scope('net'):
    ...     y = layer(torch.ones(2, 10, 3))
    >>> y.shape, [(v.name, tuple(v.shape)) for v in layer.weights]
    (torch.Size([2, 8, 4]), [('net/conv/kernel:0', (3, 3, 4)), ('net/conv/bias:0', (4,))])
    """


class Conv2D(_PlainConvV1, _keras.Conv2D):
    """``tf.layers.Conv2D``: ``convlayers.Conv2D`` with TF1 defaults and variable scopes.

    Shapes as ``convlayers.Conv2D``: input ``(N, H, W, C)`` or ``(N, C, H, W)``; kernel
    ``(kh, kw, C, F)``; bias ``(F,)``.

    >>> import torch
    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> y = tf.layers.Conv2D(4, (3, 2), strides=2, padding='same')(torch.ones(2, 9, 8, 3))
    >>> y.shape, [tuple(v.shape) for v in tf.trainable_variables()]
    (torch.Size([2, 5, 4, 4]), [(3, 2, 3, 4), (4,)])
    """


class SeparableConv1D(_SeparableConvV1, _keras.SeparableConv1D):
    """``tf.layers.SeparableConv1D``: ``convlayers.SeparableConv1D`` with TF1 defaults.

    Shapes: depthwise_kernel ``(k, C, dm)``; pointwise_kernel ``(1, C*dm, F)``; bias ``(F,)``.

    >>> import torch
    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> layer = tf.layers.SeparableConv1D(8, 3, depth_multiplier=2)
    >>> y = layer(torch.ones(2, 10, 3))
    >>> y.shape, [(v.name, tuple(v.shape)) for v in layer.weights]
    (torch.Size([2, 8, 8]), [('separable_conv1d/depthwise_kernel:0', (3, 3, 2)),
     ('separable_conv1d/pointwise_kernel:0', (1, 6, 8)), ('separable_conv1d/bias:0', (8,))])
    """


class SeparableConv2D(_SeparableConvV1, _keras.SeparableConv2D):
    """``tf.layers.SeparableConv2D``: ``convlayers.SeparableConv2D`` with TF1 defaults.

    Shapes: depthwise_kernel ``(kh, kw, C, dm)``; pointwise_kernel ``(1, 1, C*dm, F)``;
    bias ``(F,)``.

    >>> import torch
    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> layer = tf.layers.SeparableConv2D(8, 3, padding='same')
    >>> y = layer(torch.ones(2, 6, 6, 3))
    >>> y.shape, [tuple(v.shape) for v in layer.weights]
    (torch.Size([2, 6, 6, 8]), [(3, 3, 3, 1), (1, 1, 3, 8), (8,)])
    """


def _functional(cls: type, name: str, example: str) -> Callable[..., Any]:
    """TF1's function for ``cls``: ``fn(inputs, <cls arguments>, name=None, reuse=None)`` makes
    a ``cls`` whose variable scope is ``name`` (shared when ``reuse``) and calls it.
    ``example`` ends its docstring (a doctest)."""
    init = inspect.signature(cls.__init__).parameters.values()
    positional = inspect.Parameter.POSITIONAL_OR_KEYWORD
    signature = inspect.Signature(
        [
            inspect.Parameter("inputs", positional),
            *(p for p in init if p.name != "self" and p.kind is positional),
            inspect.Parameter("reuse", positional, default=None),
        ]
    )

    def function(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        arguments = dict(bound.arguments)
        inputs, reuse = arguments.pop("inputs"), arguments.pop("reuse")
        return cls(**arguments, _reuse=reuse, _scope=arguments["name"])(inputs)

    function.__name__ = function.__qualname__ = name
    function.__signature__ = signature  # type: ignore[attr-defined]
    function.__doc__ = (
        f"``tf.layers.{name}``: a ``{cls.__name__}`` in the variable scope ``name`` (its "
        f"variables shared with an earlier call of that name when ``reuse``), called on "
        f"``inputs``. Arguments as ``{cls.__name__}``'s.\n\n{example}"
    )
    return function


_EXAMPLE = """>>> import torch
>>> from convlayers.compat import v1 as tf
>>> tf.reset_default_graph()
>>> y = tf.layers.{call}
>>> y.shape, [(v.name, tuple(v.shape)) for v in tf.trainable_variables()]
{result}
"""
conv1d = _functional(
    Conv1D,
    "conv1d",
    _EXAMPLE.format(
        call='conv1d(torch.ones(2, 10, 3), 4, 3, padding="same", name="c")',
        result="(torch.Size([2, 10, 4]), [('c/kernel:0', (3, 3, 4)), ('c/bias:0', (4,))])",
    ),
)
conv2d = _functional(
    Conv2D,
    "conv2d",
    _EXAMPLE.format(
        call='conv2d(torch.ones(2, 8, 8, 3), 4, 3, strides=2, name="c")',
        result="(torch.Size([2, 3, 3, 4]), [('c/kernel:0', (3, 3, 3, 4)), ('c/bias:0', (4,))])",
    ),
)
separable_conv1d = _functional(
    SeparableConv1D,
    "separable_conv1d",
    _EXAMPLE.format(
        call='separable_conv1d(torch.ones(2, 10, 3), 4, 3, use_bias=False, name="s")',
        result="(torch.Size([2, 8, 4]), [('s/depthwise_kernel:0', (3, 3, 1)), "
        "('s/pointwise_kernel:0', (1, 3, 4))])",
    ),
)
separable_conv2d = _functional(
    SeparableConv2D,
    "separable_conv2d",
    _EXAMPLE.format(
        call='separable_conv2d(torch.ones(2, 6, 6, 3), 4, 3, use_bias=False, name="s")',
        result="(torch.Size([2, 4, 4, 4]), [('s/depthwise_kernel:0', (3, 3, 3, 1)), "
        "('s/pointwise_kernel:0', (1, 1, 3, 4))])",
    ),
)
