"""Golden fixtures for the reshaping layers and SpatialDropout from tf-keras 2.21.

Writes ``tests/fixtures/reshaping.{npz,json}`` (ZeroPadding1D/2D, Cropping1D/2D,
UpSampling1D/2D, Permute: outputs and input gradients, plus probes of what the reference
refuses), ``tests/fixtures/spatial_dropout.{npz,json}`` (SpatialDropout1D/2D in training
and inference) and ``tests/fixtures/reshaping_configs.json`` (reference ``get_config()``).
Run: ``TF_USE_LEGACY_KERAS=1 tools/.venv/bin/python tools/make_reshaping_fixtures.py``.
"""

from __future__ import annotations

import re

import numpy as np
import tensorflow as tf
import tf_keras
from fixture_io import FIXTURES, write_fixtures, write_json
from tf_reference import config_entry, jsonify, meta, probe, run_case, seed_for

L = tf_keras.layers
GENERATOR = "tools/make_reshaping_fixtures.py"
SHORT = {"channels_last": "cl", "channels_first": "cf"}


def _image(fmt, rows, cols, channels=3, batch=2):
    if fmt == "channels_last":
        return (batch, rows, cols, channels)
    return (batch, channels, rows, cols)


def grid():
    """(case_id, layer class, kwargs, input_shape) for every forward/backward case."""
    for i, padding in enumerate([1, (2, 0), (0, 3), 0]):
        yield f"zp1_{i}", L.ZeroPadding1D, dict(padding=padding), (2, 5, 3)
    for fmt in SHORT:
        for i, padding in enumerate([1, (1, 2), ((1, 0), (2, 3)), ((0, 0), (0, 0))]):
            kwargs = dict(padding=padding, data_format=fmt)
            yield f"zp2_{SHORT[fmt]}_{i}", L.ZeroPadding2D, kwargs, _image(fmt, 4, 5)
    for i, cropping in enumerate([(1, 1), (0, 2), (3, 0), 2, (0, 0)]):
        yield f"crop1_{i}", L.Cropping1D, dict(cropping=cropping), (2, 7, 3)
    for fmt in SHORT:
        crops = [1, (1, 2), ((1, 0), (0, 2)), ((0, 0), (0, 0)), ((2, 3), (1, 1))]
        for i, cropping in enumerate(crops):
            kwargs = dict(cropping=cropping, data_format=fmt)
            yield f"crop2_{SHORT[fmt]}_{i}", L.Cropping2D, kwargs, _image(fmt, 6, 7)
    for size in (1, 2, 3):
        yield f"up1_s{size}", L.UpSampling1D, dict(size=size), (2, 5, 3)
    for fmt in SHORT:
        for interpolation in ("nearest", "bilinear"):
            for size in (2, (2, 3), (1, 1), (3, 1), (4, 5)):
                tag = "x".join(map(str, size)) if isinstance(size, tuple) else str(size)
                kwargs = dict(size=size, data_format=fmt, interpolation=interpolation)
                cid = f"up2_{SHORT[fmt]}_{interpolation}_{tag}"
                yield cid, L.UpSampling2D, kwargs, _image(fmt, 4, 5)
    yield (
        "up2_cl_bilinear_3x7_tall",
        L.UpSampling2D,
        dict(size=(3, 7), interpolation="bilinear"),
        (1, 9, 2, 2),
    )
    for dims, shape in [
        ((2, 1), (2, 4, 3)),
        ((1, 2), (2, 4, 3)),
        ((1, 3, 2), (2, 3, 4, 5)),
        ((3, 1, 2), (2, 3, 4, 5)),
        ((2, 3, 1), (2, 3, 4, 5)),
        ((4, 1, 3, 2), (2, 2, 3, 4, 5)),
    ]:
        yield f"permute_{''.join(map(str, dims))}", L.Permute, dict(dims=dims), shape


def probes():
    """What the reference refuses (or accepts), for the error tests."""
    specs = [
        (L.ZeroPadding1D, dict(padding=-1), (2, 5, 3)),
        (L.ZeroPadding1D, dict(padding=(1, 2, 3)), (2, 5, 3)),
        (L.ZeroPadding1D, dict(padding="a"), (2, 5, 3)),
        (L.ZeroPadding1D, dict(padding=1), (2, 5, 3, 1)),
        (L.ZeroPadding2D, dict(padding=(1, 2, 3)), (2, 4, 5, 3)),
        (L.ZeroPadding2D, dict(padding=((1, 2), (3,))), (2, 4, 5, 3)),
        (L.ZeroPadding2D, dict(padding=((1, 2), (3, -1))), (2, 4, 5, 3)),
        (L.ZeroPadding2D, dict(padding=-1), (2, 4, 5, 3)),
        (L.ZeroPadding2D, dict(padding=None), (2, 4, 5, 3)),
        (L.ZeroPadding2D, dict(padding=1, data_format="channels_middle"), (2, 4, 5, 3)),
        (L.ZeroPadding2D, dict(padding=1), (2, 2, 4, 5, 3)),
        (L.Cropping1D, dict(cropping=(2, 1)), (2, 3, 4)),
        (L.Cropping1D, dict(cropping=(-1, 1)), (2, 3, 4)),
        (L.Cropping2D, dict(cropping=((2, 1), (0, 0))), (2, 3, 4, 4)),
        (L.Cropping2D, dict(cropping=((0, 0), (2, 2))), (2, 3, 4, 4)),
        (L.Cropping2D, dict(cropping=((0, 0), (2, 2)), data_format="channels_first"), (2, 3, 4, 4)),
        (L.Cropping2D, dict(cropping=(1, 2, 3)), (2, 4, 5, 3)),
        (L.Cropping2D, dict(cropping="a"), (2, 4, 5, 3)),
        (L.UpSampling1D, dict(size=0), (2, 5, 3)),
        (L.UpSampling2D, dict(size=0), (2, 4, 5, 3)),
        (L.UpSampling2D, dict(size=(1, 2, 3)), (2, 4, 5, 3)),
        (L.UpSampling2D, dict(interpolation="foo"), (2, 4, 5, 3)),
        (L.UpSampling2D, dict(interpolation="NEAREST"), (2, 4, 5, 3)),
        (L.UpSampling2D, dict(interpolation="Bilinear"), (2, 4, 5, 3)),
        (L.Permute, dict(dims=(1, 3)), (2, 4, 5)),
        (L.Permute, dict(dims=(0, 1)), (2, 4, 5)),
        (L.Permute, dict(dims=(2, 1)), (2, 4, 5, 3)),
        (L.SpatialDropout1D, dict(rate=1.5), (2, 5, 3)),
        (L.SpatialDropout2D, dict(rate=0.5, data_format="channels_middle"), (2, 4, 5, 3)),
        (L.SpatialDropout2D, dict(rate=0.5, data_format="CHANNELS_LAST"), (2, 4, 5, 3)),
        (L.SpatialDropout1D, dict(rate=0.5), (2, 5, 3, 1)),
    ]
    for method in ("bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic"):
        specs.append((L.UpSampling2D, dict(size=2, interpolation=method), (2, 4, 5, 3)))
    rows = [probe(cls, kw, shape) for cls, kw, shape in specs]
    for row in rows:  # TF's KernelDef text varies between runs: keep the files deterministic
        if "error" in row:
            error = re.sub(r"KernelDef: '[^']*'", "KernelDef: <omitted>", row["error"])
            row["error"] = error.split("\n\nCall arguments received")[0]
    return rows


def configs():
    """Reference ``get_config()`` of one or more instances per layer."""
    entries = {
        "ZeroPadding1D()": (L.ZeroPadding1D, {}),
        "ZeroPadding1D((2, 0))": (L.ZeroPadding1D, dict(padding=(2, 0), name="zp")),
        "ZeroPadding2D()": (L.ZeroPadding2D, {}),
        "ZeroPadding2D(((1, 0), (2, 3)), cf)": (
            L.ZeroPadding2D,
            dict(padding=((1, 0), (2, 3)), data_format="channels_first"),
        ),
        "Cropping1D()": (L.Cropping1D, {}),
        "Cropping2D()": (L.Cropping2D, {}),
        "Cropping2D((1, 2), cf)": (
            L.Cropping2D,
            dict(cropping=(1, 2), data_format="channels_first"),
        ),
        "UpSampling1D()": (L.UpSampling1D, {}),
        "UpSampling2D()": (L.UpSampling2D, {}),
        "UpSampling2D((2, 3), bilinear, cf)": (
            L.UpSampling2D,
            dict(size=(2, 3), interpolation="bilinear", data_format="channels_first"),
        ),
        "Permute((2, 1))": (L.Permute, dict(dims=(2, 1))),
        "SpatialDropout1D(0.3)": (L.SpatialDropout1D, dict(rate=0.3)),
        "SpatialDropout1D(0.3, seed=4)": (L.SpatialDropout1D, dict(rate=0.3, seed=4)),
        "SpatialDropout2D(0.5, cf)": (
            L.SpatialDropout2D,
            dict(rate=0.5, data_format="channels_first", trainable=False, dtype="float64"),
        ),
    }
    return {key: config_entry(cls, kwargs) for key, (cls, kwargs) in entries.items()}


def spatial_dropout_cases():
    """Training-mode and inference outputs: which entries the reference zeroes, and scaling."""
    cases = []
    specs = [
        ("sd1_r0.5", L.SpatialDropout1D, dict(rate=0.5, seed=7), (4, 6, 5)),
        ("sd1_r0.25", L.SpatialDropout1D, dict(rate=0.25, seed=3), (4, 6, 5)),
        ("sd2_cl_r0.5", L.SpatialDropout2D, dict(rate=0.5, seed=7), (4, 3, 5, 6)),
        (
            "sd2_cf_r0.5",
            L.SpatialDropout2D,
            dict(rate=0.5, seed=7, data_format="channels_first"),
            (4, 6, 3, 5),
        ),
        ("sd2_cl_r0", L.SpatialDropout2D, dict(rate=0.0), (2, 3, 4, 5)),
    ]
    for cid, cls, kwargs, shape in specs:
        tf_keras.backend.clear_session()
        rng = np.random.default_rng(seed_for("spatial_dropout", cid))
        x = rng.standard_normal(shape).astype(np.float32) + 3.0  # no exact zeros in x
        g = rng.standard_normal(shape).astype(np.float32)
        layer = cls(**kwargs)
        xt = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(xt)
            y = layer(xt, training=True)
            loss = tf.reduce_sum(y * g)
        dx = tape.gradient(loss, xt).numpy()
        y_eval = layer(xt, training=False).numpy()
        cases.append(
            {
                "id": cid,
                "layer": cls.__name__,
                "config": jsonify(layer.get_config()),
                "kwargs": jsonify(kwargs),
                "input_shape": list(shape),
                "notes": "y and dx from training=True (seeded, not reproducible by torch); "
                "y_eval from training=False",
                "weight_names": [],
                "trainable_weight_names": [],
                "arrays": {"x": x, "g": g, "y": y.numpy(), "dx": dx, "y_eval": y_eval},
            }
        )
    return cases


def main():
    cases = []
    for cid, cls, kwargs, shape in grid():
        case, skip = run_case("reshaping", cid, cls, kwargs, shape, "computed by the reference")
        if skip is not None:
            raise RuntimeError(f"the reference refused {cid}: {skip['error']}")
        cases.append(case)
    notes = (
        "ZeroPadding1D/2D, Cropping1D/2D, UpSampling1D/2D, Permute on x ~ N(0, 1); "
        "loss = sum(y * g) with g ~ N(0, 1). 'probes' lists what the reference refuses "
        "(stage 'init' or 'call') with its message."
    )
    write_fixtures("reshaping", cases, meta(GENERATOR, notes=notes, probes=probes()))
    dropout = spatial_dropout_cases()
    notes = (
        "SpatialDropout in training mode (training=True): y and dx show which whole channels "
        "the reference zeroes and how it scales the rest; y_eval is the inference output."
    )
    write_fixtures("spatial_dropout", dropout, meta(GENERATOR, notes=notes))
    write_json(
        FIXTURES / "reshaping_configs.json",
        {**meta(GENERATOR), "configs": configs()},
        inline_depth=6,
    )
    print(f"reshaping: {len(cases)} cases; spatial_dropout: {len(dropout)} cases")


if __name__ == "__main__":
    main()
