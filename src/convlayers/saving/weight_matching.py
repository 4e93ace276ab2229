"""Match weights read from a file to a model's weights, then assign them all at once.

Each ``plan_*`` function checks everything first (layer and weight counts, every shape,
numeric data) and returns the list of ``(parameter, value)`` pairs; only
:func:`assign` changes the model. So a file that does not fit raises a ValueError naming
the layer, the weight and both shapes, and leaves every weight exactly as it was.

Keras order and names: a layer's weights are its trainable ones then its non-trainable
ones (``layer.weights``); tf-keras names them ``'<layer>/<weight>:0'``; the variable store
of ``.keras`` files keeps each layer's own weights at ``layers/<snake_case class>[_n]``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import numpy as np
import torch

from ..layers.base import Layer
from ..naming import to_snake_case
from .h5_io import FileError
from .h5_tree import LegacyWeights, NamedArrays, VarsStore

__all__ = [
    "assign",
    "keras_class_name",
    "keras_weight_names",
    "own_weights",
    "plan_by_name",
    "plan_topological",
    "plan_vars",
    "store_paths",
]

Plan = list[tuple[torch.nn.Parameter, torch.Tensor]]


def keras_class_name(layer: Layer) -> str:
    """The class name Keras saves ``layer`` under ('Functional' for a graph ``Model``)."""
    name = type(layer).__name__
    return "Functional" if name == "Model" and getattr(layer, "_is_graph_network", False) else name


def own_weights(layer: Layer) -> list[tuple[str, torch.nn.Parameter]]:
    """The layer's own weights (not its sublayers'), ``(name, parameter)``, Keras order."""
    specs = layer._weight_specs.items()
    ordered = [n for n, s in specs if s.trainable] + [n for n, s in specs if not s.trainable]
    return [(name, layer._parameters[name]) for name in ordered]


def keras_weight_names(layer: Layer) -> list[tuple[str, torch.nn.Parameter]]:
    """``layer.weights`` with the names tf-keras gives them: ``'conv1d/kernel:0'``."""
    names = {
        id(param): f"{owner.name}/{name}:0"
        for owner in layer._flatten_layers()
        for name, param in own_weights(owner)
    }
    return [(names[id(param)], param) for param in layer.weights]


def _value(
    layer: Layer, where: str, weight: str, param: torch.nn.Parameter, array: np.ndarray
) -> torch.Tensor:
    expected, received = tuple(param.shape), tuple(array.shape)
    if expected != received:
        raise FileError(
            f"Shape mismatch in layer {where} (named {layer.name}) for weight {weight}. "
            f"Weight expects shape {expected}. Received saved weight with shape {received}"
        )
    return torch.from_numpy(np.ascontiguousarray(array)).to(param.dtype)


def _skip(message: str) -> None:
    warnings.warn(f"Skipping loading of weights: {message}", UserWarning, stacklevel=4)


def _check_built(model: Layer) -> None:
    if not model.built:
        raise FileError(
            f"Model {model.name!r} has no weights yet: build it (call it on data, or give its "
            "first layer an input shape) before loading weights."
        )


def _pair(
    layer: Layer,
    where: str,
    targets: list[tuple[str, torch.nn.Parameter]],
    arrays: list[np.ndarray],
    count_error: str,
    skip_mismatch: bool,
) -> Plan:
    """``targets`` paired with the saved ``arrays``; a different count (``count_error``) or
    shape raises, or with ``skip_mismatch`` is skipped with a warning."""
    if len(arrays) != len(targets):
        if skip_mismatch:
            _skip(count_error)
            return []
        raise FileError(count_error)
    plan: Plan = []
    for (weight, param), array in zip(targets, arrays):
        try:
            plan.append((param, _value(layer, where, weight, param, array)))
        except FileError as error:
            if not skip_mismatch:
                raise
            _skip(str(error))
    return plan


def _top_level(model: Layer, saved: NamedArrays, skip_mismatch: bool) -> Plan:
    targets = [(f"{model.name}/{name}:0", param) for name, param in own_weights(model)]
    message = (
        f"Weight count mismatch for top-level weights of model {model.name}. Model expects "
        f"{len(targets)} top-level weight(s). Received {len(saved)} saved top-level weight(s)"
    )
    arrays = [array for _, array in saved]
    return _pair(model, "(top level)", targets, arrays, message, skip_mismatch)


def plan_topological(model: Layer, saved: LegacyWeights) -> Plan:
    """Legacy h5 weights by position: the k-th saved layer with weights goes to the k-th
    layer of ``model.layers`` with weights, as tf-keras loads them."""
    _check_built(model)
    layers = [layer for layer in model.layers if layer.weights]
    stored = [(name, values) for name, values in saved.layers if values]
    if len(stored) != len(layers):
        raise FileError(
            "Layer count mismatch when loading weights from file. Model expected "
            f"{len(layers)} layers, found {len(stored)} saved layers. (Model layers with "
            f"weights: {[layer.name for layer in layers]}; saved: {[n for n, _ in stored]})"
        )
    plan: Plan = []
    for k, (layer, (name, values)) in enumerate(zip(layers, stored)):
        targets = keras_weight_names(layer)
        message = (
            f"Weight count mismatch for layer #{k} (named {layer.name} in the current "
            f"model, {name} in the save file). Layer expects {len(targets)} weight(s). "
            f"Received {len(values)} saved weight(s)"
        )
        arrays = [array for _, array in values]
        plan += _pair(layer, f"#{k}", targets, arrays, message, False)
    return plan + _top_level(model, saved.top_level, False)


def plan_by_name(model: Layer, saved: LegacyWeights, skip_mismatch: bool = False) -> Plan:
    """Legacy h5 weights by layer name: saved layers without a namesake are ignored; with
    ``skip_mismatch`` a layer whose weight count differs, or a weight whose shape differs,
    is skipped with a warning instead of raising (as tf-keras' ``by_name=True``)."""
    _check_built(model)
    index: dict[str, list[Layer]] = {}
    for layer in model.layers:
        index.setdefault(layer.name, []).append(layer)
    plan: Plan = []
    for k, (name, values) in enumerate(saved.layers):
        for layer in index.get(name, []):
            targets = keras_weight_names(layer)
            message = (
                f"Weight count mismatch for layer #{k} (named {layer.name}). Layer expects "
                f"{len(targets)} weight(s). Received {len(values)} saved weight(s)"
            )
            arrays = [array for _, array in values]
            plan += _pair(layer, f"#{k}", targets, arrays, message, skip_mismatch)
    return plan + _top_level(model, saved.top_level, skip_mismatch)


def store_paths(layer: Layer, path: str = "") -> Iterator[tuple[str, Layer]]:
    """Every layer below ``layer`` (itself first) with its path in a variable store: the
    layers of a model under ``<path>/layers/<snake_case class>[_n]``, a sublayer held as
    an attribute under ``<path>/<attribute>``."""
    yield path, layer
    prefix = f"{path}/" if path else ""
    if hasattr(layer, "_is_graph_network"):  # a model: its layers, as Keras lists them
        used: dict[str, int] = {}
        for child in layer.layers:
            base = to_snake_case(keras_class_name(child))
            used[base] = used.get(base, -1) + 1
            name = base if used[base] == 0 else f"{base}_{used[base]}"
            yield from store_paths(child, f"{prefix}layers/{name}")
        return
    for attribute, child in layer.named_children():
        if isinstance(child, Layer):
            yield from store_paths(child, f"{prefix}{attribute}")


_NOT_LAYERS = ("optimizer", "metrics")  # objects of the store that are not the model's


def plan_vars(model: Layer, store: VarsStore, skip_mismatch: bool = False) -> Plan:
    """Weights from a ``.keras`` / ``.weights.h5`` variable store, layer by layer."""
    _check_built(model)
    plan: Plan = []
    visited = set()
    for path, layer in store_paths(model):
        visited.add(path)
        targets = [(f"{layer.name}/{name}:0", param) for name, param in own_weights(layer)]
        saved = store.vars.get(path, [])
        message = (
            f"Layer '{layer.name}' expected {len(targets)} variables, but received "
            f"{len(saved)} variables during loading. Expected: {[n for n, _ in targets]} "
            f"(at '{path or '/'}')"
        )
        where = f"at '{path or '/'}'"
        plan += _pair(layer, where, targets, saved, message, skip_mismatch)
    unused = sorted(
        path
        for path, arrays in store.vars.items()
        if arrays and path not in visited and path.split("/")[0] not in _NOT_LAYERS
    )
    if unused and not skip_mismatch:
        raise FileError(
            f"The file holds weights that match no layer of model {model.name!r}: at {unused}"
        )
    return plan


def assign(plan: Plan) -> None:
    """Copy every planned value into its parameter (after all checks have passed)."""
    with torch.no_grad():
        for param, value in plan:
            param.copy_(value)
