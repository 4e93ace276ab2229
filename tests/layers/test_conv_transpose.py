"""Conv1DTranspose and Conv2DTranspose: golden fixtures from tf-keras 2.21 (outputs, input,
kernel and bias gradients, configs, refusals) and an independent float64 NumPy reference
written from the definition (every input scatters its kernel-weighted values)."""

import itertools
import json
import re

import numpy as np
import pytest
import torch
from fixture_loader import load_fixtures, load_index
from parity import check_against_fixture, reference_error

import convlayers
from convlayers.layers.registry import layer_class

L = convlayers.layers
INDEX = load_index("conv_transpose")
CASES = load_fixtures("conv_transpose")


def numpy_conv_transpose(x, kernel, bias, strides, padding, output_padding, dilation, cl):
    """Scatter each input position's ``x @ kernel[tap]`` to ``i * s + tap * d``, then keep
    TF's window of the full output (zeros past its end)."""
    rank = kernel.ndim - 2
    if not cl:
        x = np.moveaxis(x, 1, -1)
    spatial = x.shape[1:-1]
    k_eff = [d * (k - 1) + 1 for k, d in zip(kernel.shape[:rank], dilation)]
    full = [(n - 1) * s + k for n, s, k in zip(spatial, strides, k_eff)]
    y = np.zeros((x.shape[0], *full, kernel.shape[-2]))
    for pos in itertools.product(*(range(n) for n in spatial)):
        for tap in itertools.product(*(range(k) for k in kernel.shape[:rank])):
            out = tuple(p * s + t * d for p, s, t, d in zip(pos, strides, tap, dilation))
            y[(slice(None), *out)] += x[(slice(None), *pos)] @ kernel[tap].T
    window = []
    for n, k, s, d, i in zip(spatial, kernel.shape[:rank], strides, dilation, range(rank)):
        pad = None if output_padding is None else output_padding[i]
        k_e = d * (k - 1) + 1
        if pad is None:
            out = n * s if padding == "same" else n * s + max(k_e - s, 0)
        else:
            out = (n - 1) * s + k_e - 2 * (k_e // 2 if padding == "same" else 0) + pad
        start = max((n - 1) * s + k_e - out, 0) // 2 if padding == "same" else 0
        window.append((start, out))
    y = np.pad(y, [(0, 0)] + [(0, max(a + n - f, 0)) for (a, n), f in zip(window, full)] + [(0, 0)])
    y = y[(slice(None), *(slice(a, a + n) for a, n in window))]
    if bias is not None:
        y = y + bias
    return y if cl else np.moveaxis(y, -1, 1)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_matches_tf_keras_fixture(case):
    kwargs = INDEX["cases"][case.id]["kwargs"]
    layer = getattr(L, case.layer)(**kwargs, name=case.config["name"])
    assert json.loads(json.dumps(layer.get_config())) == case.config
    layer = getattr(L, case.layer).from_config(case.config)
    check_against_fixture(layer, case)
    expected = tuple(case.arrays["y"].shape)
    assert layer.compute_output_shape(tuple(case.input_shape)) == expected


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_matches_numpy_reference(case, rng):
    kwargs = INDEX["cases"][case.id]["kwargs"]
    layer = getattr(L, case.layer)(**kwargs, dtype="float64")
    x = rng.standard_normal(case.input_shape)
    layer.build(x.shape)
    weights = [rng.standard_normal(w.shape) for w in layer.get_weights()]
    layer.set_weights(weights)
    cl = layer.data_format == "channels_last"
    bias = weights[1] if layer.use_bias else None
    expected = numpy_conv_transpose(
        x, weights[0], bias, layer.strides, layer.padding, layer.output_padding,
        layer.dilation_rate, cl,
    )  # fmt: skip
    np.testing.assert_allclose(layer(x).detach().numpy(), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("probe", INDEX["probes"], ids=[str(p["kwargs"]) for p in INDEX["probes"]])
def test_refuses_what_the_reference_refuses(probe):
    _, message = reference_error(probe["error"])
    cls = getattr(L, probe["layer"])
    if probe["kwargs"].get("padding") == "causal":  # the reference fails an assert at call
        with pytest.raises(ValueError, match=r"padding"):
            cls(**probe["kwargs"])
        return
    if probe["kwargs"].get("filters") == 0:  # our wording: "Received: filters=0"
        message = r"Invalid value for argument `filters`. Expected a strictly positive value"
    else:
        message = re.escape(message)
    with pytest.raises(ValueError, match="^" + message):
        cls(**probe["kwargs"])(torch.zeros(probe["input_shape"]))


def test_gradcheck_and_a_generator_model_round_trips():
    layer = L.Conv2DTranspose(2, 3, strides=2, padding="same", output_padding=1, dtype="float64")
    x = torch.randn(1, 3, 2, 2, dtype=torch.float64, requires_grad=True)
    layer.build(tuple(x.shape))
    assert torch.autograd.gradcheck(layer, (x,))
    model = convlayers.Sequential(
        [
            L.Dense(4 * 4 * 8, input_shape=(6,)),
            L.Reshape((4, 4, 8)),
            L.Conv2DTranspose(8, 4, strides=2, padding="same"),
            L.BatchNormalization(),
            L.LeakyReLU(0.2),
            L.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh"),
        ]
    )
    assert model.output_shape == (None, 16, 16, 1)
    restored = convlayers.Sequential.from_config(model.get_config())
    restored.set_weights(model.get_weights())
    z = np.random.default_rng(0).normal(size=(3, 6)).astype("float32")
    np.testing.assert_array_equal(restored.predict(z, verbose=0), model.predict(z, verbose=0))


def test_aliases_of_the_transposed_convolutions():
    """Keras 1 names, in code and in the class names of model files."""
    layers = convlayers.layers
    assert layers.Convolution2DTranspose is layers.Conv2DTranspose
    assert layer_class("Convolution1DTranspose") is layers.Conv1DTranspose
