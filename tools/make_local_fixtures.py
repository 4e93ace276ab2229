"""Golden fixtures for LocallyConnected1D/2D from tf-keras 2.21.

Writes ``tests/fixtures/{locally_connected1d,locally_connected2d}.{npz,json}`` and
``tests/fixtures/local_configs.json``. Weights are stored exactly as the reference holds them
(their shape depends on ``implementation`` and ``data_format``); the non-weight helpers the
reference builds are stored too: ``aux/kernel_mask`` (implementation 2, float32, as the layer
holds it) and ``aux/kernel_idxs`` (implementation 3, int32 ``(n, 2)`` rows
``(output_idx, input_idx)`` in the sorted order the flat kernel follows).
Run: ``TF_USE_LEGACY_KERAS=1 tools/.venv/bin/python tools/make_local_fixtures.py``.
"""

from __future__ import annotations

import itertools

import numpy as np
import tf_keras
from fixture_io import FIXTURES, write_fixtures, write_json
from tf_reference import PROBE_NOTE, config_entry, meta, probe, run_case

GENERATOR = "tools/make_local_fixtures.py"
L = tf_keras.layers
FORMATS = ("channels_last", "channels_first")
SHORT = {"channels_last": "cl", "channels_first": "cf"}
IMPLEMENTATIONS = (1, 2, 3)
STRIDES = (1, 2, 3)
KERNELS = (2, 3, 4)
BATCH = 2
IN_1D, FILTERS_1D, LENGTHS = 2, 3, (7, 9)
IN_2D, FILTERS_2D, SIZES_2D = 2, 2, ((5, 5), (4, 5))
# 2D: a non-square kernel and unequal strides from each grid value
KERNEL_2D = {2: (2, 3), 3: (3, 2), 4: (4, 3)}
STRIDE_2D = {1: (1, 2), 2: (2, 3), 3: (3, 1)}


def aux(layer):
    """The non-weight connectivity helpers the reference keeps on the layer."""
    out = {}
    if getattr(layer, "kernel_mask", None) is not None and layer.implementation == 2:
        out["kernel_mask"] = np.asarray(layer.kernel_mask, np.float32)
    if layer.implementation == 3:
        out["kernel_idxs"] = np.asarray(layer.kernel_idxs, np.int32).reshape(-1, 2)
    return out


def shape_of(fmt, channels, spatial):
    if fmt == "channels_last":
        return (BATCH, *spatial, channels)
    return (BATCH, channels, *spatial)


def grid(rank):
    combos = itertools.product(
        IMPLEMENTATIONS, ("valid", "same"), FORMATS, STRIDES, KERNELS, (True, False)
    )
    i = 0
    for impl, padding, fmt, s, k, bias in combos:
        if impl == 1 and padding == "same":
            continue  # the reference refuses it in __init__ (see probes)
        if rank == 1:
            size = (LENGTHS[(i // 2) % 2],)
            kwargs = dict(filters=FILTERS_1D, kernel_size=k, strides=s)
            shape = shape_of(fmt, IN_1D, size)
            tag = f"s{s}_k{k}_L{size[0]}"
        else:
            size = SIZES_2D[(i // 2) % 2]
            ks, ss = KERNEL_2D[k], STRIDE_2D[s]
            kwargs = dict(filters=FILTERS_2D, kernel_size=ks, strides=ss)
            shape = shape_of(fmt, IN_2D, size)
            tag = f"s{ss[0]}x{ss[1]}_k{ks[0]}x{ks[1]}_in{size[0]}x{size[1]}"
        i += 1
        kwargs.update(padding=padding, data_format=fmt, use_bias=bias, implementation=impl)
        cid = f"impl{impl}_{padding}_{SHORT[fmt]}_{'b' if bias else 'nb'}_{tag}"
        yield cid, kwargs, shape


def extras(rank):
    if rank == 1:
        for impl in IMPLEMENTATIONS:
            yield (
                f"impl{impl}_relu_valid_cl_s2_k5_L9",
                dict(filters=3, kernel_size=5, strides=2, activation="relu", implementation=impl),
                (2, 9, 2),
            )
        for impl in (2, 3):
            yield (
                f"impl{impl}_same_cl_s1_k6_L5_kernel_longer_than_input",
                dict(filters=3, kernel_size=6, padding="same", implementation=impl),
                (2, 5, 2),
            )
        yield (
            "impl1_valid_cl_k9_L9_full_window",
            dict(filters=3, kernel_size=9, implementation=1),
            (2, 9, 2),
        )
    else:
        for impl in IMPLEMENTATIONS:
            yield (
                f"impl{impl}_tanh_valid_cf_s2x2_k3x3_in5x6",
                dict(
                    filters=2,
                    kernel_size=3,
                    strides=2,
                    activation="tanh",
                    data_format="channels_first",
                    implementation=impl,
                ),
                (2, 2, 5, 6),
            )


def probes(rank):
    cls = L.LocallyConnected1D if rank == 1 else L.LocallyConnected2D
    shape = (2, 9, 2) if rank == 1 else (2, 5, 7, 2)
    big = 10 if rank == 1 else (6, 2)
    specs = [
        dict(filters=3, kernel_size=3, padding="same", implementation=1),
        dict(filters=3, kernel_size=3, padding="causal", implementation=2),
        dict(filters=3, kernel_size=3, implementation=4),
        dict(filters=3, kernel_size=3, implementation=0),
        dict(filters=3, kernel_size=big, implementation=1),
        dict(filters=3, kernel_size=big, implementation=2),
        dict(filters=3, kernel_size=big, implementation=3),
        dict(filters=3, kernel_size=big, padding="same", implementation=2),
        dict(filters=3, kernel_size=big, padding="same", implementation=3),
        dict(filters=3, kernel_size=3, strides=0, implementation=1),
        dict(filters=3, kernel_size=3, strides=0, implementation=3),
        dict(filters=3, kernel_size=0, implementation=1),
        dict(filters=0, kernel_size=3, implementation=1),
        dict(filters=3, kernel_size=3, dilation_rate=2),
    ]
    return [probe(cls, kw, shape) for kw in specs]


def configs():
    init, reg, con = tf_keras.initializers, tf_keras.regularizers, tf_keras.constraints
    every = dict(
        filters=6,
        kernel_size=4,
        strides=2,
        padding="same",
        data_format="channels_first",
        activation="relu",
        use_bias=True,
        kernel_initializer=init.HeNormal(seed=1),
        bias_initializer=init.Constant(0.1),
        kernel_regularizer=reg.L1(0.01),
        bias_regularizer=reg.L2(0.02),
        activity_regularizer=reg.L1L2(l1=0.001, l2=0.002),
        kernel_constraint=con.MaxNorm(2.0),
        bias_constraint=con.NonNeg(),
        implementation=3,
        trainable=False,
        name="lc_all",
        dtype="float64",
    )
    return {
        "default LocallyConnected1D(8, 3)": config_entry(
            L.LocallyConnected1D, dict(filters=8, kernel_size=3)
        ),
        "default LocallyConnected2D(8, 3)": config_entry(
            L.LocallyConnected2D, dict(filters=8, kernel_size=3)
        ),
        "LocallyConnected1D every argument set": config_entry(L.LocallyConnected1D, every),
        "LocallyConnected2D every argument set": config_entry(
            L.LocallyConnected2D, dict(every, kernel_size=(3, 2), strides=(2, 1), name="lc2_all")
        ),
        "LocallyConnected1D implementation 2, uppercase padding": config_entry(
            L.LocallyConnected1D, dict(filters=2, kernel_size=[3], padding="SAME", implementation=2)
        ),
    }


def main():
    for family, cls, rank in (
        ("locally_connected1d", L.LocallyConnected1D, 1),
        ("locally_connected2d", L.LocallyConnected2D, 2),
    ):
        cases, skipped = [], []
        for cid, kwargs, shape in [*grid(rank), *extras(rank)]:
            note = "computed directly by the reference on CPU"
            case, skip = run_case(family, cid, cls, kwargs, shape, note, aux_fn=aux)
            if skip is not None:
                skipped.append(skip)
                continue
            cases.append(case)
        notes = (
            f"{cls.__name__}, batch 2, linear activation unless the id says otherwise. Inputs "
            "and cotangent g ~ N(0, 1), weights (incl. bias) ~ N(0, 0.5^2) via set_weights; "
            "loss = sum(y * g). Weights are stored in the reference's own layout, which depends "
            "on implementation and data_format. implementation=1 with padding='same' is refused "
            "by the reference in __init__, so the grid has no such cases. aux/kernel_mask "
            "(impl 2) and aux/kernel_idxs (impl 3) are the reference's connectivity helpers, "
            "not weights. Checked against a float64 NumPy model of the reference: output "
            "length is ceil((L-k+1)/s) for 'valid' and ceil(L/s) for 'same'; the window of "
            "output o starts at o*s ('valid') or o*s - k//2 ('same'), k taps, out-of-range taps "
            "dropped. impl 1 kernel (out_positions, k*in, filters): the middle axis is the "
            "window flattened as (taps..., channel) for channels_last but (channel, taps...) "
            "for channels_first. impl 2 kernel * kernel_mask reshaped to (input flat, output "
            "flat), both flattened in the data_format's own order. impl 3: kernel[j] connects "
            "output flat index kernel_idxs[j, 0] to input flat index kernel_idxs[j, 1] (single "
            "sample, data_format order), rows sorted lexicographically. Bias (out spatial..., "
            "filters): with channels_first the reference adds bias.reshape(filters, out "
            "spatial...), a reshape, not a transpose."
        )
        extra = dict(notes=notes, skipped=skipped, probe_notes=PROBE_NOTE, probes=probes(rank))
        write_fixtures(family, cases, meta(GENERATOR, **extra))
        print(f"{family}: {len(cases)} cases, {len(skipped)} skipped", flush=True)
    write_json(
        FIXTURES / "local_configs.json",
        {**meta(GENERATOR), "configs": configs()},
        inline_depth=6,
    )


if __name__ == "__main__":
    main()
