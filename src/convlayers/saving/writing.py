"""Write models and weights in the file formats tf-keras 2.21 reads.

- :func:`write_h5_model`: the legacy HDF5 file of ``model.save('m.h5')``: root attributes
  ``backend``, ``keras_version``, ``model_config`` (and ``training_config`` when the model
  was compiled with Keras names), the weights under ``model_weights``;
- :func:`write_h5_weights`: ``save_weights('w.h5')``: the same weights layout at the root;
- :func:`write_keras`: a ``.keras`` zip: ``metadata.json``, ``config.json`` and
  ``model.weights.h5`` (a variable store, ``layers/<snake_case class>/vars/<i>``);
- :func:`write_weights_store`: ``save_weights('w.weights.h5')``: the variable store alone.

Each file is written to a temporary name beside its target and renamed when complete, so
a failure never leaves a half-written file behind. Optimizer state is not written (the
optimizers are torch's); tf-keras starts such a model with a fresh optimizer.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from typing import Any

import torch

from ..layers.layer_utils import to_numpy
from .compile_config import write_compile_config
from .h5_io import open_h5, write_name_list
from .model_config import config_json, keras_model_entry, legacy_model_entry
from .weight_matching import keras_weight_names, own_weights, store_paths

__all__ = ["write_h5_model", "write_h5_weights", "write_keras", "write_weights_store"]

KERAS_VERSION = "2.21.0"  # the tf-keras release whose file format is written
BACKEND = "torch"


def _check_model(model: Any, whole: bool = False) -> None:
    if whole and not model._is_graph_network:
        raise ValueError(
            f"Saving a whole model needs a functional or Sequential model with a known input "
            f"shape; model {model.name!r} has no graph (a subclassed model, or a Sequential "
            "not built yet). `save_weights` works for any built model."
        )
    if not model.built:
        raise ValueError(
            f"Model {model.name!r} has no weights yet: build it (call it on data, or give its "
            "first layer an input shape) before saving it."
        )
    names = [layer.name for layer in model.layers]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(
            f"Layer names must be unique within a model to be saved. Received repeated "
            f"names: {repeated}"
        )


def _atomic(path: Any, overwrite: bool, write: Callable[[str], None]) -> None:
    """Run ``write(temporary path)`` and move the result to ``path``."""
    target = os.fspath(path)
    if not overwrite and os.path.exists(target):
        raise FileExistsError(f"{target} exists; pass overwrite=True to replace it.")
    folder = os.path.dirname(os.path.abspath(target))
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".partial")
    os.close(handle)
    try:
        write(temporary)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def _write_named(group: Any, named: Sequence[tuple[str, torch.Tensor]]) -> None:
    write_name_list(group, "weight_names", [name for name, _ in named])
    for name, param in named:
        group.create_dataset(name, data=to_numpy(param))


def write_legacy_weights(group: Any, model: Any) -> None:
    """tf-keras' legacy weights layout under ``group``."""
    layers = model.layers
    write_name_list(group, "layer_names", [layer.name for layer in layers])
    group.attrs["backend"] = BACKEND.encode("utf8")
    group.attrs["keras_version"] = KERAS_VERSION.encode("utf8")
    for layer in sorted(layers, key=lambda item: item.name):
        _write_named(group.create_group(layer.name), keras_weight_names(layer))
    top = [(f"{model.name}/{name}:0", param) for name, param in own_weights(model)]
    _write_named(group.create_group("top_level_model_weights"), top)


def write_vars(root: Any, model: Any) -> None:
    """The variable store of ``model`` under ``root``."""
    for path, layer in store_paths(model):
        group = root.create_group(f"{path}/vars" if path else "vars")
        group.attrs["name"] = layer.name
        for index, (_, param) in enumerate(own_weights(layer)):
            group.create_dataset(str(index), data=to_numpy(param))


def write_h5_model(model: Any, path: Any, overwrite: bool = True) -> None:
    """``model`` as a tf-keras legacy HDF5 model file."""
    _check_model(model, whole=True)
    config = config_json(legacy_model_entry(model)).encode("utf8")
    training = write_compile_config(model, legacy=True)

    def write(target: str) -> None:
        with open_h5(target, "w") as handle:
            handle.attrs["backend"] = BACKEND.encode("utf8")
            handle.attrs["keras_version"] = KERAS_VERSION.encode("utf8")
            handle.attrs["model_config"] = config
            if training is not None:
                handle.attrs["training_config"] = json.dumps(training).encode("utf8")
            write_legacy_weights(handle.create_group("model_weights"), model)

    _atomic(path, overwrite, write)


def _write_h5(model: Any, path: Any, overwrite: bool, fill: Callable[[Any], None]) -> None:
    _check_model(model)

    def write(target: str) -> None:
        with open_h5(target, "w") as handle:
            fill(handle)

    _atomic(path, overwrite, write)


def write_h5_weights(model: Any, path: Any, overwrite: bool = True) -> None:
    """The weights of ``model`` as a tf-keras legacy HDF5 weights file."""
    _write_h5(model, path, overwrite, lambda handle: write_legacy_weights(handle, model))


def write_weights_store(model: Any, path: Any, overwrite: bool = True) -> None:
    """The weights of ``model`` as a ``.weights.h5`` variable store."""
    _write_h5(model, path, overwrite, lambda handle: write_vars(handle, model))


def write_keras(model: Any, path: Any, overwrite: bool = True) -> None:
    """``model`` as a ``.keras`` zip file."""
    _check_model(model, whole=True)
    entry = keras_model_entry(model)
    compile_config = write_compile_config(model, legacy=False)
    if compile_config is not None:
        entry["compile_config"] = compile_config
    metadata = {
        "keras_version": KERAS_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
    }
    buffer = io.BytesIO()
    with open_h5(buffer, "w") as handle:
        write_vars(handle, model)

    def write(target: str) -> None:
        with zipfile.ZipFile(target, "w") as archive:
            archive.writestr("metadata.json", json.dumps(metadata))
            archive.writestr("config.json", config_json(entry))
            archive.writestr("model.weights.h5", buffer.getvalue())

    _atomic(path, overwrite, write)
