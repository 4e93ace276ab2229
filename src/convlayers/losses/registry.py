"""``get``, ``serialize`` and ``deserialize`` for losses, as ``tf.keras.losses`` has them.

A name gives the function of that name or alias ('mse', 'binary_crossentropy', 'kld',
...) or an instance of the class of that name ('MeanSquaredError'); a config dict gives an
instance; a callable is returned as is.

>>> get("mse").__name__, type(get("Huber")).__name__
('mean_squared_error', 'Huber')
>>> serialize(get("Huber"))["config"]
{'reduction': 'auto', 'name': 'huber_loss', 'delta': 1.0, 'fn': 'huber'}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..serialization import Registry
from . import classes, functions
from .base import Loss, LossFunctionWrapper

__all__ = ["check_known", "deserialize", "get", "serialize"]

_REGISTRY = Registry("loss", "keras.losses")
for _cls in (Loss, LossFunctionWrapper, *(getattr(classes, n) for n in classes.__all__)):
    _REGISTRY.add(_cls, snake_case=False)  # snake_case names are the functions'
for _name in functions.__all__:
    _REGISTRY.add(getattr(functions, _name), _name, snake_case=False)


def serialize(loss: Any) -> dict[str, Any] | None:
    """The tf-keras config dict of a loss object (or ``{'class_name': 'function', ...}``
    for a named function); None for None.

    >>> from convlayers import losses
    >>> losses.serialize(losses.Huber(delta=2.0))['config']['delta']
    2.0
    >>> losses.serialize(losses.mse)
    {'module': 'builtins', 'class_name': 'function', 'config': 'mean_squared_error',
     'registered_name': 'function'}
    """
    return _REGISTRY.serialize(loss, Loss)


def check_known(
    registry: Registry,
    config: Any,
    custom_objects: Mapping[str, Any] | None,
    kind: str,
    argument: str,
) -> None:
    """``ValueError`` in tf-keras' words ("Unknown loss function: 'x'. ...") when the name
    or config dict ``config`` names nothing ``registry`` or ``custom_objects`` knows."""
    key = config.get("class_name") if isinstance(config, Mapping) else config
    if isinstance(config, Mapping) and key == "function":
        key = config.get("config")
    if isinstance(key, str) and key not in registry.names() and key not in (custom_objects or {}):
        raise ValueError(
            f"Unknown {kind} function: {key!r}. Please ensure you are using a "
            "`keras.utils.custom_object_scope` and that this object is included in the scope. "
            f"`{argument}` must be one of {registry.names()} or a callable. "
            f"Received: {argument}={key!r}"
        )


def deserialize(
    name: str | Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None
) -> Any:
    """The loss function or object a name or config dict describes.

    >>> from convlayers import losses
    >>> losses.deserialize('mse') is losses.mean_squared_error
    True
    >>> type(losses.deserialize({'class_name': 'Huber', 'config': {'delta': 2.0}})).__name__
    'Huber'
    """
    check_known(_REGISTRY, name, custom_objects, "loss", "loss")
    return _REGISTRY.deserialize(name, custom_objects)


def get(identifier: Any) -> Any:
    """None, a name, a config dict or a callable (returned as is) as a loss.

    >>> from convlayers import losses
    >>> losses.get('categorical_crossentropy').__name__
    'categorical_crossentropy'
    >>> type(losses.get('CategoricalCrossentropy')).__name__
    'CategoricalCrossentropy'
    """
    if identifier is None:
        return None
    if isinstance(identifier, str | Mapping):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(
        f"Could not interpret loss function identifier: {identifier}. `loss` must be None, "
        f"a name, a config dict or a callable. Received: loss={identifier!r}"
    )
