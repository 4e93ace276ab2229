"""A node of a functional model in a model config, in the form tf-keras 2.21 writes it.

A node is a list with one ``[layer_name, node_index, tensor_index, kwargs]`` entry per
input tensor: ``[[a, 0, 0, {}], [b, 0, 0, {}]]`` for a merge layer. ``kwargs`` holds the
call's other arguments, a symbolic tensor among them as ``[layer_name, node_index,
tensor_index]``. A constant first argument (the 2.0 of ``2.0 - x``) is written
``['_CONSTANT_VALUE', -1, 2.0, kwargs]``. Op layers (``_preserve_input_structure_in_config``)
keep their first argument's structure: one tensor is a bare entry, not a list of one.

>>> import convlayers
>>> x = convlayers.Input((3,), name="x")
>>> y = 2.0 - x
>>> ref = lambda t: [t.node.layer.name, 0, 0]
>>> node_config(y.node, ref)
['_CONSTANT_VALUE', -1, 2.0, {'y': ['x', 0, 0], 'name': None}]
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from ..symbolic import Node, SymbolicTensor, map_structure

__all__ = ["CONSTANT_VALUE", "InputNotReady", "node_config", "parse_node"]

CONSTANT_VALUE = "_CONSTANT_VALUE"


class InputNotReady(Exception):
    """A node refers to a tensor whose layer has not been called yet."""


def _plain(value: Any) -> Any:
    """A constant as JSON-ready Python data (arrays and tensors as nested lists)."""
    if isinstance(value, (torch.Tensor, np.ndarray)):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _named_arguments(node: Node) -> dict[str, Any]:
    """The call's arguments after the first, all by name (positional ones named from the
    layer's ``call`` signature, as tf-keras does)."""
    kwargs = dict(node.call_kwargs)
    if node.call_args:
        parameters = [
            p.name
            for p in inspect.signature(node.layer.call).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ][1:]
        if len(node.call_args) > len(parameters):
            raise ValueError(
                f"Layer {node.layer.name!r} was called with positional arguments that have "
                f"no name in its `call` signature; they cannot be saved in a config. "
                f"Received: args={node.call_args!r}"
            )
        kwargs = {**dict(zip(parameters, node.call_args)), **kwargs}
    return kwargs


def node_config(node: Node, ref: Callable[[SymbolicTensor], list[Any]]) -> Any:
    """The config form of ``node``; ``ref(tensor)`` gives ``[layer_name, node_index,
    tensor_index]`` of a symbolic tensor."""
    kwargs = map_structure(
        lambda v: ref(v) if isinstance(v, SymbolicTensor) else _plain(v), _named_arguments(node)
    )

    def entry(value: Any) -> list[Any]:
        if isinstance(value, SymbolicTensor):
            return [*ref(value), kwargs]
        return [CONSTANT_VALUE, -1, _plain(value), kwargs]

    inputs = node.input_tensors
    if isinstance(inputs, (list, tuple)):
        return [entry(value) for value in inputs]
    if getattr(node.layer, "_preserve_input_structure_in_config", False):
        return entry(inputs)
    return [entry(inputs)]


def _is_ref(value: Any) -> bool:
    """tf-keras' test for a tensor reference: a list of 3 or 4 starting with a name."""
    return isinstance(value, (list, tuple)) and len(value) in (3, 4) and isinstance(value[0], str)


def parse_node(data: Any, layer: Any, tensor: Callable[..., Any]) -> tuple[Any, dict[str, Any]]:
    """``(inputs, kwargs)`` to call ``layer`` with for the config node ``data``;
    ``tensor(name, node_index, tensor_index)`` resolves a reference (and raises
    ``InputNotReady`` when its layer has not been called yet)."""
    kwargs: dict[str, Any] = {}

    def walk(item: Any) -> Any:
        nonlocal kwargs
        if _is_ref(item):
            if len(item) == 4:
                kwargs = dict(item[3] or {})
            return item[2] if item[0] == CONSTANT_VALUE else tensor(*item[:3])
        if isinstance(item, (list, tuple)):
            return [walk(value) for value in item]
        raise ValueError(
            f"Improperly formatted model config: a node entry must be [layer_name, "
            f"node_index, tensor_index, kwargs]. Received: {item!r}"
        )

    inputs = walk(data)
    preserve = getattr(layer, "_preserve_input_structure_in_config", False)
    if not preserve and isinstance(inputs, list) and len(inputs) == 1:
        inputs = inputs[0]
    return inputs, _resolve(kwargs, tensor)


def _resolve(value: Any, tensor: Callable[..., Any]) -> Any:
    if isinstance(value, dict):
        return {key: _resolve(item, tensor) for key, item in value.items()}
    if _is_ref(value):
        return tensor(*value[:3])
    if isinstance(value, (list, tuple)):
        return [_resolve(item, tensor) for item in value]
    return value
