"""Golden fixtures for the activation layers from tf-keras 2.21.

Writes ``tests/fixtures/activation_layers.{npz,json}``: ReLU, LeakyReLU, PReLU, ELU,
Softmax (with and without a mask) and ThresholdedReLU, outputs and gradients of the input
and of PReLU's ``alpha``, the reference ``get_config()`` of each case, and probes of
what the reference refuses.
Run: ``TF_USE_LEGACY_KERAS=1 tools/.venv/bin/python tools/make_activation_fixtures.py``.
"""

from __future__ import annotations

import numpy as np
import tf_keras
from fixture_io import write_fixtures
from tf_reference import meta, probe_rows, run_case

L = tf_keras.layers
GENERATOR = "tools/make_activation_fixtures.py"
SHAPE = (2, 5, 4)


def _mask(rng, input_shape):
    """A 0/1 mask over the last axis with at least one kept entry per row."""
    mask = (rng.random(input_shape) > 0.4).astype(np.float32)
    mask[..., 0] = 1.0
    return {"mask": mask}


def grid():
    """(case_id, layer class, kwargs, input_shape, call_arrays_fn)."""
    yield "relu_default", L.ReLU, {}, SHAPE, None
    yield "relu_max6", L.ReLU, dict(max_value=6.0), SHAPE, None
    yield "relu_all", L.ReLU, dict(max_value=1.0, negative_slope=0.3, threshold=0.5), SHAPE, None
    yield "relu_slope_only", L.ReLU, dict(negative_slope=0.1), SHAPE, None
    yield "leaky_default", L.LeakyReLU, {}, SHAPE, None
    yield "leaky_0.01", L.LeakyReLU, dict(alpha=0.01), SHAPE, None
    yield "elu_default", L.ELU, {}, SHAPE, None
    yield "elu_0.5", L.ELU, dict(alpha=0.5), SHAPE, None
    yield "thresholded_default", L.ThresholdedReLU, {}, SHAPE, None
    yield "thresholded_0.2", L.ThresholdedReLU, dict(theta=0.2), SHAPE, None
    yield "softmax_default", L.Softmax, {}, SHAPE, None
    yield "softmax_axis1", L.Softmax, dict(axis=1), SHAPE, None
    yield "softmax_axes12", L.Softmax, dict(axis=[1, 2]), SHAPE, None
    yield "softmax_axis_list1", L.Softmax, dict(axis=[-1]), SHAPE, None
    yield "softmax_mask", L.Softmax, {}, SHAPE, _mask
    yield "softmax_robust_mask", L.Softmax, dict(robust_masking=True), SHAPE, _mask
    yield "prelu_default", L.PReLU, {}, SHAPE, None
    yield "prelu_shared1", L.PReLU, dict(shared_axes=1), SHAPE, None
    yield "prelu_shared12_4d", L.PReLU, dict(shared_axes=[1, 2]), (2, 3, 4, 5), None
    yield "prelu_2d_input", L.PReLU, {}, (3, 6), None


def probes():
    specs = [
        (L.ReLU, dict(max_value=-1.0), SHAPE),
        (L.ReLU, dict(negative_slope=-0.1), SHAPE),
        (L.ReLU, dict(negative_slope=None), SHAPE),
        (L.ReLU, dict(threshold=-1.0), SHAPE),
        (L.LeakyReLU, dict(alpha=None), SHAPE),
        (L.ELU, dict(alpha=None), SHAPE),
        (L.ThresholdedReLU, dict(theta=None), SHAPE),
        (L.ThresholdedReLU, dict(theta=-1.0), SHAPE),
    ]
    return probe_rows(specs)


def main():
    cases = []
    for cid, cls, kwargs, shape, call_arrays in grid():
        case, skip = run_case(
            "activation_layers", cid, cls, kwargs, shape, call_arrays_fn=call_arrays
        )
        if skip is not None:
            raise RuntimeError(f"the reference refused {cid}: {skip['error']}")
        case["kwargs"] = kwargs
        cases.append(case)
    notes = (
        "Activation layers on x ~ N(0, 1), loss = sum(y * g) with g ~ N(0, 1); PReLU's alpha "
        "~ N(0, 0.5^2) via set_weights. Softmax masks (call/mask) are 0/1 floats over the "
        "input's shape. 'probes' lists what the reference refuses, with its message."
    )
    write_fixtures("activation_layers", cases, meta(GENERATOR, notes=notes, probes=probes()))
    print(f"activation_layers: {len(cases)} cases")


if __name__ == "__main__":
    main()
