"""Layer configs as tf-keras writes them inside model configs, and back.

``serialize_layer`` gives ``{'module', 'class_name', 'config', 'registered_name'}``
(plus ``build_config`` for a built layer); ``deserialize_layer`` finds the class by
name among the convlayers layers and models, or in ``custom_objects``.

>>> import convlayers
>>> entry = serialize_layer(convlayers.Flatten(name="f"))
>>> entry["class_name"], deserialize_layer(entry).name
('Flatten', 'f')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["deserialize_layer", "layer_classes", "serialize_layer"]


def layer_classes() -> dict[str, type]:
    """Every public layer and model class of convlayers, by class name."""
    from .. import layers
    from ..layers.base import Layer
    from .functional import Model
    from .sequential import Sequential

    found = {
        name: value
        for name in dir(layers)
        if isinstance(value := getattr(layers, name), type) and issubclass(value, Layer)
    }
    found.update(Model=Model, Functional=Model, Sequential=Sequential)
    return found


def serialize_layer(layer: Any) -> dict[str, Any]:
    """The tf-keras config entry of ``layer``."""
    class_name = type(layer).__name__
    from .functional import Model

    if type(layer) is Model and layer._is_graph_network:
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
    classes = {**layer_classes(), **dict(custom_objects or {})}
    class_name = config["class_name"]
    if class_name not in classes:
        raise ValueError(
            f"Unknown layer: '{class_name}'. Please ensure you are using a convlayers layer "
            "or pass the class in `custom_objects`."
        )
    cls = classes[class_name]
    inner = dict(config.get("config", {}))
    if hasattr(cls, "_is_graph_network"):  # models take custom_objects for their layers
        return cls.from_config(inner, custom_objects=custom_objects)
    return cls.from_config(inner)


def _built_input_shape(layer: Any) -> Any:
    if not layer.built or not getattr(layer, "_inbound_nodes", None):
        return None
    try:
        return layer.input_shape
    except AttributeError:
        return None
