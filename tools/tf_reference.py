"""Run one tf-keras layer case and collect its golden arrays (shared by the generators).

Imports TensorFlow; only the ``tools/make_*_fixtures.py`` scripts use this module.
"""

from __future__ import annotations

import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import json
import zlib

import numpy as np
import tensorflow as tf
import tf_keras

tf.config.threading.set_intra_op_parallelism_threads(2)
tf.config.threading.set_inter_op_parallelism_threads(2)
tf.get_logger().setLevel("ERROR")

WEIGHT_STD = 0.5


PROBE_NOTE = (
    "Probes call the layer on zeros. They ran with TF's default oneDNN kernels (x86): a "
    "'valid' kernel exactly one longer than the input (out_len 0) then returns an output of "
    "the input's length filled with uninitialised memory (Conv1D without bias, Separable, "
    "Depthwise), or fails in BiasAdd (Conv with bias); with TF_ENABLE_ONEDNN_OPTS=0 the "
    "same call returns an empty length-0 output. A longer kernel (out_len < 0) raises."
)


def meta(generator: str, **extra) -> dict:
    """The json header: generator script and reference versions, plus extra entries."""
    return {
        "generator": generator,
        "tensorflow": tf.__version__,
        "tf_keras": tf_keras.__version__,
        "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default (on)"),
        **extra,
    }


def short_name(variable) -> str:
    """``'conv1d/kernel:0'`` -> ``'kernel'``."""
    return variable.name.split("/")[-1].split(":")[0]


def jsonify(obj):
    """A JSON round trip (tuples -> lists), so what we store is exactly what we write."""
    return json.loads(json.dumps(obj, default=lambda o: o.item()))


def serialize_kwargs(kwargs: dict) -> dict:
    """Constructor kwargs in JSON form, objects as the reference's ``serialize()`` dicts."""
    out = {}
    for key, value in kwargs.items():
        if isinstance(value, tf_keras.initializers.Initializer):
            value = tf_keras.initializers.serialize(value)
        elif isinstance(value, tf_keras.regularizers.Regularizer):
            value = tf_keras.regularizers.serialize(value)
        elif isinstance(value, tf_keras.constraints.Constraint):
            value = tf_keras.constraints.serialize(value)
        out[key] = value
    return jsonify(out)


def config_entry(layer_cls, kwargs: dict) -> dict:
    """``{"kwargs": ..., "config": ...}`` for one reference instance (unbuilt)."""
    tf_keras.backend.clear_session()
    layer = layer_cls(**kwargs)
    return {"kwargs": serialize_kwargs(kwargs), "config": jsonify(layer.get_config())}


def probe(layer_cls, kwargs: dict, input_shape) -> dict:
    """Try construct / build+call on random input; record the stage and error if it fails."""
    tf_keras.backend.clear_session()
    entry = {"layer": layer_cls.__name__, "kwargs": serialize_kwargs(kwargs)}
    entry["input_shape"] = list(input_shape)
    stage = "init"
    try:
        layer = layer_cls(**kwargs)
        stage = "call"
        y = layer(tf.zeros(input_shape))
        entry["result"] = "ok"
        entry["output_shape"] = list(y.shape)
    except Exception as exc:  # the point is to record whatever the reference raises
        entry["result"] = "error"
        entry["stage"] = stage
        entry["error"] = f"{type(exc).__name__}: {str(exc).strip()[:400]}"
        return entry
    try:
        declared = list(layer.compute_output_shape(tuple(input_shape)))
    except Exception as exc:  # record it, as above
        declared = f"{type(exc).__name__}: {str(exc).strip()[:200]}"
    if declared != entry["output_shape"]:
        entry["declared_output_shape"] = declared
        entry["result"] = "ok, but the output shape disagrees with compute_output_shape"
    return entry


def cross_check_channels_first(layer_cls, kwargs: dict, case: dict) -> float:
    """Re-run a channels_first case as channels_last on transposed data: max abs difference.

    Only valid when the weight layout does not depend on data_format (Conv/Separable/Depthwise).
    """
    tf_keras.backend.clear_session()
    layer = layer_cls(**{**kwargs, "data_format": "channels_last"})
    arrays = case["arrays"]
    rank = arrays["x"].ndim
    to_last = (0, *range(2, rank), 1)
    to_first = (0, rank - 1, *range(1, rank - 1))
    x = tf.constant(np.transpose(arrays["x"], to_last))
    layer.build(tuple(x.shape))
    layer.set_weights([arrays[f"w/{n}"] for n in case["weight_names"]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer(x)
        loss = tf.reduce_sum(y * np.transpose(arrays["g"], to_last))
    grads = tape.gradient(loss, [x, *layer.trainable_weights])
    diffs = [np.abs(np.transpose(y.numpy(), to_first) - arrays["y"]).max()]
    diffs.append(np.abs(np.transpose(grads[0].numpy(), to_first) - arrays["dx"]).max())
    for n, gw in zip(case["trainable_weight_names"], grads[1:], strict=True):
        diffs.append(np.abs(gw.numpy() - arrays[f"dw/{n}"]).max())
    return float(max(diffs))


def probe_rows(specs) -> list[dict]:
    """``probe`` of each ``(layer class, kwargs, input_shape)``, an error's text without
    tf-keras' "Call arguments received" listing (a repr of the call's arguments)."""
    rows = [probe(cls, kwargs, shape) for cls, kwargs, shape in specs]
    for row in rows:
        if "error" in row:
            row["error"] = row["error"].split("\n\nCall arguments received")[0]
    return rows


def seed_for(family: str, case_id: str) -> int:
    return zlib.crc32(f"{family}/{case_id}".encode())


def run_case(
    family, case_id, layer_cls, kwargs, input_shape, notes="", aux_fn=None, call_arrays_fn=None
):
    """Build ``layer_cls(**kwargs)``, set seeded weights, run forward + backward.

    Returns ``(case, None)`` or ``(None, skip_record)`` when the reference refuses the combo.
    ``aux_fn(layer)`` may return extra arrays stored as ``aux/<name>``.
    ``call_arrays_fn(rng, input_shape)`` may return arrays passed to the call as keyword
    arguments (e.g. ``mask``), drawn after the weights and stored as ``call/<name>``.
    """
    tf_keras.backend.clear_session()
    rng = np.random.default_rng(seed_for(family, case_id))
    x = rng.standard_normal(input_shape).astype(np.float32)
    try:
        layer = layer_cls(**kwargs)
        layer.build(tuple(input_shape))
        values = []
        for w in layer.weights:
            if w.trainable:
                values.append(rng.normal(0.0, WEIGHT_STD, w.shape).astype(np.float32))
            else:
                values.append(w.numpy())
        layer.set_weights(values)
        call_arrays = {} if call_arrays_fn is None else call_arrays_fn(rng, input_shape)
        xt = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(xt)
            y = layer(xt, **{k: tf.constant(v) for k, v in call_arrays.items()})
            g = tf.constant(rng.standard_normal(y.shape).astype(np.float32))
            loss = tf.reduce_sum(y * g)
        grads = tape.gradient(loss, [xt, *layer.trainable_weights])
    except Exception as exc:  # the reference refused this combination: record and skip
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return None, {
            "id": case_id,
            "kwargs": serialize_kwargs(kwargs),
            "input_shape": list(input_shape),
            "error": f"{type(exc).__name__}: {first[:300]}",
        }
    arrays = {"x": x, "g": g.numpy(), "y": y.numpy(), "dx": tf.convert_to_tensor(grads[0]).numpy()}
    names = [short_name(w) for w in layer.weights]
    trainable = [short_name(w) for w in layer.trainable_weights]
    if len(set(names)) != len(names):
        raise RuntimeError(f"{case_id}: duplicate weight names {names}")
    for name, w in zip(names, layer.weights, strict=True):
        arrays[f"w/{name}"] = w.numpy()
    for name, grad in zip(trainable, grads[1:], strict=True):
        arrays[f"dw/{name}"] = tf.convert_to_tensor(grad).numpy()
    for name, value in call_arrays.items():
        arrays[f"call/{name}"] = np.asarray(value)
    if aux_fn is not None:
        for name, value in aux_fn(layer).items():
            arrays[f"aux/{name}"] = np.asarray(value)
    for key, value in arrays.items():
        if value.dtype == np.float64:
            raise RuntimeError(f"{case_id}/{key} is float64")
        if not np.all(np.isfinite(value)):
            raise RuntimeError(f"{case_id}/{key} is not finite")
    case = {
        "id": case_id,
        "layer": layer_cls.__name__,
        "config": jsonify(layer.get_config()),
        "input_shape": list(input_shape),
        "output_shape": list(y.shape),
        "weight_names": names,
        "trainable_weight_names": trainable,
        "notes": notes,
        "arrays": arrays,
    }
    return case, None


def run_merge_case(family, case_id, layer_cls, kwargs, input_shapes, notes="", inputs=None):
    """Call a multi-input layer (a merge layer) on seeded inputs, forward and backward.

    ``inputs`` may give the input arrays (e.g. with ties); otherwise they are N(0, 1).
    Arrays: ``x<i>`` inputs, ``g`` cotangent, ``y`` output, ``dx<i>`` input gradients.
    """
    tf_keras.backend.clear_session()
    rng = np.random.default_rng(seed_for(family, case_id))
    if inputs is None:
        inputs = [rng.standard_normal(s).astype(np.float32) for s in input_shapes]
    layer = layer_cls(**kwargs)
    xs = [tf.constant(x) for x in inputs]
    with tf.GradientTape() as tape:
        for x in xs:
            tape.watch(x)
        y = layer(xs)
        g = tf.constant(rng.standard_normal(y.shape).astype(np.float32))
        loss = tf.reduce_sum(y * g)
    grads = tape.gradient(loss, xs)
    arrays = {f"x{i}": x for i, x in enumerate(inputs)}
    arrays.update({"g": g.numpy(), "y": y.numpy()})
    arrays.update({f"dx{i}": tf.convert_to_tensor(d).numpy() for i, d in enumerate(grads)})
    return {
        "id": case_id,
        "layer": layer_cls.__name__,
        "config": jsonify(layer.get_config()),
        "input_shape": [list(s) for s in input_shapes],
        "output_shape": list(y.shape),
        "weight_names": [],
        "trainable_weight_names": [],
        "notes": notes,
        "arrays": arrays,
    }
