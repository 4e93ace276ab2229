"""``convlayers.models``: the Keras model classes and the functions that rebuild models.

``from tensorflow.keras.models import Model, Sequential, load_model`` becomes
``from convlayers.models import Model, Sequential, load_model``.

>>> import convlayers
>>> from convlayers.models import Sequential, clone_model, model_from_json
>>> model = Sequential([convlayers.layers.Dense(2, input_shape=(3,))])
>>> again = model_from_json(model.to_json())
>>> type(again).__name__, again.output_shape, again.count_params()
('Sequential', (None, 2), 8)
>>> clone_model(model).layers[0] is model.layers[0]
False
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from .engine.functional import Model
from .engine.sequential import Sequential
from .layers.base import Layer
from .layers.registry import deserialize_layer, serialize_layer
from .saving import load_model, save_model

__all__ = [
    "Model",
    "Sequential",
    "clone_model",
    "load_model",
    "model_from_config",
    "model_from_json",
    "save_model",
]


def model_from_config(
    config: Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None
) -> Layer:
    """A new model (or layer) from ``{"class_name": ..., "config": ...}``; weights are new.

    >>> import convlayers
    >>> model = convlayers.Sequential([convlayers.Dense(2, input_shape=(3,))])
    >>> config = {'class_name': 'Sequential', 'config': model.get_config()}
    >>> model_from_config(config).output_shape
    (None, 2)
    """
    if not isinstance(config, Mapping) or "class_name" not in config:
        raise ValueError(
            "`model_from_config` expects a dict with 'class_name' and 'config' (as "
            f"`{{'class_name': type(model).__name__, 'config': model.get_config()}}`). "
            f"Received: config={config!r}"
        )
    return deserialize_layer(config, custom_objects)


def model_from_json(json_string: str, custom_objects: Mapping[str, Any] | None = None) -> Layer:
    """A new model from the JSON ``model.to_json()`` writes (tf-keras's form).

    >>> import convlayers
    >>> model = convlayers.Sequential([convlayers.Dense(2, input_shape=(3,))])
    >>> model_from_json(model.to_json()).count_params()
    8
    """
    try:
        config = json.loads(json_string)
    except (TypeError, ValueError) as error:
        raise ValueError(f"`json_string` is not valid JSON: {error}") from error
    return model_from_config(config, custom_objects)


def clone_model(
    model: Model, input_tensors: Any = None, clone_function: Callable[[Layer], Layer] | None = None
) -> Model:
    """A new model with the same architecture and freshly initialised weights.

    As ``tf.keras.models.clone_model`` for Sequential and functional models built from
    layers; ``clone_function`` (given each layer's config entry's layer) and
    ``input_tensors`` are not supported and say so.

    >>> import convlayers
    >>> model = convlayers.Sequential([convlayers.Dense(2, input_shape=(3,))])
    >>> twin = clone_model(model)
    >>> twin.output_shape, twin.layers[0] is model.layers[0]
    ((None, 2), False)
    """
    if input_tensors is not None or clone_function is not None:
        raise ValueError(
            "`clone_model` rebuilds a model from its config only; `input_tensors` and "
            f"`clone_function` are not supported. Received: input_tensors={input_tensors!r}, "
            f"clone_function={clone_function!r}"
        )
    if not isinstance(model, Model) or not model._is_graph_network:
        raise ValueError(
            "`clone_model` takes a Sequential or functional Model built from layers. "
            f"Received: model={model!r}"
        )
    return deserialize_layer(serialize_layer(model))
