"""Model files made by tf-keras 2.21 and Keras 3, with the reference's predictions.

Writes ``tests/fixtures/saving/``:

- ``tfk_<model>.h5``: tf-keras ``model.save(path, save_format="h5")`` (the legacy HDF5 file:
  ``model_config``, ``training_config`` and the ``model_weights`` group);
- ``tfk_<model>_weights.h5``: tf-keras ``model.save_weights(path)`` (legacy weights only);
- ``tfk_<model>.keras``: tf-keras' own zip format (config.json + model.weights.h5);
- ``k3_<model>.keras`` and ``k3_<model>.weights.h5``: the same model made by Keras 3 (which
  has no LocallyConnected layers, so the local models are tf-keras only);
- ``saving.npz``: per model the fixed input(s) ``<model>/x<i>`` and the reference's
  ``predict`` output(s) ``<model>/y<i>`` (tf-keras and Keras 3 hold the same weights, so they
  share them; the script checks that both predict the same);
- ``saving.json``: versions, the models (defined once, in ``tools/saving_models.py``), their
  layer classes and names in ``model.layers`` order, files, input and output shapes.

Weights are N(0, 0.5²) from a NumPy generator seeded by the model name, set with
``set_weights``; inputs N(0, 1). Zip members get a fixed timestamp, ``metadata.json`` a
fixed ``date_saved`` and Keras' ``shared_object_id`` values (memory addresses) are numbered
1, 2, ... in order of appearance, so a rerun writes identical files.
Run: ``TF_USE_LEGACY_KERAS=1 tools/.venv/bin/python tools/make_saving_fixtures.py``.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile

os.environ["TF_USE_LEGACY_KERAS"] = "1"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # Keras 3 (``tf.keras`` is tf-keras under TF_USE_LEGACY_KERAS=1)
import numpy as np
import tensorflow as tf
import tf_keras
from fixture_io import FIXTURES, write_json, write_npz
from saving_models import KERAS3, MODELS, seeded_inputs, seeded_weights

tf.config.threading.set_intra_op_parallelism_threads(2)
tf.config.threading.set_inter_op_parallelism_threads(2)
tf.get_logger().setLevel("ERROR")

GENERATOR = "tools/make_saving_fixtures.py"
OUT = FIXTURES / "saving"
_EPOCH = (1980, 1, 1, 0, 0, 0)
_DATE = "2000-01-01@00:00:00"


def as_list(value):
    return list(value) if isinstance(value, list | tuple) else [value]


def renumber_shared_objects(text):
    """``shared_object_id`` values are memory addresses: number them 1, 2, ... instead
    (same sharing, reproducible text)."""
    ids = {}

    def number(match):
        return f'"shared_object_id": {ids.setdefault(match.group(1), len(ids) + 1)}'

    return re.sub(r'"shared_object_id": (\d+)', number, text)


def fix_zip(path):
    """Rewrite a .keras zip with fixed timestamps, a fixed ``date_saved`` and numbered
    ``shared_object_id`` entries."""
    with zipfile.ZipFile(path) as zf:
        members = [(info.filename, zf.read(info.filename)) for info in zf.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        for filename, data in members:
            if filename == "metadata.json":
                metadata = json.loads(data)
                metadata["date_saved"] = _DATE
                data = json.dumps(metadata).encode()
            if filename == "config.json":
                data = renumber_shared_objects(data.decode()).encode()
            info = zipfile.ZipInfo(filename, date_time=_EPOCH)
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    path.write_bytes(buffer.getvalue())


def make(name, build, K, prefix, files):
    K.backend.clear_session()
    model = build(K)
    model.set_weights(seeded_weights(name, [w.shape for w in model.weights]))
    xs = seeded_inputs(name, [tuple(t.shape[1:]) for t in model.inputs])
    ys = as_list(model.predict(xs if len(xs) > 1 else xs[0], verbose=0))
    written = []
    for kind in files:
        if kind == "h5":
            path = OUT / f"{prefix}_{name}.h5"
            model.save(path, save_format="h5")
        elif kind == "weights_h5":
            path = OUT / f"{prefix}_{name}_weights.h5"
            model.save_weights(path, save_format="h5")
        elif kind == "keras":
            path = OUT / f"{prefix}_{name}.keras"
            model.save(path)
            fix_zip(path)
        elif kind == "weights":
            path = OUT / f"{prefix}_{name}.weights.h5"
            model.save_weights(path)
        written.append(path.name)
    return model, xs, ys, written


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    arrays, index = {}, {}
    for name, build in MODELS.items():
        model, xs, ys, files = make(name, build, tf_keras, "tfk", ("h5", "weights_h5", "keras"))
        entry = {
            "class": type(model).__name__,
            "layers": [type(layer).__name__ for layer in model.layers],
            "layer_names": [layer.name for layer in model.layers],
            "input_shapes": [list(x.shape) for x in xs],
            "output_shapes": [list(y.shape) for y in ys],
            "compiled": model.optimizer is not None,
            "files": files,
        }
        if name in KERAS3:
            _, _, ys3, files3 = make(name, build, keras, "k3", ("keras", "weights"))
            worst = max(float(np.max(np.abs(a - b))) for a, b in zip(ys, ys3))
            if worst > 1e-5:
                raise AssertionError(f"{name}: Keras 3 and tf-keras disagree by {worst}")
            entry["files"] += files3
        index[name] = entry
        for i, x in enumerate(xs):
            arrays[f"{name}/x{i}"] = x
        for i, y in enumerate(ys):
            arrays[f"{name}/y{i}"] = y
    write_npz(OUT / "saving.npz", arrays)
    head = {
        "generator": GENERATOR,
        "tensorflow": tf.__version__,
        "tf_keras": tf_keras.__version__,
        "keras": keras.__version__,
        "h5py": __import__("h5py").__version__,
        "notes": (
            "Weights N(0, 0.5^2) seeded by model name; x<i> inputs N(0, 1); y<i> the "
            "reference's predict(). Keras 3 files hold the same weights as the tf-keras ones."
        ),
    }
    write_json(OUT / "saving.json", {**head, "models": index})


if __name__ == "__main__":
    main()
