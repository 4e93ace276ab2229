"""Golden fixtures for Conv1D from tf-keras 2.21: ``tests/fixtures/conv1d.{npz,json}``.

Also writes ``tests/fixtures/conv1d_configs.json`` (reference ``get_config()`` of a few
instances). Run: ``TF_USE_LEGACY_KERAS=1 tools/.venv/bin/python tools/make_conv_fixtures.py``.
"""

from __future__ import annotations

import itertools

import tf_keras
from fixture_io import FIXTURES, write_fixtures, write_json
from tf_reference import PROBE_NOTE, config_entry, cross_check_channels_first, meta, probe, run_case

FAMILY = "conv1d"
PADDINGS = ("valid", "same", "causal")
FORMATS = ("channels_last", "channels_first")
STRIDE_DILATION = ((1, 1), (2, 1), (3, 1), (1, 2), (1, 3))
GROUPS = (1, 2)
BIASES = (True, False)
IN_CHANNELS, FILTERS, BATCH = 4, 6, 2
SHORT = {"channels_last": "cl", "channels_first": "cf"}


def grid():
    """(case_id, kwargs, input_shape) for the full grid; kernel 1..5 and length 11/13 cycle."""
    combos = itertools.product(PADDINGS, FORMATS, STRIDE_DILATION, GROUPS, BIASES)
    for i, (padding, fmt, (s, d), groups, bias) in enumerate(combos):
        k = (i + i // 20) % 5 + 1
        length = (11, 13)[(i // 3) % 2]
        if padding == "valid" and d * (k - 1) + 1 > length:
            length = 13  # keep the combo: k_eff 13 on 13 gives the edge case out_len 1
        kwargs = dict(
            filters=FILTERS,
            kernel_size=k,
            strides=s,
            padding=padding,
            data_format=fmt,
            dilation_rate=d,
            groups=groups,
            use_bias=bias,
        )
        shape = (
            (BATCH, length, IN_CHANNELS) if fmt == "channels_last" else (BATCH, IN_CHANNELS, length)
        )
        cid = f"{padding}_{SHORT[fmt]}_s{s}_d{d}_g{groups}_{'b' if bias else 'nb'}_k{k}_L{length}"
        yield cid, kwargs, shape


def extras():
    """A few hand-picked cases beyond the grid: activations, kernel == input, k > stride."""
    yield (
        "relu_same_cl_s2_k4_L11",
        dict(filters=6, kernel_size=4, strides=2, padding="same", activation="relu"),
        (2, 11, 4),
    )
    yield (
        "tanh_causal_cf_d2_k3_L13",
        dict(
            filters=6,
            kernel_size=3,
            padding="causal",
            dilation_rate=2,
            data_format="channels_first",
            activation="tanh",
        ),
        (2, 4, 13),
    )
    yield "valid_cl_k11_L11_full_window", dict(filters=6, kernel_size=11), (2, 11, 4)
    yield (
        "same_cl_s3_k5_L7_batch1",
        dict(filters=6, kernel_size=5, strides=3, padding="same", groups=2),
        (1, 7, 4),
    )
    yield (
        "valid_cl_s3_k2_L13_stride_gt_kernel",
        dict(filters=8, kernel_size=2, strides=3, groups=4),
        (2, 13, 4),
    )


def probes():
    """What the reference refuses (or oddly accepts), for the error tests."""
    c1 = tf_keras.layers.Conv1D
    specs = [
        (dict(filters=6, kernel_size=5, dilation_rate=3), (2, 11, 4)),
        (dict(filters=6, kernel_size=12), (2, 11, 4)),
        (dict(filters=6, kernel_size=12, use_bias=False), (2, 11, 4)),
        (dict(filters=6, kernel_size=6, dilation_rate=2), (2, 11, 4)),
        (dict(filters=6, kernel_size=6, dilation_rate=2, use_bias=False), (2, 11, 4)),
        (dict(filters=6, kernel_size=12, padding="same"), (2, 11, 4)),
        (dict(filters=6, kernel_size=12, padding="causal"), (2, 11, 4)),
        (dict(filters=6, kernel_size=3, strides=2, dilation_rate=2), (2, 11, 4)),
        (dict(filters=6, kernel_size=3, groups=3), (2, 11, 4)),
        (dict(filters=5, kernel_size=3, groups=2), (2, 11, 4)),
        (dict(filters=6, kernel_size=0), (2, 11, 4)),
        (dict(filters=6, kernel_size=3, strides=0), (2, 11, 4)),
        (dict(filters=6, kernel_size=3, padding="full"), (2, 11, 4)),
        (dict(filters=6, kernel_size=3, data_format="channels_middle"), (2, 11, 4)),
        (dict(filters=0, kernel_size=3), (2, 11, 4)),
        (dict(filters=-1, kernel_size=3), (2, 11, 4)),
        (dict(filters=6, kernel_size=(3, 3)), (2, 11, 4)),
        (dict(filters=6, kernel_size=3), (11, 4)),
    ]
    return [probe(c1, kw, shape) for kw, shape in specs]


def configs():
    c1 = tf_keras.layers.Conv1D
    init, reg, con = tf_keras.initializers, tf_keras.regularizers, tf_keras.constraints
    return {
        "default Conv1D(8, 3)": config_entry(c1, dict(filters=8, kernel_size=3)),
        "every argument set": config_entry(
            c1,
            dict(
                filters=6,
                kernel_size=4,
                strides=2,
                padding="same",
                data_format="channels_first",
                dilation_rate=1,
                groups=2,
                activation="relu",
                use_bias=True,
                kernel_initializer=init.HeNormal(seed=1),
                bias_initializer=init.Constant(0.1),
                kernel_regularizer=reg.L1(0.01),
                bias_regularizer=reg.L2(0.02),
                activity_regularizer=reg.L1L2(l1=0.001, l2=0.002),
                kernel_constraint=con.MaxNorm(2.0),
                bias_constraint=con.NonNeg(),
                trainable=False,
                name="conv_all",
                dtype="float64",
            ),
        ),
        "string identifiers": config_entry(
            c1,
            dict(
                filters=4,
                kernel_size=(5,),
                strides=(1,),
                padding="causal",
                dilation_rate=(2,),
                activation="tanh",
                kernel_initializer="he_uniform",
                bias_initializer="ones",
                kernel_regularizer="l2",
                bias_regularizer="l1",
                activity_regularizer="l1_l2",
                kernel_constraint="unit_norm",
                bias_constraint="non_neg",
                use_bias=False,
            ),
        ),
        "uppercase padding, list arguments": config_entry(
            c1, dict(filters=3, kernel_size=[2], strides=[2], padding="SAME")
        ),
    }


def main():
    cases, skipped = [], []
    cf_diff = 0.0
    for cid, kwargs, shape in [*grid(), *extras()]:
        note = "computed directly by the reference on CPU"
        case, skip = run_case(FAMILY, cid, tf_keras.layers.Conv1D, kwargs, shape, note)
        if skip is not None:
            skipped.append(skip)
            continue
        if kwargs.get("groups", 1) > 1:
            case["notes"] += "; groups > 1: the reference runs its XLA jit-compiled conv op"
        if kwargs.get("data_format") == "channels_first":
            diff = cross_check_channels_first(tf_keras.layers.Conv1D, kwargs, case)
            cf_diff = max(cf_diff, diff)
            case["notes"] += f"; channels_last re-run on transposed data differs by {diff:.3g}"
        cases.append(case)
    notes = (
        "Conv1D, batch 2, in 4 -> filters 6, linear activation unless the id says otherwise. "
        "Inputs and cotangent g ~ N(0, 1), weights (incl. bias) ~ N(0, 0.5^2) via set_weights; "
        "loss = sum(y * g). channels_first runs directly on CPU in TF 2.21 (no fallback "
        f"needed); the channels_last cross-check agrees to {cf_diff:.3g}. groups > 1 runs "
        "through tf-keras' @tf.function(jit_compile=True) convolution. 'skipped' lists grid "
        "combos the reference refuses; 'probes' lists error behaviour."
    )
    write_fixtures(
        FAMILY,
        cases,
        meta(
            "tools/make_conv_fixtures.py",
            notes=notes,
            skipped=skipped,
            probe_notes=PROBE_NOTE,
            probes=probes(),
        ),
    )
    write_json(
        FIXTURES / "conv1d_configs.json",
        {**meta("tools/make_conv_fixtures.py"), "configs": configs()},
        inline_depth=6,
    )
    print(f"{FAMILY}: {len(cases)} cases, {len(skipped)} skipped, cf diff {cf_diff:.3g}")


if __name__ == "__main__":
    main()
