"""Reading the two weight layouts Keras writes into HDF5, into plain NumPy data.

- tf-keras' legacy layout (whole-model ``.h5`` under ``model_weights``, and weights-only
  ``.h5`` at the root): attribute ``layer_names``; per layer a group with attribute
  ``weight_names`` (``'conv1d/kernel:0'``, ...) naming datasets below it.
- the variable store of ``.keras`` files and Keras 3 ``.weights.h5`` files: a group per
  object (``layers/conv1d``, ``layers/sequential/layers/dense``, ...) whose ``vars``
  subgroup holds datasets ``'0'``, ``'1'``, ... in Keras weight order.

Everything is read into memory at once, so a damaged file fails here, before any weight
of a model is touched. Only hard links are followed and only in-file numeric datasets are
read: a file cannot make us open another file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .h5_io import FileError, read_name_list, require_h5py

__all__ = [
    "LegacyWeights",
    "VarsStore",
    "read_legacy_weights",
    "read_named_arrays",
    "read_vars_store",
]

NamedArrays = list[tuple[str, np.ndarray]]


@dataclass
class LegacyWeights:
    """tf-keras' legacy weights: per saved layer, its name and its ``(weight name, array)``
    pairs in Keras order; the model's own (top-level) weights; the writer's versions."""

    layers: list[tuple[str, NamedArrays]]
    top_level: NamedArrays = field(default_factory=list)
    keras_version: str | None = None
    backend: str | None = None


@dataclass
class VarsStore:
    """A variable store: object path (``''`` for the model) -> arrays in Keras order."""

    vars: dict[str, list[np.ndarray]]


def _child(group: Any, path: str) -> Any:
    """``group[path]``, following hard links only."""
    h5py = require_h5py()
    node = group
    for part in path.split("/"):
        if not part:
            continue
        link = node.get(part, getlink=True)
        if link is None:
            raise FileError(f"{node.name!r} has no entry {part!r} (looking for {path!r})")
        if not isinstance(link, h5py.HardLink):
            raise FileError(
                f"Entry {part!r} of {node.name!r} is a {type(link).__name__}; only entries "
                "stored in the file itself are read."
            )
        node = node[part]
    return node


def _array(node: Any, what: str) -> np.ndarray:
    h5py = require_h5py()
    if not isinstance(node, h5py.Dataset):
        raise FileError(f"Weight {what!r} is not a dataset in the file.")
    if node.external or node.is_virtual:
        raise FileError(f"Weight {what!r} is stored outside the file; it is not read.")
    if node.dtype.kind not in "fiub":
        raise FileError(f"Weight {what!r} is not numeric. Received: dtype={node.dtype}")
    return np.asarray(node[()])


def _attr_text(group: Any, name: str) -> str | None:
    value = group.attrs.get(name)
    if value is None:
        return None
    return value.decode("utf8") if isinstance(value, bytes | np.bytes_) else str(value)


def read_named_arrays(group: Any) -> NamedArrays:
    """The ``(name, array)`` pairs a ``weight_names`` attribute lists, in its order."""
    names = read_name_list(group, "weight_names")
    return [(name, _array(_child(group, name), name)) for name in names]


def read_legacy_weights(group: Any) -> LegacyWeights:
    """The legacy weights under ``group`` (the file root, or ``model_weights``)."""
    if "layer_names" not in group.attrs and "layer_names0" not in group.attrs:
        raise FileError(
            f"{group.name!r} has no 'layer_names' attribute: it holds no tf-keras weights."
        )
    layers = [
        (name, read_named_arrays(_child(group, name)))
        for name in read_name_list(group, "layer_names")
    ]
    top_level: NamedArrays = []
    if "top_level_model_weights" in group:
        top_level = read_named_arrays(_child(group, "top_level_model_weights"))
    return LegacyWeights(
        layers, top_level, _attr_text(group, "keras_version"), _attr_text(group, "backend")
    )


def read_vars_store(root: Any) -> VarsStore:
    """Every ``vars`` group below ``root``, keyed by the path of its owner."""
    h5py = require_h5py()
    found: dict[str, list[np.ndarray]] = {}

    def visit(group: Any, path: str) -> None:
        for key in group:
            node = _child(group, key)
            if not isinstance(node, h5py.Group):
                continue
            if key == "vars":
                count = len(node)
                found[path] = [
                    _array(_child(node, str(i)), f"{path}/vars/{i}") for i in range(count)
                ]
            else:
                visit(node, f"{path}/{key}" if path else key)

    visit(root, "")
    return VarsStore(found)
