"""Golden fixtures for the merge layers from tf-keras 2.21.

Writes ``tests/fixtures/merging.{npz,json}``: Add, Subtract, Multiply, Average, Maximum,
Minimum and Concatenate on lists of inputs (outputs and every input gradient), with
broadcasting, inputs of different ranks and ties; the reference's
``compute_output_shape`` on shapes with ``None``; its masks; and ``probes``, what it
refuses with its message. Also ``tests/fixtures/merging_configs.json`` (``get_config()``).
Run: ``TF_USE_LEGACY_KERAS=1 tools/.venv/bin/python tools/make_merging_fixtures.py``.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf
import tf_keras
from fixture_io import FIXTURES, write_fixtures, write_json
from tf_reference import config_entry, jsonify, meta, run_merge_case, seed_for

L = tf_keras.layers
GENERATOR = "tools/make_merging_fixtures.py"
ELEMENTWISE = (L.Add, L.Subtract, L.Multiply, L.Average, L.Maximum, L.Minimum)


def _ties(case_id):
    """Two inputs equal in about half of their entries (max/min gradients at ties)."""
    rng = np.random.default_rng(seed_for("merging", case_id))
    a = rng.standard_normal((2, 4, 3)).astype(np.float32)
    b = np.where(rng.random(a.shape) < 0.5, a, rng.standard_normal(a.shape)).astype(np.float32)
    return [a, b]


def grid():
    """(case_id, layer class, kwargs, input shapes, inputs or None)."""
    for cls in ELEMENTWISE:
        name = cls.__name__.lower()
        yield f"{name}_same", cls, {}, [(2, 4, 3), (2, 4, 3)], None
        yield f"{name}_rank2", cls, {}, [(3, 5), (3, 5)], None
        yield f"{name}_broadcast", cls, {}, [(2, 4, 3), (2, 1, 3)], None
        yield f"{name}_broadcast_both", cls, {}, [(2, 4, 1), (2, 1, 3)], None
        yield f"{name}_ranks", cls, {}, [(2, 3), (2, 4, 3)], None
        if cls is not L.Subtract:
            yield f"{name}_three", cls, {}, [(2, 4, 3)] * 3, None
            yield f"{name}_one", cls, {}, [(2, 4, 3)], None
    for cls in (L.Maximum, L.Minimum):
        name = cls.__name__.lower()
        yield f"{name}_ties", cls, {}, [(2, 4, 3)] * 2, _ties(f"{name}_ties")
        same = _ties(f"{name}_equal")[0]
        yield f"{name}_equal", cls, {}, [(2, 4, 3)] * 2, [same, same.copy()]
    concat = [
        (-1, [(2, 4, 3), (2, 4, 5)]),
        (1, [(2, 4, 3), (2, 2, 3), (2, 1, 3)]),
        (2, [(2, 4, 3), (2, 4, 1)]),
        (-2, [(2, 4, 3), (2, 3, 3)]),
        (0, [(2, 4, 3), (3, 4, 3)]),
        (-1, [(2, 5), (2, 2)]),
        (3, [(2, 3, 4, 2), (2, 3, 4, 5)]),
        (-1, [(2, 4, 3)]),
    ]
    for i, (axis, shapes) in enumerate(concat):
        yield f"concatenate_{i}_axis{axis}", L.Concatenate, dict(axis=axis), shapes, None


SHAPE_TABLE = [
    [(None, 4, 3), (None, 4, 3)],
    [(None, 4, 3), (None, 1, 3)],
    [(None, None, 3), (None, 4, 3)],
    [(None, 3), (None, 4, 3)],
    [(2, 4, 3), (None, 4, 3)],
    [(None, 4, 1), (None, 1, 3)],
    [(None, 4, 3), (None, 5, 3)],
    [(None, 4, 3), (None, 4, 3), (None, 4, 3)],
    [(None, 1), (None, 4, 3)],
    [(None, None), (None, 7)],
    [(None, None), (None, 1)],
    [(None, 1, 3), (None, None, 3)],
    [(None, 4, 3), (2, 4, 3), (3, 4, 3)],
]
CONCAT_TABLE = [
    (-1, [(None, 4, 3), (None, 4, 5)]),
    (1, [(None, 4, 3), (None, None, 3)]),
    (1, [(None, 4, 3), (None, 2, 3)]),
    (-1, [(None, 4, 3), (None, 5, 3)]),
    (1, [(None, 4, 3), (None, 2, 5)]),
    (-1, [(None, 4, 3), (None, 4)]),
    (-1, [(None, None, 3), (None, 4, 3)]),
    (0, [(None, 4), (None, 4)]),
]


def _try(fn):
    try:
        value = fn()
    except Exception as exc:  # the reference's refusal is the golden value
        return {"error": f"{type(exc).__name__}: {str(exc).strip().splitlines()[0][:300]}"}
    return {"result": jsonify(value)}


def _shape_row(name, kwargs, shapes):
    """The reference's compute_output_shape and symbolic call for one list of shapes."""
    tf_keras.backend.clear_session()
    cls = getattr(L, name)
    as_tuples = [tuple(s) for s in shapes]
    return {
        "layer": name,
        "kwargs": kwargs,
        "input_shape": jsonify(shapes),
        "compute_output_shape": _try(lambda: list(cls(**kwargs).compute_output_shape(as_tuples))),
        "symbolic_call": _try(
            lambda: list(cls(**kwargs)([tf_keras.Input(batch_shape=s) for s in shapes]).shape)
        ),
    }


def shape_table():
    """The reference's ``compute_output_shape`` (and ``build``) on symbolic shapes."""
    rows = [_shape_row(cls.__name__, {}, shapes) for cls in ELEMENTWISE for shapes in SHAPE_TABLE]
    rows += [_shape_row("Concatenate", {"axis": axis}, shapes) for axis, shapes in CONCAT_TABLE]
    return rows


def probes():
    """Eager calls the reference refuses, with its message."""
    x = tf.zeros((2, 4, 3))
    specs = [
        ("Add", {}, "a tensor, not a list", lambda: L.Add()(x)),
        ("Add", {}, "incompatible shapes", lambda: L.Add()([x, tf.zeros((2, 5, 3))])),
        ("Add", {}, "different batch sizes", lambda: L.Add()([x, tf.zeros((3, 4, 3))])),
        ("Add", {}, "empty list", lambda: L.Add()([])),
        ("Subtract", {}, "three inputs", lambda: L.Subtract()([x, x, x])),
        ("Subtract", {}, "one input", lambda: L.Subtract()([x])),
        ("Maximum", {}, "a tensor, not a list", lambda: L.Maximum()(x)),
        (
            "Concatenate",
            {"axis": -1},
            "mismatched shapes",
            lambda: L.Concatenate()([x, tf.zeros((2, 5, 3))]),
        ),
        ("Concatenate", {"axis": -1}, "a tensor, not a list", lambda: L.Concatenate()(x)),
        (
            "Concatenate",
            {"axis": -1},
            "different ranks",
            lambda: L.Concatenate()([x, tf.zeros((2, 4))]),
        ),
        ("Concatenate", {"axis": 3}, "axis out of range", lambda: L.Concatenate(axis=3)([x, x])),
    ]
    rows = []
    for layer, kwargs, what, fn in specs:
        tf_keras.backend.clear_session()
        entry = {"layer": layer, "kwargs": kwargs, "what": what}
        outcome = _try(lambda: list(fn().shape))  # noqa: B023
        entry.update(outcome)
        rows.append(entry)
    return rows


def masks():
    """``compute_mask`` of Add and Concatenate for a few input masks."""
    rng = np.random.default_rng(seed_for("merging", "masks"))
    m0 = rng.random((2, 4)) < 0.6
    m1 = rng.random((2, 4)) < 0.6
    x = tf.zeros((2, 4, 3))
    rows = []
    for layer, kwargs, given in [
        ("Add", {}, [m0, m1]),
        ("Add", {}, [m0, None]),
        ("Add", {}, [None, None]),
        ("Maximum", {}, [m0, m1]),
        ("Concatenate", {"axis": 1}, [m0, m1]),
        ("Concatenate", {"axis": 1}, [None, m1]),
        ("Concatenate", {"axis": -1}, [m0, m1]),
        ("Concatenate", {"axis": -1}, [m0, None]),
    ]:
        tf_keras.backend.clear_session()
        cls = getattr(L, layer)
        mask = [None if m is None else tf.constant(m) for m in given]
        outcome = _try(lambda: _as_list(cls(**kwargs).compute_mask([x, x], mask)))  # noqa: B023
        rows.append(
            {
                "layer": layer,
                "kwargs": kwargs,
                "input_shape": [2, 4, 3],
                "masks": [None if m is None else m.tolist() for m in given],
                **outcome,
            }
        )
    return rows


def _as_list(mask):
    return None if mask is None else mask.numpy().tolist()


def configs():
    entries = {
        "Add()": (L.Add, {}),
        "Subtract(name)": (L.Subtract, dict(name="diff")),
        "Multiply()": (L.Multiply, {}),
        "Average()": (L.Average, {}),
        "Maximum()": (L.Maximum, {}),
        "Minimum(float64)": (L.Minimum, dict(dtype="float64", trainable=False)),
        "Concatenate()": (L.Concatenate, {}),
        "Concatenate(axis=1)": (L.Concatenate, dict(axis=1)),
    }
    return {key: config_entry(cls, kwargs) for key, (cls, kwargs) in entries.items()}


def main():
    cases = []
    for cid, cls, kwargs, shapes, inputs in grid():
        cases.append(run_merge_case("merging", cid, cls, kwargs, shapes, "", inputs))
    notes = (
        "Merge layers on lists of inputs x0, x1, ... ~ N(0, 1) (ties where the id says so); "
        "loss = sum(y * g). 'shape_table' holds compute_output_shape and the symbolic call on "
        "shapes with None; 'probes' what the reference refuses; 'masks' compute_mask results."
    )
    write_fixtures(
        "merging",
        cases,
        meta(GENERATOR, notes=notes, shape_table=shape_table(), probes=probes(), masks=masks()),
    )
    write_json(
        FIXTURES / "merging_configs.json",
        {**meta(GENERATOR), "configs": configs()},
        inline_depth=6,
    )
    print(f"merging: {len(cases)} cases")


if __name__ == "__main__":
    main()
