"""BatchNormalization and LayerNormalization: golden fixtures from tf-keras (training,
inference, moving statistics, gradients, configs), a NumPy reference, modes, errors."""

import contextlib
import json
import re

import numpy as np
import pool_norm_reference as ref
import pytest
import torch
from fixture_loader import load_fixtures, load_index
from parity import check_against_fixture, relative_l2

import convlayers

BN_CASES = load_fixtures("batch_normalization")
BN_INDEX = load_index("batch_normalization")
LN_CASES = load_fixtures("layer_normalization")
LN_INDEX = load_index("layer_normalization")
RTOL = 1e-5
STATS_RTOL = 1e-6


def _json(config):
    return json.loads(json.dumps(config))


def _compare_grads(layer, arrays, prefix):
    for name, _ in layer.named_parameters():
        key = f"{prefix}/{name}"
        if key in arrays:
            grad = getattr(layer, name).grad
            assert relative_l2(grad, arrays[key]) <= RTOL, key
        else:
            assert getattr(layer, name).grad is None, key


def _stats_match(layer, arrays, prefix):
    for name in ("moving_mean", "moving_variance"):
        got = getattr(layer, name).detach()
        assert relative_l2(got, arrays[f"{prefix}/{name}"]) <= STATS_RTOL, f"{prefix}/{name}"


@pytest.mark.parametrize("case", BN_CASES, ids=[c.id for c in BN_CASES])
def test_batch_normalization_matches_tf_keras(case):
    """Inference, one training call (output, gradients, moving statistics), several more
    training calls, inference afterwards: all as tf-keras computed them."""
    arrays = case.arrays
    entry = BN_INDEX["cases"][case.id]
    # tf-keras leaves `fused` out of the config (so does convlayers): pass it as the case had it
    layer = convlayers.BatchNormalization.from_config({**case.config, "fused": entry["fused"]})
    layer.build(tuple(case.input_shape))
    assert layer.fused == entry["fused"]
    default = convlayers.BatchNormalization.from_config(case.config)
    default.build(tuple(case.input_shape))
    if "fusedFalse" in case.id:
        assert default.fused  # tf-keras would reload this layer fused, too
    else:
        assert default.fused == layer.fused
    assert [n for n, p in layer.named_parameters() if p is not None] == case.weight_names
    layer.set_weights(case.weights)
    kwargs = {}
    if "call/mask" in arrays:
        kwargs["mask"] = torch.tensor(arrays["call/mask"])

    def expect_warning():  # as tf-keras, a fused layer warns that it ignores the mask
        if entry["fused"] and kwargs:
            return pytest.warns(UserWarning, match="Masking is not supported with `fused=True`")
        return contextlib.nullcontext()

    x = torch.tensor(arrays["x"], requires_grad=True)
    with expect_warning():
        y = layer(x, training=False, **kwargs)
    assert relative_l2(y.detach(), arrays["y_inf"]) <= RTOL, "inference output"
    (y * torch.tensor(arrays["g_inf"])).sum().backward()
    assert relative_l2(x.grad, arrays["dx_inf"]) <= RTOL, "inference input gradient"
    _compare_grads(layer, arrays, "dw_inf")
    _stats_match(layer, arrays, "w")  # inference leaves the statistics alone

    layer.zero_grad()
    x = torch.tensor(arrays["x"], requires_grad=True)
    with expect_warning():
        y = layer(x, training=True, **kwargs)
    assert relative_l2(y.detach(), arrays["y"]) <= RTOL, "training output"
    (y * torch.tensor(arrays["g"])).sum().backward()
    assert relative_l2(x.grad, arrays["dx"]) <= RTOL, "training input gradient"
    _compare_grads(layer, arrays, "dw")
    _stats_match(layer, arrays, "stats1")

    for step in arrays["x_more"]:
        with expect_warning():
            layer(torch.tensor(step), training=True, **kwargs)
    _stats_match(layer, arrays, "stats")
    with expect_warning():
        y_after = layer(torch.tensor(arrays["x"]), training=False, **kwargs)
    assert relative_l2(y_after.detach(), arrays["y_after"]) <= RTOL, "inference after training"
    assert [float(v.detach()) for v in layer.losses] == pytest.approx(entry["losses"], rel=1e-6)


def test_fixtures_cover_fused_and_bessel():
    """Fused cases exist on both sides, and the fused moving variance really is the
    Bessel-corrected one (so the fixtures can tell the two updates apart)."""
    fused = {c.id: BN_INDEX["cases"][c.id]["fused"] for c in BN_CASES}
    assert any(fused.values()) and not all(fused.values())
    case = next(c for c in BN_CASES if c.id == "rank4_axis-1_fusedTrue")
    x = case.arrays["x"].astype(np.float64)
    n = x.size // x.shape[-1]
    var = x.reshape(-1, x.shape[-1]).var(axis=0)
    momentum = case.config["momentum"]
    start = case.arrays["w/moving_variance"]
    bessel = start * momentum + var * n / (n - 1) * (1 - momentum)
    biased = start * momentum + var * (1 - momentum)
    got = case.arrays["stats1/moving_variance"]
    assert relative_l2(got, bessel) < 1e-6 < relative_l2(got, biased)


@pytest.mark.parametrize("case", BN_CASES + LN_CASES, ids=[c.id for c in BN_CASES + LN_CASES])
def test_config_round_trip_with_the_reference_keys(case):
    cls = getattr(convlayers, case.layer)
    layer = cls.from_config(case.config)
    assert _json(layer.get_config()) == case.config
    layer.build(tuple(case.input_shape))
    assert _json(layer.get_config()) == case.config
    assert layer.compute_output_shape(tuple(case.input_shape)) == tuple(case.input_shape)


CONFIGS = [("BatchNormalization", d, e) for d, e in BN_INDEX["configs"].items()] + [
    ("LayerNormalization", d, e) for d, e in LN_INDEX["configs"].items()
]


@pytest.mark.parametrize(("layer", "description", "entry"), CONFIGS)
def test_get_config_of_unbuilt_layers_equals_the_reference(layer, description, entry):
    instance = getattr(convlayers, layer)(**entry["kwargs"])
    assert _json(instance.get_config()) == entry["config"]


@pytest.mark.parametrize("case", LN_CASES, ids=[c.id for c in LN_CASES])
def test_layer_normalization_matches_tf_keras(case):
    layer = convlayers.LayerNormalization.from_config(case.config)
    check_against_fixture(layer, case, rtol=RTOL)


def test_regularizers_and_constraints_of_gamma_and_beta():
    case = next(c for c in BN_CASES if c.id == "rank4_regularized_constrained")
    layer = convlayers.BatchNormalization.from_config(case.config)
    layer.build(tuple(case.input_shape))
    assert isinstance(layer.gamma.constraint, convlayers.constraints.NonNeg)
    assert isinstance(layer.beta.constraint, convlayers.constraints.MaxNorm)
    assert layer.moving_mean.constraint is None
    assert layer.gamma.tolist() == [0.5] * 4 and layer.moving_variance.tolist() == [0.0] * 4
    assert len(layer.losses) == 2
    with torch.no_grad():
        layer.gamma.fill_(-1.0)
    convlayers.apply_constraints(layer)
    assert layer.gamma.tolist() == [0.0] * 4


# ---------------------------------------------------------------- NumPy reference


BN_GEOMETRIES = [
    ((6, 5), -1),
    ((4, 7, 5), -1),
    ((4, 5, 7), 1),
    ((3, 6, 5, 4), -1),
    ((3, 4, 6, 5), 1),
    ((3, 6, 5, 4), 2),
    ((3, 6, 5, 4), [1, 3]),
    ((3, 6, 5, 4), [3, 1]),
    ((2, 3, 4, 3, 4), -1),
    ((5, 4), 0),
]


@pytest.mark.parametrize(("shape", "axis"), BN_GEOMETRIES)
@pytest.mark.parametrize("fused", [None, False])
def test_batch_normalization_matches_numpy_reference(rng, shape, axis, fused):
    layer = convlayers.BatchNormalization(axis, momentum=0.7, fused=fused, dtype="float64")
    layer.build(shape)
    axes = layer.axis
    weights = [rng.normal(1, 0.5, w.shape) for w in layer.weights[:3]]
    weights.append(rng.uniform(0.5, 1.5, layer.weights[3].shape))
    layer.set_weights(weights)
    gamma, beta, mean0, var0 = weights
    x = rng.standard_normal(shape) * 2 + 1
    y_inf = layer(x, training=False)
    assert (
        relative_l2(y_inf.detach(), ref.batch_norm_infer(x, axes, gamma, beta, mean0, var0, 1e-3))
        < 1e-14
    )
    y = layer(x, training=True)
    expected, mean, var = ref.batch_norm_train(x, axes, gamma, beta, 1e-3)
    assert relative_l2(y.detach(), expected) < 1e-12
    n = x.size // mean.size
    if layer.fused:
        var = var * n / (n - 1)
    assert (
        relative_l2(layer.moving_mean.detach(), mean0 * 0.7 + mean.reshape(mean0.shape) * 0.3)
        < 1e-14
    )
    assert (
        relative_l2(layer.moving_variance.detach(), var0 * 0.7 + var.reshape(var0.shape) * 0.3)
        < 1e-14
    )


def test_masked_batch_normalization_matches_numpy_reference(rng):
    layer = convlayers.BatchNormalization(momentum=0.0, dtype="float64")
    x = rng.standard_normal((4, 6, 3))
    mask = rng.random((4, 6)) > 0.4
    mask[:, 0] = True
    y = layer(x, training=True, mask=torch.tensor(mask))
    expected, mean, var = ref.batch_norm_train(x, [2], np.ones(3), np.zeros(3), 1e-3, mask)
    assert relative_l2(y.detach(), expected) < 1e-12
    assert relative_l2(layer.moving_mean.detach(), mean) < 1e-14
    assert relative_l2(layer.moving_variance.detach(), var) < 1e-14


LN_GEOMETRIES = [
    ((4, 6), -1),
    ((3, 5, 6), -1),
    ((3, 5, 6), 1),
    ((2, 3, 4, 5), [1, 2, 3]),
    ((2, 3, 4, 5), [1, 2]),
    ((2, 3, 4, 5), [3, 1]),
    ((2, 3, 4, 5), [-1, -2]),
    ((2, 3, 4, 5), [0, 2]),
]


@pytest.mark.parametrize(("shape", "axis"), LN_GEOMETRIES)
def test_layer_normalization_matches_numpy_reference(rng, shape, axis):
    layer = convlayers.LayerNormalization(axis, epsilon=1e-4, dtype="float64")
    layer.build(shape)
    gamma, beta = (rng.standard_normal(w.shape) for w in layer.weights)
    layer.set_weights([gamma, beta])
    x = rng.standard_normal(shape) * 3 - 1
    expected = ref.layer_norm(x, sorted(layer.axis), gamma, beta, 1e-4)
    assert relative_l2(layer(x).detach(), expected) < 1e-12


# ---------------------------------------------------------- modes, shapes, grads


def test_training_follows_the_module_mode_and_trainable():
    x = torch.tensor([[1.0, -2.0], [3.0, 4.0]])
    layer = convlayers.BatchNormalization(momentum=0.5)
    layer(x)  # a new module is in train mode
    assert layer.moving_mean.tolist() == [1.0, 0.5]
    layer.eval()
    y = layer(x)  # inference: the moving statistics, untouched
    assert layer.moving_mean.tolist() == [1.0, 0.5]
    torch.testing.assert_close(
        y, (x - torch.tensor([1.0, 0.5])) / torch.sqrt(layer.moving_variance + 1e-3)
    )
    layer(x, training=True)  # the argument overrides the mode
    assert layer.moving_mean.tolist() == [1.5, 0.75]
    layer.train()
    layer(x, training=False)
    assert layer.moving_mean.tolist() == [1.5, 0.75]
    layer.trainable = False  # tf-keras 2: a frozen BatchNormalization always infers
    frozen = layer(x, training=True)
    assert layer.moving_mean.tolist() == [1.5, 0.75]
    torch.testing.assert_close(frozen, layer(x, training=False))
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 4


def test_weights_in_keras_order_and_names():
    layer = convlayers.BatchNormalization(axis=[1, 3])
    layer.build((None, 3, 4, 5))
    assert [n for n, _ in layer.named_parameters()] == [
        "gamma",
        "beta",
        "moving_mean",
        "moving_variance",
    ]
    assert [tuple(w.shape) for w in layer.weights] == [(1, 3, 1, 5)] * 4
    assert layer.trainable_weights == [layer.gamma, layer.beta]
    assert layer.non_trainable_weights == [layer.moving_mean, layer.moving_variance]
    assert not layer.moving_mean.requires_grad and layer.gamma.requires_grad
    assert layer.count_params() == 60


def test_moving_statistics_stay_out_of_autograd(rng):
    layer = convlayers.BatchNormalization(momentum=0.5)
    x = torch.tensor(rng.standard_normal((6, 3)), dtype=torch.float32, requires_grad=True)
    y = layer(x, training=True)
    assert layer.moving_mean.grad_fn is None and not layer.moving_mean.requires_grad
    y.sum().backward()
    assert layer.moving_mean.grad is None


def test_symbolic_use_and_sequential():
    inputs = convlayers.Input(shape=(5, 3))
    outputs = convlayers.LayerNormalization()(convlayers.BatchNormalization()(inputs))
    assert outputs.shape == (None, 5, 3)
    model = convlayers.Sequential(
        [
            convlayers.BatchNormalization(axis=1, input_shape=(3, 4, 4)),
            convlayers.LayerNormalization([1, 2]),
        ]
    )
    assert model.output_shape == (None, 3, 4, 4)
    assert model.count_params() == 4 * 3 + 2 * 12


def test_extra_leading_dimensions_are_just_more_batch(rng):
    """As in tf-keras, the kept axis decides; other axes (however many) are reduced."""
    x = rng.standard_normal((2, 3, 4, 5)).astype("float32")
    layer = convlayers.BatchNormalization(momentum=0.0, fused=False)
    layer(x, training=True)
    np.testing.assert_allclose(layer.moving_mean.detach(), x.reshape(-1, 5).mean(0), atol=1e-6)


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize(("shape", "axis"), [((4, 3), -1), ((2, 3, 4), 1), ((2, 3, 2, 4), [1, 3])])
def test_batch_normalization_gradcheck(rng, training, shape, axis):
    layer = convlayers.BatchNormalization(axis, dtype="float64")
    layer.build(shape)
    layer.set_weights(
        [rng.normal(1, 0.3, w.shape) for w in layer.weights[:3]]
        + [np.full(layer.weights[3].shape, 1.3)]
    )
    names = ["gamma", "beta"]

    def run(x, gamma, beta):
        params = {"gamma": gamma, "beta": beta}
        return torch.func.functional_call(layer, params, (x,), {"training": training})

    x = torch.tensor(rng.standard_normal(shape), requires_grad=True)
    weights = [getattr(layer, n).detach().clone().requires_grad_() for n in names]
    assert torch.autograd.gradcheck(run, (x, *weights))


@pytest.mark.parametrize(("shape", "axis"), [((4, 3), -1), ((2, 3, 4), 1), ((2, 3, 2, 4), [3, 1])])
def test_layer_normalization_gradcheck(rng, shape, axis):
    layer = convlayers.LayerNormalization(axis, dtype="float64")
    layer.build(shape)
    layer.set_weights([rng.normal(1, 0.3, w.shape) for w in layer.weights])
    names = [n for n, _ in layer.named_parameters()]

    def run(x, *weights):
        return torch.func.functional_call(layer, dict(zip(names, weights)), (x,))

    x = torch.tensor(rng.standard_normal(shape), requires_grad=True)
    weights = [w.detach().clone().requires_grad_() for w in layer.weights]
    assert torch.autograd.gradcheck(run, (x, *weights))


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_precision_layers_keep_float32_statistics(rng, dtype):
    layer = convlayers.BatchNormalization(momentum=0.5, dtype=dtype)
    x = rng.standard_normal((8, 3)).astype("float32")
    y = layer(x, training=True)
    assert y.dtype == getattr(torch, dtype)
    assert all(w.dtype == torch.float32 for w in layer.weights)
    np.testing.assert_allclose(layer.moving_mean.detach(), x.mean(0) * 0.5, atol=1e-2)
    layer.to("cpu")
    assert layer.dtype == dtype
    ln = convlayers.LayerNormalization(dtype=dtype)
    assert ln(x).dtype == getattr(torch, dtype)


# ------------------------------------------------------------------------- errors


# Every refusal the reference words itself is checked in test_reference_errors.py.


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(renorm=True), r"`renorm` must be False .*Received: renorm=True"),
        (
            dict(virtual_batch_size=2),
            r"`virtual_batch_size` must be None .*Received: virtual_batch_size=2",
        ),
        (
            dict(adjustment=lambda shape: (1, 0)),
            r"`adjustment` must be None .*Received: adjustment=",
        ),
        (dict(synchronized=True), r"`synchronized` must be False .*Received: synchronized=True"),
        (dict(fused="yes"), r"Received: fused='yes'"),
        (dict(momentum="0.9"), r"`momentum` must be a number. Received: momentum='0.9'"),
        (dict(epsilon=None), r"`epsilon` must be a number. Received: epsilon=None"),
    ],
)
def test_unsupported_and_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        convlayers.BatchNormalization(**kwargs)


def test_renorm_extras_without_renorm_are_accepted_as_in_tf_keras():
    entry = BN_INDEX["configs"]["renorm arguments without renorm"]
    layer = convlayers.BatchNormalization(**entry["kwargs"])
    assert _json(layer.get_config()) == entry["config"]


def test_undefined_axis_dimension():
    with pytest.raises(
        ValueError,
        match=re.escape(
            "Input has undefined `axis` dimension. Received input with shape (None, None)"
        ),
    ):
        convlayers.BatchNormalization().build((None, None))
    with pytest.raises(ValueError, match="Input has undefined `axis` dimension"):
        convlayers.LayerNormalization().build((None, None))


def test_input_spec_after_build():
    layer = convlayers.BatchNormalization()
    layer(torch.zeros(2, 3))
    with pytest.raises(ValueError, match=r"expected axis 1 of input shape to have value 3"):
        layer(torch.zeros(2, 4))
    with pytest.raises(ValueError, match=r"expected ndim=2, found ndim=3"):
        layer(torch.zeros(2, 4, 3))
