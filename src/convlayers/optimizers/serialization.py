"""``get``, ``serialize`` and ``deserialize`` of optimizers, with tf-keras 2.21's names and forms.

``get`` takes what ``compile`` takes: an optimizer instance (returned as is; a
``torch.optim.Optimizer`` too), a name (``'adam'``, ``'sgd'``, ``'rmsprop'``, ... in any case)
or a config dict. ``serialize`` gives ``{"module": "keras.optimizers", "class_name": ...,
"config": get_config(), "registered_name": None}``.

>>> opt = get("adam")
>>> type(opt).__name__, float(opt.learning_rate)
('Adam', 0.0010000000474974513)
>>> serialize(deserialize(serialize(opt))) == serialize(opt)
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

from ..serialization import serialize_custom, serialize_object, type_error
from .adagrad import Adadelta, Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .base import Optimizer
from .ftrl import Ftrl
from .lion import Lion
from .nadam import Nadam
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["deserialize", "get", "serialize"]

_MODULE = "keras.optimizers"
_CLASSES: dict[str, type[Optimizer]] = {
    cls.__name__.lower(): cls
    for cls in (Adadelta, Adagrad, Adam, AdamW, Adamax, Ftrl, Lion, Nadam, RMSprop, SGD)
}
_CLASSES.update(
    {f"experimental{name}": _CLASSES[name] for name in ("adadelta", "adagrad", "adam", "sgd")}
)


def serialize(optimizer: Optimizer | None) -> dict[str, Any] | None:
    """tf-keras' dict of an optimizer (None for None).

    >>> import convlayers
    >>> config = convlayers.optimizers.serialize(convlayers.optimizers.SGD(0.5))
    >>> config['class_name'], config['config']['learning_rate']
    ('SGD', 0.5)
    """
    if optimizer is None:
        return None
    if type(optimizer) in _CLASSES.values():
        return serialize_object(optimizer, _MODULE)
    if isinstance(optimizer, torch.optim.Optimizer) and not isinstance(optimizer, Optimizer):
        raise type_error(
            "optimizer", "a Keras optimizer (torch optimizers have no config)", optimizer
        )
    return serialize_custom(optimizer, "optimizer")


_KERAS3_OFF = ("loss_scale_factor", "gradient_accumulation_steps")


def deserialize(
    config: Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None
) -> Optimizer:
    """The optimizer a ``serialize()`` dict (or ``{"class_name": ..., "config": ...}``)
    describes; built-in names in any case, ``custom_objects`` for user classes. A config of
    a legacy optimizer (``is_legacy_optimizer`` missing or True, as Keras 2 files hold)
    gives the optimizer of the same name here; its ``decay`` must be 0.

    >>> import convlayers
    >>> config = {'class_name': 'Adam', 'config': {'learning_rate': 0.01}}
    >>> opt = convlayers.optimizers.deserialize(config)
    >>> type(opt).__name__, round(float(opt.learning_rate), 6)
    ('Adam', 0.01)
    """
    if not isinstance(config, Mapping) or not isinstance(config.get("class_name"), str):
        raise type_error("optimizer", "a dict with a 'class_name' and a 'config'", config)
    name, inner = config["class_name"], dict(config.get("config") or {})
    if inner.get("is_legacy_optimizer", True) and inner.get("decay") == 0:
        del inner["decay"]  # a legacy optimizer's config; a decay of 0 means none
    for key in _KERAS3_OFF:  # Keras 3 writes these; unset, they mean what tf-keras does
        if key in inner and inner[key] is None:
            del inner[key]
    if custom_objects and name in custom_objects:
        return custom_objects[name].from_config(inner)
    if name.startswith("Custom>") and name[7:].lower() in _CLASSES:
        name = name[7:]  # tf-keras 2.21 registers its own optimizers as 'Custom>Adam'...
    if name.lower() not in _CLASSES:
        raise ValueError(
            f"Unknown optimizer: '{name}'. Please ensure you are using a "
            "`keras.utils.custom_object_scope` and that this object is included in the scope. "
            "See https://www.tensorflow.org/guide/keras/save_and_serialize"
            "#registering_the_custom_object for details. "
            f"`optimizer` must be one of {sorted(_CLASSES)} or in `custom_objects`. "
            f"Received: optimizer={name!r}"
        )
    return _CLASSES[name.lower()].from_config(inner, custom_objects)


def get(identifier: Any) -> torch.optim.Optimizer:
    """An optimizer from an instance (returned as is), a name or a config dict.

    >>> import convlayers
    >>> type(convlayers.optimizers.get('rmsprop')).__name__
    'RMSprop'
    >>> convlayers.optimizers.get({'class_name': 'SGD', 'config': {'momentum': 0.9}}).momentum
    0.9
    """
    if isinstance(identifier, torch.optim.Optimizer):
        return identifier
    if isinstance(identifier, Mapping):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({"class_name": identifier, "config": {}})
    raise ValueError(
        f"Could not interpret optimizer identifier: {identifier}. `optimizer` must be a "
        "Keras optimizer, a torch.optim.Optimizer, a name or a config dict. "
        f"Received: optimizer={identifier!r}"
    )
