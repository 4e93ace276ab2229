"""Golden fixtures for Conv1DTranspose and Conv2DTranspose from tf-keras 2.21.

Writes ``tests/fixtures/conv_transpose.{npz,json}``: outputs and the gradients of the
input, kernel and bias over a grid of kernel sizes, strides, paddings, output paddings,
dilations and data formats, the reference ``get_config()`` of each case, and probes of
what the reference refuses.
Run: ``TF_USE_LEGACY_KERAS=1 tools/.venv/bin/python tools/make_conv_transpose_fixtures.py``.
"""

from __future__ import annotations

import tf_keras
from fixture_io import write_fixtures
from tf_reference import meta, probe_rows, run_case

L = tf_keras.layers
GENERATOR = "tools/make_conv_transpose_fixtures.py"


def grid():
    """(case_id, class, kwargs, input_shape)."""
    one = [
        ("k3_s1_valid", dict(kernel_size=3)),
        ("k3_s2_valid", dict(kernel_size=3, strides=2)),
        ("k3_s2_same", dict(kernel_size=3, strides=2, padding="same")),
        ("k4_s2_same", dict(kernel_size=4, strides=2, padding="same")),
        ("k2_s3_valid", dict(kernel_size=2, strides=3)),
        ("k2_s3_same", dict(kernel_size=2, strides=3, padding="same")),
        ("k3_s2_same_op1", dict(kernel_size=3, strides=2, padding="same", output_padding=1)),
        ("k3_s3_valid_op2", dict(kernel_size=3, strides=3, output_padding=2)),
        ("k5_s2_same_op0", dict(kernel_size=5, strides=2, padding="same", output_padding=0)),
        ("k3_d2_same", dict(kernel_size=3, dilation_rate=2, padding="same")),
        ("k3_d2_valid", dict(kernel_size=3, dilation_rate=2)),
        ("k3_s2_cf", dict(kernel_size=3, strides=2, padding="same", data_format="channels_first")),
        ("k1_s1_nobias", dict(kernel_size=1, use_bias=False)),
    ]
    for cid, kwargs in one:
        fmt = kwargs.get("data_format", "channels_last")
        shape = (2, 5, 3) if fmt == "channels_last" else (2, 3, 5)
        yield f"1d_{cid}", L.Conv1DTranspose, dict(filters=4, **kwargs), shape
    two = [
        ("k3_s1_valid", dict(kernel_size=3)),
        ("k3_s2_same", dict(kernel_size=3, strides=2, padding="same")),
        ("k4_s2_same", dict(kernel_size=4, strides=2, padding="same")),
        ("k23_s21_valid", dict(kernel_size=(2, 3), strides=(2, 1))),
        ("k3_s2_same_op1", dict(kernel_size=3, strides=2, padding="same", output_padding=1)),
        ("k3_s32_valid_op", dict(kernel_size=3, strides=(3, 2), output_padding=(2, 0))),
        ("k3_d2_same", dict(kernel_size=3, dilation_rate=2, padding="same")),
        ("k5_s2_cf", dict(kernel_size=5, strides=2, padding="same", data_format="channels_first")),
        ("k3_s2_cf_valid", dict(kernel_size=3, strides=2, data_format="channels_first")),
    ]
    for cid, kwargs in two:
        fmt = kwargs.get("data_format", "channels_last")
        shape = (2, 4, 3, 3) if fmt == "channels_last" else (2, 3, 4, 3)
        yield f"2d_{cid}", L.Conv2DTranspose, dict(filters=4, **kwargs), shape


def probes():
    specs = [
        (
            L.Conv2DTranspose,
            dict(filters=2, kernel_size=3, strides=2, output_padding=2),
            (1, 4, 4, 1),
        ),
        (L.Conv2DTranspose, dict(filters=2, kernel_size=3, output_padding=1), (1, 4, 4, 1)),
        (
            L.Conv1DTranspose,
            dict(filters=2, kernel_size=3, strides=2, output_padding=(2,)),
            (1, 4, 1),
        ),
        (
            L.Conv2DTranspose,
            dict(filters=2, kernel_size=3, strides=2, dilation_rate=2),
            (1, 4, 4, 1),
        ),
        (L.Conv2DTranspose, dict(filters=2, kernel_size=3), (1, 4, 4)),
        (L.Conv1DTranspose, dict(filters=2, kernel_size=3), (1, 4, 4, 1)),
        (L.Conv1DTranspose, dict(filters=2, kernel_size=3, padding="causal"), (1, 4, 1)),
        (L.Conv2DTranspose, dict(filters=0, kernel_size=3), (1, 4, 4, 1)),
    ]
    return probe_rows(specs)


def main():
    cases = []
    for cid, cls, kwargs, shape in grid():
        case, skip = run_case("conv_transpose", cid, cls, kwargs, shape)
        if skip is not None:
            raise RuntimeError(f"the reference refused {cid}: {skip['error']}")
        case["kwargs"] = kwargs
        cases.append(case)
    notes = (
        "Conv1DTranspose/Conv2DTranspose on x ~ N(0, 1), weights ~ N(0, 0.5^2) via "
        "set_weights, loss = sum(y * g) with g ~ N(0, 1). Kernel layout (*k, filters, "
        "in_channels). 'probes' lists what the reference refuses, with its message."
    )
    write_fixtures("conv_transpose", cases, meta(GENERATOR, notes=notes, probes=probes()))
    print(f"conv_transpose: {len(cases)} cases")


if __name__ == "__main__":
    main()
