"""The activation layers of ``tf.keras.layers``: ReLU, LeakyReLU, PReLU, ELU, Softmax and
ThresholdedReLU, as tf-keras 2.21 defines them (arguments, checks, configs, masks).

Each keeps the shape of its input and passes its input mask on.

>>> import torch, convlayers
>>> convlayers.layers.LeakyReLU(alpha=0.1)(torch.tensor([[-2.0, 3.0]]))
tensor([[-0.2000,  3.0000]])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from .. import activations, config, constraints, initializers, regularizers
from .base import Layer, as_shape
from .input_spec import InputSpec

__all__ = ["ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax", "ThresholdedReLU"]


def _floatx(value: Any) -> float:
    """``value`` rounded to floatx, as tf-keras stores these constants (``cast_to_floatx``):
    ``alpha=0.3`` is ``0.30000001192092896`` in the config and in float64 arithmetic."""
    return float(np.asarray(value, dtype=config.floatx()))


def _float(value: Any, message: str) -> float:
    """``_floatx(value)``; ValueError ``message`` for None."""
    if value is None:
        raise ValueError(message)
    return _floatx(value)


class _ShapeKeeping(Layer):
    """A layer whose output has its input's shape and mask."""

    supports_masking = True

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape


class ReLU(_ShapeKeeping):
    """Rectified linear unit: ``max_value`` for ``x >= max_value``, ``x`` for
    ``threshold <= x < max_value``, ``negative_slope * (x - threshold)`` below.

    Shapes: output shape = input shape.

    >>> import torch
    >>> ReLU(max_value=2.0, negative_slope=0.5)(torch.tensor([-2.0, 1.0, 5.0]))
    tensor([-1.,  1.,  2.])
    """

    def __init__(
        self,
        max_value: float | None = None,
        negative_slope: float = 0.0,
        threshold: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.0:
            raise ValueError(
                f"max_value of a ReLU layer cannot be a negative value. Received: {max_value}"
            )
        if negative_slope is None or negative_slope < 0.0:
            raise ValueError(
                "negative_slope of a ReLU layer cannot be a negative value. "
                f"Received: {negative_slope}"
            )
        if threshold is None or threshold < 0.0:
            raise ValueError(
                f"threshold of a ReLU layer cannot be a negative value. Received: {threshold}"
            )
        self.max_value = None if max_value is None else _floatx(max_value)
        self.negative_slope = _floatx(negative_slope)
        self.threshold = _floatx(threshold)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return activations.relu(inputs, self.negative_slope, self.max_value, self.threshold)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "max_value": self.max_value,
            "negative_slope": self.negative_slope,
            "threshold": self.threshold,
        }


class LeakyReLU(_ShapeKeeping):
    """``x`` for ``x > 0``, else ``alpha * x`` (tf-keras' default ``alpha=0.3``).

    Shapes: output shape = input shape.

    >>> import torch
    >>> LeakyReLU()(torch.tensor([-1.0, 2.0]))
    tensor([-0.3000,  2.0000])
    """

    def __init__(self, alpha: float = 0.3, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.alpha = _float(
            alpha,
            "The alpha value of a Leaky ReLU layer cannot be None, Expecting a float. "
            f"Received: {alpha}",
        )

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return activations.leaky_relu(inputs, self.alpha)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "alpha": self.alpha}


class ELU(_ShapeKeeping):
    """``x`` for ``x > 0``, else ``alpha * (exp(x) - 1)``.

    Shapes: output shape = input shape.

    >>> import torch
    >>> ELU(alpha=2.0)(torch.tensor([0.0, 1.0]))
    tensor([0., 1.])
    """

    def __init__(self, alpha: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.alpha = _float(
            alpha, f"Alpha of an ELU layer cannot be None, expecting a float. Received: {alpha}"
        )

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return activations.elu(inputs, self.alpha)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "alpha": self.alpha}


class ThresholdedReLU(_ShapeKeeping):
    """``x`` for ``x > theta``, else 0.

    Shapes: output shape = input shape.

    >>> import torch
    >>> ThresholdedReLU(theta=1.0)(torch.tensor([0.5, 1.0, 2.0]))
    tensor([0., 0., 2.])
    """

    def __init__(self, theta: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        theta = _float(
            theta,
            "Theta of a Thresholded ReLU layer cannot be None, expecting a float. "
            f"Received: {theta}",
        )
        if theta < 0:
            raise ValueError(
                f"The theta value of a Thresholded ReLU layer should be >=0. Received: {theta}"
            )
        self.theta = theta

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return inputs * (inputs > self.theta).to(inputs.dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "theta": self.theta}


class Softmax(_ShapeKeeping):
    """Softmax over ``axis`` (an int, or a list of axes normalised together); a ``mask``
    (1 keeps, 0 drops) adds ``-1e9`` to the dropped entries first, or with
    ``robust_masking=True`` replaces them by it.

    Shapes: output shape = input shape.

    >>> import torch
    >>> Softmax()(torch.tensor([[0.0, 0.0]]), mask=torch.tensor([[1, 0]]))
    tensor([[1., 0.]])
    """

    def __init__(self, axis: int | list[int] = -1, robust_masking: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.axis = axis
        self.robust_masking = bool(robust_masking)

    def call(self, inputs: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        if mask is not None:
            negative = torch.finfo(torch.float16).min if inputs.dtype == torch.float16 else -1e9
            if self.robust_masking:
                keep = mask if mask.dtype == torch.bool else mask > 0.5
                inputs = torch.where(keep, inputs, torch.full_like(inputs, negative))
            else:
                inputs = inputs + (1.0 - mask.to(inputs.dtype)) * negative
        axis = self.axis
        if isinstance(axis, (tuple, list)):
            if len(axis) > 1:
                dims = tuple(axis)
                return torch.exp(inputs - torch.logsumexp(inputs, dim=dims, keepdim=True))
            axis = axis[0]
        return activations.softmax(inputs, axis=axis)

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), "axis": self.axis}
        if self.robust_masking:
            config["robust_masking"] = True
        return config


class PReLU(_ShapeKeeping):
    """Parametric ReLU: ``x`` for ``x > 0``, else ``alpha * x`` with a learned ``alpha``
    per entry of the input's non-batch shape, shared (size 1) along ``shared_axes``.

    Shapes: output shape = input shape ``(N, *s)``; weight ``alpha``: ``s`` with the
    ``shared_axes`` (counted with the batch axis as 0) set to 1.

    >>> import torch
    >>> layer = PReLU(shared_axes=[1])
    >>> layer(torch.ones(2, 5, 3)).shape, tuple(layer.alpha.shape)
    (torch.Size([2, 5, 3]), (1, 3))
    """

    def __init__(
        self,
        alpha_initializer: Any = "zeros",
        alpha_regularizer: Any = None,
        alpha_constraint: Any = None,
        shared_axes: int | list[int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif not isinstance(shared_axes, (list, tuple)):
            self.shared_axes = [shared_axes]
        else:
            self.shared_axes = list(shared_axes)

    def build(self, input_shape: Any) -> None:
        shape = as_shape(input_shape)
        param_shape = list(shape[1:])
        for axis in self.shared_axes or ():
            if not 1 <= axis < len(shape):
                raise ValueError(
                    f"`shared_axes` of layer {self.name!r} must name axes 1 to "
                    f"{len(shape) - 1} of its input of shape {shape}. "
                    f"Received: shared_axes={self.shared_axes}"
                )
            param_shape[axis - 1] = 1
        if None in param_shape:
            raise ValueError(
                f"The input of layer {self.name!r} must have defined sizes on the axes "
                f"alpha is not shared along. Received: input_shape={shape}, "
                f"shared_axes={self.shared_axes}"
            )
        self.add_weight(
            "alpha",
            tuple(param_shape),
            initializer=self.alpha_initializer,
            regularizer=self.alpha_regularizer,
            constraint=self.alpha_constraint,
        )
        shared = set(self.shared_axes or ())
        axes = {i: shape[i] for i in range(1, len(shape)) if self.shared_axes and i not in shared}
        self.input_spec = InputSpec(ndim=len(shape), axes=axes)
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return torch.relu(inputs) - self.alpha * torch.relu(-inputs)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
            "alpha_constraint": constraints.serialize(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        }
