"""BatchNormalization and LayerNormalization, as tf-keras 2.21 has them (weights, configs,
moving statistics, training and inference).

>>> import torch, convlayers
>>> bn = convlayers.BatchNormalization(momentum=0.9)
>>> y = bn(torch.randn(8, 5, 3) * 2 + 1)  # a new module is in train mode: batch statistics
>>> [name for name, _ in bn.named_parameters()]
['gamma', 'beta', 'moving_mean', 'moving_variance']
>>> bool((bn.moving_mean != 0).all()), bn.eval()(torch.ones(2, 5, 3)).shape
(True, torch.Size([2, 5, 3]))
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import torch

from .. import constraints, initializers, regularizers
from ..ops.normalization import (
    batch_norm_inference,
    batch_norm_training,
    broadcast_shape,
    layer_norm,
    masked_batch_norm_training,
    moving_average_,
)
from ..validation import argument_error, check_axis_argument, normalize_axis
from .base import Layer, as_shape
from .input_spec import InputSpec

__all__ = ["BatchNormalization", "LayerNormalization"]

_HALF = (torch.float16, torch.bfloat16)
_FUSED_AXES = (-4, -3, -1, 1, 3, 4)
# tf-keras arguments we do not implement, with the only value we accept.
_UNSUPPORTED = {"renorm": False, "virtual_batch_size": None, "adjustment": None}


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise argument_error(name, "a number", value)
    return value


def _axes_sizes(layer: Layer, shape: tuple[int | None, ...], axes: list[int]) -> dict[int, int]:
    sizes = {axis: shape[axis] for axis in axes}
    if None in sizes.values():
        raise ValueError(
            f"Input has undefined `axis` dimension. Received input with shape {shape} and "
            f"axis={tuple(axes)} (layer {layer.name!r})"
        )
    return sizes  # type: ignore[return-value]


class _Normalization(Layer):
    """Shared by both layers: the axis, epsilon, gamma/beta arguments (LayerNormalization's
    signature, with tf-keras's defaults) and weights."""

    def __init__(
        self,
        axis: int | list[int] = -1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.axis: int | list[int] = check_axis_argument(axis)
        self.epsilon = _number(epsilon, "epsilon")
        self.center = bool(center)
        self.scale = bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def _param_dtype(self) -> str:
        """Statistics and parameters of a 16-bit layer are float32, as in tf-keras."""
        return "float32" if self._torch_dtype in _HALF else self.dtype

    def _add_gamma_beta(self, shape: tuple[int, ...]) -> None:
        for name, wanted in (("gamma", self.scale), ("beta", self.center)):
            if wanted:
                self.add_weight(
                    name,
                    shape,
                    dtype=self._param_dtype(),
                    initializer=getattr(self, f"{name}_initializer"),
                    regularizer=getattr(self, f"{name}_regularizer"),
                    constraint=getattr(self, f"{name}_constraint"),
                )
            else:
                self.register_parameter(name, None)

    def _in_float32(self, inputs: torch.Tensor, fn: Callable[[torch.Tensor], Any]) -> Any:
        if inputs.dtype not in _HALF:
            return fn(inputs)
        result = fn(inputs.float())
        return result.to(inputs.dtype) if isinstance(result, torch.Tensor) else result

    def _apply(self, fn: Callable, recurse: bool = True) -> Layer:  # type: ignore[override]
        """Keep a 16-bit layer 16-bit when torch moves it (its float32 weights would
        otherwise make the base class read it as a float32 layer)."""
        before = self._torch_dtype
        super()._apply(fn, recurse)
        if before in _HALF and self._torch_dtype == torch.float32:
            after = fn(torch.zeros((), dtype=before)).dtype
            self._dtype = {torch.float16: "float16", torch.bfloat16: "bfloat16"}.get(
                after, "float32"
            )
            self._torch_dtype = after if after in _HALF else torch.float32
        return self

    def compute_output_shape(self, input_shape: Any) -> tuple[int | None, ...]:
        return as_shape(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        }


class BatchNormalization(_Normalization):
    """Normalizes each entry of ``axis`` with batch statistics in training and with moving
    statistics in inference, as ``tf.keras.layers.BatchNormalization`` (tf-keras 2).

    ``y = gamma * (x - mean) / sqrt(var + epsilon) + beta`` with the batch's mean and
    (biased) variance over every axis but ``axis`` in training, which also updates
    ``moving = moving * momentum + batch_stat * (1 - momentum)`` in place, outside
    autograd; in inference ``mean``/``var`` are ``moving_mean``/``moving_variance``.

    Training means ``training=True``, or ``training=None`` with the module in train mode
    (``fit`` trains; ``evaluate``/``predict`` and ``model.eval()`` infer), as ``Dropout``.
    ``trainable=False`` always infers, as in tf-keras 2.

    Args:
        axis: the kept axis or axes (int or list, negative from the end); 1 after a
            channels_first convolution.
        momentum: weight of the old value in the moving averages.
        fused: as tf-keras: ``None`` fuses for 4-D/5-D inputs whose axis is the first
            or last non-batch axis; ``True`` demands it (ValueError otherwise). A fused
            layer updates ``moving_variance`` with the Bessel-corrected batch variance
            ``var * n / (n - 1)`` (``n`` entries per channel; ``var`` when ``n == 1``), as
            TF's fused kernel; the output is the same either way.

    ``epsilon``, ``center``, ``scale`` and the ``*_initializer`` (``moving_mean_`` and
    ``moving_variance_initializer`` for the moving statistics), ``*_regularizer`` and
    ``*_constraint`` arguments are those of Keras. ``renorm``, ``virtual_batch_size``,
    ``adjustment`` and ``synchronized=True`` are not supported: a value other than the
    default raises ValueError. ``renorm_clipping`` and ``renorm_momentum`` only act with
    ``renorm`` and are ignored, as in tf-keras.

    Shapes: output shape = input shape (any rank). Weights ``gamma``, ``beta``
    (trainable; left out by ``scale``/``center`` False), ``moving_mean``,
    ``moving_variance``: ``(C,)`` for one axis of size ``C``; for several axes the
    input's rank with 1 on the other axes. A float16/bfloat16 layer keeps them in float32.

    >>> import torch, convlayers
    >>> bn = convlayers.BatchNormalization(axis=1, momentum=0.5, center=False)
    >>> y = bn(torch.tensor([[1.0, 0.0], [3.0, 0.0]]), training=True)
    >>> [tuple(w.shape) for w in bn.weights], bn.moving_mean.tolist()
    ([(2,), (2,), (2,)], [1.0, 0.0])
    """

    def __init__(
        self,
        axis: int | list[int] = -1,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        moving_mean_initializer: Any = "zeros",
        moving_variance_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        renorm: bool = False,
        renorm_clipping: Any = None,
        renorm_momentum: float = 0.99,
        fused: bool | None = None,
        virtual_batch_size: int | None = None,
        adjustment: Any = None,
        synchronized: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            axis,
            epsilon,
            center,
            scale,
            beta_initializer,
            gamma_initializer,
            beta_regularizer,
            gamma_regularizer,
            beta_constraint,
            gamma_constraint,
            **kwargs,
        )
        given = {"renorm": renorm, "virtual_batch_size": virtual_batch_size}
        given["adjustment"] = adjustment
        for name, value in given.items():
            if value != _UNSUPPORTED[name]:
                raise argument_error(
                    name, f"{_UNSUPPORTED[name]!r} (convlayers does not implement it)", value
                )
        if synchronized and fused:
            raise ValueError(
                "`fused=True` is not supported when `synchronized=True`. "
                f"Received: fused={fused!r}, synchronized={synchronized!r}"
            )
        if synchronized:
            raise argument_error(
                "synchronized",
                "False (convlayers does not synchronize batch statistics across devices; "
                "under DistributedDataParallel each process uses its own batch)",
                synchronized,
            )
        self.momentum = _number(momentum, "momentum")
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        if fused not in (None, True, False):
            raise argument_error("fused", "None, True or False", fused)
        if fused:
            self._check_fusable()
        elif fused is None and not self._fusable():
            fused = False
        self.fused = fused

    def _check_fusable(self) -> None:
        axes = [self.axis] if isinstance(self.axis, int) else self.axis
        if len(axes) > 1 or axes[0] not in _FUSED_AXES:
            raise ValueError(
                "Passing `fused=True` is only supported when axis is 1 or 3 for input rank "
                f"= 4 or 1 or 4 for input rank = 5. Got axis {axes}. Received: fused=True"
            )
        if self._torch_dtype not in (*_HALF, torch.float32):
            raise ValueError(
                "Passing `fused=True` is only supported when the compute dtype is float16, "
                f"bfloat16, or float32. Got dtype: {self.dtype}. Received: fused=True"
            )

    def _fusable(self) -> bool:
        try:
            self._check_fusable()
        except ValueError:
            return False
        return True

    def build(self, input_shape: Any) -> None:
        shape = as_shape(input_shape)
        rank = len(shape)
        axes = normalize_axis(self.axis, rank)
        if self.fused is None:
            self.fused = rank in (4, 5)
        elif self.fused and rank not in (4, 5):
            raise ValueError(
                "Batch normalization layers with `fused=True` only support 4D or 5D input "
                f"tensors. Received tensor with shape: {shape}"
            )
        if self.fused and axes not in ([1], [rank - 1]):
            if rank == 5:
                self.fused = False
            else:
                raise ValueError(
                    "Unsupported axis. The use of `fused=True` is only possible with `axis=1` "
                    f"or `axis=3` for 4D input tensors. Received: axis={tuple(axes)}"
                )
        sizes = _axes_sizes(self, shape, axes)
        if len(axes) == 1:
            param_shape: tuple[int, ...] = (sizes[axes[0]],)
        else:
            param_shape = tuple(sizes.get(d, 1) for d in range(rank))
        self._add_gamma_beta(param_shape)
        for name in ("moving_mean", "moving_variance"):
            self.add_weight(
                name,
                param_shape,
                dtype=self._param_dtype(),
                initializer=getattr(self, f"{name}_initializer"),
                trainable=False,
            )
        self.axis = axes
        self._broadcast = broadcast_shape(rank, axes, tuple(sizes[a] for a in sorted(axes)))
        self.input_spec = InputSpec(ndim=rank, axes=sizes)
        self.built = True

    def call(
        self,
        inputs: torch.Tensor,
        training: bool | None = None,
        mask: torch.Tensor | None = None,
    ) -> torch.Tensor:
        if mask is not None and self.fused:
            warnings.warn(
                "Masking is not supported with `fused=True`. You should either turn off "
                "fusing (`fused=False`) or you should not pass a `mask` argument when "
                "calling the layer. For the moment `mask` will be ignored for the "
                "normalization.",
                stacklevel=2,
            )
            mask = None
        if training is None:
            training = self.training
        if not (training and self.trainable):
            return self._in_float32(inputs, self._infer)
        return self._in_float32(inputs, lambda x: self._train(x, mask))

    def _infer(self, x: torch.Tensor) -> torch.Tensor:
        return batch_norm_inference(
            x,
            self.gamma,
            self.beta,
            self.moving_mean,
            self.moving_variance,
            self.epsilon,
            self._broadcast,
        )

    def _train(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        gamma, beta, epsilon = self.gamma, self.beta, self.epsilon
        if mask is None:  # TF's fused kernel returns the Bessel-corrected variance
            y, mean, variance = batch_norm_training(
                x, self.axis, gamma, beta, epsilon, bessel=bool(self.fused)
            )
        else:
            y, mean, variance = masked_batch_norm_training(
                x, self.axis, gamma, beta, epsilon, mask, self._broadcast
            )
        moving_average_(self.moving_mean, mean, self.momentum)
        moving_average_(self.moving_variance, variance, self.momentum)
        return y

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["momentum"] = self.momentum
        config["moving_mean_initializer"] = initializers.serialize(self.moving_mean_initializer)
        config["moving_variance_initializer"] = initializers.serialize(
            self.moving_variance_initializer
        )
        return config


class LayerNormalization(_Normalization):
    """Normalizes each sample over ``axis``, as ``tf.keras.layers.LayerNormalization``:
    ``y = gamma * (x - mean) / sqrt(var + epsilon) + beta`` with the mean and (biased)
    variance over the entries of ``axis``, in training and inference alike.

    Args:
        axis: the normalized axis or axes (int or list, negative from the end).

    ``epsilon``, ``center``, ``scale`` and the ``*_initializer``, ``*_regularizer`` and
    ``*_constraint`` arguments are those of Keras.

    Shapes: output shape = input shape (any rank). Weights ``gamma``, ``beta``: one
    entry per position of ``axis``, shape ``(input_shape[a] for a in axis)`` in the order
    given (laid over the input's axes in ascending order by a reshape, as tf-keras does).

    >>> import torch, convlayers
    >>> ln = convlayers.LayerNormalization(axis=[1, 2])
    >>> y = ln(torch.randn(4, 3, 5, 2))
    >>> [tuple(w.shape) for w in ln.weights], bool(y[0, :, :, 0].mean().abs() < 1e-5)
    ([(3, 5), (3, 5)], True)
    """

    def build(self, input_shape: Any) -> None:
        shape = as_shape(input_shape)
        axes = normalize_axis(self.axis, len(shape))
        sizes = _axes_sizes(self, shape, axes)
        self._add_gamma_beta(tuple(sizes[a] for a in axes))
        self.axis = axes
        self.input_spec = InputSpec(ndim=len(shape), axes=sizes)
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        def normalize(x: torch.Tensor) -> torch.Tensor:
            return layer_norm(x, self.axis, self.gamma, self.beta, self.epsilon)

        return self._in_float32(inputs, normalize)
