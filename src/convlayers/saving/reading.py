"""Read a Keras model file, whatever its kind, into memory in one go.

The kind is decided from the content, not the suffix:

- HDF5 with a ``model_config`` attribute: a tf-keras whole model (``model.save('m.h5')``);
- HDF5 with ``layer_names`` at the root: tf-keras weights (``save_weights('w.h5')``);
- HDF5 with ``layers``/``vars`` groups: a Keras variable store (``.weights.h5``);
- a zip with ``config.json`` and ``model.weights.h5``: a ``.keras`` file.

Anything else (a missing file aside, which is FileNotFoundError) is a
:class:`~convlayers.saving.h5_io.FileError` naming the file and what is wrong.
"""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass
from typing import Any

from .h5_io import HDF5_SIGNATURE, FileError, open_h5, read_json_attr, reading, require_h5py
from .h5_tree import (
    LegacyWeights,
    VarsStore,
    read_legacy_weights,
    read_named_arrays,
    read_vars_store,
)

__all__ = ["ModelFile", "read_file"]

_ZIP_SIGNATURE = b"PK\x03\x04"
_WEIGHTS_MEMBER = "model.weights.h5"


@dataclass
class ModelFile:
    """What a file holds: the model config entry (None for weights-only files), the
    weights, the compile information and the number of saved optimizer variables."""

    source: str
    kind: str
    config: dict[str, Any] | None
    weights: LegacyWeights | VarsStore
    compile: dict[str, Any] | None = None
    optimizer_state: int = 0


def _check_path(path: str) -> None:
    if not os.path.exists(path):
        raise FileNotFoundError(f"No such file: {path}")
    if os.path.isdir(path):
        raise FileError(
            f"{path} is a directory (a TensorFlow SavedModel?); convlayers reads Keras "
            ".h5, .weights.h5 and .keras files."
        )


def _optimizer_state(arrays: list[Any]) -> int:
    """Saved optimizer variables beyond the step counter and learning rate (scalars)."""
    return sum(1 for array in arrays if getattr(array, "ndim", 0) > 0)


def _read_h5(handle: Any, source: str) -> ModelFile:
    h5py = require_h5py()
    if "model_config" in handle.attrs:
        config = read_json_attr(handle, "model_config")
        if "model_weights" not in handle:
            raise FileError(f"{source} has a model config but no 'model_weights' group.")
        weights = read_legacy_weights(handle["model_weights"])
        state = 0
        if isinstance(handle.get("optimizer_weights"), h5py.Group):
            optimizer = read_named_arrays(handle["optimizer_weights"])
            state = _optimizer_state([array for _, array in optimizer])
        training = read_json_attr(handle, "training_config")
        return ModelFile(source, "h5 model", config, weights, training, state)
    if "model_weights" in handle:
        return ModelFile(source, "h5 model", None, read_legacy_weights(handle["model_weights"]))
    if "layer_names" in handle.attrs or "layer_names0" in handle.attrs:
        return ModelFile(source, "h5 weights", None, read_legacy_weights(handle))
    if "layers" in handle or "vars" in handle:
        store = read_vars_store(handle)
        state = _optimizer_state(store.vars.get("optimizer", []))
        return ModelFile(source, "weights.h5", None, store, None, state)
    raise FileError(f"{source} is an HDF5 file but holds no Keras model or weights.")


def _read_zip(path: str) -> ModelFile:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        if "config.json" not in names:
            raise FileError(f"{path} is a zip file without config.json: not a .keras file.")
        if _WEIGHTS_MEMBER not in names:
            others = [n for n in names if n.startswith("model.weights")]
            raise FileError(
                f"{path} has no {_WEIGHTS_MEMBER}"
                + (f" (found {others}: only HDF5 weights are read)." if others else ".")
            )
        config = json.loads(archive.read("config.json"))
        data = archive.read(_WEIGHTS_MEMBER)
    if not isinstance(config, dict):
        raise FileError(f"{path}: config.json does not hold a model config.")
    if not data.startswith(HDF5_SIGNATURE):
        raise FileError(f"{path}: {_WEIGHTS_MEMBER} is not an HDF5 file.")
    with open_h5(data) as handle:
        store = read_vars_store(handle)
    compile_config = config.get("compile_config") or None
    state = _optimizer_state(store.vars.get("optimizer", []))
    return ModelFile(path, "keras", config, store, compile_config, state)


def read_file(path: Any) -> ModelFile:
    """Everything ``path`` holds, read into memory (FileError if it is not a Keras file)."""
    source = os.fspath(path)
    _check_path(source)
    with open(source, "rb") as handle:
        head = handle.read(8)
    with reading(source):
        if head.startswith(HDF5_SIGNATURE):
            with open_h5(source) as h5:
                return _read_h5(h5, source)
        if head.startswith(_ZIP_SIGNATURE):
            return _read_zip(source)
    raise FileError(
        f"{source} is neither an HDF5 file (.h5, .weights.h5) nor a .keras zip file: "
        f"it starts with {head!r}."
    )
