"""Golden fixtures for SeparableConv1D/2D, Conv2D and DepthwiseConv1D/2D from tf-keras 2.21.

Writes ``tests/fixtures/{separable_conv1d,separable_conv2d,conv2d,depthwise_conv1d,
depthwise_conv2d}.{npz,json}`` and ``tests/fixtures/separable_configs.json``.
Run: ``TF_USE_LEGACY_KERAS=1 tools/.venv/bin/python tools/make_separable_fixtures.py``.
"""

from __future__ import annotations

import itertools

import tf_keras
from fixture_io import FIXTURES, write_fixtures, write_json
from tf_reference import PROBE_NOTE, config_entry, cross_check_channels_first, meta, probe, run_case

GENERATOR = "tools/make_separable_fixtures.py"
L = tf_keras.layers
FORMATS = ("channels_last", "channels_first")
SHORT = {"channels_last": "cl", "channels_first": "cf"}
BATCH = 2
# 1D: in 3 channels, length 11/13, kernel 1..5
IN_1D, FILTERS_1D = 3, 5
SD_1D = ((1, 1), (2, 1), (3, 1), (1, 2), (1, 3))
# 2D: in 2 channels (groups 2 possible), sizes 7x9 / 5x7, non-square kernels
IN_2D, FILTERS_2D = 2, 4
SIZES_2D = ((7, 9), (5, 7))
SD_2D = (
    ((1, 1), (1, 1)),
    ((2, 1), (1, 1)),
    ((1, 2), (1, 1)),
    ((3, 2), (1, 1)),
    ((1, 1), (2, 1)),
    ((1, 1), (1, 2)),
    ((1, 1), (2, 2)),
)
KERNELS_2D = ((3, 2), (2, 3), (1, 1), (3, 3), (2, 2), (1, 3), (3, 1), (2, 1))

FAMILIES = {
    # family: (layer class, paddings, name of the 1|2 "multiplier" argument, spatial rank)
    "separable_conv1d": (L.SeparableConv1D, ("valid", "same", "causal"), "depth_multiplier", 1),
    "depthwise_conv1d": (L.DepthwiseConv1D, ("valid", "same"), "depth_multiplier", 1),
    "separable_conv2d": (L.SeparableConv2D, ("valid", "same"), "depth_multiplier", 2),
    "conv2d": (L.Conv2D, ("valid", "same"), "groups", 2),
    "depthwise_conv2d": (L.DepthwiseConv2D, ("valid", "same"), "depth_multiplier", 2),
}
SHORT_MULT = {"depth_multiplier": "m", "groups": "g"}


def shape_of(fmt, channels, spatial):
    if fmt == "channels_last":
        return (BATCH, *spatial, channels)
    return (BATCH, channels, *spatial)


def grid(family):
    """(case_id, kwargs, input_shape) over padding x format x strides/dilation x mult x bias."""
    cls, paddings, mult_name, rank = FAMILIES[family]
    sds = SD_1D if rank == 1 else SD_2D
    combos = itertools.product(paddings, FORMATS, sds, (1, 2), (True, False))
    for i, (padding, fmt, (s, d), mult, bias) in enumerate(combos):
        kwargs = {}
        if cls is not L.DepthwiseConv1D and cls is not L.DepthwiseConv2D:
            kwargs["filters"] = FILTERS_1D if rank == 1 else FILTERS_2D
        if rank == 1:
            k = (i + i // 20) % 5 + 1
            spatial = ((11, 13)[(i // 3) % 2],)
            if padding == "valid" and d * (k - 1) + 1 > spatial[0]:
                spatial = (13,)  # k_eff 13 on 13: the edge case out_len 1
            channels = IN_1D
            tag = f"s{s}_d{d}_k{k}_L{spatial[0]}"
        else:
            k = KERNELS_2D[(i + i // 16) % len(KERNELS_2D)]
            spatial = SIZES_2D[(i // 3) % 2]
            channels = IN_2D
            tag = f"s{s[0]}x{s[1]}_d{d[0]}x{d[1]}_k{k[0]}x{k[1]}_in{spatial[0]}x{spatial[1]}"
        kwargs.update(
            kernel_size=k,
            strides=s,
            padding=padding,
            data_format=fmt,
            dilation_rate=d,
            use_bias=bias,
        )
        kwargs[mult_name] = mult
        bias_tag = "b" if bias else "nb"
        cid = f"{padding}_{SHORT[fmt]}_{SHORT_MULT[mult_name]}{mult}_{bias_tag}_{tag}"
        yield cid, kwargs, shape_of(fmt, channels, spatial)


def extras(family):
    """Hand-picked cases beyond the grid (activations; the brief's (3,2)/(2,1) examples)."""
    if family == "separable_conv1d":
        yield (
            "relu_causal_cf_m2_s2_k4_L13",
            dict(
                filters=5,
                kernel_size=4,
                strides=2,
                padding="causal",
                depth_multiplier=2,
                data_format="channels_first",
                activation="relu",
            ),
            (2, 3, 13),
        )
        yield (
            "default_data_format_same_k2_L11",
            dict(filters=5, kernel_size=2, padding="same"),
            (2, 11, 3),
        )
    elif family == "separable_conv2d":
        for fmt in FORMATS:
            for s, d in (((2, 1), (1, 1)), ((1, 1), (2, 1)), ((1, 1), (1, 2))):
                for padding in ("valid", "same"):
                    cid = f"k3x2_{padding}_{SHORT[fmt]}_s{s[0]}x{s[1]}_d{d[0]}x{d[1]}_m2_in7x9"
                    kw = dict(
                        filters=4,
                        kernel_size=(3, 2),
                        strides=s,
                        padding=padding,
                        data_format=fmt,
                        dilation_rate=d,
                        depth_multiplier=2,
                    )
                    yield cid, kw, shape_of(fmt, IN_2D, (7, 9))
        yield (
            "tanh_same_cl_s2x2_k3x3_in7x9",
            dict(filters=4, kernel_size=3, strides=2, padding="same", activation="tanh"),
            (2, 7, 9, 2),
        )
    elif family == "conv2d":
        yield (
            "relu_same_cf_g2_s2x1_k3x2_in7x9",
            dict(
                filters=4,
                kernel_size=(3, 2),
                strides=(2, 1),
                padding="same",
                data_format="channels_first",
                groups=2,
                activation="relu",
            ),
            (2, 2, 7, 9),
        )
    elif family == "depthwise_conv1d":
        yield (
            "relu_same_cl_m3_s2_k4_L11",
            dict(kernel_size=4, strides=2, padding="same", depth_multiplier=3, activation="relu"),
            (2, 11, 3),
        )
    elif family == "depthwise_conv2d":
        yield (
            "relu_same_cf_m3_s2x1_k3x2_in7x9",
            dict(
                kernel_size=(3, 2),
                strides=(2, 1),
                padding="same",
                depth_multiplier=3,
                data_format="channels_first",
                activation="relu",
            ),
            (2, 2, 7, 9),
        )


def probes(family):
    """Reference error behaviour for this family."""
    cls, _, _, rank = FAMILIES[family]
    base = {} if "depthwise" in family else {"filters": 4}
    shape = (2, 11, 3) if rank == 1 else (2, 7, 9, 2)
    big = 12 if rank == 1 else (8, 2)
    specs = [
        dict(base, kernel_size=3, padding="causal"),
        dict(base, kernel_size=3, strides=2, dilation_rate=2),
        dict(base, kernel_size=big),
        dict(base, kernel_size=big, use_bias=False),
        dict(base, kernel_size=big, padding="same"),
        dict(base, kernel_size=0),
        dict(base, kernel_size=3, strides=0),
        dict(base, kernel_size=3, padding="full"),
    ]
    if family != "conv2d":
        specs += [
            dict(base, kernel_size=3, depth_multiplier=0),
            dict(base, kernel_size=3, depth_multiplier=-1),
        ]
    else:
        specs += [dict(base, kernel_size=3, groups=3), dict(filters=3, kernel_size=3, groups=2)]
    if rank == 2:
        specs += [dict(base, kernel_size=(3, 3, 3)), dict(base, kernel_size=3, strides=(1, 2, 1))]
    return [probe(cls, kw, shape) for kw, shape in [(s, shape) for s in specs]]


def configs():
    init, reg, con = tf_keras.initializers, tf_keras.regularizers, tf_keras.constraints
    every = dict(
        filters=6,
        kernel_size=4,
        strides=2,
        padding="causal",
        data_format="channels_first",
        dilation_rate=1,
        depth_multiplier=2,
        activation="relu",
        use_bias=True,
        depthwise_initializer=init.HeNormal(seed=1),
        pointwise_initializer=init.GlorotNormal(seed=2),
        bias_initializer=init.Constant(0.1),
        depthwise_regularizer=reg.L1(0.01),
        pointwise_regularizer=reg.L2(0.02),
        bias_regularizer=reg.L1L2(l1=0.001, l2=0.002),
        activity_regularizer=reg.L2(0.003),
        depthwise_constraint=con.MaxNorm(2.0),
        pointwise_constraint=con.UnitNorm(),
        bias_constraint=con.NonNeg(),
        trainable=False,
        name="sep_all",
        dtype="float64",
    )
    every_2d = dict(every, kernel_size=(3, 2), strides=(2, 1), padding="same", name="sep2d_all")
    return {
        "default SeparableConv1D(8, 3)": config_entry(
            L.SeparableConv1D, dict(filters=8, kernel_size=3)
        ),
        "default SeparableConv2D(8, 3)": config_entry(
            L.SeparableConv2D, dict(filters=8, kernel_size=3)
        ),
        "default Conv2D(8, 3)": config_entry(L.Conv2D, dict(filters=8, kernel_size=3)),
        "default DepthwiseConv1D(3)": config_entry(L.DepthwiseConv1D, dict(kernel_size=3)),
        "default DepthwiseConv2D(3)": config_entry(L.DepthwiseConv2D, dict(kernel_size=3)),
        "SeparableConv1D every argument set": config_entry(L.SeparableConv1D, every),
        "SeparableConv2D every argument set": config_entry(L.SeparableConv2D, every_2d),
        "SeparableConv1D string identifiers": config_entry(
            L.SeparableConv1D,
            dict(
                filters=4,
                kernel_size=(5,),
                padding="SAME",
                depthwise_initializer="he_uniform",
                pointwise_initializer="ones",
                depthwise_regularizer="l2",
                pointwise_constraint="non_neg",
                activation="tanh",
                use_bias=False,
            ),
        ),
    }


def main():
    summary = []
    for family, (cls, _, _, _) in FAMILIES.items():
        cases, skipped = [], []
        cf_diff = 0.0
        for cid, kwargs, shape in [*grid(family), *extras(family)]:
            note = "computed directly by the reference on CPU"
            case, skip = run_case(family, cid, cls, kwargs, shape, note)
            if skip is not None:
                skipped.append(skip)
                continue
            if kwargs.get("groups", 1) > 1:
                case["notes"] += "; groups > 1: the reference runs its XLA jit-compiled conv op"
            if kwargs.get("data_format") == "channels_first":
                diff = cross_check_channels_first(cls, kwargs, case)
                cf_diff = max(cf_diff, diff)
                case["notes"] += f"; channels_last re-run on transposed data differs by {diff:.3g}"
            cases.append(case)
        notes = (
            f"{cls.__name__}, batch 2, linear activation unless the id says otherwise. Inputs "
            "and cotangent g ~ N(0, 1), weights (incl. bias) ~ N(0, 0.5^2) via set_weights; "
            "loss = sum(y * g). channels_first runs directly on CPU in TF 2.21; the "
            f"channels_last cross-check agrees to {cf_diff:.3g}. 'skipped' lists grid combos "
            "the reference refuses; 'probes' lists error behaviour."
        )
        extra = dict(notes=notes, skipped=skipped, probe_notes=PROBE_NOTE, probes=probes(family))
        write_fixtures(family, cases, meta(GENERATOR, **extra))
        summary.append(f"{family}: {len(cases)} cases, {len(skipped)} skipped, cf {cf_diff:.3g}")
        print(summary[-1], flush=True)
    write_json(
        FIXTURES / "separable_configs.json",
        {**meta(GENERATOR), "configs": configs()},
        inline_depth=6,
    )


if __name__ == "__main__":
    main()
