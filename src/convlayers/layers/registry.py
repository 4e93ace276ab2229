"""The layer registry, and layer configs as tf-keras writes them inside model configs.

Every layer and model class defined in convlayers registers itself when its class
is created (``Layer.__init_subclass__``); models add the Keras alias they are
saved under ('Functional'). User classes are registered explicitly with
:func:`register_keras_serializable` or passed per call in ``custom_objects``.
Deserialization looks a ``class_name`` up here and nowhere else: no name read from
a config is ever imported.

``serialize_layer`` gives ``{'module', 'class_name', 'config', 'registered_name'}``
(plus ``build_config`` for a built layer); ``deserialize_layer`` makes the layer back.

>>> import convlayers
>>> entry = serialize_layer(convlayers.Flatten(name="f"))
>>> entry["class_name"], deserialize_layer(entry).name
('Flatten', 'f')
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

__all__ = [
    "deserialize_layer",
    "get_registered_object",
    "layer_class",
    "register_builtin",
    "register_keras_serializable",
    "serialize_layer",
]

_BUILTIN: dict[str, type] = {}  # convlayers' own classes, by class name and alias
_CUSTOM: dict[str, Any] = {}  # user objects, by 'package>name' and by name


def register_builtin(cls: type, *aliases: str) -> None:
    """Register a convlayers class under its name and ``aliases`` (called for every
    class defined in the package; ``Model`` adds 'Functional')."""
    for name in (cls.__name__, *aliases):
        _BUILTIN[name] = cls


def register_keras_serializable(
    package: str = "Custom", name: str | None = None
) -> Callable[[Any], Any]:
    """Decorator that registers a custom layer (or any object) for deserialization.

    As ``tf.keras.utils.register_keras_serializable``: the object is found by
    ``'package>name'`` (its ``registered_name``) and by its class name, so a model
    file that holds it loads without ``custom_objects``.

    >>> import convlayers
    >>> @register_keras_serializable(package="Docs")
    ... class Scale(convlayers.Layer):
    ...     def compute_output_shape(self, input_shape):
    ...         return input_shape
    >>> layer_class("Docs>Scale") is Scale, layer_class("Scale") is Scale
    (True, True)
    """

    def decorator(obj: Any) -> Any:
        key = name or obj.__name__
        if isinstance(obj, type) and not callable(getattr(obj, "get_config", None)):
            raise ValueError(f"Cannot register {obj!r}: a class must have a `get_config` method.")
        _CUSTOM[f"{package}>{key}"] = obj
        _CUSTOM[key] = obj
        return obj

    return decorator


def get_registered_object(name: str, custom_objects: Mapping[str, Any] | None = None) -> Any | None:
    """The object registered (or passed in ``custom_objects``) as ``name``, or None.

    >>> import convlayers
    >>> convlayers.utils.get_registered_object('Conv1D') is convlayers.Conv1D
    True
    >>> convlayers.utils.get_registered_object('Mine', custom_objects={'Mine': int})
    <class 'int'>
    """
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name in _CUSTOM:
        return _CUSTOM[name]
    return _BUILTIN.get(name)


def layer_class(name: str, custom_objects: Mapping[str, Any] | None = None) -> type:
    """The layer class registered as ``name``; ValueError naming it when there is none."""
    found = get_registered_object(name, custom_objects) if isinstance(name, str) else None
    if not isinstance(found, type):
        raise ValueError(
            f"Unknown layer: '{name}'. Please ensure you are using a convlayers layer, pass "
            "the class in `custom_objects`, or register it with "
            "`convlayers.saving.register_keras_serializable()`."
        )
    return found


def serialize_layer(layer: Any) -> dict[str, Any]:
    """The tf-keras config entry of ``layer``."""
    class_name = type(layer).__name__
    if class_name == "Model" and getattr(layer, "_is_graph_network", False):
        class_name = "Functional"
    entry = {
        "module": "keras.layers" if class_name not in ("Functional", "Sequential") else "keras",
        "class_name": class_name,
        "config": layer.get_config(),
        "registered_name": None,
    }
    shape = None if class_name == "InputLayer" else _built_input_shape(layer)
    if shape is not None:
        entry["build_config"] = {"input_shape": shape}
    return entry


def deserialize_layer(
    config: Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None
) -> Any:
    """A new (unbuilt) layer from a ``serialize_layer`` entry."""
    if not isinstance(config, Mapping) or "class_name" not in config:
        raise ValueError(
            "A layer config must be a dict with 'class_name' and 'config'. "
            f"Received: config={config!r}"
        )
    registered = config.get("registered_name")
    name = config["class_name"]
    if isinstance(registered, str) and get_registered_object(registered, custom_objects):
        name = registered
    cls = layer_class(name, custom_objects)
    inner = dict(config.get("config", {}))
    if _takes_custom_objects(cls):  # models (for their layers) and Lambda (its functions)
        return cls.from_config(inner, custom_objects=custom_objects)
    return cls.from_config(inner)


def _takes_custom_objects(cls: type) -> bool:
    try:
        return "custom_objects" in inspect.signature(cls.from_config).parameters
    except (TypeError, ValueError):
        return False


def _built_input_shape(layer: Any) -> Any:
    if not layer.built or not getattr(layer, "_inbound_nodes", None):
        return None
    try:
        return layer.input_shape
    except AttributeError:
        return None
