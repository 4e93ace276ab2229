"""Golden fixtures for Embedding from tf-keras 2.21.

Writes ``tests/fixtures/embedding.{npz,json}``: Embedding on integer (and floating) ids,
with outputs, the gradient of the table, the mask of ``mask_zero``, the reference
``get_config()`` and probes of what it refuses; and the classic IMDB text CNN of the
Keras examples (Embedding, Dropout, Conv1D, GlobalMaxPooling1D, Dense) with its
``get_config()``, weights, parameter count and predictions.
Run: ``TF_USE_LEGACY_KERAS=1 tools/.venv/bin/python tools/make_embedding_fixtures.py``.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf
import tf_keras
from fixture_io import write_fixtures
from tf_reference import WEIGHT_STD, jsonify, meta, probe_rows, seed_for

L = tf_keras.layers
GENERATOR = "tools/make_embedding_fixtures.py"


def grid():
    """(case_id, kwargs, ids shape, ids dtype)."""
    yield "plain", dict(input_dim=12, output_dim=4), (3, 7), "int32"
    yield "mask_zero", dict(input_dim=12, output_dim=4, mask_zero=True), (3, 7), "int32"
    yield "input_length", dict(input_dim=9, output_dim=5, input_length=6), (2, 6), "int64"
    yield "rank3_ids", dict(input_dim=9, output_dim=2), (2, 3, 4), "int32"
    yield "float_ids", dict(input_dim=12, output_dim=3), (2, 5), "float32"


def case(cid, kwargs, shape, dtype):
    tf_keras.backend.clear_session()
    rng = np.random.default_rng(seed_for("embedding", cid))
    ids = rng.integers(0, kwargs["input_dim"], shape)
    ids[..., 0] = 0  # id 0 (padding under mask_zero) appears in every row
    x = (ids + rng.uniform(0.0, 0.9, shape)).astype(dtype) if dtype == "float32" else ids
    x = x.astype(dtype)
    layer = L.Embedding(**kwargs)
    layer.build(shape)
    table = rng.normal(0.0, WEIGHT_STD, (kwargs["input_dim"], kwargs["output_dim"]))
    layer.set_weights([table.astype(np.float32)])
    with tf.GradientTape() as tape:
        y = layer(tf.constant(x))
        g = rng.standard_normal(y.shape).astype(np.float32)
        loss = tf.reduce_sum(y * g)
    grad = tf.convert_to_tensor(tape.gradient(loss, layer.embeddings)).numpy()
    arrays = {"x": x, "g": g, "y": y.numpy(), "w/embeddings": layer.get_weights()[0]}
    arrays["dw/embeddings"] = grad
    mask = layer.compute_mask(tf.constant(x))
    if mask is not None:
        arrays["aux/mask"] = mask.numpy()
    return {
        "id": cid,
        "layer": "Embedding",
        "config": jsonify(layer.get_config()),
        "kwargs": jsonify(kwargs),
        "input_shape": list(shape),
        "output_shape": list(y.shape),
        "weight_names": ["embeddings"],
        "trainable_weight_names": ["embeddings"],
        "notes": "ids in [0, input_dim) with id 0 first in every row; float ids are truncated",
        "arrays": arrays,
    }


def text_cnn():
    """The Keras examples' IMDB CNN (imdb_cnn.py), smaller: ids -> Embedding -> Dropout ->
    Conv1D -> GlobalMaxPooling1D -> Dense -> Dropout -> ReLU -> Dense(sigmoid)."""
    tf_keras.backend.clear_session()
    tf_keras.utils.set_random_seed(0)
    model = tf_keras.Sequential(
        [
            L.Embedding(200, 16, input_length=40),
            L.Dropout(0.2),
            L.Conv1D(32, 3, padding="valid", activation="relu", strides=1),
            L.GlobalMaxPooling1D(),
            L.Dense(24),
            L.Dropout(0.2),
            L.ReLU(),
            L.Dense(1, activation="sigmoid"),
        ]
    )
    rng = np.random.default_rng(seed_for("embedding", "text_cnn"))
    ids = rng.integers(0, 200, (6, 40)).astype(np.int32)
    arrays = {"x": ids, "y": model.predict(ids, verbose=0)}
    for i, weight in enumerate(model.get_weights()):
        arrays[f"w/{i}"] = weight
    return {
        "id": "text_cnn",
        "layer": "Sequential",
        "config": jsonify(model.get_config()),
        "input_shape": [None, 40],
        "count_params": int(model.count_params()),
        "weight_names": [],
        "trainable_weight_names": [],
        "notes": "weights as get_weights() lists them (w/0, w/1, ...); y = predict(x)",
        "arrays": arrays,
    }


def probes():
    specs = [
        (L.Embedding, dict(input_dim=0, output_dim=4), (2, 3)),
        (L.Embedding, dict(input_dim=5, output_dim=-1), (2, 3)),
        (L.Embedding, dict(input_dim=5, output_dim=4, input_length=3), (2, 4)),
    ]
    return probe_rows(specs)


def main():
    cases = [case(*spec) for spec in grid()]
    cases.append(text_cnn())
    notes = (
        "Embedding on integer ids (float ids truncated by the reference's cast), loss = "
        "sum(y * g) with g ~ N(0, 1), table ~ N(0, 0.5^2) via set_weights; aux/mask is "
        "compute_mask under mask_zero. 'text_cnn' is a whole model (see its notes)."
    )
    write_fixtures("embedding", cases, meta(GENERATOR, notes=notes, probes=probes()))
    print(f"embedding: {len(cases)} cases")


if __name__ == "__main__":
    main()
