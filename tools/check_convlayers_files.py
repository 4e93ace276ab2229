"""Files written by convlayers, loaded by the real tf-keras 2.21: same predictions?

Run from the repository root with OUR venv (it calls the reference venv itself):

    .venv/bin/python tools/check_convlayers_files.py

1. With convlayers, build each model of ``tools/saving_models.py``, give it seeded weights
   (other than the fixtures'), predict on the fixed input, and write it with ``model.save``
   (``.h5`` and ``.keras``) and ``model.save_weights`` (legacy ``.h5`` and ``.weights.h5``).
2. Run this script again under the reference venv (``$REFERENCE_PYTHON``, default
   ``tools/.venv/bin/python``) with ``--reference DIR``: tf-keras loads each model file
   (``load_model``), and loads each weights file into the same architecture built by
   tf-keras; Keras 3 does the same for the ``.weights.h5`` files of the models it can hold,
   and tries to load our ``.keras`` files.
3. Record the largest relative error (max |ours - theirs| / max |ours|) per file and, for
   ``load_model``, what the reference's compile restored, in
   ``tests/fixtures/saving/roundtrip_check.json``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from saving_models import KERAS3, MODELS, seeded_inputs, seeded_weights

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "saving" / "roundtrip_check.json"
FILES = {
    "h5": "ours_{}.h5",
    "keras": "ours_{}.keras",
    "weights_h5": "ours_{}_weights.h5",
    "weights_store": "ours_{}.weights.h5",
}


def as_list(value):
    return list(value) if isinstance(value, list | tuple) else [value]


def relative_error(got, expected):
    pairs = list(zip(as_list(got), expected))
    if len(pairs) != len(expected):
        return float("inf")
    return max(float(np.max(np.abs(g - e)) / np.max(np.abs(e))) for g, e in pairs)


def write_ours(folder: Path) -> None:
    import convlayers

    arrays = {}
    for name, build in MODELS.items():
        convlayers.clear_session()
        model = build(convlayers)
        model.set_weights(seeded_weights(name, [w.shape for w in model.weights], "/ours"))
        xs = seeded_inputs(name, [tuple(t.shape[1:]) for t in model.inputs])
        for i, y in enumerate(as_list(model.predict(xs if len(xs) > 1 else xs[0]))):
            arrays[f"{name}/y{i}"] = y
        for i, x in enumerate(xs):
            arrays[f"{name}/x{i}"] = x
        model.save(folder / FILES["h5"].format(name))
        model.save(folder / FILES["keras"].format(name))
        model.save_weights(folder / FILES["weights_h5"].format(name))
        model.save_weights(folder / FILES["weights_store"].format(name))
    np.savez(folder / "ours.npz", **arrays)


def check_in_reference(folder: Path) -> dict:
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import warnings

    import keras
    import tensorflow as tf
    import tf_keras

    tf.get_logger().setLevel("ERROR")
    warnings.simplefilter("ignore")
    data = np.load(folder / "ours.npz")
    results = {}

    def record(key, action):
        try:
            model, xs, ys = action()
            out = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
            entry = {"loaded": True, "max_rel_error": relative_error(out, ys)}
            optimizer = getattr(model, "optimizer", None)
            loaded_whole = " load_model " in key
            if loaded_whole and optimizer is not None and getattr(model, "loss", None) is not None:
                entry["compiled"] = {
                    "optimizer": type(optimizer).__name__,
                    "learning_rate": float(np.asarray(optimizer.learning_rate)),
                    "loss": getattr(model.loss, "__name__", str(model.loss)),
                }
        except Exception as error:  # the point is to record what the reference does
            entry = {"loaded": False, "error": f"{type(error).__name__}: {error}"[:300]}
        results[key] = entry

    for name, build in MODELS.items():
        count = sum(1 for key in data.files if key.startswith(f"{name}/x"))
        xs = [data[f"{name}/x{i}"] for i in range(count)]
        ys = [data[f"{name}/y{i}"] for i in range(len(data.files)) if f"{name}/y{i}" in data]

        def load(path, module=tf_keras, xs=xs, ys=ys):
            module.backend.clear_session()
            return module.models.load_model(folder / path), xs, ys

        def weights(path, module=tf_keras, build=build, xs=xs, ys=ys):
            module.backend.clear_session()
            model = build(module)
            model.load_weights(folder / path)
            return model, xs, ys

        for kind in ("h5", "keras"):
            path = FILES[kind].format(name)
            record(f"tf_keras load_model {path}", lambda path=path: load(path))
        for kind in ("weights_h5", "weights_store"):
            path = FILES[kind].format(name)
            record(f"tf_keras load_weights {path}", lambda path=path: weights(path))
        if name in KERAS3:
            path = FILES["weights_store"].format(name)
            record(f"keras3 load_weights {path}", lambda path=path: weights(path, keras))
            path = FILES["keras"].format(name)
            record(f"keras3 load_model {path}", lambda path=path: load(path, keras))
    return {
        "tensorflow": tf.__version__,
        "tf_keras": tf_keras.__version__,
        "keras": keras.__version__,
        "results": results,
    }


def main() -> None:
    if sys.argv[1:2] == ["--reference"]:
        folder = Path(sys.argv[2])
        (folder / "reference.json").write_text(json.dumps(check_in_reference(folder)))
        return
    import convlayers

    reference = os.environ.get("REFERENCE_PYTHON", str(ROOT / "tools" / ".venv" / "bin" / "python"))
    with tempfile.TemporaryDirectory() as folder:
        write_ours(Path(folder))
        run = subprocess.run(
            [reference, __file__, "--reference", folder],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "TF_USE_LEGACY_KERAS": "1"},
        )
        if run.returncode:
            sys.exit(f"The reference run failed:\n{run.stderr[-3000:]}")
        report = json.loads((Path(folder) / "reference.json").read_text())
    report = {
        "generator": "tools/check_convlayers_files.py",
        "convlayers": convlayers.__version__,
        **report,
        "notes": (
            "Files written by convlayers (model.save / model.save_weights) and loaded by the "
            "reference; max_rel_error = max |reference predict - convlayers predict| / "
            "max |convlayers predict| on the fixed input. Keras 3 cannot hold "
            "LocallyConnected layers; its load_model of our .keras files is recorded as is."
        ),
    }
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from fixture_io import write_json

    write_json(OUT, report)
    for key, entry in report["results"].items():
        figure = f"{entry['max_rel_error']:.1e}" if entry["loaded"] else entry["error"][:90]
        print(f"{key:58s} {figure}")


if __name__ == "__main__":
    main()
