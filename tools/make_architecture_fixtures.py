"""Public Keras models built by tf-keras 2.21: ``tests/fixtures/architectures.{npz,json}``.

Each model in ``tests/architectures/`` is public Keras code with its imports pointed at
convlayers. This runs the same source with the imports pointed back at tf-keras, sets
weights from ``tests/architectures/deterministic.py`` and records per layer the name,
class, output shape and parameter count, the totals, and ``predict`` on a formula input
(of the model, and of the model cut before its last layer: logits, pooled features).

Run: ``TF_USE_LEGACY_KERAS=1 tools/.venv/bin/python tools/make_architecture_fixtures.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import tf_keras
from fixture_io import write_fixtures
from tf_reference import meta

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from architectures.deterministic import values, weights_for  # noqa: E402

FAMILY = "architectures"
# (case id, module, expression building the model, image_data_format, batch for predict)
MODELS = [
    ("eegnet", "eegnet", "EEGNet(nb_classes=4)", "channels_first", 2),
    ("eegnet_spatial_dropout", "eegnet",
     "EEGNet(4, Chans=22, Samples=256, dropoutType='SpatialDropout2D')", "channels_first", 2),
    ("eegnet_ssvep", "eegnet", "EEGNet_SSVEP(12, Chans=8, Samples=256)", "channels_first", 2),
    ("eegnet_old", "eegnet", "EEGNet_old(4)", "channels_first", 2),
    ("deep_convnet", "eegnet", "DeepConvNet(4, Chans=22)", "channels_first", 2),
    ("shallow_convnet", "eegnet", "ShallowConvNet(4, Chans=22)", "channels_first", 2),
    ("xception", "xception", "Xception(input_shape=(96, 96, 3), classes=10)", "channels_last", 2),
    ("deepface", "deepface", "load_model()[1]", "channels_last", 1),
]  # fmt: skip


def reference_namespace(module: str) -> dict:
    """Execute ``tests/architectures/<module>.py`` with its convlayers imports on tf-keras."""
    source = (ROOT / "tests" / "architectures" / f"{module}.py").read_text()
    source = source.replace("from convlayers", "from tf_keras")
    namespace: dict = {"__name__": f"reference_{module}"}
    exec(compile(source, f"{module}.py (tf-keras imports)", "exec"), namespace)
    return namespace


def short(variable) -> str:
    return variable.name.split(":")[0]


def main() -> None:
    cases = []
    for cid, module, expression, data_format, batch in MODELS:
        tf_keras.backend.clear_session()
        tf_keras.backend.set_image_data_format(data_format)
        model = eval(expression, reference_namespace(module))  # our own fixed expressions
        shapes = [(short(w), tuple(w.shape)) for w in model.weights]
        model.set_weights(weights_for(shapes))
        x = values((batch, *model.input_shape[1:]), 1000, scale=1.0)
        y = model.predict(x, verbose=0)
        inner = tf_keras.Model(model.inputs, model.layers[-2].output)  # e.g. the logits
        features = inner.predict(x, verbose=0)
        layers = [
            {
                "name": layer.name,
                "class_name": type(layer).__name__,
                "output_shape": jsonable(layer.output_shape),
                "params": layer.count_params(),
            }
            for layer in model.layers
        ]
        cases.append(
            {
                "id": cid,
                "layer": module,
                "config": {"expression": expression, "image_data_format": data_format},
                "input_shape": list(x.shape),
                "notes": "",
                "params": model.count_params(),
                "trainable_params": int(sum(np.prod(w.shape) for w in model.trainable_weights)),
                "weights": [[name, list(shape)] for name, shape in shapes],
                "layers": layers,
                "arrays": {"y": y, "features": features},
            }
        )
        print(cid, model.count_params(), y.shape)
    tf_keras.backend.set_image_data_format("channels_last")
    write_fixtures(FAMILY, cases, meta(__file__.split("/")[-1]))


def jsonable(shape):
    if isinstance(shape, list):
        return [jsonable(s) for s in shape]
    return list(shape)


if __name__ == "__main__":
    main()
