"""Model configs as files hold them: checked and normalised on the way in, written in
tf-keras' forms on the way out.

Reading accepts tf-keras configs and Keras 3 ones, whose differences are normalised
here: a dtype policy dict becomes its name, InputLayer's ``batch_shape`` becomes
``batch_input_shape``, and Keras 3 options that have no counterpart are dropped when they
hold their inert default (``quantization_config``, ``lora_rank``, ``lora_alpha``, an
initializer's ``input_axes``/``output_axes``); any other value of them is refused. So are
``Lambda`` layers and serialized Python functions: their config is Python bytecode, and a
file is data.

>>> normalize_config({"class_name": "InputLayer",
...                   "config": {"batch_shape": [None, 3], "name": "x"}})["config"]
{'name': 'x', 'batch_input_shape': [None, 3]}
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..layers.registry import serialize_layer
from ..serialization import serialize_value
from .h5_io import FileError
from .weight_matching import keras_class_name

__all__ = ["config_json", "keras_model_entry", "legacy_model_entry", "normalize_config"]

# Keras 3 options convlayers has no counterpart for, with the value that means "off".
_INERT = {
    "quantization_config": None,
    "lora_rank": None,
    "lora_alpha": None,
    "input_axes": None,
    "output_axes": None,
}
_POLICIES = ("DTypePolicy", "FloatDTypePolicy", "Policy")
_FUNCTION_CLASSES = ("__lambda__", "__function__")


def _refuse_lambda(name: str) -> FileError:
    return FileError(
        f"Layer {name!r} is a Lambda layer, whose config holds Python bytecode; convlayers "
        "does not run code from files. Rewrite it as a layer class and pass that class in "
        "`custom_objects={'Lambda': YourLayer}`, or register it with "
        "`convlayers.saving.register_keras_serializable()`."
    )


def _policy_name(value: Mapping[str, Any], layer: str) -> str:
    name = (value.get("config") or {}).get("name")
    if not isinstance(name, str):
        raise FileError(f"Layer {layer!r} has an unreadable dtype policy: {dict(value)!r}")
    if name.startswith("mixed_"):
        raise FileError(
            f"Layer {layer!r} uses the mixed precision policy {name!r}, which convlayers does "
            "not support: it computes in one dtype per layer."
        )
    return name


def _normalize(value: Any, layer: str, custom_objects: Mapping[str, Any]) -> Any:
    if isinstance(value, list | tuple):
        return [_normalize(item, layer, custom_objects) for item in value]
    if not isinstance(value, Mapping):
        return value
    class_name = value.get("class_name")
    inner = value.get("config")
    if class_name in _POLICIES and isinstance(inner, Mapping):
        return _policy_name(value, layer)
    if isinstance(inner, Mapping) and isinstance(inner.get("name"), str):
        layer = inner["name"]  # the innermost named object: a layer (or an optimizer)
    if class_name == "Lambda" and "Lambda" not in custom_objects:
        raise _refuse_lambda(layer)
    if class_name in _FUNCTION_CLASSES:
        raise FileError(
            f"Layer {layer!r} holds a serialized Python function ({class_name}); convlayers "
            "does not run code from files. Pass the function in `custom_objects`."
        )
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key == "shared_object_id":
            continue
        if key in _INERT:
            if item != _INERT[key]:
                raise FileError(
                    f"Layer {layer!r} sets the Keras 3 option `{key}={item!r}`, which "
                    "convlayers does not support."
                )
            continue
        out[key] = _normalize(item, layer, custom_objects)
    if class_name == "InputLayer" and isinstance(out.get("config"), dict):
        config = out["config"]
        if "batch_shape" in config:
            config["batch_input_shape"] = config.pop("batch_shape")
    return out


def normalize_config(entry: Any, custom_objects: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A model (or layer) config entry from a file, checked and in the form
    ``deserialize_layer`` reads; FileError naming the layer for what is refused."""
    if (
        not isinstance(entry, Mapping)
        or not isinstance(entry.get("class_name"), str)
        or not isinstance(entry.get("config"), Mapping)
    ):
        raise FileError(
            "The model config must be a dict with 'class_name' and 'config'. "
            f"Received: {str(entry)[:200]}"
        )
    return _normalize(entry, str(entry["config"].get("name", "?")), custom_objects or {})


def _legacy(entry: Mapping[str, Any]) -> dict[str, Any]:
    kept = {k: entry[k] for k in ("class_name", "config", "name", "inbound_nodes") if k in entry}
    config = kept["config"]
    if isinstance(config, Mapping) and isinstance(config.get("layers"), list):
        kept["config"] = {**config, "layers": [_legacy(e) for e in config["layers"]]}
    return kept


def legacy_model_entry(model: Any) -> dict[str, Any]:
    """``{'class_name', 'config'}`` of ``model`` as tf-keras writes ``model_config`` in
    ``.h5`` files: layer entries without ``module``/``registered_name``/``build_config``."""
    return _legacy(serialize_layer(model))


def keras_model_entry(model: Any) -> dict[str, Any]:
    """The ``config.json`` entry of ``model`` as tf-keras writes it in ``.keras`` files."""
    entry = serialize_layer(model)
    if keras_class_name(model) == "Functional":
        entry.update(module="tf_keras.src.engine.functional", registered_name="Functional")
    return entry


def config_json(config: Any) -> str:
    """``config`` as JSON text (tuples as lists, NumPy values as numbers)."""
    return json.dumps(serialize_value(config))
