"""Callbacks: ReduceLROnPlateau, EarlyStopping and CSVLogger against tf-keras 2.21 on fixed
sequences of logs (tests/fixtures/training_callbacks.*), and the hooks ``fit``/``evaluate``/
``predict`` call."""

import math

import numpy as np
import pytest
import torch
from training_fixtures import load

import convlayers
from convlayers import callbacks

CASES = load("training_callbacks")


def _model(lr=0.1):
    model = convlayers.Sequential([convlayers.layers.Dense(2, input_shape=(3,))])
    model.compile(torch.optim.SGD(model.parameters(), lr=lr), "mse")
    return model


def _cases(kind):
    return [cid for cid, (entry, _) in CASES.items() if entry["callback"] == kind]


@pytest.mark.parametrize("case_id", _cases("ReduceLROnPlateau"))
def test_reduce_lr_on_plateau_matches_the_reference(case_id):
    entry, _ = CASES[case_id]
    model = _model()
    callback = callbacks.ReduceLROnPlateau(**entry["kwargs"])
    callback.set_model(model)
    callback.on_train_begin()
    for epoch, value in enumerate(entry["values"]):
        logs = {entry["kwargs"]["monitor"]: value}
        callback.on_epoch_end(epoch, logs)
        assert logs["lr"] == pytest.approx(entry["logged_lr"][epoch], rel=1e-6)
        lrs = [group["lr"] for group in model.optimizer.param_groups]
        assert lrs == pytest.approx([entry["lr"][epoch]] * len(lrs), rel=1e-6), epoch


@pytest.mark.parametrize("case_id", _cases("EarlyStopping"))
def test_early_stopping_matches_the_reference(case_id):
    entry, _ = CASES[case_id]
    model = _model()
    callback = callbacks.EarlyStopping(**entry["kwargs"])
    callback.set_model(model)
    model.stop_training = False
    callback.on_train_begin()
    epochs = 0
    for epoch, value in enumerate(entry["values"]):
        callback.on_epoch_end(epoch, {entry["kwargs"]["monitor"]: value})
        epochs = epoch + 1
        if model.stop_training:
            break
    assert epochs == entry["epochs_run"]
    assert callback.stopped_epoch == entry["stopped_epoch"]
    assert callback.best == pytest.approx(entry["best"])


@pytest.mark.parametrize("case_id", _cases("CSVLogger"))
def test_csv_logger_writes_what_the_reference_writes(case_id, tmp_path):
    entry, _ = CASES[case_id]
    path = tmp_path / "log.csv"
    callback = callbacks.CSVLogger(path, **entry["kwargs"])
    callback.on_train_begin()
    for epoch, logs in enumerate(entry["logs"]):
        callback.on_epoch_end(epoch, dict(logs))
    callback.on_train_end()
    assert path.read_text() == entry["text"]


def test_csv_logger_appends_without_a_second_header(tmp_path):
    path = tmp_path / "log.csv"
    for _ in range(2):
        callback = callbacks.CSVLogger(path, append=True)
        callback.on_train_begin()
        callback.on_epoch_end(0, {"loss": 0.5})
        callback.on_train_end()
    assert path.read_text().splitlines() == ["epoch,loss,val_loss", "0,0.5,NA", "0,0.5,NA"]


class Recorder(callbacks.Callback):
    """Records every hook call."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def __getattribute__(self, name):
        if name.startswith("on_"):
            calls = object.__getattribute__(self, "calls")
            return lambda *args, **kwargs: calls.append((name, *args[:1]))
        return object.__getattribute__(self, name)


def test_fit_calls_the_hooks_in_keras_order():
    model = _model()
    recorder = Recorder()
    x, y = np.ones((5, 3), np.float32), np.zeros((5, 2), np.float32)
    model.fit(x, y, batch_size=3, epochs=2, validation_data=(x, y), callbacks=[recorder],
              verbose=0)  # fmt: skip
    epoch = ["on_epoch_begin", "on_train_batch_begin", "on_train_batch_end",
             "on_train_batch_begin", "on_train_batch_end", "on_test_begin",
             "on_test_batch_begin", "on_test_batch_end", "on_test_batch_begin",
             "on_test_batch_end", "on_test_end", "on_epoch_end"]  # fmt: skip
    names = [call[0] for call in recorder.calls]
    assert names == ["on_train_begin", *epoch, *epoch, "on_train_end"]
    assert recorder.params == {"verbose": 0, "epochs": 2, "steps": 2}
    recorder.calls.clear()
    model.evaluate(x, y, callbacks=[recorder], verbose=0)
    model.predict(x, batch_size=5, callbacks=[recorder], verbose=0)
    assert [call[0] for call in recorder.calls] == [
        "on_test_begin", "on_test_batch_begin", "on_test_batch_end", "on_test_end",
        "on_predict_begin", "on_predict_batch_begin", "on_predict_batch_end", "on_predict_end",
    ]  # fmt: skip


def test_batch_logs_are_the_metrics_of_the_epoch_so_far():
    model = _model(lr=0.0)  # the weights stay put: every batch has its own loss
    seen = []
    logger = callbacks.LambdaCallback(on_batch_end=lambda batch, logs: seen.append(logs["loss"]))
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(6, 3)).astype(np.float32), np.zeros((6, 2), np.float32)
    history = model.fit(x, y, batch_size=2, shuffle=False, callbacks=[logger], verbose=0)
    per_batch = [model.test_on_batch(x[i : i + 2], y[i : i + 2]) for i in (0, 2, 4)]
    assert seen == pytest.approx(np.cumsum(per_batch) / np.arange(1, 4), rel=1e-6)
    assert history.history["loss"] == pytest.approx([np.mean(per_batch)], rel=1e-6)


def test_terminate_on_nan_stops_after_the_batch(capsys):
    model = _model(lr=0.0)
    x = np.ones((6, 3), np.float32)
    y = np.array([[0, 0], [np.nan, 0], [0, 0], [0, 0], [0, 0], [0, 0]], np.float32)
    steps = []
    counter = callbacks.LambdaCallback(on_batch_end=lambda batch, logs: steps.append(batch))
    history = model.fit(x, y, batch_size=1, epochs=3, shuffle=False,
                        callbacks=[counter, callbacks.TerminateOnNaN()], verbose=0)  # fmt: skip
    assert steps == [0, 1] and len(history.epoch) == 1
    assert math.isnan(history.history["loss"][0])
    assert "Batch 1: Invalid loss, terminating training" in capsys.readouterr().out


def test_lambda_callback_takes_any_hook():
    events = []
    callback = callbacks.LambdaCallback(
        on_train_begin=lambda logs: events.append("begin"),
        on_epoch_end=lambda epoch, logs: events.append(("epoch", epoch, round(logs["loss"], 6))),
        on_test_end=lambda logs: events.append("test"),
    )
    model = _model(lr=0.0)
    x, y = np.ones((2, 3), np.float32), np.zeros((2, 2), np.float32)
    model.fit(x, y, epochs=2, validation_data=(x, y), callbacks=[callback], verbose=0)
    loss = round(model.evaluate(x, y, verbose=0), 6)
    assert events == ["begin", "test", ("epoch", 0, loss), "test", ("epoch", 1, loss)]


def test_callback_list_adds_history_and_progress_bar_once():
    history = callbacks.History()
    bar = callbacks.ProgbarLogger(count_mode="steps")
    listed = callbacks.CallbackList([bar, history], add_history=True, add_progbar=True)
    assert list(listed) == [bar, history]
    with pytest.raises(TypeError, match="`callbacks` must be a list of Callback instances"):
        callbacks.CallbackList([lambda: None])
    with pytest.raises(ValueError, match=r"Unknown `count_mode`: rows\. Expected values"):
        callbacks.ProgbarLogger(count_mode="rows")


def test_progress_bar_epoch_lines_only_for_several_epochs(capsys):
    model = _model()
    x, y = np.ones((4, 3), np.float32), np.zeros((4, 2), np.float32)
    model.fit(x, y, epochs=1, verbose=2)
    out = capsys.readouterr().out
    assert "Epoch" not in out and out.startswith("1/1 - 0s - loss: ") and "/step\n" in out
    model.fit(x, y, epochs=2, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    model.evaluate(x, y, verbose=1)
    assert (
        capsys.readouterr().out.split("\r")[-1].startswith("1/1 [==============================]")
    )


def test_progress_bar_shows_small_values_in_scientific_notation(capsys):
    model = _model(lr=0.0)
    model.set_weights([np.zeros((3, 2), np.float32), np.full((2,), 0.01, np.float32)])
    model.evaluate(np.ones((2, 3), np.float32), np.zeros((2, 2), np.float32), verbose=2)
    assert " - loss: 1.0000e-04 - " in capsys.readouterr().out


def test_learning_rate_scheduler_takes_one_argument_schedules_and_wants_floats():
    model = _model()
    schedule = callbacks.LearningRateScheduler(lambda epoch: 0.5**epoch)
    x, y = np.ones((2, 3), np.float32), np.zeros((2, 2), np.float32)
    history = model.fit(x, y, epochs=3, callbacks=[schedule], verbose=0)
    assert history.history["lr"] == [1.0, 0.5, 0.25]
    bad = callbacks.LearningRateScheduler(lambda epoch, lr: 1)
    with pytest.raises(ValueError, match='The output of the "schedule" function should be float'):
        model.fit(x, y, callbacks=[bad], verbose=0)


def test_early_stopping_maximises_auc_and_restores_the_best_weights_at_the_end():
    model = _model()
    stop = callbacks.EarlyStopping(monitor="val_auc", patience=5, restore_best_weights=True)
    stop.set_model(model)
    stop.on_train_begin()
    snapshots = []
    for epoch, auc in enumerate([0.6, 0.8, 0.7]):
        model.set_weights([w + epoch for w in model.get_weights()])
        snapshots.append(model.get_weights())
        stop.on_epoch_end(epoch, {"val_auc": auc})
    assert stop.best == 0.8 and not model.stop_training
    stop.on_train_end()  # not stopped early: the best epoch's weights all the same
    for got, want in zip(model.get_weights(), snapshots[1]):
        np.testing.assert_array_equal(got, want)


def test_reduce_lr_on_plateau_refusals():
    with pytest.raises(ValueError, match=r"ReduceLROnPlateau does not support a factor >= 1\.0"):
        callbacks.ReduceLROnPlateau(factor=1.5)
    with pytest.raises(ValueError, match="`mode` must be 'auto', 'min' or 'max'"):
        callbacks.ReduceLROnPlateau(mode="up")
    assert callbacks.ReduceLROnPlateau(epsilon=0.5).min_delta == 0.5
