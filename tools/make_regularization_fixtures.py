"""Golden fixtures for RepeatVector, ActivityRegularization, GaussianNoise and
GaussianDropout from tf-keras 2.21.

Writes ``tests/fixtures/regularization_layers.{npz,json}``: RepeatVector's outputs and
input gradients, ActivityRegularization's output and the loss it adds, the reference
``get_config()`` of the four layers and GaussianNoise/GaussianDropout's inference
outputs (the identity; their training noise comes from TF's generator and is checked
against its distribution in the tests), and probes of what the reference refuses.
Run: ``TF_USE_LEGACY_KERAS=1 tools/.venv/bin/python tools/make_regularization_fixtures.py``.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf
import tf_keras
from fixture_io import write_fixtures
from tf_reference import jsonify, meta, probe_rows, run_case, seed_for

L = tf_keras.layers
GENERATOR = "tools/make_regularization_fixtures.py"


def loss_case(cid, cls, kwargs, shape):
    """Output (inference) and the layer's added losses for one call."""
    tf_keras.backend.clear_session()
    rng = np.random.default_rng(seed_for("regularization_layers", cid))
    x = rng.standard_normal(shape).astype(np.float32)
    layer = cls(**kwargs)
    y = layer(tf.constant(x), training=False)
    losses = np.array([float(loss) for loss in layer.losses], np.float32)
    return {
        "id": cid,
        "layer": cls.__name__,
        "config": jsonify(layer.get_config()),
        "kwargs": jsonify(kwargs),
        "input_shape": list(shape),
        "weight_names": [],
        "trainable_weight_names": [],
        "notes": "y with training=False; aux/losses: layer.losses after the call",
        "arrays": {"x": x, "y": y.numpy(), "aux/losses": losses},
    }


def main():
    cases = []
    for cid, n, shape in [("repeat_3", 3, (2, 4)), ("repeat_1", 1, (3, 2))]:
        case, skip = run_case("regularization_layers", cid, L.RepeatVector, dict(n=n), shape)
        if skip is not None:
            raise RuntimeError(skip["error"])
        case["kwargs"] = {"n": n}
        cases.append(case)
    cases.append(loss_case("actreg_l1l2", L.ActivityRegularization, dict(l1=0.01, l2=0.02), (4, 5)))
    cases.append(loss_case("actreg_default", L.ActivityRegularization, {}, (2, 3)))
    cases.append(loss_case("noise", L.GaussianNoise, dict(stddev=0.3, seed=4), (3, 4)))
    cases.append(loss_case("gdropout", L.GaussianDropout, dict(rate=0.4), (3, 4)))
    probes = probe_rows(
        [(L.RepeatVector, dict(n=2.0), (2, 3)), (L.RepeatVector, dict(n=2), (2, 3, 4))]
    )
    notes = (
        "RepeatVector forward/backward (loss = sum(y * g)); ActivityRegularization's loss; "
        "GaussianNoise/GaussianDropout in inference. 'probes': what the reference refuses."
    )
    write_fixtures("regularization_layers", cases, meta(GENERATOR, notes=notes, probes=probes))
    print(f"regularization_layers: {len(cases)} cases")


if __name__ == "__main__":
    main()
