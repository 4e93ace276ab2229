"""compile/fit/evaluate/predict: losses, metrics, progress bar, callbacks, constraints."""

import numpy as np
import pytest
import torch

import convlayers
from convlayers import callbacks, constraints, losses, regularizers


def dense_model(**kwargs):
    return convlayers.Sequential([convlayers.Dense(1, input_shape=(3,), **kwargs)])


def classification_data(rng, n=128):
    x = rng.standard_normal((n, 6)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.int64)
    return x, y


# --------------------------------------------------------------------- compile


@pytest.mark.parametrize(
    ("optimizer", "cls", "lr"),
    [
        ("adam", convlayers.optimizers.Adam, 1e-3),
        ("sgd", convlayers.optimizers.SGD, 0.01),
        ("rmsprop", convlayers.optimizers.RMSprop, 1e-3),
        ("adagrad", convlayers.optimizers.Adagrad, 1e-3),
        (torch.optim.AdamW, torch.optim.AdamW, 1e-3),
    ],
)
def test_optimizers_by_name_and_class(optimizer, cls, lr):
    model = dense_model()
    model.compile(optimizer, "mse")
    model.fit(np.ones((4, 3), np.float32), np.ones((4, 1), np.float32), verbose=0)
    assert type(model.optimizer) is cls and model.optimizer.defaults["lr"] == lr


def test_optimizer_instance_is_used_as_is():
    model = dense_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    model.compile(opt, "mse")
    model.fit(np.ones((4, 3), np.float32), np.zeros((4, 1), np.float32), verbose=0)
    assert model.optimizer is opt


def test_compile_errors():
    model = dense_model()
    with pytest.raises(
        ValueError, match=r"Unknown optimizer: 'adamx'\..* Received: optimizer='adamx'"
    ):
        model.compile("adamx", "mse")
    with pytest.raises(ValueError, match=r"^Unknown loss function: 'hinj'\. .* loss='hinj'"):
        model.compile("sgd", "hinj")
        model.fit(np.ones((2, 3), np.float32), np.ones((2, 1), np.float32), verbose=0)
    with pytest.raises(ValueError, match=r"^Unknown metric function: 'auc'.* metric='auc'"):
        model.compile("sgd", "mse", metrics=["auc"])  # tf-keras knows 'AUC', not 'auc'
        model.fit(np.ones((2, 3), np.float32), np.ones((2, 1), np.float32), verbose=0)
    with pytest.raises(RuntimeError, match="You must compile your model"):
        dense_model().fit(np.ones((2, 3)), np.ones((2, 1)), verbose=0)


def test_compile_keras_options_are_checked_not_ignored():
    model = dense_model()
    model.compile("sgd", "mse", run_eagerly=True, jit_compile=False, steps_per_execution=1)
    assert model.compiled
    with pytest.raises(
        ValueError, match=r"`jit_compile` must be one of None, False\. Received: jit_compile=True"
    ):
        model.compile("sgd", "mse", jit_compile=True)
    with pytest.raises(ValueError, match="Received: steps_per_execution=4"):
        model.compile("sgd", "mse", steps_per_execution=4)
    with pytest.raises(TypeError, match="unexpected keyword argument 'sample_weight_mode'"):
        model.compile("sgd", "mse", sample_weight_mode="temporal")


# ------------------------------------------------------------------------- fit


def test_fit_learns_and_reports_history(rng):
    x, y = classification_data(rng)
    model = convlayers.Sequential(
        [convlayers.Dense(8, activation="relu", input_shape=(6,)), convlayers.Dense(2)]
    )
    model.compile(
        torch.optim.Adam(model.parameters(), lr=0.02),
        losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    history = model.fit(x, y, batch_size=16, epochs=15, validation_split=0.25, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history.epoch == list(range(15))
    assert history.history["loss"][-1] < history.history["loss"][0]
    _, accuracy = model.evaluate(x, y, verbose=0)
    assert accuracy > 0.85
    logits = model.predict(x, batch_size=10)
    assert isinstance(logits, np.ndarray) and logits.shape == (128, 2)
    assert accuracy == pytest.approx(np.mean(logits.argmax(1) == y))


def test_fit_with_validation_data_and_torch_loss_module(rng):
    x, y = classification_data(rng, 64)
    model = convlayers.Sequential([convlayers.Dense(2, input_shape=(6,))])
    model.compile("sgd", torch.nn.CrossEntropyLoss(), metrics=["sparse_categorical_accuracy"])
    history = model.fit(x, y, epochs=2, validation_data=(x[:10], y[:10]), verbose=0)
    assert {"val_loss", "val_sparse_categorical_accuracy"} <= set(history.history)


def test_progress_bar_per_epoch(capsys):
    model = dense_model()
    model.compile("sgd", "mse", metrics=["mae"])
    model.fit(np.ones((10, 3), np.float32), np.ones((10, 1), np.float32), batch_size=4, epochs=2)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    final = [line.split("\r")[-1] for line in out.splitlines() if "3/3 [" in line]
    assert len(final) == 2
    assert final[0].startswith("3/3 [==============================] - ")
    assert "ms/step - loss: " in final[0] and " - mae: " in final[0]


def test_verbose_zero_is_quiet_and_two_prints_one_line_per_epoch(capsys):
    model = dense_model()
    model.compile("sgd", "mse")
    data = (np.ones((10, 3), np.float32), np.ones((10, 1), np.float32))
    model.fit(*data, batch_size=4, epochs=2, verbose=0)
    assert capsys.readouterr().out == ""
    model.fit(*data, batch_size=4, epochs=2, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and "\r" not in "".join(lines)


def test_regularization_is_added_to_the_loss():
    model = dense_model(
        kernel_initializer="ones", kernel_regularizer=regularizers.L2(0.1), use_bias=False
    )
    model.compile(torch.optim.SGD, "mse")
    model.optimizer = torch.optim.SGD(model.parameters(), lr=0.0)  # weights stay put
    x, y = np.ones((4, 3), np.float32), np.zeros((4, 1), np.float32)
    history = model.fit(x, y, batch_size=4, verbose=0)
    # prediction 3 for every sample: mse 9; L2: 0.1 * 3 weights of 1
    assert history.history["loss"] == [pytest.approx(9.0 + 0.3)]
    assert model.evaluate(x, y, verbose=0) == pytest.approx(9.3)


def test_constraints_hold_after_training(rng):
    model = convlayers.Sequential(
        [
            convlayers.Conv1D(
                4, 3, input_shape=(12, 2), kernel_constraint=constraints.MaxNorm(0.5)
            ),
            convlayers.Conv1D(3, 3, kernel_constraint=constraints.NonNeg()),
            convlayers.Flatten(),
            convlayers.Dense(1, kernel_constraint="non_neg"),
        ]
    )
    model.compile(torch.optim.SGD, "mse")
    model.optimizer = torch.optim.SGD(model.parameters(), lr=0.2)
    x = rng.standard_normal((32, 12, 2)).astype(np.float32)
    y = rng.standard_normal((32, 1)).astype(np.float32)
    model.fit(x, y, batch_size=8, epochs=3, verbose=0)
    first, second, _, dense = model.layers
    norms = np.sqrt((first.get_weights()[0].astype(np.float64) ** 2).sum(axis=0))  # MaxNorm axis=0
    assert norms.max() <= 0.5 + 1e-5
    assert (second.get_weights()[0] >= 0).all() and (dense.get_weights()[0] >= 0).all()
    assert (second.get_weights()[0] == 0).any()  # the projection actually had work to do


def test_frozen_layers_stay_frozen(rng):
    frozen = convlayers.Dense(4, input_shape=(3,), trainable=False)
    model = convlayers.Sequential([frozen, convlayers.Dense(1)])
    head = model.layers[1]
    before_frozen, before_head = frozen.get_weights(), head.get_weights()
    model.compile("adam", "mse")
    model.fit(rng.standard_normal((16, 3)), rng.standard_normal((16, 1)), epochs=2, verbose=0)
    assert all(np.array_equal(b, a) for b, a in zip(before_frozen, frozen.get_weights()))
    assert not np.array_equal(before_head[0], head.get_weights()[0])
    assert model.trainable_weights == [head.kernel, head.bias]


def test_mismatched_x_and_y_lengths_name_both_sizes():
    model = dense_model()
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match=r"x sizes: 4\n  y sizes: 3"):
        model.fit(np.ones((4, 3)), np.ones((3, 1)), verbose=0)
    with pytest.raises(ValueError, match=r"x sizes: 4\n  y sizes: 5"):
        model.evaluate(np.ones((4, 3)), np.ones((5, 1)), verbose=0)
    with pytest.raises(ValueError, match=r"`validation_split` must be in \[0, 1\)"):
        model.fit(np.ones((4, 3)), np.ones((4, 1)), validation_split=1.5, verbose=0)


def test_predict_runs_in_eval_mode_and_batches():
    model = convlayers.Sequential([convlayers.Dropout(0.9, input_shape=(5,))])
    x = np.ones((70, 5), np.float32)
    assert np.array_equal(model.predict(x, batch_size=32), x)
    assert model.training  # the mode is restored afterwards


# ------------------------------------------------------------------- callbacks


def test_early_stopping_after_patience_epochs_without_improvement():
    model = dense_model()
    model.compile(torch.optim.SGD, "mse")
    model.optimizer = torch.optim.SGD(model.parameters(), lr=0.0)  # the loss never improves
    stop = callbacks.EarlyStopping(monitor="loss", patience=2)
    history = model.fit(np.ones((4, 3)), np.ones((4, 1)), epochs=20, callbacks=[stop], verbose=0)
    assert len(history.epoch) == 3 and stop.stopped_epoch == 2


class Snapshots(callbacks.Callback):
    """Keeps the weights at the end of every epoch."""

    def on_train_begin(self, logs=None):
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append(self.model.get_weights())


def test_early_stopping_restores_the_best_weights(rng):
    model = dense_model()
    model.compile(torch.optim.SGD, "mse")
    model.optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    # a learning rate that explodes after epoch 2 makes the loss worse from then on
    explode = callbacks.LearningRateScheduler(lambda epoch, lr: 0.05 if epoch < 2 else 5.0)
    snapshots = Snapshots()
    stop = callbacks.EarlyStopping(monitor="loss", patience=2, restore_best_weights=True)
    x, y = rng.standard_normal((16, 3)), rng.standard_normal((16, 1))
    history = model.fit(
        x, y, batch_size=16, epochs=30, callbacks=[explode, snapshots, stop], verbose=0
    )
    losses_seen = history.history["loss"]
    best = int(np.argmin(losses_seen))
    assert len(losses_seen) < 30 and best < len(losses_seen) - 1
    for got, want in zip(model.get_weights(), snapshots.weights[best]):
        np.testing.assert_array_equal(got, want)


def test_early_stopping_on_a_missing_metric_is_an_error():
    model = dense_model()
    model.compile("sgd", "mse")
    stop = callbacks.EarlyStopping(monitor="val_loss")
    with pytest.raises(
        ValueError, match=r"`val_loss` which is not available. Available metrics are: loss"
    ):
        model.fit(np.ones((4, 3)), np.ones((4, 1)), callbacks=[stop], verbose=0)


def test_model_checkpoint_saves_weights_each_epoch(tmp_path):
    model = dense_model()
    model.compile("sgd", "mse")
    path = tmp_path / "w-{epoch:02d}-{loss:.3f}.npz"
    model.fit(
        np.ones((4, 3)),
        np.ones((4, 1)),
        epochs=2,
        verbose=0,
        callbacks=[callbacks.ModelCheckpoint(path, monitor="loss")],
    )
    files = sorted(p.name for p in tmp_path.iterdir())
    assert len(files) == 2 and files[0].startswith("w-01-") and files[1].startswith("w-02-")
    with np.load(tmp_path / files[1]) as saved:
        arrays = list(saved.values())
    for got, want in zip(arrays, model.get_weights()):
        np.testing.assert_array_equal(got, want)


def test_model_checkpoint_best_only(tmp_path):
    model = dense_model()
    model.compile(torch.optim.SGD, "mse")
    model.optimizer = torch.optim.SGD(model.parameters(), lr=0.0)
    check = callbacks.ModelCheckpoint(
        tmp_path / "e{epoch}.npz", monitor="loss", save_best_only=True
    )
    model.fit(np.ones((4, 3)), np.ones((4, 1)), epochs=3, verbose=0, callbacks=[check])
    assert [p.name for p in tmp_path.iterdir()] == ["e1.npz"]  # no later epoch improved
    with pytest.raises(ValueError, match="save_freq=5"):
        callbacks.ModelCheckpoint(tmp_path / "x", save_freq=5)


@pytest.mark.parametrize(
    ("name", "weights_only"),
    [("best.h5", False), ("best.keras", False), ("best.h5", True), ("best.weights.h5", True)],
)
def test_model_checkpoint_writes_keras_files_that_load_back(tmp_path, name, weights_only):
    """The EEGNet examples' flow: checkpoint the best epoch, then load_weights from it."""
    model = dense_model()
    model.compile(convlayers.optimizers.SGD(0.1), "mse")
    x = np.ones((8, 3), np.float32)
    y = np.full((8, 1), 2.0, np.float32)
    check = callbacks.ModelCheckpoint(
        tmp_path / name, monitor="loss", save_best_only=True, save_weights_only=weights_only
    )
    model.fit(x, y, epochs=3, verbose=0, callbacks=[check])
    best = model.get_weights()  # the loss falls every epoch: the last one is the best
    model.fit(x, np.zeros_like(y), epochs=1, verbose=0)  # move away without improving 'loss'
    model.load_weights(tmp_path / name)
    for got, want in zip(model.get_weights(), best):
        np.testing.assert_array_equal(got, want)
    if not weights_only:
        assert convlayers.load_model(tmp_path / name).count_params() == model.count_params()


def test_learning_rate_scheduler():
    model = dense_model()
    model.compile("sgd", "mse")
    schedule = callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
    history = model.fit(np.ones((4, 3)), np.ones((4, 1)), epochs=3, callbacks=[schedule], verbose=0)
    assert history.history["lr"] == pytest.approx([0.1, 0.05, 0.1 / 3])
    assert model.optimizer.param_groups[0]["lr"] == pytest.approx(0.1 / 3)


def test_a_subclassed_model_trains_with_fit():
    class Small(convlayers.Model):
        def __init__(self):
            super().__init__()
            self.conv = convlayers.Conv1D(3, 2)
            self.head = convlayers.Dense(2)

        def call(self, inputs, training=None, mask=None):
            return self.head(torch.flatten(self.conv(inputs), 1))

    model = Small()
    model.compile("adam", "mse")
    history = model.fit(np.ones((8, 6, 2)), np.zeros((8, 2)), epochs=2, verbose=0)
    assert model.name == "small" and len(model.weights) == 4 and len(history.epoch) == 2


def test_several_outputs_get_one_loss_each_and_predict_returns_a_list(rng):
    x = convlayers.Input((4,))
    out_a, out_b = convlayers.Dense(2, name="a")(x), convlayers.Dense(1, name="b")(x)
    model = convlayers.Model(x, [out_a, out_b])
    model.compile("sgd", ["mse", "mae"], metrics=["mae"])
    data = rng.standard_normal((10, 4)).astype(np.float32)
    ya, yb = np.zeros((10, 2), np.float32), np.zeros((10, 1), np.float32)
    history = model.fit(data, [ya, yb], epochs=1, verbose=0)
    assert list(history.history) == ["loss", "a_loss", "b_loss", "a_mae", "b_mae"]
    pred_a, pred_b = model.predict(data)
    expected = np.mean(pred_a**2) + np.mean(np.abs(pred_b))  # mse on a + mae on b, by hand
    assert model.evaluate(data, [ya, yb], return_dict=True)["loss"] == pytest.approx(
        expected, rel=1e-5
    )
    with pytest.raises(ValueError, match=r"`y` must have one entry per model output \(2: "):
        model.evaluate(data, [ya])


def test_progress_bar_shows_eta_during_an_epoch():
    import io

    from convlayers.engine.progbar import Progbar

    out = io.StringIO()
    bar = Progbar(10, stream=out, interval=0.0)
    bar.update(3, {"loss": 0.25})
    bar.update(10, {"loss": 0.125}, finalize=True)
    first, last = out.getvalue().split("\r")[1:]
    assert first.startswith(" 3/10 [========>.....................] - ETA: ")
    assert first.endswith(" - loss: 0.2500")
    assert last.startswith("10/10 [==============================] - ") and last.endswith("\n")


def test_predict_of_a_bfloat16_model_gives_float32_arrays():
    model = convlayers.Sequential([convlayers.Dense(2, input_shape=(3,))]).to(torch.bfloat16)
    out = model.predict(np.ones((4, 3), np.float32))
    assert out.dtype == np.float32 and out.shape == (4, 2)
    assert model.dtype == "bfloat16"
