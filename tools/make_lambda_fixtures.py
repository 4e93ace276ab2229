"""Golden fixtures for Lambda and for arithmetic on symbolic tensors, from tf-keras 2.21.

Writes ``tests/fixtures/lambda_layer.json`` (Lambda ``get_config()`` forms, output shapes the
reference infers, and whether the reference loads the by-name form convlayers writes) and
``tests/fixtures/symbolic_ops.{npz,json}``: a functional model built with ``x + y``,
``x * 2.0``, slicing and whitelisted TF functions, its ``to_json()`` config (the TFOpLambda
and SlicingOpLambda entries and their inbound nodes as files hold them), and its outputs and
input gradients on fixed inputs.
Run: ``TF_USE_LEGACY_KERAS=1 tools/.venv/bin/python tools/make_lambda_fixtures.py``.
"""

from __future__ import annotations

import json

import numpy as np
import tensorflow as tf
import tf_keras
from fixture_io import FIXTURES, write_fixtures, write_json
from tf_reference import jsonify, meta, seed_for

L = tf_keras.layers
GENERATOR = "tools/make_lambda_fixtures.py"


def double(t):
    return t * 2.0


def halve_shape(input_shape):
    return (input_shape[0], input_shape[1] // 2)


def keep_mask(inputs, mask=None):
    return mask


def lambda_configs():
    """The reference's Lambda.get_config() for each kind of function it serializes."""
    cases = {
        "named function": dict(function=double),
        "python lambda": dict(function=lambda t: t + 1.0),
        "builtin (not a Python function)": dict(function=np.abs),
        "tuple output_shape": dict(function=double, output_shape=(4, 3)),
        "callable output_shape": dict(function=double, output_shape=halve_shape),
        "mask and arguments": dict(
            function=lambda t, k: t * k, mask=keep_mask, arguments={"k": 2.0}
        ),
    }
    out = {}
    for key, kwargs in cases.items():
        tf_keras.backend.clear_session()
        config = L.Lambda(**kwargs).get_config()
        for field in ("function", "output_shape", "mask"):
            if config.get(f"{field}_type") == "lambda":  # bytecode: long and Python-specific
                config[field] = "<bytecode omitted>"
        out[key] = jsonify(config)
    return out


def loads_by_name_form():
    """Does the reference rebuild a Lambda from {'function': name, 'function_type': 'function'}?"""
    tf_keras.backend.clear_session()
    config = {
        "name": "lam",
        "trainable": True,
        "dtype": "float32",
        "function": "double",
        "function_type": "function",
        "module": "__main__",
        "output_shape": None,
        "output_shape_type": "raw",
        "output_shape_module": None,
        "arguments": {},
    }
    layer = L.Lambda.from_config(dict(config), custom_objects={"double": double})
    y = layer(tf.constant([[1.0, -2.0]])).numpy().tolist()
    return {"config": config, "custom_objects": ["double"], "input": [[1.0, -2.0]], "output": y}


INFERRED = [
    ("t[:, 1:] * 2.0", lambda t: t[:, 1:] * 2.0, [None, 5, 3]),
    ("t[:, :, None]", lambda t: t[:, :, None], [None, None, 3]),
    ("t[..., ::2] + t[..., 1::2]", lambda t: t[..., ::2] + t[..., 1::2], [None, 4, 6]),
    ("t[:, 0]", lambda t: t[:, 0], [None, None, 3]),
    ("-t[1:]", lambda t: -t[1:], [None, 4, 3]),
    ("[t, t[:, :1]]", lambda t: [t, t[:, :1]], [None, 4, 3]),
]


def inferred_shapes():
    """Output shapes the reference infers for a Lambda with no output_shape."""
    rows = []
    for text, fn, shape in INFERRED:
        tf_keras.backend.clear_session()
        out = L.Lambda(fn)(tf_keras.Input(batch_shape=shape))
        shapes = [list(t.shape) for t in out] if isinstance(out, list) else list(out.shape)
        rows.append({"function": text, "input_shape": shape, "output_shape": shapes})
    return rows


def op_model():
    """A functional model whose graph holds TFOpLambda/SlicingOpLambda nodes: ``(model,
    {output name: tensor}, names of outputs without gradient)``."""
    tf_keras.backend.clear_session()
    x = tf_keras.Input((4, 3), name="x")
    y = tf_keras.Input((4, 3), name="y")
    z = tf_keras.Input((1, 3), name="z")
    p = tf_keras.Input((4, 3), name="p")  # positive values: sqrt, log, pow
    out = {
        "add": x + y,
        "sub": x - y,
        "mul": x * y,
        "truediv": x / (y * y + 1.0),
        "add_const": x + 1.5,
        "radd_const": 1.5 + x,
        "sub_const": x - 0.5,
        "rsub_const": 2.0 - x,
        "mul_const": x * 2.0,
        "rmul_const": 3.0 * x,
        "div_const": x / 4.0,
        "rdiv_const": 2.0 / (x * x + 1.0),
        "neg": -x,
        "pow_int": x**2,
        "pow_float": p**1.5,
        "rpow": 2.0**x,
        "abs": abs(x),
        "floormod": x % 0.75,
        "bcast_add": x + z,
        "bcast_mul": z * x,
        "slice_range": x[:, 1:3],
        "slice_index": x[:, :, 0],
        "slice_ellipsis_step": x[..., ::2],
        "slice_newaxis": x[:, None, 1],
        "slice_negative": x[:, -1],
        "slice_reverse": x[:, ::-1],
        "slice_reverse_step": x[:, 3:0:-2],
        "slice_batch": x[1:],
        "maximum": tf.maximum(x, y),
        "minimum_const": tf.minimum(x, 0.5),
        "sqrt": tf.math.sqrt(p),
        "rsqrt": tf.math.rsqrt(p),
        "square": tf.square(x),
        "exp": tf.exp(x),
        "log": tf.math.log(p),
        "sigmoid": tf.sigmoid(x),
        "tanh": tf.tanh(x),
        "relu": tf.nn.relu(x),
        "relu6": tf.nn.relu6(x * 4.0),
        "elu": tf.nn.elu(x),
        "silu": tf.nn.silu(x),
        "gelu": tf.nn.gelu(x),
        "softmax": tf.nn.softmax(x, axis=-1),
        "clip": tf.clip_by_value(x, -0.5, 0.5),
        "l2_normalize": tf.math.l2_normalize(x, axis=-1),
        "reduce_mean": tf.reduce_mean(x, axis=1),
        "reduce_sum_keepdims": tf.reduce_sum(x, axis=-1, keepdims=True),
        "reduce_max": tf.reduce_max(x, axis=1),
        "reduce_min_axes": tf.reduce_min(x, axis=[1, 2]),
        "reshape": tf.reshape(x, (-1, 12)),
        "expand_dims": tf.expand_dims(x, 1),
        "squeeze": tf.squeeze(x[:, :1], axis=1),
        "transpose": tf.transpose(x, perm=[0, 2, 1]),
        "concat": tf.concat([x, y], axis=-1),
        "stack": tf.stack([x, y], axis=1),
        "split_1": tf.split(x, 2, axis=-2)[1],
        "tile": tf.tile(x, [1, 2, 1]),
        "add_fn": tf.add(x, y),
        "subtract_fn": tf.subtract(x, 0.25),
        "multiply_fn": tf.multiply(x, y),
        "floordiv": x // 0.75,
        "floordiv_fn": tf.math.floordiv(x, y * y + 0.5),
        "greater": x > y,
        "greater_equal": x >= 0.0,
        "less": x < y,
        "less_equal": x <= 0.0,
        "cast": tf.cast(x > y, "float32"),
    }
    no_grad = ["floordiv", "floordiv_fn", "greater", "greater_equal", "less", "less_equal", "cast"]
    model = tf_keras.Model([x, y, z, p], list(out.values()))
    return model, out, no_grad


def op_model_case():
    model, out, no_grad = op_model()
    rng = np.random.default_rng(seed_for("symbolic_ops", "model"))
    inputs = {
        "x": rng.standard_normal((3, 4, 3)).astype(np.float32),
        "y": rng.standard_normal((3, 4, 3)).astype(np.float32),
        "z": rng.standard_normal((3, 1, 3)).astype(np.float32),
        "p": rng.uniform(0.5, 2.0, (3, 4, 3)).astype(np.float32),
    }
    tensors = [tf.constant(inputs[k]) for k in ("x", "y", "z", "p")]
    with tf.GradientTape() as tape:
        for t in tensors:
            tape.watch(t)
        results = model(tensors)
        cotangents = {}
        loss = 0.0
        for name, value in zip(out, results, strict=True):
            if name in no_grad:
                continue
            cotangents[name] = rng.standard_normal(value.shape).astype(np.float32)
            loss += tf.reduce_sum(value * cotangents[name])
    grads = tape.gradient(loss, tensors)
    arrays = {f"in/{k}": v for k, v in inputs.items()}
    for name, value in zip(out, results, strict=True):
        value = value.numpy()
        arrays[f"out/{name}"] = value.astype(np.float32) if value.dtype == np.float64 else value
    arrays.update({f"g/{k}": v for k, v in cotangents.items()})
    arrays.update({f"d/{k}": g.numpy() for k, g in zip(("x", "y", "z", "p"), grads, strict=True)})
    config = json.loads(model.to_json())
    return {
        "id": "model",
        "layer": "Functional",
        "config": config,
        "input_shape": [[None, 4, 3], [None, 4, 3], [None, 1, 3], [None, 4, 3]],
        "notes": "outputs in the order of 'output_names'; loss = sum over outputs with a "
        "gradient of sum(out * g); 'no_grad' outputs are left out of the loss",
        "output_names": list(out),
        "no_grad": no_grad,
        "weight_names": [],
        "trainable_weight_names": [],
        "arrays": arrays,
    }


def main():
    write_json(
        FIXTURES / "lambda_layer.json",
        {
            **meta(GENERATOR),
            "notes": "get_config of Lambda per kind of function (bytecode values omitted); "
            "'inferred' holds output shapes the reference infers on symbolic inputs; "
            "'loads_by_name' shows the reference rebuilding the by-name form.",
            "configs": lambda_configs(),
            "inferred": inferred_shapes(),
            "loads_by_name": loads_by_name_form(),
        },
        inline_depth=6,
    )
    case = op_model_case()
    write_fixtures("symbolic_ops", [case], meta(GENERATOR))
    print(f"symbolic_ops: {len(case['output_names'])} outputs")


if __name__ == "__main__":
    main()
