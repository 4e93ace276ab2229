"""The Layer base class: a ``torch.nn.Module`` that follows the Keras layer protocol.

``__init__`` stores config only; the first call builds the weights from the
input shape through ``add_weight``; ``forward`` (run by ``__call__``) wraps
``call``. Weights are ``torch.nn.Parameter``s registered under their Keras
names, so ``state_dict`` and ``get_weights`` see the same tensors.
"""

from __future__ import annotations

import copy
import inspect
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from .. import constraints, initializers, regularizers
from ..dtypes import standardize_dtype, to_torch_dtype
from ..naming import unique_name
from ..symbolic import flatten, is_symbolic, map_structure, symbolic_call, symbolic_outputs
from .input_spec import InputSpec
from .layer_utils import (
    as_shape,
    batch_input_shape,
    convert_input,
    device_of,
    mask_of,
    per_output,
    shapes_of,
)
from .loss_tracking import LossTrackingMixin, call_context
from .node_accessors import NodeAccessorsMixin
from .registry import register_builtin
from .variables import PartitionedVariable, make_partitioned
from .weights import WeightsMixin

__all__ = ["Layer", "ShapeLike", "as_shape"]

ShapeLike = Sequence[int | None]

_BASE_KWARGS = (
    "input_shape",
    "batch_input_shape",
    "batch_size",
    "input_dim",
    "weights",
    "autocast",
)


@dataclass
class _WeightSpec:
    """What ``add_weight`` knows about a weight beyond its value (the constraint is the
    weight's own ``constraint`` attribute, as on a Keras variable)."""

    regularizer: Callable[[torch.Tensor], torch.Tensor] | None
    trainable: bool


class Layer(NodeAccessorsMixin, LossTrackingMixin, WeightsMixin, nn.Module):
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
            ``input_dim``, as Keras takes them on a model's first layer; ``weights``,
            initial weight values set when the layer is built (Keras order);
            ``autocast=False`` leaves floating inputs in their own dtype.

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
                raise TypeError(
                    f"Keyword argument not understood: {key} "
                    f"({type(self).__name__} does not take it). Received: {key}={kwargs[key]!r}"
                )
        if name is not None and not isinstance(name, str):
            raise TypeError(f"`name` must be a string. Received: name={name!r}")
        self._name = name if name else unique_name(type(self).__name__)
        self._dtype = standardize_dtype(dtype)
        self._torch_dtype = to_torch_dtype(self._dtype)
        self._trainable = bool(trainable)
        self._batch_input_shape = batch_input_shape(kwargs)
        self._initial_weights = kwargs.get("weights")
        self._autocast = bool(kwargs.get("autocast", True))
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.built = False
        self.input_spec: InputSpec | None = None
        self._weight_specs: dict[str, _WeightSpec] = {}
        self._activity_losses: list[torch.Tensor] = []
        self._added_losses: list[tuple[Any, Any]] = []
        self._updates: list[tuple[Any, Any]] = []
        self._inbound_nodes: list[Any] = []

    # ----------------------------------------------------------------- identity

    def __getattr__(self, name: str) -> Any:
        parameters = self.__dict__.get("_parameters")
        if parameters is not None and name in parameters:  # weights: the hot path
            return parameters[name]
        partitioned = self.__dict__.get("_partitioned")
        if partitioned and name in partitioned:  # a partitioned weight: one concatenation
            return partitioned[name].as_tensor()
        try:
            return nn.Module.__getattr__(self, name)
        except AttributeError:
            attribute = getattr(type(self), name, None)
            if isinstance(attribute, property):  # surface the property's own AttributeError
                attribute.fget(self)
            raise

    @property
    def name(self) -> str:
        """The layer's name."""
        return self._name

    @property
    def scope_name(self) -> str:
        """The TF1 scope name: the ``scope=`` of the first call, else the layer's name.

        ValueError before the layer is first called (or built), as in TF1.
        """
        scope = self.__dict__.get("_scope")
        if scope is None and not self.built:
            raise ValueError(
                f'No name available for layer scope because the layer "{self._name}" has not '
                "been used yet. The scope name  is determined the first time the layer "
                "instance is called. You must therefore call the layer before querying "
                "`scope_name`."
            )
        return self._name if scope is None else str(scope)

    @property
    def dtype(self) -> str:
        """The dtype of the layer's weights and computation, as a Keras name."""
        return self._dtype

    @property
    def graph(self) -> Any:
        """Deprecated TF1 attribute: warns, then raises RuntimeError (there is no graph in
        eager use), as tf-keras' ``tf.layers`` layers do outside graph mode."""
        warnings.warn(
            "`Layer.graph` is deprecated and will be removed in a future version. Please stop "
            "using this property because tf.layers layers no longer track their graph.",
            stacklevel=2,
        )
        raise RuntimeError(
            f"Layer.graph not supported when executing eagerly (layer {self.name!r}: "
            "convlayers runs eagerly)."
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
    ) -> nn.Parameter | PartitionedVariable:
        """Create a weight, register it as a Parameter named ``name`` and return it.

        ``initializer`` defaults to 'glorot_uniform'; ``regularizer`` adds a loss
        to ``losses``; ``constraint`` becomes the weight's ``constraint`` attribute
        (as on a Keras variable), which ``apply_constraints`` and ``fit`` apply after
        each optimizer step. With a TF1 ``partitioner`` (``convlayers.compat.v1``) the
        weight is a ``PartitionedVariable``: its shards are the Parameters
        ``<name>_part_<i>`` (each in ``weights``, regularized and constrained on its own),
        and ``layer.<name>`` reads their concatenation.
        """
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"`name` must be a Python identifier. Received: name={name!r}")
        if name in self._weight_specs or (hasattr(self, name) and name not in self._parameters):
            raise ValueError(
                f"Layer {self.name!r} already has an attribute or weight named {name!r}."
            )
        shape = as_shape(shape)
        init = initializers.get("glorot_uniform" if initializer is None else initializer)
        torch_dtype = to_torch_dtype(dtype or self._dtype)
        requires_grad = bool(trainable) and self._trainable
        weight: nn.Parameter | PartitionedVariable
        if partitioner is not None:
            weight = make_partitioned(
                f"{self.name}/{name}", shape, torch_dtype, init, partitioner, requires_grad,
                constraint,
            )  # fmt: skip
        else:
            weight = nn.Parameter(init(shape, dtype=torch_dtype), requires_grad=requires_grad)
            weight.constraint = constraints.get(constraint)
        self._track_weight(name, weight, regularizers.get(regularizer), bool(trainable))
        return weight

    def _track_weight(
        self,
        name: str,
        weight: nn.Parameter | PartitionedVariable,
        regularizer: Callable[[torch.Tensor], torch.Tensor] | None,
        trainable: bool,
    ) -> None:
        """Register ``weight`` as the layer's weight ``name``; a PartitionedVariable's shards
        become the Parameters ``<name>_part_<i>`` and ``layer.<name>`` their concatenation."""
        if isinstance(weight, PartitionedVariable):
            self.__dict__.setdefault("_partitioned", {})[name] = weight
            for i, shard in enumerate(weight):
                self._track_weight(f"{name}_part_{i}", shard, regularizer, trainable)
            return
        self.register_parameter(name, weight)
        self._weight_specs[name] = _WeightSpec(regularizer, trainable)

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

    def _weight_items(self) -> Iterator[tuple[nn.Parameter, _WeightSpec]]:
        for name, spec in self._weight_specs.items():
            yield self._parameters[name], spec

    # -------------------------------------------------------------------- calls

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Register the package's own classes; decide once per class which extras ``forward``
        handles (masks, ``scope``)."""
        super().__init_subclass__(**kwargs)
        module = cls.__module__  # (the TF1 classes of convlayers.compat keep Keras' names)
        own = module.startswith("convlayers.") and not module.startswith("convlayers.compat.")
        if own and not cls.__name__.startswith("_"):
            register_builtin(cls)
        try:
            params = inspect.signature(cls.call).parameters
        except (TypeError, ValueError):  # a call without a signature: no extras
            params = {}
        cls._call_takes_mask = "mask" in params
        cls._call_takes_scope = "scope" in params
        cls._call_takes_training = "training" in params
        if isinstance(cls.__dict__.get("supports_masking"), bool):  # Keras' class attribute
            cls._supports_masking = cls.__dict__["supports_masking"]
            del cls.supports_masking
        extras = (cls._call_takes_mask, cls._call_takes_scope, cls._supports_masking)
        cls._extras = any(extras) or cls.compute_mask is not Layer.compute_mask

    _call_takes_mask = _call_takes_scope = _call_takes_training = _extras = False
    _supports_masking = False

    @property
    def supports_masking(self) -> bool:
        """Whether the layer passes its input mask on (the default ``compute_mask``)."""
        return self._supports_masking

    @supports_masking.setter
    def supports_masking(self, value: bool) -> None:
        self._supports_masking = bool(value)
        self._extras = self._extras or self._supports_masking

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

    def compute_output_signature(self, input_signature: Any) -> Any:
        """The output's shape and dtype for inputs described by ``input_signature``.

        As tf-keras's: ``input_signature`` is a structure of tensor specs (anything with
        ``shape`` and ``dtype``: symbolic tensors, tensors); the result is symbolic
        tensors (a shape and the layer's dtype) from ``compute_output_shape``.
        """
        specs = flatten(input_signature)
        for spec in specs:
            if not hasattr(spec, "shape") or not hasattr(spec, "dtype"):
                raise TypeError(
                    "Only TensorSpec signature types are supported. Received: "
                    f"{input_signature!r} (an object with `shape` and `dtype` is needed)."
                )
        shapes = map_structure(lambda spec: tuple(spec.shape), input_signature)
        return symbolic_outputs(self.compute_output_shape(shapes), self._dtype)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The output mask: the input mask if ``supports_masking``, else ``None`` (dropped)."""
        return mask if self._supports_masking else None

    def _maybe_build(self, input_shape: Any, device: torch.device | None = None) -> None:
        """Build for ``input_shape`` (first call, eager or symbolic), then set the
        ``weights=`` given to the constructor and move to the inputs' device."""
        self.build(input_shape)
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None
        if device is not None and device.type not in ("cpu", "meta"):  # meta: shapes only
            self.to(device)

    def forward(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        """Build on first use, check the input, run ``call`` and record activity losses.

        A symbolic input records a node instead (see ``convlayers.symbolic``).
        """
        if type(inputs) is not torch.Tensor:
            if is_symbolic(inputs):
                return symbolic_call(self, inputs, args, kwargs)
            inputs = convert_input(inputs, self._torch_dtype)
        elif (
            inputs.dtype is not self._torch_dtype and inputs.is_floating_point() and self._autocast
        ):
            inputs = inputs.to(self._torch_dtype)
        context = call_context
        if context.depth == 0:  # a new outermost call: forget the previous call's losses
            if self._modules:
                for layer in self._flatten_layers():
                    layer._activity_losses.clear()
            else:
                self._activity_losses.clear()
        context.depth += 1
        try:
            if not self.built:
                self._maybe_build(shapes_of(inputs), device_of(inputs))
            if self.input_spec is not None:
                self.input_spec.check(self.name, inputs)
            if self._extras or kwargs:
                outputs = self._call_with_extras(inputs, args, kwargs)
            else:
                outputs = self.call(inputs, *args)
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
                self._activity_losses.append((loss, inputs))
        return outputs

    def _call_with_extras(self, inputs: Any, args: tuple, kwargs: dict[str, Any]) -> Any:
        """``call`` with the reserved ``scope`` keyword and masks handled as Keras does."""
        scope = kwargs.pop("scope", None)
        if scope is not None and not self._inbound_nodes and "_scope" not in self.__dict__:
            self._scope = str(scope)
        if self._call_takes_scope:
            kwargs["scope"] = self.scope_name
        mask = kwargs.get("mask")
        if mask is None:
            mask = mask_of(inputs)
            if self._call_takes_mask:
                kwargs["mask"] = mask
        outputs = self.call(inputs, *args, **kwargs)
        flat = flatten(outputs)
        if outputs is not None and self._extras and any(mask_of(t) is None for t in flat):
            out_mask = self.compute_mask(inputs, mask)  # as Keras: kept if call set masks
            if out_mask is not None:
                for output, m in zip(flat, per_output(out_mask, outputs)):
                    if isinstance(output, torch.Tensor):
                        output._keras_mask = m
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
        floats = [p for p in self._parameters.values() if p is not None and p.is_floating_point()]
        if floats:
            dtype = floats[0].dtype
        else:  # no weights of its own (Flatten, a model): see what ``fn`` does to a float
            try:
                dtype = fn(torch.zeros((), dtype=self._torch_dtype)).dtype
            except (RuntimeError, TypeError, AttributeError, AssertionError):
                dtype = self._torch_dtype
        if dtype in (torch.float16, torch.bfloat16, torch.float32, torch.float64):
            self._dtype = standardize_dtype(dtype)
            self._torch_dtype = dtype
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Layer:
        """A copy with copied weights and config; per-call state (activity losses) is left out."""
        new = type(self).__new__(type(self))
        memo[id(self)] = new
        for key, value in self.__dict__.items():
            if key == "_activity_losses":  # holds the latest call's inputs
                value = []
            object.__setattr__(new, key, copy.deepcopy(value, memo))
        for name, param in self._parameters.items():  # Parameter's deepcopy drops attributes
            if param is not None and param.__dict__:
                new._parameters[name].__dict__.update(copy.deepcopy(param.__dict__, memo))
        return new

    def extra_repr(self) -> str:
        return f"name={self.name!r}"
