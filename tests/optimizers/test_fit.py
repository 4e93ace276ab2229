"""Keras optimizers in ``compile``/``fit``: the user's object is the model's optimizer,
bound to the trainable weights, and training lowers the loss."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

import convlayers
from convlayers import callbacks, optimizers

# A learning rate per optimizer that trains this small problem in a few epochs.
OPTIMIZERS = [
    (optimizers.SGD, {"learning_rate": 0.05, "momentum": 0.9}),
    (optimizers.RMSprop, {"learning_rate": 0.01}),
    (optimizers.Adam, {"learning_rate": 0.02}),
    (optimizers.AdamW, {"learning_rate": 0.02}),
    (optimizers.Adagrad, {"learning_rate": 0.2}),
    (optimizers.Adadelta, {"learning_rate": 20.0}),
    (optimizers.Adamax, {"learning_rate": 0.05}),
    (optimizers.Nadam, {"learning_rate": 0.02}),
    (optimizers.Ftrl, {"learning_rate": 0.5}),
    (optimizers.Lion, {"learning_rate": 0.005}),
]


def model_and_data(rng):
    x = rng.standard_normal((64, 8, 2)).astype(np.float32)
    y = x.sum(axis=(1, 2), keepdims=False)[:, None].astype(np.float32) * 0.1
    model = convlayers.Sequential(
        [
            convlayers.Conv1D(4, 3, input_shape=(8, 2), activation="relu"),
            convlayers.Flatten(),
            convlayers.Dense(1),
        ]
    )
    return model, x, y


@pytest.mark.parametrize(("cls", "kwargs"), OPTIMIZERS, ids=lambda v: getattr(v, "__name__", ""))
def test_fit_trains_with_the_users_optimizer(cls, kwargs, rng):
    model, x, y = model_and_data(rng)
    opt = cls(**kwargs)
    model.compile(opt, "mse")
    assert model.optimizer is opt and not opt.built
    history = model.fit(x, y, batch_size=16, epochs=6, verbose=0, shuffle=False)
    assert model.optimizer is opt and opt.built
    bound = [p for group in opt.param_groups for p in group["params"]]
    assert [id(p) for p in bound] == [id(w) for w in model.trainable_weights]
    assert int(opt.iterations) == 6 * 4
    losses = history.history["loss"]
    assert losses[-1] < 0.7 * losses[0], losses


def test_compile_by_name_makes_the_optimizer_at_once(rng):
    model, x, y = model_and_data(rng)
    model.compile("adam", "mse")
    assert type(model.optimizer) is optimizers.Adam
    model.optimizer.lr.assign(0.05)  # K.set_value(model.optimizer.lr, 0.05) before fit
    model.fit(x, y, epochs=1, verbose=0)
    assert model.optimizer.param_groups[0]["lr"] == 0.05
    model.compile({"class_name": "SGD", "config": {"learning_rate": 0.5}}, "mse")
    assert float(model.optimizer.learning_rate) == 0.5


def test_learning_rate_scheduler_callback_sets_the_keras_optimizer(rng):
    model, x, y = model_and_data(rng)
    model.compile(optimizers.SGD(0.1), "mse")
    schedule = callbacks.LearningRateScheduler(lambda epoch, lr: lr / 2)
    model.fit(x, y, epochs=3, verbose=0, callbacks=[schedule])
    assert float(model.optimizer.lr) == pytest.approx(0.1 / 8)


def test_fit_finalizes_the_moving_averages(rng):
    model, x, y = model_and_data(rng)
    opt = optimizers.Adam(0.01, use_ema=True, ema_momentum=0.5)
    model.compile(opt, "mse")
    model.fit(x, y, batch_size=32, epochs=2, verbose=0)
    for weight in model.trainable_weights:
        assert torch.equal(weight.detach(), opt.state[weight]["average"])


def test_fit_names_weights_for_exclude_from_weight_decay(rng):
    """fit names the weights '<layer>/<weight>:0': excluding 'conv1d/' and 'dense/bias'
    by name leaves only the Dense kernel decaying, as parameter groups would."""
    model, x, y = model_and_data(rng)
    twin = copy.deepcopy(model)
    by_name = optimizers.AdamW(0.01, weight_decay=0.5)
    by_name.exclude_from_weight_decay(var_names=["conv1d/", "dense/bias"])
    model.compile(by_name, "mse")
    model.fit(x, y, epochs=2, verbose=0, shuffle=False)
    kernel = twin.layers[-1].kernel
    others = [w for w in twin.trainable_weights if w is not kernel]
    groups = [{"params": [kernel]}, {"params": others, "weight_decay": 0.0}]
    twin.compile(optimizers.AdamW(groups, 0.01, weight_decay=0.5), "mse")
    twin.fit(x, y, epochs=2, verbose=0, shuffle=False)
    for a, b in zip(model.trainable_weights, twin.trainable_weights):
        assert torch.equal(a, b)
    assert by_name._names[id(model.layers[-1].kernel)] == "dense/kernel:0"


def test_recompiling_with_a_frozen_layer_keeps_the_optimizer(rng):
    model, x, y = model_and_data(rng)
    opt = optimizers.SGD(0.01)
    model.compile(opt, "mse")
    model.fit(x, y, epochs=1, verbose=0)
    model.layers[0].trainable = False
    model.compile(opt, "mse")
    frozen = model.layers[0].kernel.detach().clone()
    model.fit(x, y, epochs=1, verbose=0)
    assert torch.equal(frozen, model.layers[0].kernel.detach())
