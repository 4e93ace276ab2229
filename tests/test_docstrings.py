"""Every public class and function has a docstring with a runnable example (pytest runs it
with --doctest-modules), and every layer's docstring states its shapes."""

import importlib
import inspect

import pytest
from test_docs import NAMESPACES

from convlayers.layers.base import Layer


def public_objects():
    seen = {}
    for namespace in NAMESPACES:
        module = importlib.import_module(namespace)
        for name in module.__all__:
            obj = getattr(module, name)
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and id(obj) not in seen:
                seen[id(obj)] = (f"{namespace}.{name}", obj)
    return sorted(seen.values(), key=lambda item: item[0])


OBJECTS = public_objects()


def own_docstring(obj) -> str:
    return (obj.__dict__.get("__doc__") if inspect.isclass(obj) else obj.__doc__) or ""


@pytest.mark.parametrize("path, obj", OBJECTS, ids=[path for path, _ in OBJECTS])
def test_public_object_has_a_doctest_example(path, obj):
    assert ">>>" in own_docstring(obj), f"{path}: no example in its docstring"


LAYERS = [(path, obj) for path, obj in OBJECTS if inspect.isclass(obj) and issubclass(obj, Layer)]


@pytest.mark.parametrize("path, obj", LAYERS, ids=[path for path, _ in LAYERS])
def test_layer_docstring_states_its_shapes(path, obj):
    assert "shape" in own_docstring(obj).lower(), f"{path}: its docstring states no shapes"
