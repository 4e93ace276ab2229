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

__all__ = ["deserialize", "get", "serialize"]

_REGISTRY = Registry("loss", "keras.losses")
for _cls in (Loss, LossFunctionWrapper, *(getattr(classes, n) for n in classes.__all__)):
    _REGISTRY.add(_cls, snake_case=False)  # snake_case names are the functions'
for _name in functions.__all__:
    _REGISTRY.add(getattr(functions, _name), _name, snake_case=False)


def serialize(loss: Any) -> dict[str, Any] | None:
    """The tf-keras config dict of a loss object (or ``{'class_name': 'function', ...}``
    for a named function); None for None."""
    return _REGISTRY.serialize(loss, Loss)


def deserialize(
    name: str | Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None
) -> Any:
    """The loss function or object a name or config dict describes."""
    key = name.get("class_name") if isinstance(name, Mapping) else name
    if isinstance(name, Mapping) and key == "function":
        key = name.get("config")
    if isinstance(key, str) and key not in _REGISTRY.names() and key not in (custom_objects or {}):
        raise ValueError(
            f"Unknown loss function: {key!r}. Please ensure you are using a "
            "`keras.utils.custom_object_scope` and that this object is included in the scope. "
            f"`loss` must be one of {_REGISTRY.names()} or a callable. Received: loss={key!r}"
        )
    return _REGISTRY.deserialize(name, custom_objects)


def get(identifier: Any) -> Any:
    """None, a name, a config dict or a callable (returned as is) as a loss."""
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
