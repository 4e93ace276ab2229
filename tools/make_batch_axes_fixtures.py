"""Inputs with extra leading batch axes, from tf-keras 2.21: ``tests/fixtures/batch_axes.*``.

tf-keras's convolutions take ``InputSpec(min_ndim=rank + 2)``: ``Conv1D(2, 3)`` on a
``(2, 11, 7, 3)`` input gives ``(2, 11, 5, 2)``. This records, per layer family, what the
reference does with such an input (``probes``: the call's result or error, and
``compute_output_shape`` of the same shape with an unknown first axis) and golden
outputs and gradients for the families that accept it (``cases``).

Run: ``TF_USE_LEGACY_KERAS=1 tools/.venv/bin/python tools/make_batch_axes_fixtures.py``.
"""

from __future__ import annotations

import tensorflow as tf
import tf_keras
from fixture_io import write_fixtures
from tf_reference import jsonify, meta, run_case, serialize_kwargs

FAMILY = "batch_axes"
L = tf_keras.layers

CF = "channels_first"
CASES = [
    ("conv1d_cl", L.Conv1D, dict(filters=2, kernel_size=3), (2, 11, 7, 3)),
    ("conv1d_cf", L.Conv1D, dict(filters=2, kernel_size=3, data_format=CF), (2, 3, 3, 7)),
    ("conv1d_causal_d2", L.Conv1D,
     dict(filters=2, kernel_size=3, padding="causal", dilation_rate=2), (2, 3, 9, 4)),
    ("conv1d_same_s2", L.Conv1D,
     dict(filters=3, kernel_size=4, strides=2, padding="same"), (3, 2, 9, 2)),
    ("conv2d_cl", L.Conv2D, dict(filters=2, kernel_size=3), (2, 3, 6, 5, 2)),
    ("conv2d_cf_same", L.Conv2D,
     dict(filters=2, kernel_size=(3, 2), padding="same", data_format=CF), (2, 2, 3, 6, 5)),
    ("conv1d_two_extra_axes", L.Conv1D, dict(filters=2, kernel_size=2, groups=2), (2, 2, 2, 5, 4)),
]  # fmt: skip

PROBES = [
    (L.Conv1D, dict(filters=2, kernel_size=3), (2, 11, 7, 3)),
    (L.Conv1D, dict(filters=2, kernel_size=3, data_format="channels_first"), (2, 11, 3, 7)),
    (L.Conv2D, dict(filters=2, kernel_size=3), (2, 4, 7, 7, 3)),
    (L.SeparableConv1D, dict(filters=2, kernel_size=3), (2, 11, 7, 3)),
    (L.SeparableConv2D, dict(filters=2, kernel_size=3), (2, 4, 7, 7, 3)),
    (L.DepthwiseConv1D, dict(kernel_size=3), (2, 11, 7, 3)),
    (L.DepthwiseConv2D, dict(kernel_size=3), (2, 4, 7, 7, 3)),
    (L.LocallyConnected1D, dict(filters=2, kernel_size=3), (2, 11, 7, 3)),
    (L.LocallyConnected2D, dict(filters=2, kernel_size=3), (2, 4, 7, 7, 3)),
    (L.Conv1D, dict(filters=2, kernel_size=3), (11, 3)),
]


def outcome(fn) -> dict:
    try:
        return {"result": "ok", "shape": [None if d is None else int(d) for d in fn()]}
    except Exception as exc:  # the point is to record whatever the reference raises
        return {"result": "error", "error": f"{type(exc).__name__}: {str(exc).strip()[:300]}"}


def probe(layer_cls, kwargs, input_shape) -> dict:
    tf_keras.backend.clear_session()
    call = outcome(lambda: layer_cls(**kwargs)(tf.zeros(input_shape)).shape)
    tf_keras.backend.clear_session()
    unknown = (None, *input_shape[1:])
    declared = outcome(lambda: layer_cls(**kwargs).compute_output_shape(unknown))
    return {
        "layer": layer_cls.__name__,
        "kwargs": serialize_kwargs(kwargs),
        "input_shape": list(input_shape),
        "call": call,
        "compute_output_shape": {"input_shape": list(unknown), **declared},
    }


def main() -> None:
    cases = []
    for cid, layer_cls, kwargs, shape in CASES:
        case, skipped = run_case(FAMILY, cid, layer_cls, kwargs, shape)
        if skipped is not None:
            raise RuntimeError(f"the reference refused {cid}: {skipped}")
        cases.append(case)
    probes = [jsonify(probe(*p)) for p in PROBES]
    notes = (
        "Cases: golden outputs and gradients with extra leading batch axes. Probes: the "
        "reference's call on such an input and its compute_output_shape with the first axis "
        "unknown; a result that disagrees between the two is a reference bug."
    )
    write_fixtures(FAMILY, cases, meta(__file__.split("/")[-1], notes=notes, probes=probes))


if __name__ == "__main__":
    main()
