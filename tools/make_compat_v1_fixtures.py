"""Golden fixtures of the TF1 API (``tf.compat.v1`` in graph mode, TF 2.21 + tf-keras 2.21).

Writes
* ``tests/fixtures/compat_v1.{json,npz}``: every scenario of ``tests/compat_v1_scenarios.py``
  run on ``tf.compat.v1.layers`` / ``variable_scope`` / ``get_variable`` in a fresh graph
  (``disable_v2_behavior()``, as TF1 code runs on TF 2.x): global variables in order with
  shapes and trainability, ``REGULARIZATION_LOSSES`` values, each returned layer's name,
  scope name, weight names and loss count, expected errors (type, message) and outputs.
  A scenario that takes an SGD step also stores every variable after it (TF1 optimizers
  apply each variable's constraint, a shard's to the shard). Weights are set by assignment
  to seeded values (N(0, 0.5^2), seeded by the variable's name) and stored, so the outputs
  and losses test arithmetic; the scenarios listed in ``INIT_SCENARIOS`` keep their
  initial values instead (graph-level seeds make them repeat), and store them.
* ``tests/fixtures/compat_v1_partitions.json``: TF's three partitioners and its shard
  slicing (``variable_scope._iter_slices``) on a seeded grid of shapes and dtypes.

Run from the repository root:
``TF_USE_LEGACY_KERAS=1 tools/.venv/bin/python tools/make_compat_v1_fixtures.py``.
"""

from __future__ import annotations

import os
import sys
import zlib
from pathlib import Path

os.environ["TF_USE_LEGACY_KERAS"] = "1"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import tensorflow as tf
import tf_keras
from tensorflow.python.ops import variable_scope as tf_variable_scope

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from compat_v1_scenarios import INIT_SCENARIOS, SCENARIOS
from fixture_io import FIXTURES, write_fixtures, write_json

tf.compat.v1.disable_v2_behavior()
tf.get_logger().setLevel("ERROR")
v1 = tf.compat.v1
WEIGHT_STD = 0.5


class Kit:
    """What the scenarios spell differently on the two sides, and the error recorder."""

    KerasLayer = tf_keras.layers.Layer

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}
        self.train_op = None

    @staticmethod
    def max_norm(value):
        return tf_keras.constraints.max_norm(value)

    @staticmethod
    def non_neg():
        return tf_keras.constraints.non_neg()

    @staticmethod
    def reduce_sum(x):
        return tf.reduce_sum(x)

    def sgd_step(self, loss, learning_rate, layers):
        self.train_op = v1.train.GradientDescentOptimizer(learning_rate).minimize(loss)

    @staticmethod
    def l1(scale):
        return tf_keras.regularizers.l1(scale)

    @staticmethod
    def l2(scale):
        return tf_keras.regularizers.l2(scale)

    @staticmethod
    def matmul(a, b):
        return tf.tensordot(a, b, 1)

    def attempt(self, label, fn):
        try:
            fn()
        except Exception as error:
            message = str(error).split(" Originally defined at:")[0]
            self.errors[label] = [type(error).__name__, message]
        else:
            self.errors[label] = ["no error", ""]


def _seeded(name: str, shape) -> np.ndarray:
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    return (rng.standard_normal(shape) * WEIGHT_STD).astype(np.float32)


def _layer_entry(layer) -> dict:
    try:
        scope_name = layer.scope_name
    except ValueError as error:
        scope_name = f"ValueError: {error}"
    except AttributeError:  # tf-keras' own (non-tf.layers) layers have no scope_name
        scope_name = None
    return {
        "name": layer.name,
        "scope_name": scope_name,
        "weights": [w.name for w in layer.weights],
        "trainable_weights": [w.name for w in layer.trainable_weights],
        "losses": len(layer.losses),
    }


def run_scenario(name: str, fn, x1: np.ndarray, x2: np.ndarray) -> dict:
    tf_keras.backend.clear_session()
    with tf.Graph().as_default():
        v1.set_random_seed(zlib.crc32(name.encode()))  # initial values repeat on a rerun
        kit = Kit()
        result = fn(v1, kit, tf.constant(x1), tf.constant(x2))
        variables = v1.global_variables()
        trainable = {id(v) for v in v1.trainable_variables()}
        outputs = {k: tf.convert_to_tensor(v) for k, v in result["outputs"].items()}
        losses = v1.get_collection(v1.GraphKeys.REGULARIZATION_LOSSES)
        layers = {label: _layer_entry(layer) for label, layer in result["layers"].items()}
        arrays = {}
        with v1.Session() as session:
            session.run(v1.global_variables_initializer())
            for variable in variables:
                if name in INIT_SCENARIOS:
                    arrays[f"init/{variable.name}"] = session.run(variable)
                else:
                    value = _seeded(variable.name, variable.shape.as_list())
                    variable.load(value, session)
                    arrays[f"w/{variable.name}"] = value
            for label, value in session.run(outputs).items():
                arrays[f"y/{label}"] = value
            if kit.train_op is not None:  # one step; the optimizer applies the constraints
                session.run(kit.train_op)
                for variable in variables:
                    arrays[f"after/{variable.name}"] = session.run(variable)
            arrays["losses"] = np.asarray(session.run(losses), np.float32).reshape(-1)
    return {
        "id": name,
        "variables": [[v.name, v.shape.as_list(), id(v) in trainable] for v in variables],
        "regularization_losses": len(losses),
        "layers": layers,
        "errors": kit.errors,
        "outputs": list(outputs),
        "arrays": arrays,
    }


def partition_cases() -> list[dict]:
    """TF's partitioners and slicing on a seeded grid of shapes and dtypes."""
    rng = np.random.default_rng(1234)
    dtypes = [tf.float32, tf.float64, tf.float16, tf.bfloat16, tf.int32, tf.int64]
    cases = []
    for i in range(240):
        rank = int(rng.integers(1, 5))
        shape = [int(rng.integers(1, 40 if rank < 3 else 12)) for _ in range(rank)]
        axis = int(rng.integers(-rank, rank))
        dtype = dtypes[i % len(dtypes)]
        kind = ("fixed", "axis_size", "min_max")[i % 3]
        if kind == "fixed":
            args = {"num_shards": int(rng.integers(1, 9)), "axis": axis}
            partitioner = v1.fixed_size_partitioner(**args)
        elif kind == "axis_size":
            args = {"max_shard_bytes": int(rng.integers(1, 600)), "axis": axis}
            if rng.random() < 0.4:
                args["max_shards"] = int(rng.integers(1, 6))
            partitioner = v1.variable_axis_size_partitioner(**args)
        else:
            args = {
                "max_partitions": int(rng.integers(1, 9)),
                "axis": axis,
                "min_slice_size": int(rng.integers(1, 800)),
            }
            partitioner = v1.min_max_variable_partitioner(**args)
        partitions = partitioner(shape=tf.TensorShape(shape), dtype=dtype)
        slice_dim, count = tf_variable_scope._get_slice_dim_and_num_slices(partitions)
        slices = list(tf_variable_scope._iter_slices(shape, count, slice_dim))
        cases.append(
            {
                "shape": shape,
                "dtype": dtype.name,
                "partitioner": kind,
                "args": args,
                "partitions": [int(p) for p in partitions],
                "slices": [[offset, shard] for offset, shard in slices],
            }
        )
    return cases


def main() -> None:
    rng = np.random.default_rng(7)
    x1 = rng.standard_normal((2, 10, 3)).astype(np.float32)
    x2 = rng.standard_normal((2, 7, 6, 3)).astype(np.float32)
    cases = [run_scenario(name, fn, x1, x2) for name, fn in SCENARIOS.items()]
    cases.append({"id": "inputs", "arrays": {"x1": x1, "x2": x2}})
    meta = {
        "generator": "tools/make_compat_v1_fixtures.py",
        "tensorflow": tf.__version__,
        "tf_keras": tf_keras.__version__,
        "mode": "tf.compat.v1 graph mode (disable_v2_behavior)",
        "init_scenarios": list(INIT_SCENARIOS),
    }
    write_fixtures("compat_v1", cases, meta)
    write_json(
        FIXTURES / "compat_v1_partitions.json",
        {**{k: meta[k] for k in ("generator", "tensorflow")}, "cases": partition_cases()},
        inline_depth=2,
    )


if __name__ == "__main__":
    main()
