"""The inbound-node data of functional model configs, in both forms Keras writes.

- tf-keras (legacy, in ``.h5`` files and tf-keras ``.keras`` files): a node is a nested
  structure of references ``[layer_name, node_index, tensor_index, kwargs]`` (one per
  input tensor; the call kwargs repeated on each); a constant input is
  ``['_CONSTANT_VALUE', -1, value, kwargs]``; a tensor inside kwargs is
  ``[layer_name, node_index, tensor_index]``.
- Keras 3 (``.keras`` files): ``{"args": [...], "kwargs": {...}}`` whose tensors are
  ``{"class_name": "__keras_tensor__", "config": {"keras_history": [name, node, index]}}``.

In the legacy form a nested model built from an ``Input`` counts its own graph node
first, so references to its calls start at node 1; Keras 3 starts them at 0.

>>> call = parse_node([["dense", 0, 0, {"training": False}]])
>>> call.inputs, call.kwargs
([TensorRef(layer='dense', node_index=0, tensor_index=0)], {'training': False})
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import torch

from ..serialization import deserialize_value, serialize_value
from ..symbolic import SymbolicTensor, map_structure

__all__ = [
    "CONSTANT",
    "NodeCall",
    "TensorRef",
    "is_legacy",
    "parse_node",
    "parse_refs",
    "refs_in",
    "resolve",
    "serialize_node",
]

CONSTANT = "_CONSTANT_VALUE"


class TensorRef(NamedTuple):
    """Output ``tensor_index`` of call ``node_index`` of layer ``layer``."""

    layer: str
    node_index: int
    tensor_index: int


@dataclass
class NodeCall:
    """One call of a layer in a model config: ``layer(inputs, *args, **kwargs)``."""

    inputs: Any
    args: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_legacy_ref(item: Any) -> bool:
    return (
        isinstance(item, list | tuple)
        and len(item) in (3, 4)
        and isinstance(item[0], str)
        and _is_int(item[1])
        and (_is_int(item[2]) or item[0] == CONSTANT)
    )


def _bad(data: Any) -> ValueError:
    return ValueError(f"Improperly formatted model config: cannot read node data {data!r}")


def _legacy_kwarg(value: Any) -> Any:
    """tf-keras kwargs: ``[name, node, tensor]`` lists are tensors, the rest values."""
    if _is_legacy_ref(value) and len(value) == 3:
        return TensorRef(*value)
    if isinstance(value, list):
        return [_legacy_kwarg(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _legacy_kwarg(item) for key, item in value.items()}
    return value


def _keras3_value(value: Any) -> Any:
    """Keras 3 arguments: ``__keras_tensor__`` dicts are tensors, arrays are decoded."""
    if isinstance(value, Mapping):
        if value.get("class_name") == "__keras_tensor__":
            history = (value.get("config") or {}).get("keras_history")
            if not _is_legacy_ref(history) or len(history) != 3:
                raise _bad(value)
            return TensorRef(*history)
        if value.get("class_name") in ("__numpy__", "__tensor__"):
            return deserialize_value(value)
        if "class_name" in value:
            raise ValueError(
                f"Node arguments of class {value['class_name']!r} are not supported. "
                f"Received: {value!r}"
            )
        return {key: _keras3_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_keras3_value(item) for item in value]
    return value


def is_legacy(node_data: Any) -> bool:
    """Whether one entry of ``inbound_nodes`` is in the tf-keras (list) form."""
    return not (isinstance(node_data, Mapping) and "args" in node_data)


def parse_node(node_data: Any) -> NodeCall:
    """One entry of a layer's ``inbound_nodes`` as a :class:`NodeCall` whose tensors are
    :class:`TensorRef` leaves (constants stay values)."""
    if not is_legacy(node_data):
        args = _keras3_value(node_data.get("args") or [])
        if not args:
            raise _bad(node_data)
        return NodeCall(args[0], args[1:], _keras3_value(node_data.get("kwargs") or {}))
    kwargs: dict[str, Any] = {}

    def leaf(item: Any) -> Any:
        nonlocal kwargs
        if len(item) == 4:
            if not isinstance(item[3], Mapping):
                raise _bad(node_data)
            kwargs = {key: _legacy_kwarg(value) for key, value in item[3].items()}
        return item[2] if item[0] == CONSTANT else TensorRef(*item[:3])

    def walk(item: Any) -> Any:
        if _is_legacy_ref(item):
            return leaf(item)
        if isinstance(item, list | tuple):
            return [walk(x) for x in item]
        if isinstance(item, Mapping):
            return {key: walk(x) for key, x in item.items()}
        raise _bad(node_data)

    inputs = walk(node_data)
    return NodeCall(inputs, [], kwargs)


def parse_refs(data: Any) -> Any:
    """``input_layers``/``output_layers``: one reference, or a list/dict of them."""
    if _is_legacy_ref(data) and len(data) == 3:
        return TensorRef(*data)
    if isinstance(data, list | tuple):
        return [parse_refs(item) for item in data]
    if isinstance(data, Mapping):
        return {key: parse_refs(item) for key, item in data.items()}
    raise _bad(data)


def refs_in(structure: Any) -> list[TensorRef]:
    """Every :class:`TensorRef` in ``structure``."""
    if isinstance(structure, TensorRef):
        return [structure]
    if isinstance(structure, list | tuple):
        return [ref for item in structure for ref in refs_in(item)]
    if isinstance(structure, Mapping):
        return [ref for item in structure.values() for ref in refs_in(item)]
    return []


def resolve(structure: Any, tensor: Callable[[TensorRef], Any]) -> Any:
    """``structure`` with every :class:`TensorRef` replaced by ``tensor(ref)``."""
    if isinstance(structure, TensorRef):
        return tensor(structure)
    if isinstance(structure, list | tuple):
        return [resolve(item, tensor) for item in structure]
    if isinstance(structure, Mapping):
        return {key: resolve(item, tensor) for key, item in structure.items()}
    return structure


def _constant(value: Any) -> Any:
    """A constant call argument as tf-keras writes it in a legacy node: arrays and tensors
    as nested lists (which tf-keras reads back as the op's constant), scalars as numbers."""
    if isinstance(value, torch.Tensor | np.ndarray):
        return value.tolist()
    return serialize_value(value)


def serialize_node(node: Any, ref: Callable[[SymbolicTensor], list[Any]]) -> Any:
    """A node in tf-keras' form: each input tensor ``[*ref(t), kwargs]``, other call
    arguments as kwargs by parameter name, tensors in them as ``ref(t)``."""
    layer = node.layer
    kwargs = dict(node.call_kwargs)
    if node.call_args:  # named from the layer's `call` signature, as tf-keras does
        names = [
            p.name
            for p in inspect.signature(layer.call).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ][1:]
        if len(node.call_args) > len(names):
            raise ValueError(
                f"Layer {layer.name!r} was called with positional arguments that have no "
                "name in its `call` signature; they cannot be saved in a config. "
                f"Received: args={node.call_args!r}"
            )
        kwargs = {**dict(zip(names, node.call_args)), **kwargs}

    def plain(value: Any) -> Any:
        return ref(value) if isinstance(value, SymbolicTensor) else _constant(value)

    kwargs = map_structure(plain, kwargs)

    def entry(item: Any) -> list[Any]:
        if isinstance(item, SymbolicTensor):
            return [*ref(item), kwargs]
        return [CONSTANT, -1, _constant(item), kwargs]

    data = map_structure(entry, node.input_tensors)
    single = not isinstance(node.input_tensors, list | tuple | dict)
    if single and not getattr(layer, "_preserve_input_structure_in_config", False):
        return [data]
    return data
