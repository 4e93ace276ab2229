"""Training semantics of tf-keras 2.21: ``tests/fixtures/training_*.{json,npz}``.

- ``training_losses``: every loss class on seeded inputs, each reduction with and without
  sample weights (per sample, per sample as a column, scalar, per value), the lower-case
  function's per-sample values and the gradient with respect to ``y_pred``.
- ``training_metrics``: each metric's result after each of three ``update_state`` calls,
  without and with sample weights.
- ``training_models``: tiny Dense/Conv1D models with seeded weights trained with SGD
  (no momentum): ``train_on_batch``/``test_on_batch``/``evaluate``/``predict_on_batch``
  return values with ``sample_weight`` and ``class_weight``, ``fit`` History logs with
  weighted metrics, validation data and several outputs, and the weights after each step.
- ``training_callbacks``: the learning rates of ReduceLROnPlateau and the epoch at which
  EarlyStopping stops, for fixed sequences of logs; CSVLogger's file.

Run: ``TF_USE_LEGACY_KERAS=1 tools/.venv/bin/python tools/make_training_fixtures.py``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import tf_keras
from fixture_io import write_fixtures
from tf_reference import jsonify, meta, seed_for
from training_loss_cases import LOSS_CASES, METRIC_CASES, loss_case, metric_case

L = tf_keras.layers
WEIGHT_STD = 0.5
LR = 0.1


# ------------------------------------------------------------------ models


def dense_binary():
    return tf_keras.Sequential(
        [L.Dense(4, activation="relu", input_shape=(6,)), L.Dense(1, activation="sigmoid")]
    )


def conv_sparse():
    return tf_keras.Sequential(
        [
            L.Conv1D(3, 3, activation="relu", kernel_regularizer="l2", input_shape=(7, 2)),
            L.Flatten(),
            L.Dense(4, activation="softmax"),
        ]
    )


def dense_softmax():
    return tf_keras.Sequential([L.Dense(3, activation="softmax", input_shape=(5,))])


def dense_regression():
    return tf_keras.Sequential([L.Dense(3, activation="tanh", input_shape=(4,)), L.Dense(2)])


def two_heads():
    inputs = L.Input((5,))
    hidden = L.Dense(4, activation="relu", name="shared")(inputs)
    reg = L.Dense(2, name="reg")(hidden)
    cls = L.Dense(1, activation="sigmoid", name="cls")(hidden)
    return tf_keras.Model(inputs, [reg, cls])


def dense_linear():
    return tf_keras.Sequential([L.Dense(2, input_shape=(3,))])


def conv_sequence():
    return tf_keras.Sequential([L.Conv1D(2, 3, padding="same", input_shape=(6, 3))])


def dense_sigmoid():
    return tf_keras.Sequential([L.Dense(1, activation="sigmoid", input_shape=(4,))])


BUILDERS = {
    f.__name__: f
    for f in (
        dense_binary,
        conv_sparse,
        dense_softmax,
        dense_regression,
        two_heads,
        dense_linear,
        conv_sequence,
        dense_sigmoid,
    )
}


class Recorder:
    """Runs one scenario on a fresh seeded model and records inputs, results, weights."""

    def __init__(self, case_id: str, builder: str, scale: float = 1.0):
        tf_keras.backend.clear_session()
        self.id = case_id
        self.rng = np.random.default_rng(seed_for("training_models", case_id))
        self.model = BUILDERS[builder]()
        weights = [self.rng.normal(0, WEIGHT_STD, w.shape).astype(np.float32) * scale
                   for w in self.model.get_weights()]  # fmt: skip
        self.model.set_weights(weights)
        self.arrays = {f"w0/{i}": w for i, w in enumerate(weights)}
        self.case = {"id": case_id, "builder": builder, "steps": []}

    def data(self, name, array):
        self.arrays[f"data/{name}"] = np.asarray(array)
        return array

    def normal(self, name, shape):
        return self.data(name, self.rng.normal(0, 1, shape).astype(np.float32))

    def ints(self, name, high, shape, dtype=np.int64):
        return self.data(name, self.rng.integers(0, high, shape).astype(dtype))

    def uniform(self, name, shape):
        return self.data(name, self.rng.uniform(0, 2, shape).astype(np.float32))

    def step(self, call: str, args: dict, result):
        index = len(self.case["steps"])
        if isinstance(result, np.ndarray) or (
            isinstance(result, list) and result and isinstance(result[0], np.ndarray)
        ):
            outputs = result if isinstance(result, list) else [result]
            for i, out in enumerate(outputs):
                self.arrays[f"out/{index}/{i}"] = out
            result = {"outputs": len(outputs)}
        for i, w in enumerate(self.model.get_weights()):
            self.arrays[f"w{index + 1}/{i}"] = w
        self.case["steps"].append({"call": call, "args": args, "result": jsonify(result)})

    def done(self):
        self.case["metrics_names"] = list(self.model.metrics_names)
        self.case["arrays"] = self.arrays
        return self.case


def sgd():
    return tf_keras.optimizers.SGD(learning_rate=LR)


def scenario_dense_binary():
    r = Recorder("dense_binary", "dense_binary")
    x, y = r.normal("x", (8, 6)), r.ints("y", 2, (8, 1)).astype(np.float32)
    r.arrays["data/y"] = y
    sw = r.uniform("sw", (8,))
    cw = {0: 0.5, 1: 2.0}
    m = r.model
    m.compile(
        sgd(),
        "binary_crossentropy",
        metrics=["accuracy", "AUC"],
        weighted_metrics=["accuracy", "mse"],
    )
    r.step("train_on_batch", {"sample_weight": "sw"}, m.train_on_batch(x, y, sample_weight=sw))
    r.step(
        "train_on_batch",
        {"class_weight": cw, "return_dict": True},
        m.train_on_batch(x, y, class_weight=cw, return_dict=True),
    )
    r.step(
        "train_on_batch",
        {"sample_weight": "sw", "class_weight": cw},
        m.train_on_batch(x, y, sample_weight=sw, class_weight=cw),
    )
    r.step(
        "test_on_batch",
        {"sample_weight": "sw", "return_dict": True},
        m.test_on_batch(x, y, sample_weight=sw, return_dict=True),
    )
    r.step(
        "train_on_batch",
        {"reset_metrics": False, "return_dict": True},
        m.train_on_batch(x, y, reset_metrics=False, return_dict=True),
    )
    r.step(
        "train_on_batch",
        {"sample_weight": "sw", "reset_metrics": False},
        m.train_on_batch(x, y, sample_weight=sw, reset_metrics=False),
    )
    r.step(
        "evaluate",
        {"sample_weight": "sw", "batch_size": 3, "return_dict": True},
        m.evaluate(x, y, sample_weight=sw, batch_size=3, return_dict=True, verbose=0),
    )
    r.step("predict_on_batch", {}, m.predict_on_batch(x))
    return r.done()


def scenario_conv_sparse():
    r = Recorder("conv_sparse", "conv_sparse")
    x, y, sw = r.normal("x", (8, 7, 2)), r.ints("y", 4, (8,)), r.uniform("sw", (8,))
    cw = {0: 1.0, 1: 2.0, 2: 0.5, 3: 1.5}
    m = r.model
    m.compile(
        sgd(), "sparse_categorical_crossentropy", metrics=["acc"], weighted_metrics=["acc", "ce"]
    )
    r.step("train_on_batch", {"class_weight": cw}, m.train_on_batch(x, y, class_weight=cw))
    r.step(
        "train_on_batch",
        {"sample_weight": "sw", "return_dict": True},
        m.train_on_batch(x, y, sample_weight=sw, return_dict=True),
    )
    r.step("test_on_batch", {"sample_weight": "sw"}, m.test_on_batch(x, y, sample_weight=sw))
    r.step(
        "evaluate",
        {"batch_size": 5, "return_dict": True},
        m.evaluate(x, y, batch_size=5, return_dict=True, verbose=0),
    )
    return r.done()


def scenario_onehot():
    r = Recorder("onehot_cce", "dense_softmax")
    x, sw = r.normal("x", (8, 5)), r.uniform("sw", (8,))
    y = r.data("y", np.eye(3, dtype=np.float32)[r.rng.integers(0, 3, 8)])
    cw = {0: 2.0, 1: 1.0, 2: 0.5}
    m = r.model
    m.compile(
        sgd(),
        tf_keras.losses.CategoricalCrossentropy(label_smoothing=0.1),
        metrics=["accuracy", tf_keras.metrics.TopKCategoricalAccuracy(k=2)],
        weighted_metrics=["categorical_crossentropy"],
    )
    r.step(
        "train_on_batch",
        {"sample_weight": "sw", "class_weight": cw},
        m.train_on_batch(x, y, sample_weight=sw, class_weight=cw),
    )
    r.step("test_on_batch", {"return_dict": True}, m.test_on_batch(x, y, return_dict=True))
    return r.done()


def scenario_fit_weighted():
    r = Recorder("fit_weighted", "dense_regression")
    x, y, sw = r.normal("x", (10, 4)), r.normal("y", (10, 2)), r.uniform("sw", (10,))
    xv, yv, swv = r.normal("xv", (6, 4)), r.normal("yv", (6, 2)), r.uniform("swv", (6,))
    m = r.model
    m.compile(sgd(), "mse", metrics=["mae"], weighted_metrics=["mae", "mse"])
    history = m.fit(
        x,
        y,
        sample_weight=sw,
        batch_size=4,
        epochs=2,
        shuffle=False,
        validation_data=(xv, yv, swv),
        verbose=0,
    )
    args = {
        "sample_weight": "sw",
        "batch_size": 4,
        "epochs": 2,
        "validation_data": ["xv", "yv", "swv"],
    }
    r.step("fit", args, history.history)
    r.step(
        "evaluate",
        {"x": "xv", "y": "yv", "batch_size": 4},
        m.evaluate(xv, yv, batch_size=4, verbose=0),
    )
    return r.done()


def scenario_two_heads_dict():
    r = Recorder("two_heads_dict", "two_heads")
    x = r.normal("x", (10, 5))
    y1, y2 = r.normal("y1", (10, 2)), r.ints("y2", 2, (10, 1)).astype(np.float32)
    r.arrays["data/y2"] = y2
    sw1, sw2 = r.uniform("sw1", (10,)), r.uniform("sw2", (10,))
    xv, yv1 = r.normal("xv", (4, 5)), r.normal("yv1", (4, 2))
    yv2 = r.data("yv2", r.rng.integers(0, 2, (4, 1)).astype(np.float32))
    m = r.model
    m.compile(
        sgd(),
        loss={"reg": "mse", "cls": "binary_crossentropy"},
        loss_weights={"reg": 0.5, "cls": 2.0},
        metrics={"reg": ["mae"], "cls": ["accuracy"]},
        weighted_metrics=["mse"],
    )
    history = m.fit(
        x,
        {"reg": y1, "cls": y2},
        sample_weight={"reg": sw1, "cls": sw2},
        batch_size=4,
        epochs=1,
        shuffle=False,
        validation_data=(xv, [yv1, yv2]),
        verbose=0,
    )
    r.step(
        "fit",
        {
            "y": {"reg": "y1", "cls": "y2"},
            "sample_weight": {"reg": "sw1", "cls": "sw2"},
            "batch_size": 4,
            "validation_data": ["xv", ["yv1", "yv2"]],
        },
        history.history,
    )
    r.step(
        "evaluate",
        {"y": ["y1", "y2"], "sample_weight": ["sw1", "sw2"], "batch_size": 4},
        m.evaluate(x, [y1, y2], sample_weight=[sw1, sw2], batch_size=4, verbose=0),
    )
    r.step(
        "train_on_batch",
        {"y": ["y1", "y2"], "return_dict": True},
        m.train_on_batch(x, [y1, y2], return_dict=True),
    )
    r.step("predict_on_batch", {}, m.predict_on_batch(x))
    return r.done()


def scenario_two_heads_list():
    r = Recorder("two_heads_list", "two_heads")
    x, y1 = r.normal("x", (6, 5)), r.normal("y1", (6, 2))
    y2 = r.data("y2", r.rng.integers(0, 2, (6, 1)).astype(np.float32))
    sw = r.uniform("sw", (6,))
    m = r.model
    m.compile(
        sgd(),
        loss=["mse", tf_keras.losses.BinaryCrossentropy(label_smoothing=0.1)],
        loss_weights=[1.0, 0.3],
        metrics=[["mae"], ["accuracy", "AUC"]],
    )
    r.step(
        "train_on_batch",
        {"y": ["y1", "y2"], "sample_weight": "sw"},
        m.train_on_batch(x, [y1, y2], sample_weight=sw),
    )
    r.step(
        "test_on_batch",
        {"y": ["y1", "y2"], "return_dict": True},
        m.test_on_batch(x, [y1, y2], return_dict=True),
    )
    return r.done()


def scenario_reduction(reduction: str):
    r = Recorder(f"reduction_{reduction}", "dense_linear")
    x, y, sw = r.normal("x", (6, 3)), r.normal("y", (6, 2)), r.uniform("sw", (6,))
    m = r.model
    loss = tf_keras.losses.MeanAbsoluteError(reduction=reduction)
    m.compile(sgd(), loss, metrics=["mse"])
    r.step("train_on_batch", {"sample_weight": "sw"}, m.train_on_batch(x, y, sample_weight=sw))
    r.step("test_on_batch", {}, m.test_on_batch(x, y))
    r.case["loss"] = {"class": "MeanAbsoluteError", "reduction": reduction}
    return r.done()


def scenario_saturated(builder: str, loss: str):
    r = Recorder(f"saturated_{builder}", builder, scale=20.0)
    features = 5 if builder == "dense_softmax" else 4
    x = r.normal("x", (6, features))
    if builder == "dense_softmax":
        y = r.data("y", np.eye(3, dtype=np.float32)[r.rng.integers(0, 3, 6)])
    else:
        y = r.data("y", r.rng.integers(0, 2, (6, 1)).astype(np.float32))
    m = r.model
    m.compile(tf_keras.optimizers.SGD(learning_rate=0.001), loss, metrics=[loss])
    r.step("predict_on_batch", {}, m.predict_on_batch(x))
    r.step("train_on_batch", {"return_dict": True}, m.train_on_batch(x, y, return_dict=True))
    r.case["loss"] = loss
    return r.done()


def scenario_sequence_weights():
    r = Recorder("sequence_weights", "conv_sequence")
    x, y = r.normal("x", (4, 6, 3)), r.normal("y", (4, 6, 2))
    sw_time, sw = r.uniform("sw_time", (4, 6)), r.uniform("sw", (4,))
    m = r.model
    m.compile(sgd(), "mse", weighted_metrics=["mae"])
    r.step(
        "train_on_batch",
        {"sample_weight": "sw_time"},
        m.train_on_batch(x, y, sample_weight=sw_time),
    )
    r.step("test_on_batch", {"sample_weight": "sw"}, m.test_on_batch(x, y, sample_weight=sw))
    return r.done()


def scenario_fit_class_weight():
    r = Recorder("fit_class_weight", "dense_softmax")
    x, y = r.normal("x", (12, 5)), r.ints("y", 3, (12,))
    cw = {0: 1.5, 1: 0.5, 2: 1.0}
    m = r.model
    m.compile(
        sgd(),
        "sparse_categorical_crossentropy",
        metrics=["accuracy"],
        weighted_metrics=["accuracy"],
    )
    history = m.fit(
        x,
        y,
        class_weight=cw,
        batch_size=5,
        epochs=2,
        shuffle=False,
        validation_split=0.25,
        verbose=0,
    )
    r.step(
        "fit",
        {"class_weight": cw, "batch_size": 5, "epochs": 2, "validation_split": 0.25},
        history.history,
    )
    return r.done()


def model_cases():
    return [
        scenario_dense_binary(),
        scenario_conv_sparse(),
        scenario_onehot(),
        scenario_fit_weighted(),
        scenario_two_heads_dict(),
        scenario_two_heads_list(),
        scenario_reduction("sum"),
        scenario_reduction("none"),
        scenario_saturated("dense_softmax", "categorical_crossentropy"),
        scenario_saturated("dense_sigmoid", "binary_crossentropy"),
        scenario_sequence_weights(),
        scenario_fit_class_weight(),
    ]


# --------------------------------------------------------------- callbacks

MONITORED = [1.0, 0.9, 0.95, 0.96, 0.97, 0.85, 0.9, 0.91, 0.92, 0.93, 0.94, 0.8]
ACCURACIES = [0.5, 0.6, 0.55, 0.58, 0.59, 0.7, 0.69, 0.68, 0.71, 0.705, 0.7, 0.69]

LR_CASES = [
    ("reduce_default", {"monitor": "val_loss", "patience": 2}, MONITORED),
    ("reduce_cooldown", {"monitor": "val_loss", "factor": 0.5, "patience": 1, "cooldown": 2,
                         "min_lr": 0.02, "min_delta": 0.01}, MONITORED),
    ("reduce_max", {"monitor": "val_accuracy", "factor": 0.2, "patience": 2}, ACCURACIES),
    ("reduce_mode_min", {"monitor": "val_acc", "mode": "min", "patience": 1}, ACCURACIES),
]  # fmt: skip

STOP_CASES = [
    ("stop_loss", {"monitor": "val_loss", "patience": 2}, MONITORED),
    ("stop_delta", {"monitor": "val_loss", "patience": 1, "min_delta": 0.06}, MONITORED),
    ("stop_auc", {"monitor": "val_auc", "patience": 2}, ACCURACIES),
    ("stop_baseline", {"monitor": "val_loss", "patience": 3, "baseline": 0.88}, MONITORED),
    ("stop_start", {"monitor": "val_loss", "patience": 1, "start_from_epoch": 3}, MONITORED),
]  # fmt: skip


def callback_cases():
    cases = []
    for case_id, kwargs, values in LR_CASES:
        tf_keras.backend.clear_session()
        model = dense_linear()
        model.compile(sgd(), "mse")
        callback = tf_keras.callbacks.ReduceLROnPlateau(**kwargs)
        callback.set_model(model)
        callback.on_train_begin()
        logged, after = [], []
        for epoch, value in enumerate(values):
            logs = {kwargs["monitor"]: value}
            callback.on_epoch_end(epoch, logs)
            logged.append(float(logs["lr"]))
            after.append(float(model.optimizer.learning_rate.numpy()))
        cases.append(
            {
                "id": case_id,
                "callback": "ReduceLROnPlateau",
                "kwargs": kwargs,
                "values": values,
                "logged_lr": logged,
                "lr": after,
                "arrays": {},
            }
        )
    for case_id, kwargs, values in STOP_CASES:
        tf_keras.backend.clear_session()
        model = dense_linear()
        callback = tf_keras.callbacks.EarlyStopping(**kwargs)
        callback.set_model(model)
        model.stop_training = False
        callback.on_train_begin()
        epochs = 0
        for epoch, value in enumerate(values):
            callback.on_epoch_end(epoch, {kwargs["monitor"]: value})
            epochs = epoch + 1
            if model.stop_training:
                break
        cases.append(
            {
                "id": case_id,
                "callback": "EarlyStopping",
                "kwargs": kwargs,
                "values": values,
                "epochs_run": epochs,
                "stopped_epoch": callback.stopped_epoch,
                "best": float(callback.best),
                "arrays": {},
            }
        )
    for case_id, logs_list in (
        ("csv_plain", [{"loss": 0.5, "acc": 0.25}, {"loss": 0.125, "acc": 0.75}]),
        ("csv_val", [{"loss": 0.5, "val_loss": 0.75}, {"loss": 0.25, "val_loss": 0.5}]),
    ):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "log.csv"
            callback = tf_keras.callbacks.CSVLogger(str(path), separator=";")
            callback.on_train_begin()
            for epoch, logs in enumerate(logs_list):
                callback.on_epoch_end(epoch, dict(logs))
            callback.on_train_end()
            text = path.read_text()
        cases.append(
            {
                "id": case_id,
                "callback": "CSVLogger",
                "kwargs": {"separator": ";"},
                "logs": logs_list,
                "text": text,
                "arrays": {},
            }
        )
    return cases


def main() -> None:
    header = meta("tools/make_training_fixtures.py")
    losses = [loss_case("training_losses", *case) for case in LOSS_CASES]
    write_fixtures("training_losses", losses, {**header, "notes": "float32 inputs"})
    metrics = [metric_case("training_metrics", *case) for case in METRIC_CASES]
    write_fixtures("training_metrics", metrics, header)
    models = model_cases()
    write_fixtures(
        "training_models", models, {**header, "learning_rate": LR, "weight_std": WEIGHT_STD}
    )
    write_fixtures("training_callbacks", callback_cases(), header)


if __name__ == "__main__":
    main()
