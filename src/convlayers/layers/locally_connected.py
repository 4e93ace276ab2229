"""LocallyConnected1D and LocallyConnected2D: unshared-weight convolutions, rank-generic base."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import torch

from .. import activations, constraints, initializers, regularizers
from ..conv_arithmetic import local_output_length
from ..ops.conv import check_floating
from ..ops.local import local_conv
from ..ops.local_geometry import LocalGeometry
from ..ops.local_layouts import convert_kernel
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

__all__ = ["LocallyConnected", "LocallyConnected1D", "LocallyConnected2D"]

IntOrTuple = int | tuple[int, ...]


class LocallyConnected(Layer):
    """Base of LocallyConnected1D/2D; subclasses fix ``rank``.

    Weights (``O`` the spatial output shape, ``P = prod(O)``, ``S`` the spatial
    input shape, ``K`` the kernel, ``C`` input channels, ``F`` filters), as tf-keras
    stores them:

    * ``kernel``: implementation 1 ``(P, prod(K) * C, F)``; 2 ``(*S, C, *O, F)``
      (channels_first ``(C, *S, F, *O)``); 3 ``(n,)``, the connected entries only.
      See ``convlayers.ops.local_layouts`` for the orderings.
    * ``bias``: ``(*O, F)``.

    Every implementation computes with the same algorithm (``ops.local``);
    ``get_weights_as(implementation)`` converts the weights between layouts.

    Deviations from tf-keras 2.21 (where it crashes or defers the error):
    ``strides`` <= 0, ``filters`` <= 0 and an unknown ``implementation`` raise a
    ``ValueError`` in ``__init__`` (the reference raises ZeroDivisionError / a TF
    shape error / its "Unrecognized implementation mode" at build time);
    ``compute_output_shape`` refuses a non-positive output length; and a built
    layer checks the spatial input shape it was built for (the kernel depends on it).
    As in the reference, a channels_first bias ``(*O, F)`` is *reshaped* to
    ``(F, *O)`` (not transposed) before it is added, and layout 1 orders a
    channels_first patch as ``(C, *K)``.
    """

    rank: int = 1

    def __init__(
        self,
        filters: int,
        kernel_size: IntOrTuple,
        strides: IntOrTuple = 1,
        padding: str = "valid",
        data_format: str | None = None,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        implementation: int = 1,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        rank = self.rank
        self.filters = normalize_positive_int(filters, "filters")
        self.kernel_size = normalize_tuple(kernel_size, rank, "kernel_size")
        self.strides = normalize_tuple(strides, rank, "strides")
        if isinstance(padding, str) and padding.lower() == "causal":
            raise ValueError(
                'Padding type causal not supported. Only "valid" and "same" are implemented. '
                f"Received: padding={padding!r}"
            )
        self.padding = normalize_padding(padding, ("valid", "same"))
        if type(implementation) is not int or implementation not in (1, 2, 3):
            raise ValueError(
                f"Unrecognized implementation mode: {implementation}. `implementation` must be "
                f"1, 2 or 3. Received: implementation={implementation!r}"
            )
        if self.padding != "valid" and implementation == 1:
            raise ValueError(
                f'Invalid border mode for {type(self).__name__} (only "valid" is supported if '
                f"implementation is 1): {self.padding}. 'same' needs implementation 2 or 3. "
                f"Received: padding={padding!r}, implementation=1"
            )
        self.implementation = implementation
        self.data_format = normalize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self._channels_last = self.data_format == "channels_last"
        self.geometry: LocalGeometry | None = None
        self.input_spec = InputSpec(ndim=rank + 2)

    def _split(self, input_shape: Any) -> tuple[tuple[int | None, ...], Any, Any]:
        """Check the rank; return (shape, spatial dims, channels)."""
        shape = as_shape(input_shape)
        if len(shape) != self.rank + 2:
            raise ValueError(
                f'Input 0 of layer "{self.name}" is incompatible with the layer: expected '
                f"ndim={self.rank + 2}, found ndim={len(shape)}. Full shape received: {shape}"
            )
        if self._channels_last:
            return shape, shape[1:-1], shape[-1]
        return shape, shape[2:], shape[1]

    def _output_spatial(self, shape, spatial) -> tuple[int | None, ...]:
        out = tuple(
            local_output_length(n, k, self.padding, s)
            for n, k, s in zip(spatial, self.kernel_size, self.strides)
        )
        check_output_length(self.name, shape, out)
        return out

    def build(self, input_shape: Any) -> None:
        shape, spatial, channels = self._split(input_shape)
        if channels is None or any(n is None for n in spatial):
            raise ValueError(
                f"The channel and spatial dimensions of the inputs to {self.name!r} must be "
                f"defined. Received: input_shape={shape}"
            )
        out = self._output_spatial(shape, spatial)
        self.geometry = LocalGeometry(
            tuple(spatial),
            channels,
            self.filters,
            self.kernel_size,
            self.strides,
            self.padding,
            self._channels_last,
        )
        self.add_weight(
            "kernel",
            self.geometry.kernel_shape(self.implementation),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        if self.use_bias:
            self.add_weight(
                "bias",
                (*out, self.filters),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.register_parameter("bias", None)
        first = 1 if self._channels_last else 2
        axes = {first + d: n for d, n in enumerate(spatial)}
        axes[-1 if self._channels_last else 1] = channels
        self.input_spec = InputSpec(ndim=self.rank + 2, axes=axes)
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        check_floating(inputs, self.name)
        outputs = local_conv(inputs, self.kernel, self.bias, self.geometry, self.implementation)
        return outputs if self.activation is activations.linear else self.activation(outputs)

    def compute_output_shape(self, input_shape: Any) -> tuple[int | None, ...]:
        shape, spatial, _ = self._split(input_shape)
        self.input_spec.check(self.name, SymbolicTensor(shape))  # once built: its lengths
        out = self._output_spatial(shape, spatial)
        if self._channels_last:
            return (shape[0], *out, self.filters)
        return (shape[0], self.filters, *out)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "implementation": self.implementation,
        }

    @property
    def kernel_mask(self) -> np.ndarray:
        """Implementation 2's connectivity mask, as tf-keras holds it: float32 ones where an
        input position feeds an output position, shape ``(*S, 1, *O, 1)`` (channels_first
        ``(1, *S, 1, *O)``); the kernel's entries outside it are never used."""
        if self.implementation != 2:
            raise AttributeError(
                f"`kernel_mask` exists for implementation 2 only. Received: "
                f"implementation={self.implementation}"
            )
        if self.geometry is None:
            raise ValueError(f"Layer {self.name!r} is not built: call it or build it first.")
        single = dataclasses.replace(self.geometry, channels=1, filters=1)
        ones = np.ones(single.kernel_shape(3), np.float32)
        return np.asarray(convert_kernel(ones, single, 3, 2), np.float32)

    def get_weights_as(self, implementation: int) -> list[np.ndarray]:
        """``get_weights()`` with the kernel converted to ``implementation``'s layout.

        A layer of the same config with that ``implementation``, given these
        weights, computes the same outputs (implementation 1 needs 'valid').
        """
        if self.geometry is None:
            raise ValueError(f"Layer {self.name!r} is not built: call it or build it first.")
        kernel, *rest = self.get_weights()
        return [convert_kernel(kernel, self.geometry, self.implementation, implementation), *rest]

    def extra_repr(self) -> str:
        return (
            f"name={self.name!r}, filters={self.filters}, kernel_size={self.kernel_size}, "
            f"strides={self.strides}, padding={self.padding!r}, "
            f"data_format={self.data_format!r}, implementation={self.implementation}"
        )


class LocallyConnected1D(LocallyConnected):
    """Locally-connected layer for 1-D inputs, exactly as ``tf.keras.layers.LocallyConnected1D``.

    Works like ``Conv1D`` except that weights are unshared: each output position
    has its own filters. ``implementation`` (1, 2 or 3) selects only the stored
    kernel layout (as in tf-keras, so weights and files map one to one); the
    computation is the same fast unshared matmul for all three.

    Args:
        filters: number of output channels ``F`` (> 0).
        kernel_size: window length ``k`` (int or 1-tuple).
        strides: stride ``s`` (>= 1).
        padding: 'valid', or 'same' (implementation 2 or 3 only) with the
            reference's window rule: output ``o`` reads inputs ``o*s - k//2 ...
            o*s - k//2 + k - 1``, taps outside the input dropped (for even ``k``
            this differs from Conv1D's 'same').
        data_format: 'channels_last' ``(N, L, C)`` or 'channels_first' ``(N, C, L)``;
            ``None`` means ``convlayers.config.image_data_format()``.
        implementation: kernel layout, 1 (default), 2 or 3.

    ``activation``, ``use_bias`` and the ``*_initializer``, ``*_regularizer`` and
    ``*_constraint`` arguments are those of Keras.

    Shapes:
        input: ``(N, L, C)`` or ``(N, C, L)``.
        output: ``(N, L_out, F)`` or ``(N, F, L_out)`` with ``L_out = ceil((L - k + 1)/s)``
        ('valid') or ``ceil(L/s)`` ('same').
        kernel: 1 ``(L_out, k*C, F)``; 2 ``(L, C, L_out, F)`` (channels_first
        ``(C, L, F, L_out)``); 3 ``(n,)`` with ``n`` the connected (input, output) pairs.
        bias: ``(L_out, F)``.

    Example (seed 002: unshared conv of length 3 on 10 steps of 32 features):

    >>> import torch, convlayers
    >>> first = convlayers.LocallyConnected1D(64, 3, input_shape=(10, 32))
    >>> first.compute_output_shape((None, 10, 32))
    (None, 8, 64)
    >>> second = convlayers.LocallyConnected1D(32, 3)
    >>> second.compute_output_shape((None, 8, 64))
    (None, 6, 32)
    >>> second(first(torch.randn(4, 10, 32))).shape
    torch.Size([4, 6, 32])
    >>> [tuple(w.shape) for w in first.weights]
    [(8, 96, 64), (8, 64)]
    >>> layer = convlayers.LocallyConnected1D(4, 2, padding="same", implementation=3)
    >>> layer(torch.randn(2, 5, 3)).shape, tuple(layer.kernel.shape)
    (torch.Size([2, 5, 4]), (108,))
    """

    rank = 1


class LocallyConnected2D(LocallyConnected):
    """Locally-connected layer for 2-D inputs, exactly as ``tf.keras.layers.LocallyConnected2D``.

    Arguments as LocallyConnected1D, with 2-tuples for ``kernel_size`` and ``strides``.

    Shapes:
        input: ``(N, H, W, C)`` or ``(N, C, H, W)``.
        output: ``(N, OH, OW, F)`` or ``(N, F, OH, OW)``, each length by the 1-D formula.
        kernel: 1 ``(OH*OW, kh*kw*C, F)``; 2 ``(H, W, C, OH, OW, F)`` (channels_first
        ``(C, H, W, F, OH, OW)``); 3 ``(n,)``. bias: ``(OH, OW, F)``.

    Example:

    >>> import torch, convlayers
    >>> layer = convlayers.LocallyConnected2D(8, (3, 2), strides=(2, 1))
    >>> layer(torch.randn(2, 7, 5, 3)).shape
    torch.Size([2, 3, 4, 8])
    >>> [tuple(w.shape) for w in layer.weights]
    [(12, 18, 8), (3, 4, 8)]
    """

    rank = 2
