"""ReLU, LeakyReLU, PReLU, ELU, Softmax and ThresholdedReLU layers: golden fixtures from
tf-keras 2.21 (outputs, input and alpha gradients, configs, refusals) and an independent
float64 NumPy reference."""

import numpy as np
import pytest
import torch
from fixture_loader import load_fixtures, load_index
from parity import check_against_fixture, reference_error, relative_l2

import convlayers

L = convlayers.layers
CASES = load_fixtures("activation_layers")
INDEX = load_index("activation_layers")
PROBES = INDEX["probes"]


def numpy_activation(layer: str, kwargs: dict, x: np.ndarray, alpha=None, mask=None):
    """The layers' definitions, written out in float64; as in tf-keras, the constants
    are stored in floatx (float32) whatever the dtype of the input."""

    def constant(name, default):
        value = kwargs.get(name, default)
        return None if value is None else np.float64(np.float32(value))

    if layer == "ReLU":
        top, slope = constant("max_value", None), constant("negative_slope", 0.0)
        threshold = constant("threshold", 0.0)
        y = np.where(x >= threshold, x, slope * (x - threshold))
        return y if top is None else np.minimum(y, top)
    if layer == "LeakyReLU":
        return np.where(x > 0, x, constant("alpha", 0.3) * x)
    if layer == "ELU":
        return np.where(x > 0, x, constant("alpha", 1.0) * np.expm1(x))
    if layer == "ThresholdedReLU":
        return np.where(x > constant("theta", 1.0), x, 0.0)
    if layer == "PReLU":
        return np.where(x > 0, x, alpha * x)
    if layer == "Softmax":
        if mask is not None:
            if kwargs.get("robust_masking"):
                x = np.where(mask > 0.5, x, -1e9)
            else:
                x = x + (1.0 - mask) * -1e9
        axis = kwargs.get("axis", -1)
        axes = tuple(axis) if isinstance(axis, list | tuple) else (axis,)
        e = np.exp(x - x.max(axis=axes, keepdims=True))
        return e / e.sum(axis=axes, keepdims=True)
    raise AssertionError(layer)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_matches_tf_keras_fixture(case):
    kwargs = INDEX["cases"][case.id]["kwargs"]
    layer = getattr(L, case.layer)(**kwargs, name=case.config["name"])
    assert layer.get_config() == case.config  # constants rounded to float32 as the reference
    layer = getattr(L, case.layer).from_config(case.config)
    if "call/mask" not in case.arrays:
        check_against_fixture(layer, case)
        return
    x = torch.tensor(case.arrays["x"], requires_grad=True)
    y = layer(x, mask=torch.tensor(case.arrays["call/mask"]))
    assert relative_l2(y.detach(), case.arrays["y"]) <= 1e-6
    (y * torch.tensor(case.arrays["g"])).sum().backward()
    assert relative_l2(x.grad, case.arrays["dx"]) <= 1e-6


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_matches_numpy_reference(case):
    kwargs = INDEX["cases"][case.id]["kwargs"]
    layer = getattr(L, case.layer)(**kwargs, dtype="float64")
    x = case.arrays["x"].astype(np.float64)
    layer.build(x.shape)
    alpha = None
    if case.weight_names:
        alpha = case.arrays["w/alpha"].astype(np.float64)
        layer.set_weights([alpha])
    mask = case.arrays.get("call/mask")
    y = layer(torch.tensor(x), **({} if mask is None else {"mask": torch.tensor(mask)}))
    expected = numpy_activation(case.layer, kwargs, x, alpha, mask)
    assert y.dtype == torch.float64
    np.testing.assert_allclose(y.detach().numpy(), expected, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("probe", PROBES, ids=[f"{p['layer']}-{p['kwargs']}" for p in PROBES])
def test_refuses_what_the_reference_refuses(probe):
    kind, message = reference_error(probe["error"])
    with pytest.raises(getattr(__builtins__, kind, ValueError), match=f"^{message}$"):
        getattr(L, probe["layer"])(**probe["kwargs"])


def test_prelu_gradcheck_and_shared_axes_errors():
    layer = L.PReLU(shared_axes=[1], dtype="float64")
    x = torch.randn(2, 3, 4, dtype=torch.float64, requires_grad=True)
    layer.build(tuple(x.shape))
    layer.set_weights([np.full((1, 4), 0.25)])
    assert torch.autograd.gradcheck(layer, (x,))
    with pytest.raises(ValueError, match=r"`shared_axes` of layer 'p_re_lu_1' must name axes 1"):
        L.PReLU(shared_axes=3)(torch.zeros(2, 3, 4))
    with pytest.raises(ValueError, match=r"expected axis 2 of input shape to have value 4"):
        layer(torch.zeros(2, 3, 5, dtype=torch.float64))


def test_layers_pass_masks_on_and_keep_shapes_in_models():
    inputs = L.Input((6, 3))
    x = L.Conv1D(4, 3, padding="same")(inputs)
    for layer in (L.ReLU(2.0), L.LeakyReLU(0.2), L.PReLU(shared_axes=1), L.ELU(), L.Softmax()):
        x = layer(x)
        assert tuple(x.shape) == (None, 6, 4)
    model = convlayers.Model(inputs, L.ThresholdedReLU(0.1)(x))
    restored = convlayers.Model.from_config(model.get_config())
    restored.set_weights(model.get_weights())
    data = np.random.default_rng(0).normal(size=(2, 6, 3)).astype("float32")
    np.testing.assert_array_equal(restored.predict(data, verbose=0), model.predict(data, verbose=0))
    masked = torch.ones(2, 6, 4)
    masked._keras_mask = torch.tensor([[True] * 6, [True] * 3 + [False] * 3])
    assert torch.equal(L.LeakyReLU()(masked)._keras_mask, masked._keras_mask)
