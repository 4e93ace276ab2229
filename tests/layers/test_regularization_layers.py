"""RepeatVector, ActivityRegularization, GaussianNoise and GaussianDropout: golden fixtures
from tf-keras 2.21 (outputs, gradients, added losses, configs, refusals) and, for the
noise in training, its distribution against the layers' definitions."""

import json
import re

import numpy as np
import pytest
import torch
from fixture_loader import load_fixtures, load_index
from parity import check_against_fixture, reference_error, relative_l2

import convlayers

L = convlayers.layers
INDEX = load_index("regularization_layers")
CASES = load_fixtures("regularization_layers")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_matches_tf_keras_fixture(case):
    kwargs = INDEX["cases"][case.id]["kwargs"]
    layer = getattr(L, case.layer)(**kwargs, name=case.config["name"])
    assert json.loads(json.dumps(layer.get_config())) == case.config
    layer = getattr(L, case.layer).from_config(case.config)
    if "dx" in case.arrays:
        check_against_fixture(layer, case)
        return
    y = layer.eval()(torch.tensor(case.arrays["x"]))  # inference
    assert relative_l2(y, case.arrays["y"]) == 0.0
    losses = np.array([float(loss) for loss in layer.losses], np.float32)
    np.testing.assert_allclose(losses, case.arrays["aux/losses"], rtol=1e-6)


@pytest.mark.parametrize("probe", INDEX["probes"], ids=[str(p["kwargs"]) for p in INDEX["probes"]])
def test_refuses_what_the_reference_refuses(probe):
    kind, message = reference_error(probe["error"])
    with pytest.raises((TypeError, ValueError), match="^" + re.escape(message)) as err:
        L.RepeatVector(**probe["kwargs"])(torch.zeros(probe["input_shape"]))
    assert type(err.value).__name__ == kind


def test_activity_regularization_loss_is_the_definition_and_trains():
    x = np.random.default_rng(0).normal(size=(4, 6))
    layer = L.ActivityRegularization(l1=0.1, l2=0.3, dtype="float64")
    layer(torch.tensor(x))
    l1, l2 = float(np.float32(0.1)), float(np.float32(0.3))  # stored in floatx, as tf-keras
    expected = (l1 * np.abs(x).sum() + l2 * (x**2).sum()) / len(x)
    assert float(layer.losses[0]) == pytest.approx(expected, rel=1e-12)
    model = convlayers.Sequential([L.Dense(3, input_shape=(6,)), L.ActivityRegularization(l2=1.0)])
    model.compile("sgd", "mse")
    logs = model.evaluate(x, np.zeros((4, 3)), return_dict=True, verbose=0)
    plain = model.layers[0](torch.tensor(x, dtype=torch.float32)).detach().numpy()
    assert logs["loss"] == pytest.approx(((plain**2).mean() + (plain**2).sum() / 4), rel=1e-5)


@pytest.mark.parametrize(
    ("layer", "mean", "std"),
    [
        (L.GaussianNoise(0.3, seed=1), 0.0, 0.3),  # y - x ~ N(0, 0.3^2)
        (L.GaussianDropout(0.2, seed=1), 1.0, (0.2 / 0.8) ** 0.5),  # y / x ~ N(1, r/(1-r))
    ],
)
def test_noise_in_training_has_the_defined_distribution(layer, mean, std):
    x = torch.full((400, 250), 2.0, dtype=torch.float64)
    layer = type(layer).from_config({**layer.get_config(), "dtype": "float64"})
    y = layer(x, training=True)
    noise = (y - x) if isinstance(layer, L.GaussianNoise) else y / x
    assert float(noise.mean()) == pytest.approx(mean, abs=5 * std / 316)
    assert float(noise.std()) == pytest.approx(std, rel=0.02)
    assert torch.equal(layer(x, training=False), x) and torch.equal(layer.eval()(x), x)
    again = type(layer).from_config(layer.get_config())
    assert torch.equal(again(x, training=True), y)  # the same seed, the same noise
    assert torch.equal(L.GaussianDropout(1.0)(x, training=True), x)  # rate 1: no noise


def test_repeat_vector_in_an_encoder_decoder():
    inputs = L.Input((8, 2))
    code = L.GlobalAveragePooling1D()(L.Conv1D(4, 3, padding="same")(inputs))
    model = convlayers.Model(inputs, L.Conv1D(2, 3, padding="same")(L.RepeatVector(8)(code)))
    assert model.output_shape == (None, 8, 2)
    restored = convlayers.Model.from_config(model.get_config())
    restored.set_weights(model.get_weights())
    data = np.random.default_rng(1).normal(size=(3, 8, 2)).astype("float32")
    np.testing.assert_array_equal(restored.predict(data, verbose=0), model.predict(data, verbose=0))
