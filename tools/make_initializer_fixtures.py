"""Golden fixtures for activations, initializers, regularizers and constraints (tf-keras 2.21).

Writes, into ``tests/fixtures/``:

* ``serialization.json``: what ``tf_keras.{initializers,regularizers,constraints}.serialize``
  returns for a list of constructed objects, the names ``get`` accepts and the class each
  resolves to, ``activations.serialize(get(name))``, and the initializer/regularizer/
  constraint/activation entries of ``Conv1D(...).get_config()``.
* ``initializers.json``: reference ``_compute_fans`` for shapes of rank 0..5, the values of
  the deterministic initializers (Zeros, Ones, Constant, Identity), the (dtype, initializer)
  pairs the reference refuses, and the cases stored in ``initializers_goldens.npz``.
* ``initializers_goldens.npz``: fixed inputs and the reference outputs of activations,
  regularizers and constraints on them (float32 and float64).

Tuples in serialized configs become JSON lists. Run from the repository root:
``TF_USE_LEGACY_KERAS=1 /work/venvs/tfref/bin/python tools/make_initializer_fixtures.py``.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import tensorflow as tf
import tf_keras
from tf_keras.src import activations as act_module
from tf_keras.src.initializers import initializers as init_module

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
GENERATOR = "tools/make_initializer_fixtures.py"
KI, KR, KC, KA = (
    tf_keras.initializers,
    tf_keras.regularizers,
    tf_keras.constraints,
    tf_keras.activations,
)


def versions() -> dict:
    return {"tensorflow": tf.__version__, "tf_keras": tf_keras.__version__}


def plain(value):
    """JSON-able copy (tuples to lists, NumPy scalars to Python)."""
    return json.loads(json.dumps(value, default=lambda v: v.item()))


# -- serialization -----------------------------------------------------------------------

INITIALIZERS = [
    ("Zeros", {}),
    ("Ones", {}),
    ("Constant", {}),
    ("Constant", {"value": 2}),
    ("Constant", {"value": 0.5}),
    ("Constant", {"value": [1.0, 2.0, 3.0]}),
    ("RandomUniform", {}),
    ("RandomUniform", {"minval": -1, "maxval": 1, "seed": 3}),
    ("RandomNormal", {}),
    ("RandomNormal", {"mean": 1.0, "stddev": 2.0, "seed": 7}),
    ("TruncatedNormal", {}),
    ("TruncatedNormal", {"mean": 0.5, "stddev": 0.1, "seed": 1}),
    ("VarianceScaling", {}),
    ("VarianceScaling", {"scale": 2.0, "mode": "fan_out", "distribution": "normal"}),
    ("VarianceScaling", {"scale": 1, "mode": "fan_avg", "distribution": "Uniform", "seed": 5}),
    ("VarianceScaling", {"mode": "fan_in", "distribution": "untruncated_normal"}),
    ("GlorotUniform", {}),
    ("GlorotUniform", {"seed": 3}),
    ("GlorotNormal", {}),
    ("HeUniform", {}),
    ("HeNormal", {"seed": 0}),
    ("LecunUniform", {}),
    ("LecunNormal", {}),
    ("Orthogonal", {}),
    ("Orthogonal", {"gain": 2.0, "seed": 4}),
    ("Identity", {}),
    ("Identity", {"gain": 0.5}),
]
REGULARIZERS = [
    ("L1", {}),
    ("L1", {"l1": 0.1}),
    ("L1", {"l1": 1}),
    ("L2", {}),
    ("L2", {"l2": 0.3}),
    ("L1L2", {}),
    ("L1L2", {"l1": 0.01, "l2": 0.02}),
    ("L1L2", {"l1": None, "l2": 0.5}),
    ("OrthogonalRegularizer", {}),
    ("OrthogonalRegularizer", {"factor": 0.1, "mode": "columns"}),
]
CONSTRAINTS = [
    ("MaxNorm", {}),
    ("MaxNorm", {"max_value": 3.0, "axis": [0, 1]}),
    ("MaxNorm", {"max_value": 1, "axis": -1}),
    ("NonNeg", {}),
    ("UnitNorm", {}),
    ("UnitNorm", {"axis": [0, 1]}),
    ("MinMaxNorm", {}),
    ("MinMaxNorm", {"min_value": 0.5, "max_value": 2.0, "rate": 0.5, "axis": [0, 1]}),
    ("RadialConstraint", {}),
]
INITIALIZER_NAMES = sorted(
    set(init_module.__dict__) & set(KI.__dict__)
    | {"normal", "uniform", "one", "zero", "GlorotUniformV2", "glorot_uniformV2", "he_normalV2"}
    | {n for n in dir(KI) if not n.startswith("_")}
)
REGULARIZER_NAMES = ["l1", "l2", "l1_l2", "L1", "L2", "L1L2", "orthogonal_regularizer"]
REGULARIZER_NAMES += ["OrthogonalRegularizer"]
CONSTRAINT_NAMES = ["max_norm", "maxnorm", "MaxNorm", "non_neg", "nonneg", "NonNeg"]
CONSTRAINT_NAMES += ["unit_norm", "unitnorm", "UnitNorm", "min_max_norm", "MinMaxNorm"]
CONSTRAINT_NAMES += ["radial_constraint", "RadialConstraint"]
ACTIVATION_NAMES = [n for n in dir(KA) if not n.startswith("_")]
ACTIVATION_NAMES = [n for n in ACTIVATION_NAMES if n not in ("get", "serialize", "deserialize")]
ACTIVATION_NAMES += ["silu", "relu6", "leaky_relu", None]
CONV1D_ARGS = [
    {},
    {"activation": "relu", "kernel_initializer": "he_normal", "bias_initializer": "ones"},
    {"activation": "silu", "kernel_regularizer": "l2", "activity_regularizer": "l1"},
    {"activation": "hard_sigmoid", "bias_regularizer": "l1_l2", "kernel_constraint": "max_norm"},
    {"kernel_initializer": "orthogonal", "bias_constraint": "non_neg"},
    {
        "kernel_initializer": {"class_name": "VarianceScaling", "config": {"seed": 5}},
        "kernel_regularizer": {"class_name": "L1L2", "config": {"l1": 0.1, "l2": 0.2}},
        "kernel_constraint": {
            "class_name": "MinMaxNorm",
            "config": {"min_value": 0.5, "max_value": 2.0, "rate": 0.5, "axis": [0, 1]},
        },
        "bias_initializer": {"class_name": "Constant", "config": {"value": 0.25}},
    },
]
CONFIG_KEYS = ("initializer", "regularizer", "constraint", "activation")


def serialized(module, cases) -> list:
    return [
        {
            "class_name": name,
            "args": args,
            "serialized": plain(module.serialize(getattr(module, name)(**args))),
        }
        for name, args in cases
    ]


def resolved(module, names) -> dict:
    out = {}
    for name in names:
        obj = module.get(name)
        if not hasattr(obj, "get_config") or isinstance(obj, type):
            continue
        out[name] = {"class_name": type(obj).__name__, "config": plain(obj.get_config())}
    return out


def serialization_fixture() -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        activation_names = {str(name): KA.serialize(KA.get(name)) for name in ACTIVATION_NAMES}
        init_names = [n for n in INITIALIZER_NAMES if n not in ("Initializer", "initializer")]
        init_names = [
            n for n in init_names if n[0].isalpha() and n not in ("get", "serialize", "deserialize")
        ]
        layer_configs = []
        for args in CONV1D_ARGS:
            config = tf_keras.layers.Conv1D(4, 3, **args).get_config()
            picked = {k: v for k, v in config.items() if k.endswith(CONFIG_KEYS)}
            layer_configs.append({"args": args, "config": plain(picked)})
        return {
            "generator": GENERATOR,
            "versions": versions(),
            "notes": "serialize() of constructed objects; get(name) resolution; Conv1D configs.",
            "initializers": serialized(KI, INITIALIZERS),
            "regularizers": serialized(KR, REGULARIZERS),
            "constraints": serialized(KC, CONSTRAINTS),
            "initializer_names": resolved(KI, init_names),
            "regularizer_names": resolved(KR, REGULARIZER_NAMES),
            "constraint_names": resolved(KC, CONSTRAINT_NAMES),
            "activation_names": activation_names,
            "conv1d_configs": layer_configs,
        }


# -- initializers ------------------------------------------------------------------------

FAN_SHAPES = [(), (7,), (3, 5), (3, 4, 5), (2, 3, 4, 5), (2, 3, 4, 5, 6), (1, 1, 8, 16)]
DETERMINISTIC = [
    ("Zeros", {}, (2, 3), "float32"),
    ("Zeros", {}, (4,), "int32"),
    ("Zeros", {}, (2, 2), "bool"),
    ("Ones", {}, (3, 2), "float64"),
    ("Ones", {}, (2, 2), "int64"),
    ("Ones", {}, (2,), "bool"),
    ("Constant", {"value": 2}, (2, 3), "float32"),
    ("Constant", {"value": 2}, (3,), "int32"),
    ("Constant", {"value": 0.5}, (2, 2), "float64"),
    ("Constant", {"value": [1.0, 2.0, 3.0, 4.0]}, (2, 2), "float32"),
    ("Constant", {"value": [[1, 2, 3], [4, 5, 6]]}, (3, 2), "float32"),
    ("Constant", {"value": [7.0]}, (2, 2), "float32"),
    ("Identity", {}, (3, 3), "float32"),
    ("Identity", {"gain": 2.0}, (2, 4), "float32"),
    ("Identity", {"gain": 0.5}, (5, 3), "float64"),
]
REFUSED = [
    (name, dtype)
    for name in (
        "RandomNormal",
        "TruncatedNormal",
        "VarianceScaling",
        "GlorotUniform",
        "HeNormal",
        "Orthogonal",
        "Identity",
        "RandomUniform",
    )
    for dtype in ("int32", "bool")
]


def initializer_fixture(cases: list) -> dict:
    fans = [{"shape": list(s), "fans": list(init_module._compute_fans(s))} for s in FAN_SHAPES]
    values = []
    for name, args, shape, dtype in DETERMINISTIC:
        value = getattr(KI, name)(**args)(shape, dtype=dtype).numpy()
        values.append(
            {
                "class_name": name,
                "args": args,
                "shape": list(shape),
                "dtype": dtype,
                "value": value.tolist(),
            }
        )
    refused = []
    for name, dtype in REFUSED:
        try:
            getattr(KI, name)()((2, 2), dtype=dtype)
            refused.append({"class_name": name, "dtype": dtype, "refused": False})
        except (ValueError, TypeError):
            refused.append({"class_name": name, "dtype": dtype, "refused": True})
    return {
        "generator": GENERATOR,
        "versions": versions(),
        "fans": fans,
        "deterministic": values,
        "refused_dtypes": refused,
        "numeric_cases": cases,
    }


# -- numeric goldens: activations, regularizers, constraints -------------------------------

ACTIVATION_CASES = [
    ("elu", {}),
    ("elu", {"alpha": 0.5}),
    ("elu", {"alpha": -2.0}),
    ("exponential", {}),
    ("gelu", {}),
    ("gelu", {"approximate": True}),
    ("hard_sigmoid", {}),
    ("linear", {}),
    ("mish", {}),
    ("relu", {}),
    ("relu", {"alpha": 0.1}),
    ("relu", {"max_value": 6.0}),
    ("relu", {"max_value": 1.5}),
    ("relu", {"threshold": 0.5}),
    ("relu", {"threshold": -1.0}),
    ("relu", {"alpha": 0.1, "max_value": 2.0, "threshold": -1.0}),
    ("relu", {"alpha": 0.3, "threshold": 0.5}),
    ("relu", {"alpha": 2.0}),
    ("selu", {}),
    ("sigmoid", {}),
    ("softmax", {}),
    ("softmax", {"axis": 0}),
    ("softmax", {"axis": (0, 1)}),
    ("softplus", {}),
    ("softsign", {}),
    ("swish", {}),
    ("tanh", {}),
    ("silu", {}),
    ("relu6", {}),
    ("leaky_relu", {}),
    ("leaky_relu", {"alpha": 0.5}),
    ("log_softmax", {}),
]
# Half precision: the activations whose TensorFlow kernels round like ours (the rest,
# e.g. sigmoid, use Eigen's fast approximations and differ by an ulp).
HALF_ACTIVATION_CASES = [
    ("elu", {}),
    ("elu", {"alpha": 0.3}),
    ("gelu", {}),
    ("gelu", {"approximate": True}),
    ("hard_sigmoid", {}),
    ("linear", {}),
    ("relu", {}),
    ("relu", {"alpha": 0.3}),
    ("relu", {"alpha": 0.3, "max_value": 2.0, "threshold": 0.5}),
    ("relu", {"max_value": 6.0}),
    ("selu", {}),
    ("softsign", {}),
    ("tanh", {}),
    ("relu6", {}),
    ("leaky_relu", {}),
]
REGULARIZER_CASES = [
    ("L1", {}),
    ("L1", {"l1": 0.3}),
    ("L2", {}),
    ("L2", {"l2": 0.3}),
    ("L1L2", {}),
    ("L1L2", {"l1": 0.01, "l2": 0.02}),
    ("OrthogonalRegularizer", {}),
    ("OrthogonalRegularizer", {"factor": 0.1, "mode": "columns"}),
]
CONSTRAINT_CASES = [
    ("MaxNorm", {}),
    ("MaxNorm", {"max_value": 0.5, "axis": [0, 1]}),
    ("MaxNorm", {"max_value": 1.0, "axis": -1}),
    ("NonNeg", {}),
    ("UnitNorm", {}),
    ("UnitNorm", {"axis": [0, 1]}),
    ("MinMaxNorm", {}),
    ("MinMaxNorm", {"min_value": 0.5, "max_value": 1.5, "rate": 0.7, "axis": [0, 1]}),
]


def numeric_goldens() -> tuple[dict, list]:
    rng = np.random.default_rng(20261122)
    arrays: dict[str, np.ndarray] = {}
    cases: list[dict] = []
    for dtype in ("float32", "float64"):
        x_act = (
            np.concatenate(
                [
                    np.array(
                        [-30.0, -10.0, -3.0, -2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5, 3.0, 10.0, 30.0]
                    ),
                    rng.normal(0, 3, 35),
                ]
            )
            .reshape(6, 8)
            .astype(dtype)
        )
        w2 = rng.normal(0, 1, (5, 4)).astype(dtype)
        w3 = (rng.normal(0, 1, (3, 4, 6)) * rng.uniform(0.05, 2, (1, 1, 6))).astype(dtype)
        arrays[f"x/act/{dtype}"] = x_act
        arrays[f"x/w2/{dtype}"] = w2
        arrays[f"x/w3/{dtype}"] = w3
        for i, (name, kwargs) in enumerate(ACTIVATION_CASES):
            fn = getattr(act_module, name)
            key = f"act/{i}/{dtype}"
            arrays[key] = np.asarray(fn(tf.constant(x_act), **kwargs))
            cases.append(
                {
                    "kind": "activation",
                    "name": name,
                    "args": kwargs,
                    "input": f"x/act/{dtype}",
                    "key": key,
                }
            )
        for i, (name, kwargs) in enumerate(REGULARIZER_CASES):
            reg = getattr(KR, name)(**kwargs)
            for inp in ("w2", "w3"):
                if name == "OrthogonalRegularizer" and inp == "w3":
                    continue
                key = f"reg/{i}/{inp}/{dtype}"
                arrays[key] = np.asarray(reg(tf.constant(arrays[f"x/{inp}/{dtype}"])))
                cases.append(
                    {
                        "kind": "regularizer",
                        "name": name,
                        "args": kwargs,
                        "input": f"x/{inp}/{dtype}",
                        "key": key,
                    }
                )
        for i, (name, kwargs) in enumerate(CONSTRAINT_CASES):
            con = getattr(KC, name)(**kwargs)
            if name == "NonNeg" and dtype == "float64":
                continue  # the reference multiplies by a float32 mask and fails on float64
            for inp in ("w2", "w3"):
                key = f"con/{i}/{inp}/{dtype}"
                arrays[key] = np.asarray(con(tf.constant(arrays[f"x/{inp}/{dtype}"])))
                cases.append(
                    {
                        "kind": "constraint",
                        "name": name,
                        "args": kwargs,
                        "input": f"x/{inp}/{dtype}",
                        "key": key,
                    }
                )
        for n in (2, 3, 4, 5, 6, 7):
            w = rng.normal(0, 1, (n, n, 2, 3)).astype(dtype)
            arrays[f"x/radial{n}/{dtype}"] = w
            key = f"con/radial{n}/{dtype}"
            arrays[key] = np.asarray(KC.RadialConstraint()(tf.constant(w)))
            cases.append(
                {
                    "kind": "constraint",
                    "name": "RadialConstraint",
                    "args": {},
                    "input": f"x/radial{n}/{dtype}",
                    "key": key,
                }
            )
    half_input = rng.normal(0, 3, 400).astype("float16").astype("float32")
    half_input[:8] = [-30.0, -2.5, -1.0, 0.0, 0.5, 2.5, 6.5, 30.0]
    arrays["x/act_half"] = half_input
    for dtype in ("float16", "bfloat16"):
        x = tf.cast(tf.constant(half_input), dtype)  # float16 values are exact in both
        for i, (name, kwargs) in enumerate(HALF_ACTIVATION_CASES):
            key = f"act_half/{i}/{dtype}"
            out = getattr(act_module, name)(x, **kwargs)
            arrays[key] = tf.cast(out, "float32").numpy()
            cases.append(
                {
                    "kind": "activation",
                    "name": name,
                    "args": kwargs,
                    "input": "x/act_half",
                    "dtype": dtype,
                    "key": key,
                }
            )
    return arrays, cases


def main() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    arrays, cases = numeric_goldens()
    np.savez_compressed(FIXTURES / "initializers_goldens.npz", **arrays)
    (FIXTURES / "initializers.json").write_text(
        json.dumps(initializer_fixture(cases), indent=1) + "\n"
    )
    (FIXTURES / "serialization.json").write_text(
        json.dumps(serialization_fixture(), indent=1) + "\n"
    )


if __name__ == "__main__":
    main()
