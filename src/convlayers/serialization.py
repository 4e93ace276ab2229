"""Keras-shaped config dicts, shared by activations, initializers, regularizers, constraints.

A built-in object serializes as tf-keras 2.21 does::

    {"module": "keras.initializers", "class_name": "GlorotUniform",
     "config": {"seed": None}, "registered_name": None}

and deserializes from that form, from the legacy ``{"class_name": ..., "config": ...}``
form, or from a bare name (class name or its snake_case alias).

>>> to_snake_case("GlorotUniform"), to_snake_case("L1L2")
('glorot_uniform', 'l1l2')
>>> serialize_value({"axis": (0, 1), "value": np.float32(0.5)})
{'axis': (0, 1), 'value': 0.5}
"""

from __future__ import annotations

import inspect
import re
import types
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import torch

from .validation import argument_error

__all__ = [
    "KerasObject",
    "Registry",
    "check_config_keys",
    "deserialize_value",
    "serialize_custom",
    "serialize_object",
    "serialize_value",
    "to_snake_case",
    "type_error",
]

_PLAIN_TYPES = (str, int, float, bool)


def type_error(name: str, expectation: str, value: Any) -> TypeError:
    """The project's one error form, as a ``TypeError`` (wrong kind of value)."""
    return TypeError(f"`{name}` must be {expectation}. Received: {name}={value!r}")


def to_snake_case(name: str) -> str:
    """Keras' snake_case of a class name: 'GlorotUniform' -> 'glorot_uniform'."""
    intermediate = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    snake = re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()
    return snake if not snake.startswith("_") else "private" + snake


def serialize_value(value: Any) -> Any:
    """A config value in the form Keras writes it (NumPy and torch values made plain).

    Scalars become Python numbers; arrays and tensors become
    ``{"class_name": "__numpy__" | "__tensor__", "config": {"value": [...], "dtype": ...}}``.
    """
    if value is None or isinstance(value, _PLAIN_TYPES):
        return value
    if isinstance(value, list):
        return [serialize_value(v) for v in value]
    if isinstance(value, tuple):
        return tuple(serialize_value(v) for v in value)
    if isinstance(value, Mapping):
        return {key: serialize_value(v) for key, v in value.items()}
    if isinstance(value, torch.Tensor):
        dtype = str(value.dtype).removeprefix("torch.")
        return {"class_name": "__tensor__", "config": {"value": value.tolist(), "dtype": dtype}}
    if isinstance(value, np.ndarray) and value.ndim > 0:
        config = {"value": value.tolist(), "dtype": value.dtype.name}
        return {"class_name": "__numpy__", "config": config}
    if isinstance(value, np.generic | np.ndarray):
        return value.item()
    if isinstance(value, torch.dtype):
        return str(value).removeprefix("torch.")
    return value


def deserialize_value(value: Any) -> Any:
    """Inverse of :func:`serialize_value` for arrays and tensors; other values unchanged."""
    if isinstance(value, Mapping) and value.get("class_name") in ("__numpy__", "__tensor__"):
        inner = value.get("config") or {}
        array = np.asarray(inner.get("value"), dtype=inner.get("dtype"))
        return array if value["class_name"] == "__numpy__" else torch.from_numpy(array)
    if isinstance(value, list):
        return [deserialize_value(v) for v in value]
    return value


def serialize_object(obj: Any, module: str) -> dict[str, Any]:
    """The tf-keras 2.21 dict of a built-in object whose class is public in ``module``."""
    return {
        "module": module,
        "class_name": type(obj).__name__,
        "config": serialize_value(obj.get_config()),
        "registered_name": None,
    }


def serialize_custom(obj: Any, kind: str) -> dict[str, Any]:
    """The tf-keras 2.21 dict of a user object: a named function or an object with get_config.

    Lambdas cannot be serialized safely and raise ``ValueError``.
    """
    if isinstance(obj, types.FunctionType):
        if obj.__name__ == "<lambda>":
            raise argument_error(kind, "a named function or an object with get_config()", obj)
        return {
            "module": "builtins",
            "class_name": "function",
            "config": obj.__name__,
            "registered_name": "function",
        }
    if callable(getattr(obj, "get_config", None)):
        cls = type(obj)
        return {
            "module": None if cls.__module__ == "__main__" else cls.__module__,
            "class_name": cls.__name__,
            "config": serialize_value(obj.get_config()),
            "registered_name": cls.__name__,
        }
    raise type_error(kind, "a named function or an object with get_config()", obj)


def check_config_keys(factory: Callable[..., Any], config: Mapping[str, Any], kind: str) -> None:
    """``TypeError`` naming the config when it holds keys ``factory`` does not accept."""
    parameters = inspect.signature(factory).parameters
    if any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
        return
    unknown = sorted(set(config) - set(parameters))
    if unknown:
        allowed = ", ".join(parameters) or "no arguments"
        raise type_error(
            f"{kind} config", f"a dict of the arguments of {factory.__name__} ({allowed})", config
        )


class KerasObject:
    """Base of initializers, regularizers and constraints: ``from_config`` and ``repr``
    derived from ``get_config``. ``kind`` names the family in error messages; keys in
    ``ignored_config_keys`` are dropped by ``from_config`` (legacy configs carry them)."""

    kind = "object"
    ignored_config_keys: tuple[str, ...] = ()

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, with the keys and values tf-keras uses."""
        return {}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Any:
        """An instance from ``get_config()`` output."""
        config = dict(config)
        for key in cls.ignored_config_keys:
            config.pop(key, None)
        check_config_keys(cls, config, cls.kind)
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Registry:
    """Known objects of one kind (e.g. 'initializer'), by class name and snake_case aliases.

    >>> registry = Registry("thing", "keras.things")
    >>> registry.add(dict, "mapping")
    >>> registry.lookup("mapping") is dict
    True
    """

    def __init__(self, kind: str, module: str) -> None:
        self.kind = kind
        self.module = module
        self._objects: dict[str, Any] = {}

    def add(self, obj: Any, *aliases: str, snake_case: bool = True) -> None:
        """Register ``obj`` under its ``__name__``, its snake_case name and ``aliases``."""
        names = [obj.__name__, *aliases]
        if snake_case:
            names.append(to_snake_case(obj.__name__))
        for name in names:
            self._objects[name] = obj

    def serialize(self, obj: Any, base: type) -> dict[str, Any] | None:
        """tf-keras' config dict of ``obj``: None for None, the built-in form for
        instances of ``base``, the custom-object form for anything else."""
        if obj is None:
            return None
        if isinstance(obj, base):
            return serialize_object(obj, self.module)
        return serialize_custom(obj, self.kind)

    def deserialize(
        self, config: str | Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None
    ) -> Any:
        """The object a name or Keras config dict describes: a registered class is made
        with ``from_config``, anything else registered (a function) is returned as is."""
        found, inner = self.parse(config, custom_objects)
        if isinstance(found, type) and hasattr(found, "from_config"):
            return found.from_config(inner or {})
        return found

    def get(self, identifier: Any, deserialize: Callable[[Any], Any]) -> Any:
        """Keras' ``get``: None stays None, a name or config dict goes through
        ``deserialize``, a class is instantiated, a callable is returned as is."""
        if identifier is None:
            return None
        if isinstance(identifier, str | Mapping):
            return deserialize(identifier)
        if isinstance(identifier, type):
            return identifier()
        if callable(identifier):
            return identifier
        raise type_error(self.kind, "None, a name, a config dict or a callable", identifier)

    def names(self) -> list[str]:
        """Every name this registry accepts, sorted."""
        return sorted(self._objects)

    def lookup(self, name: Any, custom_objects: Mapping[str, Any] | None = None) -> Any:
        """The object registered as ``name`` (``custom_objects`` first); ``ValueError`` if none."""
        if custom_objects and name in custom_objects:
            return custom_objects[name]
        if isinstance(name, str) and name in self._objects:
            return self._objects[name]
        raise argument_error(self.kind, f"the name or config of a known {self.kind}", name)

    def parse(
        self, identifier: Any, custom_objects: Mapping[str, Any] | None = None
    ) -> tuple[Any, dict[str, Any] | None]:
        """Resolve a name or a Keras config dict to ``(registered object, config or None)``.

        Accepts ``{"class_name": ..., "config": ...}`` with or without ``module`` and
        ``registered_name``, and the ``{"class_name": "function", "config": name}`` form.
        """
        if isinstance(identifier, str):
            return self.lookup(identifier, custom_objects), None
        if not isinstance(identifier, Mapping):
            raise type_error(self.kind, "a string or a Keras config dict", identifier)
        class_name = identifier.get("class_name")
        config = identifier.get("config")
        if not isinstance(class_name, str):
            raise argument_error(
                self.kind, "a config dict with a string 'class_name'", dict(identifier)
            )
        if class_name == "function":
            return self.lookup(config, custom_objects), None
        if config is not None and not isinstance(config, Mapping):
            raise type_error(f"{self.kind} config", "a dict or None", config)
        found = self.lookup(class_name, custom_objects)
        return found, None if config is None else dict(config)
