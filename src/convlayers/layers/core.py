"""The glue layers real Keras models contain: Dense, Flatten, Activation, Dropout,
Reshape. Weights and configs as tf-keras 2.21 has them.

>>> import torch, convlayers
>>> dense = convlayers.Dense(3, activation="relu")
>>> dense(torch.ones(2, 5, 4)).shape, tuple(dense.kernel.shape)
(torch.Size([2, 5, 3]), (4, 3))
"""

from __future__ import annotations

import math
from typing import Any

import torch

from .. import activations, constraints, initializers, regularizers
from ..symbolic import SymbolicTensor
from ..validation import argument_error, normalize_data_format
from .base import Layer, as_shape
from .input_spec import InputSpec, not_a_tensor

__all__ = ["Activation", "Dense", "Dropout", "Flatten", "Reshape"]


class _LastAxisSpec:
    """Inputs of rank >= 2 whose last axis has ``size`` entries (Dense's input spec)."""

    def __init__(self, size: int) -> None:
        self.size = size

    def check(self, layer_name: str, inputs: Any) -> None:
        if not hasattr(inputs, "shape"):
            raise not_a_tensor(inputs, layer_name)
        shape = tuple(inputs.shape)
        if len(shape) < 2 or shape[-1] != self.size:
            raise ValueError(
                f'Input 0 of layer "{layer_name}" is incompatible with the layer: expected '
                f"min_ndim=2 and axis -1 of input shape to have value {self.size}, but "
                f"received input with shape {shape}"
            )


def _batched(layer_name: str, input_shape: Any) -> tuple[int | None, ...]:
    """``input_shape`` as a tuple, refused without a batch axis (a scalar)."""
    shape = as_shape(input_shape)
    if not shape:
        raise ValueError(
            f'Input 0 of layer "{layer_name}" is incompatible with the layer: expected '
            f"min_ndim=1, found ndim=0. Full shape received: {shape}"
        )
    return shape


class Dense(Layer):
    """A densely connected layer: ``activation(inputs @ kernel + bias)`` on the last axis.

    Args:
        units: output size ``U``.

    ``activation``, ``use_bias`` and the ``*_initializer``, ``*_regularizer`` and
    ``*_constraint`` arguments are those of Keras.

    Shapes:
        input ``(N, ..., C)``; output ``(N, ..., U)``; kernel ``(C, U)``; bias ``(U,)``.

    >>> import torch, convlayers
    >>> convlayers.Dense(2)(torch.ones(3, 4)).shape
    torch.Size([3, 2])
    """

    def __init__(
        self,
        units: int,
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
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if isinstance(units, bool) or not isinstance(units, int) or units <= 0:
            raise ValueError(
                "Received an invalid value for `units`, expected a positive integer. "
                f"Received: units={units!r}"
            )
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.supports_masking = True

    def build(self, input_shape: Any) -> None:
        shape = as_shape(input_shape)
        if len(shape) < 2 or shape[-1] is None:
            raise ValueError(
                "The last dimension of the inputs to a Dense layer should be defined. "
                f"Found None. Full input shape received: {shape}"
            )
        self.add_weight(
            "kernel",
            (shape[-1], self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        if self.use_bias:
            self.add_weight(
                "bias",
                (self.units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.register_parameter("bias", None)
        self.input_spec = _LastAxisSpec(shape[-1])  # type: ignore[assignment]
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if not inputs.is_floating_point():  # integer or boolean inputs: cast, as tf-keras
            inputs = inputs.to(self.kernel.dtype)
        if self.bias is None:
            outputs = inputs @ self.kernel
        elif inputs.dim() == 2:
            outputs = torch.addmm(self.bias, inputs, self.kernel)
        else:
            outputs = torch.matmul(inputs, self.kernel) + self.bias
        return self.activation(outputs)

    def compute_output_shape(self, input_shape: Any) -> tuple[int | None, ...]:
        shape = as_shape(input_shape)
        if len(shape) < 2 or shape[-1] is None:
            raise ValueError(
                "The last dimension of the input shape of a Dense layer should be defined. "
                f"Found None. Received: input_shape={shape}"
            )
        if self.built:  # the kernel fixes the last axis
            self.input_spec.check(self.name, SymbolicTensor(shape))
        return (*shape[:-1], self.units)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }


class Activation(Layer):
    """Applies an activation function (a name such as 'relu', or a callable).

    Shapes: output shape = input shape.

    >>> import torch, convlayers
    >>> convlayers.Activation("relu")(torch.tensor([[-1.0, 2.0]]))
    tensor([[0., 2.]])
    """

    def __init__(self, activation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.activation(inputs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        """The input shape; an activation that changes the shape (checked by running it on
        a shape-only 'meta' tensor) is refused: that needs a ``Lambda``."""
        shape = as_shape(input_shape)
        probe = torch.empty([2 if d is None else d for d in shape], device="meta")
        try:
            out = self.activation(probe)
        except (RuntimeError, TypeError, ValueError, NotImplementedError):
            return input_shape  # a function that cannot run shape-only: trust it
        if isinstance(out, torch.Tensor) and out.shape != probe.shape:
            raise ValueError(
                f"The activation of layer {self.name!r} changes the shape of its input "
                f"from {shape} to {tuple(out.shape)} (unknown sizes probed as 2); an "
                "Activation keeps the shape (use a "
                f"Lambda layer for a function that reshapes). Received: "
                f"activation={self.activation!r}"
            )
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Flatten(Layer):
    """Flattens every axis but the batch axis; 'channels_first' inputs are first moved to
    channels_last order, as Keras does, so weights after it stay compatible.

    Shapes: input ``(N, d1, ..., dk)``; output ``(N, d1*...*dk)`` (``(N, 1)`` for rank 1).

    >>> import torch, convlayers
    >>> convlayers.Flatten()(torch.ones(2, 3, 4)).shape
    torch.Size([2, 12])
    """

    def __init__(self, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = normalize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if self.data_format == "channels_first" and inputs.dim() > 2:
            inputs = inputs.movedim(1, -1)
        if inputs.dim() == 1:
            return inputs.unsqueeze(1)
        return inputs.reshape(inputs.shape[0], math.prod(inputs.shape[1:]))  # -1: no batch 0

    def compute_output_shape(self, input_shape: Any) -> tuple[int | None, ...]:
        shape = _batched(self.name, input_shape)
        if len(shape) < 2:
            return (*shape, 1)
        rest = shape[1:]
        return (shape[0], None if None in rest else math.prod(rest))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": self.data_format}


def seeded_generator(layer: Any, device: torch.device) -> torch.Generator | None:
    """The private generator of a random layer with a ``seed`` (made on first use and
    kept in ``layer._generator``); None, torch's global generator, without one."""
    if layer.seed is None:
        return None
    if layer._generator is None:
        layer._generator = torch.Generator(device=device).manual_seed(layer.seed)
    return layer._generator


class Dropout(Layer):
    """Sets a fraction ``rate`` of the inputs to 0 in training, scaling the rest by
    ``1 / (1 - rate)``. Training means ``training=True``, or ``training=None`` with the
    module in train mode (``model.train()``; ``fit`` does this, ``evaluate``/``predict``
    use eval mode), as in PyTorch.

    Args:
        rate: the fraction dropped, in [0, 1].
        noise_shape: the shape of the keep mask, broadcast to the input (``None`` entries
            take the input's size), e.g. ``(None, 1, C)`` drops whole channels.
        seed: seed of a private generator (``None``: torch's global generator).

    Shapes: output shape = input shape.

    >>> import torch, convlayers
    >>> layer = convlayers.Dropout(0.5).eval()
    >>> bool((layer(torch.ones(4, 3)) == 1).all())
    True
    """

    def __init__(
        self, rate: float, noise_shape: Any = None, seed: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise ValueError(
                f"Invalid value {rate} received for `rate`, expected a value between 0 and 1. "
                f"Received: rate={rate!r}"
            )
        self.rate = float(rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self._generator: torch.Generator | None = None
        self.supports_masking = True

    def call(self, inputs: torch.Tensor, training: bool | None = None) -> torch.Tensor:
        if training is None:
            training = self.training
        if not training or self.rate == 0:
            return inputs
        if self.rate == 1:
            return torch.zeros_like(inputs)
        shape = self._noise_shape(inputs)
        keep = torch.empty(shape, dtype=inputs.dtype, device=inputs.device)
        keep.bernoulli_(1 - self.rate, generator=seeded_generator(self, inputs.device))
        return inputs * keep / (1 - self.rate)

    def _noise_shape(self, inputs: torch.Tensor) -> torch.Size:
        """The shape of the keep mask (broadcast against ``inputs``)."""
        if self.noise_shape is None:
            return inputs.shape
        pairs = zip(self.noise_shape, inputs.shape)
        return torch.Size(size if size is not None else full for size, full in pairs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "rate": self.rate,
            "noise_shape": self.noise_shape,
            "seed": self.seed,
        }


class Reshape(Layer):
    """Reshapes each sample to ``target_shape`` (one entry may be -1, inferred).

    Shapes: input ``(N, ...)``; output ``(N, *target_shape)``.

    >>> import torch, convlayers
    >>> convlayers.Reshape((2, -1))(torch.ones(5, 3, 4)).shape
    torch.Size([5, 2, 6])
    """

    def __init__(self, target_shape: tuple[int, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        shape = tuple(target_shape) if isinstance(target_shape, (list, tuple)) else None
        if (
            shape is None
            or any(isinstance(d, bool) or not isinstance(d, int) for d in shape)
            or any(d < 1 and d != -1 for d in shape)
            or shape.count(-1) > 1
        ):
            raise argument_error(
                "target_shape", "a tuple of positive integers with at most one -1", target_shape
            )
        self.target_shape = shape

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        target = self.compute_output_shape(tuple(inputs.shape))
        return inputs.reshape(inputs.shape[0], *target[1:])

    def compute_output_shape(self, input_shape: Any) -> tuple[int | None, ...]:
        shape = _batched(self.name, input_shape)
        if None in shape[1:]:
            known = -1 in self.target_shape
            return (shape[0], *(None if d == -1 and known else d for d in self.target_shape))
        size = math.prod(shape[1:])
        fixed = math.prod(d for d in self.target_shape if d != -1)
        if -1 in self.target_shape and size % fixed == 0:
            return (shape[0], *(size // fixed if d == -1 else d for d in self.target_shape))
        if -1 not in self.target_shape and size == fixed:
            return (shape[0], *self.target_shape)
        raise ValueError(
            "total size of new array must be unchanged, input_shape = "
            f"{list(shape[1:])}, output_shape = {list(self.target_shape)}"
        )

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "target_shape": self.target_shape}
