"""The functional ``Model(inputs, outputs)``: a graph of layer calls run as one module.

The graph is the nodes recorded by calling layers on symbolic tensors, from
``Input`` placeholders to the outputs. Running the model on tensors replays the
nodes in topological order; calling it on symbolic tensors records one node for
the whole model (so models nest). The model is a ``Layer`` and an ``nn.Module``:
its layers are submodules, its weights are theirs in Keras order.

>>> import torch, convlayers
>>> x = convlayers.Input((16, 3))
>>> h = convlayers.Conv1D(8, 3, activation="relu")(x)
>>> y = convlayers.Dense(2)(convlayers.Flatten()(h))
>>> model = convlayers.Model(x, y)
>>> model(torch.randn(4, 16, 3)).shape, model.output_shape
(torch.Size([4, 2]), (None, 2))
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..layers.base import Layer
from ..layers.input_layer import InputLayer
from ..layers.registry import deserialize_layer, register_builtin, serialize_layer
from ..naming import unique_name
from ..saving.model_mixin import SavingMixin
from ..symbolic import Node, SymbolicTensor, flatten, map_structure, shape_structure
from .graph_config import (
    NodeCall,
    TensorRef,
    is_legacy,
    parse_node,
    parse_refs,
    refs_in,
    resolve,
    serialize_node,
)
from .training import TrainingMixin

__all__ = ["Model", "layers_in_keras_order", "nodes_in_order"]


class Model(TrainingMixin, SavingMixin, Layer):
    """A model: ``Model(inputs, outputs)`` from symbolic tensors, or a subclass with ``call``.

    Args:
        inputs: the ``Input`` tensor, or a list of them.
        outputs: the output symbolic tensor, or a list of them.
        name: the model's name ('model', 'model_1', ... by default).

    Calling the model on tensors gives tensors (a list for several outputs); on symbolic
    tensors, symbolic tensors. ``compile``/``fit``/``evaluate``/``predict`` train it.

    Shapes: input ``model.input_shape`` (those of the ``Input`` tensors, batch ``None``);
    output ``model.output_shape``; weights: its layers' weights, in Keras order.

    >>> import torch, convlayers
    >>> a = convlayers.Input((8, 2), name='a')
    >>> b = convlayers.Input((8, 3), name='b')
    >>> merged = convlayers.Concatenate()([a, b])
    >>> features = convlayers.Conv1D(4, 3, padding='same')(merged)
    >>> model = convlayers.Model([a, b], [features, convlayers.Flatten()(features)])
    >>> model.input_shape, model.output_shape
    ([(None, 8, 2), (None, 8, 3)], [(None, 8, 4), (None, 32)])
    >>> [tuple(w.shape) for w in model.get_weights()]
    [(3, 5, 4), (4,)]
    >>> [y.shape for y in model([torch.ones(5, 8, 2), torch.ones(5, 8, 3)])]
    [torch.Size([5, 8, 4]), torch.Size([5, 32])]
    """

    _is_graph_network = False  # also on the class: the registry tells models by it

    def __init__(
        self, inputs: Any = None, outputs: Any = None, name: str | None = None, **kwargs: Any
    ) -> None:
        if name is None and type(self) in (Model,):
            name = unique_name("Model")
        super().__init__(name=name, **kwargs)
        self._is_graph_network = False
        self._nodes: list[Node] = []
        if inputs is not None or outputs is not None:
            self._init_graph(inputs, outputs)

    # ------------------------------------------------------------------- graph

    def _init_graph(self, inputs: Any, outputs: Any) -> None:
        if isinstance(inputs, tuple):
            inputs = list(inputs)
        if isinstance(outputs, tuple):
            outputs = list(outputs)
        self.inputs = flatten(inputs)
        self.outputs = flatten(outputs)
        for tensor in self.inputs + self.outputs:
            if not isinstance(tensor, SymbolicTensor) or tensor._keras_history is None:
                raise ValueError(
                    "`inputs` and `outputs` of a Model must be symbolic tensors made with "
                    f"`convlayers.Input` and layer calls. Received: {tensor!r}"
                )
        for tensor in self.inputs:
            if not isinstance(tensor._keras_history.layer, InputLayer):
                raise ValueError(
                    f"Model inputs must come from `convlayers.Input`. Received: inputs={tensor!r}"
                )
        self._nested_inputs, self._nested_outputs = inputs, outputs
        self._nodes = nodes_in_order(self.outputs, self.inputs)
        self._is_graph_network = True
        for index, layer in enumerate(layers_in_keras_order(self.outputs, self.inputs)):
            self.add_module(str(index), layer)
        self.built = True
        Node(self, self._nested_inputs, self._nested_outputs, record_history=False)

    @property
    def weights(self) -> list[Any]:
        """Every weight as tf-keras's ``Model.weights`` (and so ``get_weights``/
        ``set_weights``) orders them: layer by layer, each layer's trainable then
        non-trainable weights, then the model's own; a shared weight once. (The
        ``trainable_weights`` list has every trainable weight first.)"""
        nested = [w for layer in self._sublayers() for w in layer.weights]
        own = self._own_weights(True) + self._own_weights(False)
        return list({id(w): w for w in nested + own}.values())

    variables = weights

    @property
    def layers(self) -> list[Layer]:
        """The model's layers, input layers first, in the order they are called."""
        return [m for m in self.children() if isinstance(m, Layer)]

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """The layer called ``name``, or at position ``index`` of ``layers``."""
        layers = self.layers
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model only has "
                    f"{len(layers)} layers."
                )
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: {[x.name for x in layers]}.")

    # -------------------------------------------------------------------- calls

    def _check_inputs(self, inputs: Any, shapes: list[Any]) -> None:
        expected = [t.shape for t in self.inputs]
        if len(shapes) != len(expected):
            raise ValueError(
                f'Layer "{self.name}" expects {len(expected)} input(s), but it received '
                f"{len(shapes)} input tensors. Expected input shapes: {expected}; received "
                f"shapes: {shapes}"
            )
        for i, (want, got) in enumerate(zip(expected, shapes)):
            if len(want) != len(got) or any(
                w is not None and g is not None and w != g for w, g in zip(want, got)
            ):
                raise ValueError(
                    f'Input {i} of layer "{self.name}" is incompatible with the layer: '
                    f"expected shape={want}, found shape={got}"
                )

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        if not self._is_graph_network:
            raise NotImplementedError(
                f"Model {self.name!r} has no graph: build it with Model(inputs, outputs) "
                "or subclass Model and implement `call`."
            )
        flat = flatten(inputs)
        self._check_inputs(inputs, [tuple(t.shape) for t in flat])
        values = {id(t): v for t, v in zip(self.inputs, flat)}
        if mask is not None:
            for tensor, m in zip(self.inputs, flatten(mask)):
                if m is not None:
                    values[id(tensor)]._keras_mask = m
        lookup = _lookup(values)
        for node in self._nodes:
            layer = node.layer
            args = map_structure(lookup, node.input_tensors)
            call_args = map_structure(lookup, node.call_args)
            kwargs = map_structure(lookup, node.call_kwargs)
            if training is not None and layer._call_takes_training:
                kwargs.setdefault("training", training)
            outputs = layer(args, *call_args, **kwargs)
            for tensor, value in zip(flatten(node.output_tensors), flatten(outputs)):
                values[id(tensor)] = value
        return map_structure(lookup, self._nested_outputs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        if not self._is_graph_network:
            return super().compute_output_shape(input_shape)
        shapes = [input_shape] if _is_one_shape(input_shape) else list(input_shape)
        self._check_inputs(input_shape, [tuple(s) for s in shapes])
        if [tuple(s) for s in shapes] == [t.shape for t in self.inputs]:
            return shape_structure(self._nested_outputs)
        known = {id(t): tuple(s) for t, s in zip(self.inputs, shapes)}
        for node in self._nodes:
            call_shape = getattr(node.layer, "compute_call_output_shape", None)
            if call_shape is not None:  # op layers: tensors also among the call's arguments
                placeholders = map_structure(
                    lambda v: (
                        SymbolicTensor(known[id(v)], v.dtype)
                        if isinstance(v, SymbolicTensor)
                        else v
                    ),
                    (node.input_tensors, node.call_args, node.call_kwargs),
                )
                out_shapes = call_shape(*placeholders)
            else:
                in_shapes = map_structure(lambda t: known.get(id(t)), node.input_tensors)
                out_shapes = node.layer.compute_output_shape(in_shapes)
            out_list = [out_shapes] if _is_one_shape(out_shapes) else list(out_shapes)
            for tensor, shape in zip(flatten(node.output_tensors), out_list):
                known[id(tensor)] = tuple(shape)
        return map_structure(lambda t: known[id(t)], self._nested_outputs)

    def build(self, input_shape: Any) -> None:
        self.built = True

    # ------------------------------------------------------------------- config

    def get_config(self) -> dict[str, Any]:
        if not self._is_graph_network:
            return super().get_config()
        node_ids = {id(node) for node in self._nodes}
        node_ids.update(id(t._keras_history.layer._inbound_nodes[0]) for t in self.inputs)

        def model_index(node: Node) -> int:  # index among the layer's nodes in this model
            own = [n for n in node.layer._inbound_nodes if id(n) in node_ids]
            # tf-keras counts a nested graph model's own node first
            return own.index(node) + int(bool(getattr(node.layer, "_is_graph_network", False)))

        def ref(tensor: SymbolicTensor) -> list[Any]:
            history = tensor._keras_history
            node = history.layer._inbound_nodes[history.node_index]
            return [history.layer.name, model_index(node), history.tensor_index]

        entries = []
        for layer in self.layers:
            entry = serialize_layer(layer)
            entry["name"] = layer.name
            nodes = [n for n in layer._inbound_nodes if id(n) in node_ids and n in self._nodes]
            entry["inbound_nodes"] = [serialize_node(n, ref) for n in nodes]
            entries.append(entry)
        return {
            "name": self.name,
            "trainable": self.trainable,
            "layers": entries,
            "input_layers": [ref(t) for t in self.inputs],
            "output_layers": [ref(t) for t in self.outputs],
        }

    @classmethod
    def from_config(  # type: ignore[override]
        cls, config: dict[str, Any], custom_objects: Mapping[str, Any] | None = None
    ) -> Model:
        """Recreate a model (new, unbuilt-weight layers) from ``get_config`` or a tf-keras /
        Keras 3 model config (inbound nodes with several tensors, keyword arguments holding
        tensors, constants as first argument, op layers' unwrapped nodes)."""
        if "layers" not in config:
            return cls(**config)
        layers: dict[str, Layer] = {}
        calls: dict[str, list[NodeCall]] = {}
        for entry in config["layers"]:
            layer = deserialize_layer(entry, custom_objects)
            layers[entry.get("name", layer.name)] = layer
            calls[entry.get("name", layer.name)] = [
                parse_node(data) for data in entry.get("inbound_nodes") or []
            ]
        legacy = all(is_legacy(d) for e in config["layers"] for d in e.get("inbound_nodes") or [])
        outputs = _call_layers(layers, calls, legacy)

        def tensor(ref: TensorRef) -> Any:
            if (ref.layer, ref.node_index) not in outputs:
                raise ValueError(
                    f"Invalid model config: no node {ref.node_index} of layer {ref.layer!r} "
                    f"(layers: {sorted(layers)})"
                )
            found = flatten(outputs[(ref.layer, ref.node_index)])
            if not 0 <= ref.tensor_index < len(found):
                raise ValueError(f"Invalid model config: no output tensor for {ref}")
            return found[ref.tensor_index]

        inputs = resolve(parse_refs(config["input_layers"]), tensor)
        outs = resolve(parse_refs(config["output_layers"]), tensor)
        return cls(
            inputs[0] if isinstance(inputs, list) and len(inputs) == 1 else inputs,
            outs[0] if isinstance(outs, list) and len(outs) == 1 else outs,
            name=config.get("name"),
            trainable=config.get("trainable", True),
        )

    def to_json(self, **kwargs: Any) -> str:
        """The architecture (no weights) as tf-keras's JSON, for ``models.model_from_json``;
        ``kwargs`` go to ``json.dumps``."""
        entry = serialize_layer(self)
        payload = {"class_name": entry["class_name"], "config": entry["config"]}
        return json.dumps({**payload, "backend": "torch"}, **kwargs)

    def extra_repr(self) -> str:
        return f"name={self.name!r}"


register_builtin(Model, "Functional")  # the class name tf-keras saves graph models under


def _is_one_shape(value: Any) -> bool:
    return isinstance(value, (tuple, list)) and all(
        d is None or (isinstance(d, int) and not isinstance(d, bool)) for d in value
    )


def _lookup(values: dict[int, Any]) -> Any:
    def find(item: Any) -> Any:
        return values[id(item)] if isinstance(item, SymbolicTensor) else item

    return find


def _call_layers(
    layers: dict[str, Layer], calls: dict[str, list[NodeCall]], legacy: bool
) -> dict[tuple[str, int], Any]:
    """Replay the config's layer calls on symbolic tensors, each layer's calls in order,
    as soon as their inputs exist; ``(layer name, node index)`` -> outputs."""
    outputs: dict[tuple[str, int], Any] = {}
    count: dict[str, int] = {}
    for name, layer in layers.items():
        if isinstance(layer, InputLayer):
            outputs[(name, 0)] = layer.output
        count[name] = int(legacy and bool(getattr(layer, "_is_graph_network", False)))
    pending = {name: list(queue) for name, queue in calls.items() if queue}

    def tensor(ref: TensorRef) -> Any:
        return flatten(outputs[(ref.layer, ref.node_index)])[ref.tensor_index]

    def ready(call: NodeCall) -> bool:
        refs = refs_in([call.inputs, call.args, call.kwargs])
        return all((ref.layer, ref.node_index) in outputs for ref in refs)

    while pending:
        progress = False
        for name in list(pending):
            queue = pending[name]
            while queue and ready(queue[0]):
                call, layer = queue.pop(0), layers[name]
                inputs = resolve(call.inputs, tensor)
                keep = getattr(layer, "_preserve_input_structure_in_config", False)
                if legacy and not keep and isinstance(inputs, list) and len(inputs) == 1:
                    inputs = inputs[0]
                args, kwargs = resolve(call.args, tensor), resolve(call.kwargs, tensor)
                outputs[(name, count[name])] = layer(inputs, *args, **kwargs)
                count[name] += 1
                progress = True
            if not queue:
                del pending[name]
        if not progress:
            waiting = {name: refs_in([q[0].inputs, q[0].kwargs]) for name, q in pending.items()}
            raise ValueError(f"Cannot rebuild the model graph: unresolved layer inputs {waiting}")
    return outputs


def nodes_in_order(outputs: list[SymbolicTensor], inputs: list[SymbolicTensor]) -> list[Node]:
    """The nodes between ``inputs`` and ``outputs``, each after the nodes it depends on."""
    input_ids = {id(t) for t in inputs}
    ordered: list[Node] = []
    done: set[int] = set()
    visiting: set[int] = set()

    def visit(tensor: SymbolicTensor) -> None:
        if id(tensor) in input_ids:
            return
        node = tensor.node
        if node is None or isinstance(node.layer, InputLayer):
            raise ValueError(
                f"Graph disconnected: cannot obtain value for tensor {tensor!r}. It comes from "
                f"an input that is not among the model inputs {inputs}."
            )
        if id(node) in done:
            return
        if id(node) in visiting:
            raise ValueError(f"The model graph has a cycle at layer {node.layer.name!r}.")
        visiting.add(id(node))
        for parent_tensor in node.inputs:
            visit(parent_tensor)
        visiting.discard(id(node))
        done.add(id(node))
        ordered.append(node)

    for tensor in outputs:
        visit(tensor)
    return ordered


def layers_in_keras_order(outputs: list[SymbolicTensor], inputs: list[SymbolicTensor]) -> list[Any]:
    """The layers between ``inputs`` and ``outputs`` in tf-keras' order (``model.layers``,
    which positional weight loading follows): deepest first (the inputs), layers at the
    same depth in the order a depth-first walk from the outputs first meets them."""
    first_seen: dict[int, int] = {}
    layers: dict[int, Any] = {}
    ordered = nodes_in_order(outputs, inputs)  # every node after the nodes it depends on
    expanded: set[int] = set()
    for tensor in outputs:  # first-meeting order of the walk from the outputs
        stack = [tensor]
        while stack:
            node = stack.pop().node
            if node is None or id(node) in expanded:
                continue
            expanded.add(id(node))
            if id(node.layer) not in first_seen:
                first_seen[id(node.layer)] = len(first_seen)
                layers[id(node.layer)] = node.layer
            if not isinstance(node.layer, InputLayer):
                stack.extend(reversed(node.inputs))
    node_depth: dict[int, int] = {}
    layer_depth: dict[int, int] = {}
    for node in reversed(ordered):
        depth = max(node_depth.get(id(node), 0), layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = node_depth[id(node)] = depth
        for parent in node.parent_nodes:
            node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    for tensor in inputs:
        layer = tensor._keras_history.layer
        layers.setdefault(id(layer), layer)
        first_seen.setdefault(id(layer), -1)
        if id(layer) not in layer_depth:
            layer_depth[id(layer)] = max(
                (node_depth.get(id(n), 0) for n in layer._inbound_nodes[:1]), default=0
            )
    return sorted(layers.values(), key=lambda x: (-layer_depth[id(x)], first_seen[id(x)]))
