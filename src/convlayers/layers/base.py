"""The Layer base class: a ``torch.nn.Module`` that follows the Keras layer protocol.

``__init__`` stores config only; the first call builds the weights from the
input shape through ``add_weight``; ``forward`` (run by ``__call__``) wraps
``call``. Weights are ``torch.nn.Parameter``s registered under their Keras
names, so ``state_dict`` and ``get_weights`` see the same tensors.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from .. import constraints, initializers, regularizers
from ..dtypes import standardize_dtype, to_torch_dtype
from ..naming import unique_name
from .input_spec import InputSpec

__all__ = ["Layer", "ShapeLike"]

ShapeLike = Sequence[int | None]

_BASE_KWARGS = ("input_shape", "batch_input_shape", "batch_size", "input_dim")


@dataclass
class _WeightSpec:
    """What ``add_weight`` knows about a weight beyond its value."""

    regularizer: Callable[[torch.Tensor], torch.Tensor] | None
    constraint: Callable[[torch.Tensor], torch.Tensor] | None
    trainable: bool


class _CallContext(threading.local):
    depth = 0


_call_context = _CallContext()


def as_shape(input_shape: Any) -> tuple[int | None, ...]:
    """A shape given as tuple, list or ``torch.Size``, as a tuple of ints and ``None``."""
    if isinstance(input_shape, (tuple, list, torch.Size)) and all(
        d is None or (isinstance(d, (int, np.integer)) and not isinstance(d, bool))
        for d in input_shape
    ):
        return tuple(None if d is None else int(d) for d in input_shape)
    raise TypeError(
        "`input_shape` must be a tuple of integers or None. "
        f"Received: input_shape={input_shape!r}"
    )


def _batch_input_shape(kwargs: dict[str, Any]) -> tuple[int | None, ...] | None:
    if "batch_input_shape" in kwargs:
        return as_shape(kwargs["batch_input_shape"])
    if "input_shape" in kwargs:
        return (kwargs.get("batch_size"), *as_shape(kwargs["input_shape"]))
    if "input_dim" in kwargs:
        return (kwargs.get("batch_size"), kwargs["input_dim"])
    return None


class Layer(nn.Module):
    """Base class of every convlayers layer.

    Args:
        trainable: whether the weights are trained (``requires_grad``).
        name: layer name; defaults to the snake_case class name made unique
            (``conv1d``, ``conv1d_1``, ...).
        dtype: weight and compute dtype: 'float32' (default), 'float64',
            'bfloat16' or 'float16'.
        activity_regularizer: regularizer applied to the output of each call;
            its value divided by the batch size is added to ``losses``.
        **kwargs: ``input_shape``, ``batch_input_shape``, ``batch_size`` or
            ``input_dim``, as Keras takes them on a model's first layer.

    Example:

    >>> import torch, convlayers
    >>> class Scale(convlayers.Layer):
    ...     def build(self, input_shape):
    ...         self.add_weight("scale", (input_shape[-1],), initializer="ones")
    ...     def call(self, inputs):
    ...         return inputs * self.scale
    >>> layer = Scale()
    >>> layer(torch.ones(2, 3)).shape
    torch.Size([2, 3])
    >>> [w.shape for w in layer.weights], layer.count_params()
    ([torch.Size([3])], 3)
    """

    def __init__(
        self,
        trainable: bool = True,
        name: str | None = None,
        dtype: Any = None,
        activity_regularizer: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        for key in kwargs:
            if key not in _BASE_KWARGS:
                raise TypeError(f"Keyword argument not understood: {key!r}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"`name` must be a string. Received: name={name!r}")
        self._name = name if name else unique_name(type(self).__name__)
        self._dtype = standardize_dtype(dtype)
        self._torch_dtype = to_torch_dtype(self._dtype)
        self._trainable = bool(trainable)
        self._batch_input_shape = _batch_input_shape(kwargs)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.built = False
        self.input_spec: InputSpec | None = None
        self._weight_specs: dict[str, _WeightSpec] = {}
        self._activity_losses: list[torch.Tensor] = []
        self._added_losses: list[tuple[Any, Any]] = []
        self._updates: list[tuple[Any, Any]] = []

    # ----------------------------------------------------------------- identity

    @property
    def name(self) -> str:
        """The layer's name."""
        return self._name

    @property
    def scope_name(self) -> str:
        """The layer's name (TF1 name scope)."""
        return self._name

    @property
    def dtype(self) -> str:
        """The dtype of the layer's weights and computation, as a Keras name."""
        return self._dtype

    @property
    def graph(self) -> Any:
        """Deprecated TF1 attribute: there is no graph in eager use."""
        raise RuntimeError(
            f"Layer.graph is deprecated and not supported in eager mode (layer {self.name!r})."
        )

    # ------------------------------------------------------------------ weights

    def add_weight(
        self,
        name: str,
        shape: ShapeLike,
        dtype: Any = None,
        initializer: Any = None,
        regularizer: Any = None,
        trainable: bool = True,
        constraint: Any = None,
        partitioner: Any = None,
    ) -> nn.Parameter:
        """Create a weight, register it as a Parameter named ``name`` and return it.

        ``initializer`` defaults to 'glorot_uniform'; ``regularizer`` adds a loss
        to ``losses``; ``constraint`` is applied by ``apply_constraints`` after
        each optimizer step.
        """
        if partitioner is not None:
            raise NotImplementedError(
                f"`partitioner` is not supported by add_weight yet. Received: "
                f"partitioner={partitioner!r}"
            )
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"`name` must be a Python identifier. Received: name={name!r}")
        if name in self._weight_specs or hasattr(self, name) and name not in self._parameters:
            raise ValueError(
                f"Layer {self.name!r} already has an attribute or weight named {name!r}."
            )
        shape = as_shape(shape)
        init = initializers.get("glorot_uniform" if initializer is None else initializer)
        value = init(shape, dtype=to_torch_dtype(dtype or self._dtype))
        param = nn.Parameter(value, requires_grad=bool(trainable) and self._trainable)
        self.register_parameter(name, param)
        self._weight_specs[name] = _WeightSpec(
            regularizers.get(regularizer), constraints.get(constraint), bool(trainable)
        )
        return param

    add_variable = add_weight

    def _own_weights(self, trainable: bool) -> list[nn.Parameter]:
        return [
            self._parameters[name]
            for name, spec in self._weight_specs.items()
            if spec.trainable == trainable
        ]

    def _sublayers(self) -> Iterator[Layer]:
        """Layers directly inside this one (looking through plain Modules)."""
        stack = list(self.children())[::-1]
        while stack:
            module = stack.pop()
            if isinstance(module, Layer):
                yield module
            else:
                stack.extend(list(module.children())[::-1])

    def _flatten_layers(self) -> Iterator[Layer]:
        """This layer and every layer inside it, depth first."""
        yield self
        for layer in self._sublayers():
            yield from layer._flatten_layers()

    @property
    def trainable(self) -> bool:
        """Whether the weights are trained; setting it (re)sets ``requires_grad``."""
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        for layer in self._flatten_layers():
            layer._trainable = bool(value)
            for name, spec in layer._weight_specs.items():
                layer._parameters[name].requires_grad_(layer._trainable and spec.trainable)

    @property
    def trainable_weights(self) -> list[nn.Parameter]:
        """Trainable weights, this layer's first, in creation order."""
        if not self._trainable:
            return []
        nested = [w for layer in self._sublayers() for w in layer.trainable_weights]
        return self._own_weights(True) + nested

    @property
    def non_trainable_weights(self) -> list[nn.Parameter]:
        """Non-trainable weights (every weight when ``trainable`` is False)."""
        if not self._trainable:
            nested = [w for layer in self._sublayers() for w in layer.weights]
            return self._own_weights(True) + self._own_weights(False) + nested
        nested = [w for layer in self._sublayers() for w in layer.non_trainable_weights]
        return self._own_weights(False) + nested

    @property
    def weights(self) -> list[nn.Parameter]:
        """All weights in Keras order: trainable ones, then non-trainable ones."""
        return self.trainable_weights + self.non_trainable_weights

    variables = weights
    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    def get_weights(self) -> list[np.ndarray]:
        """The weights as NumPy arrays, in ``weights`` order (bfloat16 comes back as float32)."""
        return [_to_numpy(w) for w in self.weights]

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Set every weight from arrays (or tensors) in ``weights`` order."""
        params = self.weights
        if len(weights) != len(params):
            raise ValueError(
                f'You called `set_weights(weights)` on layer "{self.name}" with a weight list '
                f"of length {len(weights)}, but the layer was expecting {len(params)} weights."
            )
        values = [torch.as_tensor(np.asarray(w) if not torch.is_tensor(w) else w) for w in weights]
        for param, value in zip(params, values):
            if tuple(value.shape) != tuple(param.shape):
                raise ValueError(
                    f"Layer {self.name} weight shape {tuple(param.shape)} is not compatible "
                    f"with provided weight shape {tuple(value.shape)}."
                )
        with torch.no_grad():
            for param, value in zip(params, values):
                param.copy_(value)

    def count_params(self) -> int:
        """Total number of scalars in the weights; ValueError if the layer is not built."""
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer {self.name}, but the layer isn't "
                f"built. You can build it manually via: `{self.name}.build(batch_input_shape)`."
            )
        return sum(w.numel() for w in self.weights)

    def _weight_items(self) -> Iterator[tuple[nn.Parameter, _WeightSpec]]:
        for name, spec in self._weight_specs.items():
            yield self._parameters[name], spec

    # ------------------------------------------------------------------- losses

    @property
    def losses(self) -> list[torch.Tensor]:
        """Activity losses of the latest call, added losses and weight regularization
        (computed now), for this layer and every layer inside it."""
        collected = []
        for layer in self._flatten_layers():
            collected.extend(layer._activity_losses)
            for loss, _ in layer._added_losses:
                collected.append(loss() if callable(loss) else loss)
            for weight, spec in layer._weight_items():
                if spec.regularizer is not None:
                    collected.append(spec.regularizer(weight))
        return collected

    def add_loss(self, losses: Any, inputs: Any = None) -> None:
        """Add a loss tensor (or a zero-argument callable returning one), or a list of them."""
        for loss in losses if isinstance(losses, (list, tuple)) else [losses]:
            self._added_losses.append((loss, inputs))

    @property
    def updates(self) -> list[Any]:
        """Update ops added with ``add_update`` (kept for API parity; nothing runs them)."""
        return [u for layer in self._flatten_layers() for u, _ in layer._updates]

    def add_update(self, updates: Any, inputs: Any = None) -> None:
        """Record an update op, or a list of them."""
        for update in updates if isinstance(updates, (list, tuple)) else [updates]:
            self._updates.append((update, inputs))

    # -------------------------------------------------------------------- calls

    def build(self, input_shape: Any) -> None:
        """Create the weights for inputs of ``input_shape``; subclasses override it."""
        self.built = True

    def call(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        """The layer's computation; subclasses override it."""
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        """The output shape for ``input_shape``; subclasses override it."""
        raise NotImplementedError(
            f"Layer {type(self).__name__} does not implement compute_output_shape."
        )

    def _convert_input(self, value: Any) -> Any:
        if isinstance(value, torch.Tensor):
            if value.is_floating_point() and value.dtype != self._torch_dtype:
                return value.to(self._torch_dtype)
            return value
        if isinstance(value, (list, tuple)):
            return type(value)(self._convert_input(v) for v in value)
        if isinstance(value, (np.ndarray, np.generic, float)):
            array = np.asarray(value)
            if np.issubdtype(array.dtype, np.floating):
                return torch.as_tensor(array, dtype=self._torch_dtype)
            return torch.as_tensor(array)
        return value

    def _build_for(self, inputs: Any) -> None:
        shapes = _shapes_of(inputs)
        self.build(shapes)
        self.built = True
        device = _device_of(inputs)
        if device is not None and device.type != "cpu":
            self.to(device)

    def forward(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        """Build on first use, check the input, run ``call`` and record activity losses."""
        context = _call_context
        if context.depth == 0:  # a new outermost call: forget the previous call's losses
            if self._modules:
                for layer in self._flatten_layers():
                    layer._activity_losses.clear()
            else:
                self._activity_losses.clear()
        context.depth += 1
        try:
            inputs = self._convert_input(inputs)
            if not self.built:
                self._build_for(inputs)
            if self.input_spec is not None:
                self.input_spec.check(self.name, inputs)
            outputs = self.call(inputs, *args, **kwargs)
        finally:
            context.depth -= 1
        if outputs is None:
            raise ValueError(
                f"The `call` method of layer {self.name!r} returned None; it must return "
                "the output tensor(s)."
            )
        if self.activity_regularizer is not None:
            for output in outputs if isinstance(outputs, (list, tuple)) else [outputs]:
                loss = self.activity_regularizer(output) / output.shape[0]
                self._activity_losses.append(loss)
        return outputs

    def apply(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        """Call the layer on ``inputs`` (Keras/TF1 ``apply``).

        Given a function instead of inputs, this is ``torch.nn.Module.apply``:
        ``fn`` is applied to every submodule, as PyTorch code expects.
        """
        if callable(inputs) and not isinstance(inputs, (torch.Tensor, np.ndarray)):
            return super().apply(inputs, *args, **kwargs)
        return self(inputs, *args, **kwargs)

    # ------------------------------------------------------------------- config

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments that recreate this layer (without weights)."""
        config: dict[str, Any] = {"name": self.name, "trainable": self.trainable}
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = self._batch_input_shape
        config["dtype"] = self._dtype
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layer:
        """Create a layer from the output of ``get_config``."""
        return cls(**config)

    # ---------------------------------------------------------- torch interplay

    def _apply(self, fn: Callable, recurse: bool = True) -> Layer:  # type: ignore[override]
        super()._apply(fn, recurse)
        for param in self._parameters.values():
            if param is not None and param.is_floating_point():
                self._dtype = standardize_dtype(param.dtype)
                self._torch_dtype = param.dtype
                break
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Layer:
        """A copy with copied weights and config; per-call state (activity losses) is left out."""
        new = type(self).__new__(type(self))
        memo[id(self)] = new
        for key, value in self.__dict__.items():
            if key == "_activity_losses":
                value = []
            object.__setattr__(new, key, copy.deepcopy(value, memo))
        return new

    def extra_repr(self) -> str:
        return f"name={self.name!r}"


def _to_numpy(weight: torch.Tensor) -> np.ndarray:
    weight = weight.detach().cpu()
    if weight.dtype == torch.bfloat16:
        weight = weight.float()
    return weight.numpy().copy()


def _shapes_of(inputs: Any) -> Any:
    if isinstance(inputs, (list, tuple)):
        return [_shapes_of(v) for v in inputs]
    return tuple(inputs.shape)


def _device_of(inputs: Any) -> torch.device | None:
    if isinstance(inputs, (list, tuple)):
        return next((d for d in map(_device_of, inputs) if d is not None), None)
    return inputs.device if isinstance(inputs, torch.Tensor) else None
