"""Golden fixtures for BatchNormalization and LayerNormalization from tf-keras 2.21.

Writes ``tests/fixtures/{batch_normalization,layer_normalization}.{npz,json}``; each json
also holds ``configs`` (reference ``get_config()`` of unbuilt instances) and ``probes``.
Run: ``TF_USE_LEGACY_KERAS=1 tools/.venv/bin/python tools/make_normalization_fixtures.py``.

A BatchNormalization case holds, besides ``x``/``w/<name>`` (all four weights set from
the generator: gamma ~ N(1, 0.5^2), beta and moving_mean ~ N(0, 0.5^2), moving_variance
~ U(0.5, 1.5)):
- ``y``, ``g``, ``dx``, ``dw/<name>``: one call with ``training=True`` (loss sum(y * g));
- ``stats1/<name>``: moving_mean and moving_variance after that call;
- ``x_more``: further inputs (stacked), each run with ``training=True``; ``stats/<name>``:
  the moving statistics after all of them;
- ``y_inf``, ``g_inf``, ``dx_inf``, ``dw_inf/<name>``: ``training=False`` with the weights
  as set (before any training call);
- ``y_after``: ``training=False`` on ``x`` after the training calls;
- ``call/mask``: the mask passed to every call, for masked cases.
"""

from __future__ import annotations

import os

import numpy as np
import tensorflow as tf
import tf_keras
from fixture_io import FIXTURES, write_fixtures, write_npz
from tf_reference import config_entry, jsonify, meta, probe, run_case, seed_for, short_name

GENERATOR = "tools/make_normalization_fixtures.py"
L = tf_keras.layers
BN_FAMILY, LN_FAMILY = "batch_normalization", "layer_normalization"
MORE_STEPS = 3


def bn_cases():
    """(case_id, kwargs, input_shape, masked) for BatchNormalization."""
    r2, r3, r4, r4f, r5 = (6, 5), (4, 7, 5), (3, 6, 5, 4), (3, 4, 6, 5), (2, 3, 4, 3, 4)
    yield "rank2_axis-1", dict(momentum=0.9), r2, False
    yield "rank2_axis0", dict(axis=0, momentum=0.8), r2, False
    yield "rank3_axis-1", dict(momentum=0.9), r3, False
    yield "rank3_axis1_channels_first", dict(axis=1, momentum=0.9), (4, 5, 7), False
    for fused in (None, True, False):
        tag = {None: "fusedNone", True: "fusedTrue", False: "fusedFalse"}[fused]
        yield f"rank4_axis-1_{tag}", dict(fused=fused, momentum=0.9), r4, False
        yield f"rank4_axis1_{tag}", dict(axis=1, fused=fused, momentum=0.9), r4f, False
    yield "rank4_axis-3", dict(axis=-3, momentum=0.7), r4f, False
    yield "rank4_axis2", dict(axis=2, momentum=0.9), r4, False
    yield "rank4_axes1_3", dict(axis=[1, 3], momentum=0.9), r4, False
    yield "rank4_axes-1_1_unsorted", dict(axis=[-1, 1], momentum=0.9), r4, False
    yield "rank5_axis-1", dict(momentum=0.9), r5, False
    yield "rank5_axis1", dict(axis=1, momentum=0.9), (2, 4, 3, 4, 3), False
    yield "rank5_axis2_unfusable", dict(axis=2, momentum=0.9), r5, False
    yield "rank4_no_center", dict(center=False, momentum=0.9), r4, False
    yield "rank4_no_scale", dict(scale=False, momentum=0.9), r4, False
    yield "rank2_no_center_no_scale", dict(center=False, scale=False), r2, False
    yield "rank4_no_center_no_scale", dict(center=False, scale=False, momentum=0.5), r4, False
    yield "rank4_epsilon0.1_momentum0", dict(epsilon=0.1, momentum=0.0), r4, False
    yield "rank3_epsilon1e-5_momentum0.5", dict(epsilon=1e-5, momentum=0.5), r3, False
    yield "rank4_epsilon1e-6_fused", dict(epsilon=1e-6, momentum=0.9), r4, False
    yield "rank4_defaults", {}, r4, False
    yield "rank4_trainable_false", dict(trainable=False, momentum=0.9), r4, False
    yield "rank2_batch1", dict(momentum=0.5), (1, 4), False
    yield "rank4_one_entry_per_channel_fused", dict(momentum=0.5), (1, 1, 1, 4), False
    yield "rank4_batch1_fused", dict(momentum=0.5), (1, 3, 2, 4), False
    yield (
        "rank4_regularized_constrained",
        dict(
            momentum=0.9,
            gamma_regularizer=tf_keras.regularizers.L2(0.01),
            beta_regularizer=tf_keras.regularizers.L1(0.02),
            gamma_constraint=tf_keras.constraints.NonNeg(),
            beta_constraint=tf_keras.constraints.MaxNorm(2.0),
            gamma_initializer=tf_keras.initializers.Constant(0.5),
            moving_variance_initializer="zeros",
        ),
        r4,
        False,
    )
    yield "rank3_masked", dict(momentum=0.8), r3, True
    yield "rank4_masked_fused_ignores_mask", dict(momentum=0.8), r4, True


def _draw_weights(layer, rng):
    """Weights for ``layer`` (or a model): gamma ~ N(1, 0.5^2), moving_variance ~ U(0.5, 1.5),
    anything else ~ N(0, 0.5^2)."""
    values = []
    for w in layer.weights:
        name = short_name(w)
        if name == "gamma":
            values.append(rng.normal(1.0, 0.5, w.shape))
        elif name == "moving_variance":
            values.append(rng.uniform(0.5, 1.5, w.shape))
        else:
            values.append(rng.normal(0.0, 0.5, w.shape))
    return [v.astype(np.float32) for v in values]


def _call(layer, x, training, mask):
    kwargs = {"training": training}
    if mask is not None:
        kwargs["mask"] = tf.constant(mask)
    return layer(tf.constant(x), **kwargs)


def _with_grads(layer, x, training, mask, g):
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        kwargs = {"training": training}
        if mask is not None:
            kwargs["mask"] = tf.constant(mask)
        y = layer(xt, **kwargs)
        loss = tf.reduce_sum(y * g)
    grads = tape.gradient(loss, [xt, *layer.trainable_weights])
    return y.numpy(), [tf.convert_to_tensor(v).numpy() for v in grads]


def _stats(layer):
    return {short_name(w): w.numpy() for w in layer.non_trainable_weights if "moving" in w.name}


def run_bn_case(cid, kwargs, shape, masked):
    tf_keras.backend.clear_session()
    rng = np.random.default_rng(seed_for(BN_FAMILY, cid))
    x = (rng.standard_normal(shape) * 1.5 + 0.5).astype(np.float32)
    x_more = (rng.standard_normal((MORE_STEPS, *shape)) * 2.0 - 0.3).astype(np.float32)
    layer = L.BatchNormalization(**kwargs)
    layer.build(shape)
    layer.set_weights(_draw_weights(layer, rng))
    mask = None
    if masked:
        mask = rng.random(shape[:-1]) > 0.35
        mask.reshape(-1, shape[-2])[:, 0] = True
    g = rng.standard_normal(shape).astype(np.float32)
    g_inf = rng.standard_normal(shape).astype(np.float32)
    arrays = {"x": x, "x_more": x_more, "g": g, "g_inf": g_inf}
    names = [short_name(w) for w in layer.weights]
    trainable = [short_name(w) for w in layer.trainable_weights]
    for name, w in zip(names, layer.weights):
        arrays[f"w/{name}"] = w.numpy()
    if mask is not None:
        arrays["call/mask"] = mask
    y_inf, grads = _with_grads(layer, x, False, mask, g_inf)
    arrays.update(y_inf=y_inf, dx_inf=grads[0])
    arrays.update({f"dw_inf/{n}": v for n, v in zip(trainable, grads[1:], strict=True)})
    y, grads = _with_grads(layer, x, True, mask, g)
    arrays.update(y=y, dx=grads[0])
    arrays.update({f"dw/{n}": v for n, v in zip(trainable, grads[1:], strict=True)})
    arrays.update({f"stats1/{n}": v for n, v in _stats(layer).items()})
    for step in range(MORE_STEPS):
        _call(layer, x_more[step], True, mask)
    arrays.update({f"stats/{n}": v for n, v in _stats(layer).items()})
    arrays["y_after"] = _call(layer, x, False, mask).numpy()
    losses = [float(v) for v in layer.losses]
    for key, value in arrays.items():
        if value.dtype == np.float64 or not np.all(np.isfinite(value)):
            raise RuntimeError(f"{cid}/{key}: float64 or not finite")
    return {
        "id": cid,
        "layer": "BatchNormalization",
        "config": jsonify(layer.get_config()),
        "input_shape": list(shape),
        "output_shape": list(y.shape),
        "weight_names": names,
        "trainable_weight_names": trainable,
        "fused": bool(layer.fused),
        "losses": losses,
        "notes": f"fused={bool(layer.fused)} after build",
        "arrays": arrays,
    }


def ln_cases():
    yield "rank2_axis-1", {}, (4, 6)
    yield "rank3_axis-1", {}, (3, 5, 6)
    yield "rank3_axis1", dict(axis=1), (3, 5, 6)
    yield "rank4_axes1_2_3", dict(axis=[1, 2, 3]), (2, 3, 4, 5)
    yield "rank4_axes2_3", dict(axis=[2, 3]), (2, 3, 4, 5)
    yield "rank4_axes1_2", dict(axis=[1, 2]), (2, 3, 4, 5)
    yield "rank4_axes3_1_unsorted", dict(axis=[3, 1]), (2, 3, 4, 5)
    yield "rank4_axes-1_-2_unsorted", dict(axis=(-1, -2)), (2, 3, 4, 5)
    yield "rank5_axis-1", {}, (2, 2, 3, 2, 4)
    yield "rank3_no_center", dict(center=False), (3, 5, 6)
    yield "rank3_no_scale", dict(scale=False), (3, 5, 6)
    yield "rank3_no_center_no_scale", dict(center=False, scale=False), (3, 5, 6)
    yield "rank3_epsilon1e-6", dict(epsilon=1e-6), (3, 5, 6)
    yield "rank4_epsilon0.5", dict(axis=[1, 2, 3], epsilon=0.5), (2, 3, 4, 5)
    yield "rank2_one_feature", {}, (3, 1)


def bn_probes():
    bn = L.BatchNormalization
    specs = [
        (dict(axis=5), (2, 3, 2)),
        (dict(axis=[1, -2]), (2, 3, 2)),
        (dict(axis=1.0), (2, 3)),
        (dict(axis=2, fused=True), (2, 3, 2, 2)),
        (dict(fused=True), (2, 3, 2)),
        (dict(fused=True, dtype="float64"), (2, 3, 2, 2)),
        (dict(axis=-4), (2, 3, 2, 2)),
        (dict(axis=[1, 3], fused=True), (2, 3, 2, 2)),
        (dict(renorm=True), (2, 3)),
        (dict(virtual_batch_size=2), (2, 3)),
        (dict(synchronized=True, fused=True), (2, 3)),
    ]
    return [probe(bn, kwargs, shape) for kwargs, shape in specs]


def ln_probes():
    ln = L.LayerNormalization
    specs = [
        (dict(axis=3), (2, 3)),
        (dict(axis=[1, 1]), (2, 3, 4)),
        (dict(axis="a"), (2, 3)),
    ]
    return [probe(ln, kwargs, shape) for kwargs, shape in specs]


def bn_configs():
    init, reg, con = tf_keras.initializers, tf_keras.regularizers, tf_keras.constraints
    bn = L.BatchNormalization
    return {
        "default": config_entry(bn, {}),
        "every argument set": config_entry(
            bn,
            dict(
                axis=[1, 3],
                momentum=0.5,
                epsilon=1e-4,
                center=False,
                scale=True,
                beta_initializer=init.Constant(0.1),
                gamma_initializer=init.RandomNormal(seed=1),
                moving_mean_initializer="ones",
                moving_variance_initializer=init.Constant(2.0),
                beta_regularizer=reg.L1(0.01),
                gamma_regularizer=reg.L2(0.02),
                beta_constraint=con.NonNeg(),
                gamma_constraint=con.MaxNorm(3.0),
                fused=False,
                trainable=False,
                name="bn_all",
                dtype="float64",
            ),
        ),
        "axis 1, fused True": config_entry(bn, dict(axis=1, fused=True)),
        "tuple axis": config_entry(bn, dict(axis=(-1,))),
        "renorm arguments without renorm": config_entry(
            bn, dict(renorm_momentum=0.5, renorm_clipping={"rmax": 2.0})
        ),
    }


def ln_configs():
    init, reg, con = tf_keras.initializers, tf_keras.regularizers, tf_keras.constraints
    ln = L.LayerNormalization
    return {
        "default": config_entry(ln, {}),
        "every argument set": config_entry(
            ln,
            dict(
                axis=(1, 2),
                epsilon=1e-5,
                center=True,
                scale=False,
                beta_initializer="ones",
                gamma_initializer=init.Constant(0.3),
                beta_regularizer=reg.L2(0.1),
                gamma_regularizer="l1",
                beta_constraint=con.UnitNorm(),
                gamma_constraint="non_neg",
                name="ln_all",
                dtype="float64",
            ),
        ),
    }


BN_NOTES = (
    "BatchNormalization, float32, on CPU ({onednn}). Weights set by the generator (see "
    "the generator's docstring for the arrays). fused: with fused=None tf-keras fuses 4-D "
    "and 5-D inputs whose axis is 1 or the last axis (rank 5 with another axis falls back "
    "to unfused); a fused layer updates moving_variance with the Bessel-corrected batch "
    "variance var * n / (n - 1) (n entries per channel; exactly var when n == 1, see "
    "rank4_one_entry_per_channel_fused), an unfused one with the biased var; outputs use "
    "the biased var either way. The moving average is moving - (moving - stat) * (1 - "
    "momentum) (unfused) or moving * (1 - f) + stat * f, f = 1 - momentum (TF's fused "
    "kernel): equal up to float32 rounding. trainable=False runs in inference mode even "
    "with training=True and updates nothing. A mask (call/mask, shape input.shape[:-1]) "
    "weights the batch statistics (tf.nn.weighted_moments over mask[..., None]) when "
    "unfused; a fused layer warns and ignores it. 'losses' are the reference's layer.losses "
    "after all calls (weight regularizers)."
)
LN_NOTES = (
    "LayerNormalization, float32, inputs and g ~ N(0, 1), gamma and beta ~ N(0, 0.5^2) via "
    "set_weights; loss = sum(y * g). gamma/beta have shape [input_shape[a] for a in axis] in "
    "the order given and are laid over the input by a plain reshape to the broadcast shape "
    "(axes ascending), which matters for unsorted axes with different sizes "
    "(rank4_axes3_1_unsorted). The reference uses its fused kernel when the axes are the "
    "trailing ones, epsilon >= 1.001e-5 and the dtype float32; otherwise tf.nn.moments."
)


MODEL_FILE = "pool_norm_model.h5"


def model_file():
    """A tf-keras model with every layer of the two generators around a convolution, saved
    as a legacy .h5 model file, with its predictions and one ``fit`` step (SGD, mse, one
    batch, no shuffle): the weights and moving statistics after it and the loss."""
    tf_keras.backend.clear_session()
    tf_keras.utils.set_random_seed(7)
    rng = np.random.default_rng(seed_for("model_file", MODEL_FILE))
    model = tf_keras.Sequential(
        [
            L.Conv2D(6, 3, padding="same", input_shape=(9, 8, 2)),
            L.BatchNormalization(momentum=0.8),
            L.MaxPooling2D(),
            L.AveragePooling2D(3, strides=2, padding="same"),
            L.LayerNormalization(),
            L.BatchNormalization(axis=1),
            L.GlobalAveragePooling2D(),
            L.BatchNormalization(momentum=0.5),
            L.Dense(1),
        ]
    )
    model.set_weights(_draw_weights(model, rng))
    x = rng.standard_normal((6, 9, 8, 2)).astype(np.float32)
    y = rng.standard_normal((6, 1)).astype(np.float32)
    model.compile(tf_keras.optimizers.SGD(0.1), "mse")
    model.save(FIXTURES / MODEL_FILE, save_format="h5")
    # What a user of the file gets: the model as tf-keras loads it back.
    tf_keras.backend.clear_session()
    model = tf_keras.models.load_model(FIXTURES / MODEL_FILE)
    fused = [bool(layer.fused) for layer in model.layers if isinstance(layer, L.BatchNormalization)]
    arrays = {"x": x, "y": y, "predict": model.predict(x, verbose=0)}
    history = model.fit(x, y, batch_size=6, epochs=1, shuffle=False, verbose=0)
    arrays["loss"] = np.float32(history.history["loss"][0])
    for i, w in enumerate(model.weights):
        arrays[f"after_fit/{i}"] = w.numpy()
    write_npz(FIXTURES / "pool_norm_model.npz", arrays)
    return {
        "file": MODEL_FILE,
        "layers": [type(layer).__name__ for layer in model.layers],
        "weights_after_fit": [w.name for w in model.weights],
        "batch_normalization_fused": fused,
        "notes": (
            "Weights drawn as for the BatchNormalization cases (moving statistics too), then "
            "saved and loaded back by tf-keras; 'predict' is model.predict(x) (inference); one "
            "fit step of SGD(0.1) on mse with the whole batch gives 'loss' and after_fit/<i> "
            "(model.weights order: tf-keras lists a model's weights layer by layer). The 4-D "
            "BatchNormalizations are fused (Bessel-corrected moving variance), the 2-D one not."
        ),
    }


def main():
    cases = [run_bn_case(*spec) for spec in bn_cases()]
    onednn = os.environ.get("TF_ENABLE_ONEDNN_OPTS", "oneDNN default (on)")
    extra = dict(
        notes=BN_NOTES.format(onednn=onednn),
        probes=bn_probes(),
        configs=bn_configs(),
        more_steps=MORE_STEPS,
        model_file=model_file(),
    )
    write_fixtures(BN_FAMILY, cases, meta(GENERATOR, **extra))
    print(f"{BN_FAMILY}: {len(cases)} cases")
    cases, skipped = [], []
    for cid, kwargs, shape in ln_cases():
        case, skip = run_case(LN_FAMILY, cid, L.LayerNormalization, kwargs, shape, "")
        if skip is not None:
            skipped.append(skip)
            continue
        cases.append(case)
    extra = dict(notes=LN_NOTES, skipped=skipped, probes=ln_probes(), configs=ln_configs())
    write_fixtures(LN_FAMILY, cases, meta(GENERATOR, **extra))
    print(f"{LN_FAMILY}: {len(cases)} cases, {len(skipped)} skipped")


if __name__ == "__main__":
    main()
