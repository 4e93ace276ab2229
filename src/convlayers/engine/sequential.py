"""``Sequential``: a stack of single-input, single-output layers.

The first layer may carry ``input_shape=`` (or an ``Input``/``InputLayer`` may be
added first); then each ``add`` calls the new layer symbolically, so shapes are
known at once and a layer that does not fit fails there. Without an input shape
the model builds on its first call. Layers are submodules ``0``, ``1``, ... as in
``torch.nn.Sequential``.

>>> import convlayers
>>> model = convlayers.Sequential([
...     convlayers.LocallyConnected1D(64, 3, input_shape=(10, 32)),
...     convlayers.LocallyConnected1D(32, 3),
... ])
>>> model.output_shape, [layer.output_shape for layer in model.layers]
((None, 6, 32), [(None, 8, 64), (None, 6, 32)])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import torch

from ..layers.base import Layer
from ..layers.input_layer import InputLayer
from ..layers.registry import deserialize_layer, serialize_layer
from ..naming import unique_name
from ..symbolic import Node, SymbolicTensor
from .functional import Model, nodes_in_order

__all__ = ["Sequential"]


class Sequential(Model):
    """A linear stack of layers.

    Args:
        layers: layers to ``add`` in order.
        name: the model's name ('sequential', 'sequential_1', ... by default).

    Shapes: the first layer's input to the last layer's output.

    >>> import torch, convlayers
    >>> model = convlayers.Sequential([convlayers.Conv1D(4, 3, input_shape=(10, 2))], name='net')
    >>> model.add(convlayers.Flatten())
    >>> model.add(convlayers.Dense(1))
    >>> model.output_shape, model.count_params()
    ((None, 1), 61)
    >>> model(torch.ones(2, 10, 2)).shape
    torch.Size([2, 1])
    """

    def __init__(
        self, layers: Iterable[Layer] | None = None, name: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(name=name or unique_name("Sequential"), **kwargs)
        self._stack: list[Layer] = []
        self._input_tensor: SymbolicTensor | None = None
        self._outputs_by_layer: list[SymbolicTensor] = []
        self.built = False
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self) -> list[Layer]:
        """The added layers (without the input layer)."""
        return list(self._stack)

    def add(self, layer: Layer | SymbolicTensor) -> None:
        """Append ``layer``; ValueError if it does not take the current output."""
        if isinstance(layer, SymbolicTensor):  # model.add(Input(...))
            layer = layer._keras_history.layer
        if not isinstance(layer, Layer):
            raise TypeError(
                "The added layer must be an instance of class Layer. "
                f"Received: layer={layer!r} of type {type(layer)}."
            )
        if isinstance(layer, InputLayer):
            if self._stack or self._input_tensor is not None:
                raise ValueError(
                    "An InputLayer can only be added first to a Sequential model. "
                    f"Received: layer={layer.name!r} after {len(self._stack)} layers."
                )
            self._input_tensor = layer.output
            return
        if any(layer is existing for existing in self._stack):
            raise ValueError(f"Layer {layer.name!r} is already in the model.")
        if not self._stack and self._input_tensor is None and layer._batch_input_shape:
            self.add(
                InputLayer(batch_input_shape=layer._batch_input_shape, name=f"{layer.name}_input")
            )
        if self._input_tensor is not None:
            current = self._outputs_by_layer[-1] if self._outputs_by_layer else self._input_tensor
            try:
                output = layer(current)
            except (ValueError, TypeError) as error:
                raise ValueError(
                    f"Layer {layer.name!r} cannot be added: it does not accept the model's "
                    f"current output of shape {current.shape}. {error}"
                ) from error
            if not isinstance(output, SymbolicTensor):
                raise ValueError(
                    "All layers in a Sequential model should have a single output tensor. "
                    f"Received: layer {layer.name!r} with outputs {output!r}"
                )
            self._outputs_by_layer.append(output)
        self.add_module(str(len(self._stack)), layer)
        self._stack.append(layer)
        self._rebuild_graph()

    def pop(self) -> Layer:
        """Remove and return the last layer."""
        if not self._stack:
            raise TypeError("There are no layers in the model.")
        layer = self._stack.pop()
        del self._modules[str(len(self._stack))]
        if self._outputs_by_layer:
            self._outputs_by_layer.pop()
        self._rebuild_graph()
        return layer

    def _rebuild_graph(self) -> None:
        self._inbound_nodes = []
        self._is_graph_network = False
        if self._input_tensor is not None and self._stack:
            self.inputs, self.outputs = [self._input_tensor], [self._outputs_by_layer[-1]]
            self._nested_inputs, self._nested_outputs = self.inputs[0], self.outputs[0]
            self._nodes = nodes_in_order(self.outputs, self.inputs)
            self._is_graph_network = True
            self.built = True
            Node(self, self.inputs[0], self.outputs[0], record_history=False)

    def build(self, input_shape: Any = None) -> None:
        """Fix the input shape ``(batch, ...)`` and infer every layer's output shape.

        A layer without ``compute_output_shape`` leaves the model a plain stack (it runs,
        but has no per-layer shapes)."""
        if input_shape is None:
            raise ValueError("You must provide an `input_shape` argument.")
        if self._input_tensor is None:
            shape = (None, *tuple(input_shape)[1:])
            layers, self._stack = self._stack, []
            self._modules.clear()
            self.add(InputLayer(batch_input_shape=shape))
            try:
                for layer in layers:
                    self.add(layer)
            except NotImplementedError:  # shapes unknown: keep the stack without a graph
                self._input_tensor, self._outputs_by_layer, self._stack = None, [], layers
                self._modules.clear()
                for index, layer in enumerate(layers):
                    self.add_module(str(index), layer)
                self._rebuild_graph()
        self.built = True

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        if self._is_graph_network:
            self._check_inputs(inputs, [tuple(inputs.shape)])
        if mask is not None and isinstance(inputs, torch.Tensor):
            inputs._keras_mask = mask
        for layer in self._stack:
            if training is not None and layer._call_takes_training:
                inputs = layer(inputs, training=training)
            else:
                inputs = layer(inputs)
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = tuple(input_shape)
        for layer in self._stack:
            shape = layer.compute_output_shape(shape)
        return shape

    def get_config(self) -> dict[str, Any]:
        entries = []
        if self._input_tensor is not None:
            entries.append(serialize_layer(self._input_tensor._keras_history.layer))
        entries.extend(serialize_layer(layer) for layer in self._stack)
        return {"name": self.name, "layers": entries}

    @classmethod
    def from_config(  # type: ignore[override]
        cls, config: dict[str, Any], custom_objects: Mapping[str, Any] | None = None
    ) -> Sequential:
        """A new Sequential from ``get_config`` (layers recreated, weights fresh)."""
        model = cls(name=config.get("name"))
        for entry in config.get("layers", []):
            model.add(deserialize_layer(entry, custom_objects))
        shape = config.get("build_input_shape")
        if not model._is_graph_network and isinstance(shape, list | tuple):
            model.build(tuple(shape))
        if not config.get("trainable", True):
            model.trainable = False
        return model
