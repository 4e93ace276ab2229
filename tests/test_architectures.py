"""Public Keras models with only their imports changed: EEGNet family (channels_first),
Xception (34 SeparableConv2D) and DeepFace (three LocallyConnected2D).

Each builds with the reference's layers, output shapes and parameter counts, predicts
what tf-keras 2.21 predicts with the same weights, and trains a step with ``fit``.
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest
import torch
from architectures.deterministic import values, weights_for
from fixture_loader import load_fixtures, load_index
from parity import relative_l2

import convlayers

CASES = load_fixtures("architectures")
INDEX = load_index("architectures")["cases"]


def _build(case):
    convlayers.clear_session()
    convlayers.backend.set_image_data_format(case.config["image_data_format"])
    module = importlib.import_module(f"architectures.{case.layer}")
    return eval(case.config["expression"], vars(module))  # the fixture's own call


@pytest.fixture(autouse=True)
def _restore_data_format():
    yield
    convlayers.backend.set_image_data_format(None)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_builds_as_the_reference_and_predicts_the_same(case):
    entry = INDEX[case.id]
    model = _build(case)
    ours = [
        {
            "name": layer.name,
            "class_name": type(layer).__name__,
            "output_shape": _listed(layer.output_shape),
            "params": layer.count_params(),
        }
        for layer in model.layers
    ]
    assert ours == entry["layers"]
    assert model.count_params() == entry["params"]
    assert sum(w.numel() for w in model.trainable_weights) == entry["trainable_params"]
    shapes = [tuple(w.shape) for w in model.weights]
    assert shapes == [tuple(shape) for _, shape in entry["weights"]]
    model.set_weights(weights_for([(name, tuple(s)) for name, s in entry["weights"]]))
    x = values(tuple(case.input_shape), 1000, scale=1.0)
    assert relative_l2(model.predict(x), case.arrays["y"]) <= 1e-5
    inner = convlayers.models.Model(model.inputs, model.layers[-2].output)
    assert relative_l2(inner.predict(x), case.arrays["features"]) <= 1e-5


@pytest.mark.parametrize("case", [c for c in CASES if c.id != "deepface"], ids=lambda c: c.id)
def test_trains_with_fit(case):
    model = _build(case)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    x = values(tuple(case.input_shape), 7, scale=1.0)
    classes = model.output_shape[-1]
    y = convlayers.utils.to_categorical(np.arange(len(x)) % classes, classes)
    before = [w.detach().clone() for w in model.trainable_weights]
    history = model.fit(x, y, batch_size=len(x), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    changed = [not torch.equal(a, b) for a, b in zip(before, model.trainable_weights)]
    assert all(changed)
    for layer in model.layers:  # max_norm constraints hold after the step
        for weight in layer.weights:
            if getattr(weight, "constraint", None) is not None:
                projected = weight.constraint(weight.detach())
                torch.testing.assert_close(projected, weight.detach())


def test_deepface_trains_a_step_as_published():
    """The 137-million-weight Sequential itself (not only its F7 cut) takes a step."""
    case = next(c for c in CASES if c.id == "deepface")
    module = importlib.import_module("architectures.deepface")
    convlayers.clear_session()
    base, cut = module.load_model()
    assert base.layers[0].input is cut.inputs[0]
    base.compile(optimizer=torch.optim.SGD(base.parameters(), lr=1e-4), loss="mse")
    x = values(tuple(case.input_shape), 3, scale=1.0)
    loss = base.train_on_batch(x, np.full((1, 8631), 1 / 8631, np.float32))
    assert np.isfinite(loss)


def _listed(shape):
    if isinstance(shape, list):
        return [_listed(s) for s in shape]
    return list(shape)
