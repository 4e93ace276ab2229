"""``load_model``, ``save_model``, ``load_weights`` and ``save_weights``.

A model is rebuilt from the file's config through the layer registry alone
(``deserialize_layer``; the class names a file holds are looked up, never imported), its
weights are checked against the file and then assigned, and only then is it returned:
on any error nothing half-built escapes.

>>> import os, tempfile, numpy as np, convlayers
>>> model = convlayers.Sequential([convlayers.Conv1D(2, 3, input_shape=(8, 1))])
>>> path = os.path.join(tempfile.mkdtemp(), "model.keras")
>>> save_model(model, path)
>>> x = np.ones((1, 8, 1), "float32")
>>> bool(np.array_equal(load_model(path).predict(x, verbose=0), model.predict(x, verbose=0)))
True
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ..layers.registry import deserialize_layer
from .compile_config import restore_compile
from .h5_io import FileError
from .h5_tree import LegacyWeights
from .model_config import normalize_config
from .reading import ModelFile, read_file
from .weight_matching import assign, plan_by_name, plan_topological, plan_vars
from .writing import write_h5_model, write_h5_weights, write_keras, write_weights_store

__all__ = ["load_model", "load_weights", "save_model", "save_weights"]

_H5 = (".h5", ".hdf5")


def _suffix_error(path: str, what: str, allowed: str) -> ValueError:
    return ValueError(f"`filepath` must end in {allowed} to {what}. Received: filepath={path!r}")


def _plan(model: Any, content: ModelFile, by_name: bool, skip_mismatch: bool) -> list[Any]:
    weights = content.weights
    if isinstance(weights, LegacyWeights):
        if by_name:
            return plan_by_name(model, weights, skip_mismatch)
        return plan_topological(model, weights)
    if by_name:
        raise ValueError(
            "`by_name=True` is only supported for tf-keras' legacy .h5 weights; "
            f"{content.source} is a {content.kind} file."
        )
    return plan_vars(model, weights, skip_mismatch)


def load_weights(
    model: Any, filepath: Any, by_name: bool = False, skip_mismatch: bool = False
) -> None:
    """Load weights from a tf-keras ``.h5`` (whole model or weights only), a Keras 3
    ``.weights.h5`` or a ``.keras`` file into ``model``, all or nothing.

    ``by_name`` (legacy ``.h5`` only) matches saved layers to the model's by name instead
    of by position; ``skip_mismatch`` then skips, with a warning, layers whose weight count
    or weight shapes differ. Otherwise any mismatch raises a ValueError naming the layer,
    the weight and both shapes, and no weight of ``model`` changes.

    >>> import os, tempfile, numpy as np, convlayers
    >>> model = convlayers.Sequential([convlayers.Dense(2, input_shape=(3,))])
    >>> path = os.path.join(tempfile.mkdtemp(), 'model.weights.h5')
    >>> model.save_weights(path)
    >>> twin = convlayers.Sequential([convlayers.Dense(2, input_shape=(3,))])
    >>> convlayers.saving.load_weights(twin, path)  # or twin.load_weights(path)
    >>> all(np.array_equal(a, b) for a, b in zip(twin.get_weights(), model.get_weights()))
    True
    """
    content = read_file(filepath)
    if skip_mismatch and not by_name and isinstance(content.weights, LegacyWeights):
        raise ValueError(
            "When calling model.load_weights, skip_mismatch can only be set to True when "
            "by_name is True (for tf-keras .h5 weights)."
        )
    assign(_plan(model, content, by_name, skip_mismatch))


def load_model(
    filepath: Any, custom_objects: Mapping[str, Any] | None = None, compile: bool = True
) -> Any:
    """The model saved in ``filepath``: a tf-keras ``.h5`` model file or a ``.keras``
    file from tf-keras or Keras 3, with its weights, compiled from the file's compile
    information unless ``compile=False``.

    ``custom_objects`` maps class names to your own layer classes (or use
    ``register_keras_serializable``); nothing named in a file is ever imported.

    >>> import os, tempfile, convlayers
    >>> model = convlayers.Sequential([convlayers.LocallyConnected1D(2, 3, input_shape=(9, 3))])
    >>> model.compile('adam', 'mse')
    >>> path = os.path.join(tempfile.mkdtemp(), 'model.h5')
    >>> model.save(path)
    >>> again = load_model(path)  # the class, config, weights and compile settings
    >>> again.output_shape, type(again.layers[0]).__name__, type(again.optimizer).__name__
    ((None, 7, 2), 'LocallyConnected1D', 'Adam')
    """
    content = read_file(filepath)
    if content.config is None:
        raise FileError(
            f"No model config found in the file at {content.source}: it holds weights only "
            "(load them into a model with `model.load_weights`)."
        )
    entry = normalize_config(content.config, custom_objects)
    try:
        model = deserialize_layer(entry, custom_objects)
    except (
        TypeError, ValueError, KeyError, IndexError, AttributeError, RuntimeError
    ) as error:  # fmt: skip
        raise FileError(f"Cannot rebuild the model saved in {content.source}: {error}") from error
    if not hasattr(model, "_is_graph_network"):
        raise FileError(f"{content.source} holds a {type(model).__name__} layer, not a model.")
    assign(_plan(model, content, False, False))
    if compile and content.compile:
        restore_compile(model, content.compile, content.optimizer_state)
    return model


def _write_by_suffix(model: Any, filepath: Any, overwrite: bool, writers: dict, what: str) -> None:
    path = os.fspath(filepath)
    for suffixes, write in writers.items():
        if path.endswith(suffixes):
            write(model, path, overwrite)
            return
    allowed = ", ".join(f"'{suffix}'" for suffixes in writers for suffix in suffixes)
    raise ValueError(f"`filepath` must end in {allowed} to {what}. Received: filepath={path!r}")


def save_model(model: Any, filepath: Any, overwrite: bool = True) -> None:
    """Save ``model`` (config, weights, compile names) as ``.keras`` or ``.h5`` by suffix,
    in the formats tf-keras 2.21 reads.

    >>> import os, tempfile, convlayers
    >>> model = convlayers.Sequential([convlayers.Dense(2, input_shape=(3,))])
    >>> folder = tempfile.mkdtemp()
    >>> convlayers.saving.save_model(model, os.path.join(folder, 'model.h5'))
    >>> model.save(os.path.join(folder, 'model.keras'))  # the method form
    >>> sorted(os.listdir(folder))
    ['model.h5', 'model.keras']
    """
    writers = {(".keras",): write_keras, _H5: write_h5_model}
    _write_by_suffix(model, filepath, overwrite, writers, "save a model")


def save_weights(model: Any, filepath: Any, overwrite: bool = True) -> None:
    """Save the weights of ``model``: ``.weights.h5`` as a Keras variable store, other
    ``.h5`` names as tf-keras' legacy weights file.

    >>> import os, tempfile, convlayers
    >>> model = convlayers.Sequential([convlayers.Dense(2, input_shape=(3,))])
    >>> folder = tempfile.mkdtemp()
    >>> convlayers.saving.save_weights(model, os.path.join(folder, 'a.weights.h5'))  # Keras 3 form
    >>> model.save_weights(os.path.join(folder, 'b.h5'))  # tf-keras' legacy form
    >>> sorted(os.listdir(folder))
    ['a.weights.h5', 'b.h5']
    """
    writers = {(".weights.h5",): write_weights_store, _H5: write_h5_weights}
    _write_by_suffix(model, filepath, overwrite, writers, "save weights")
