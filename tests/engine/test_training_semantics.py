"""Keras training semantics beyond the fixtures: how compile reads per-output entries, the
data forms fit takes, class weights, validation, and the refusals."""

import numpy as np
import pytest
import torch

import convlayers
from convlayers import losses, metrics

L = convlayers.layers


def two_heads():
    inputs = L.Input((3,), name="features")
    reg = L.Dense(2, name="reg")(inputs)
    cls = L.Dense(1, activation="sigmoid", name="cls")(inputs)
    return convlayers.Model(inputs, [reg, cls])


def small():
    return convlayers.Sequential([L.Dense(2, input_shape=(3,))])


X = np.linspace(-1, 1, 18, dtype=np.float32).reshape(6, 3)
Y2 = np.linspace(0, 1, 12, dtype=np.float32).reshape(6, 2)
Y1 = np.array([[0], [1], [1], [0], [1], [0]], np.float32)


def test_metric_names_and_order():
    model = two_heads()
    model.compile("sgd", loss="mse", metrics=["mae", metrics.RootMeanSquaredError()],
                  weighted_metrics=["mae"])  # fmt: skip
    assert model.metrics == [] and model.metrics_names == []  # built by the first step
    logs = model.train_on_batch(X, [Y2, Y1], return_dict=True)
    assert list(logs) == [
        "loss", "reg_loss", "cls_loss", "reg_mae", "reg_root_mean_squared_error",
        "reg_weighted_mae", "cls_mae", "cls_root_mean_squared_error", "cls_weighted_mae",
    ]  # fmt: skip
    assert logs["loss"] == pytest.approx(logs["reg_loss"] + logs["cls_loss"], rel=1e-6)


def test_accuracy_is_resolved_from_the_shapes():
    sparse = "sparse_categorical_crossentropy"
    for y, output, loss, expected in [
        (np.array([0, 1, 2]), 3, sparse, "sparse_categorical_accuracy"),
        (np.array([[0], [1], [2]]), 3, sparse, "sparse_categorical_accuracy"),
        (np.eye(3, dtype=np.float32), 3, "mse", "categorical_accuracy"),
        (np.array([[0.0], [1.0], [1.0]], np.float32), 1, "mse", "binary_accuracy"),
    ]:
        model = convlayers.Sequential([L.Dense(output, activation="sigmoid", input_shape=(3,))])
        model.compile("sgd", loss, metrics=["acc", "ce"])
        model.test_on_batch(X[:3], y)
        wrapper = model.compiled_metrics.metrics[0]
        assert wrapper.name == "acc" and wrapper._fn.__name__ == expected
        assert model.compiled_metrics.metrics[1]._fn.__name__ == expected.replace(
            "accuracy", "crossentropy"
        )


def test_duplicate_metrics_are_refused_as_the_reference_does():
    shared = metrics.Mean()
    with pytest.raises(ValueError, match=r"^Found duplicated metrics object"):
        small().compile("sgd", "mse", metrics=[shared], weighted_metrics=[shared])
    model = small()
    model.compile("sgd", "mse", metrics=["mse", "mse"])
    with pytest.raises(ValueError, match=r"^Found two metrics with the same name: mse"):
        model.train_on_batch(X, Y2)


def test_per_output_entries_must_fit_the_outputs():
    model = two_heads()
    model.compile("sgd", loss={"reg": "mse", "other": "mae"})
    with pytest.raises(ValueError, match=r"^Found unexpected losses or metrics that do not "):
        model.train_on_batch(X, [Y2, Y1])
    model.compile("sgd", loss=["mse"])
    with pytest.raises(ValueError, match=r"^`loss` must have one entry per model output \(2"):
        model.train_on_batch(X, [Y2, Y1])


def test_an_output_without_a_loss_needs_no_target():
    model = two_heads()
    model.compile("sgd", loss={"cls": "binary_crossentropy"}, metrics={"reg": "mae"})
    logs = model.train_on_batch(X, {"cls": Y1}, return_dict=True)
    assert list(logs) == ["loss", "cls_loss"]  # reg has no target: no loss, no metric


def test_one_target_array_goes_to_every_output():
    model = convlayers.Model(*(lambda i: (i, [L.Dense(2, name="a")(i), L.Dense(2, name="b")(i)]))(
        L.Input((3,))))  # fmt: skip
    model.compile("sgd", "mse")
    logs = model.test_on_batch(X, Y2, return_dict=True)
    a, b = model.predict_on_batch(X)
    assert logs["a_loss"] == pytest.approx(np.mean((a - Y2) ** 2), rel=1e-6)
    assert logs["b_loss"] == pytest.approx(np.mean((b - Y2) ** 2), rel=1e-6)


def test_inputs_and_targets_by_name():
    model = two_heads()
    model.compile("sgd", loss=["mse", "binary_crossentropy"], loss_weights=0.5)
    by_name = model.test_on_batch({"features": X}, {"reg": Y2, "cls": Y1})
    by_position = model.test_on_batch(X, [Y2, Y1])
    assert by_name == by_position
    assert by_name[0] == pytest.approx(0.5 * (by_name[1] + by_name[2]), rel=1e-6)
    with pytest.raises(ValueError, match=r"Missing data for input\(s\) \['features'\]"):
        model.test_on_batch({"x": X}, [Y2, Y1])


def test_class_weight_refusals():
    model = small()
    model.compile("sgd", "sparse_categorical_crossentropy")
    labels = np.array([0, 1, 1, 0, 1, 0])
    with pytest.raises(ValueError, match=r"^Expected `class_weight` to be a dict with keys from 0"):
        model.fit(X, labels, class_weight={1: 1.0, 2: 1.0}, verbose=0)
    with pytest.raises(ValueError, match=r"weights for classes 0 to 0 but the targets hold"):
        model.fit(X, labels, class_weight={0: 1.0}, verbose=0)
    heads = two_heads()
    heads.compile("sgd", "mse")
    with pytest.raises(ValueError, match=r"^`class_weight` is only supported for Models with a "):
        heads.fit(X, [Y2, Y1], class_weight={0: 1.0, 1: 1.0}, verbose=0)


def test_class_weight_multiplies_sample_weight():
    model = small()
    model.compile("sgd", "sparse_categorical_crossentropy")
    labels = np.array([0, 1, 1, 0, 1, 0])
    sw = np.linspace(0.5, 1.5, 6).astype(np.float32)
    combined = model.test_on_batch(X, labels, sample_weight=sw * np.where(labels, 3.0, 0.5))
    model.compile(torch.optim.SGD(model.parameters(), lr=0.0), "sparse_categorical_crossentropy")
    trained = model.train_on_batch(X, labels, sample_weight=sw, class_weight={0: 0.5, 1: 3.0})
    assert trained == pytest.approx(combined, rel=1e-6)


def test_validation_split_validation_freq_and_batch_size():
    model = small()
    model.compile("sgd", "mse")
    history = model.fit(X, Y2, epochs=3, validation_split=0.5, validation_freq=[2, 3],
                        validation_batch_size=1, verbose=0)  # fmt: skip
    assert len(history.history["loss"]) == 3 and len(history.history["val_loss"]) == 2
    with pytest.raises(ValueError, match=r"^Training data contains 6 samples, which is not "):
        model.fit(X, Y2, validation_split=0.9, verbose=0)
    with pytest.raises(ValueError, match=r"^`validation_freq` must be a positive integer"):
        model.fit(X, Y2, validation_data=(X, Y2), validation_freq=0, verbose=0)
    with pytest.raises(ValueError, match=r"^Data is expected to be in format `x`, `\(x,\)`"):
        model.fit(X, Y2, validation_data=(X, Y2, None, None), verbose=0)


def test_evaluate_steps_and_missing_targets():
    model = small()
    model.compile("sgd", "mse")
    first = model.evaluate(X, Y2, batch_size=2, steps=1, verbose=0)
    assert first == pytest.approx(model.evaluate(X[:2], Y2[:2], verbose=0), rel=1e-6)
    with pytest.raises(ValueError, match=r"^Target data is missing. Your model was compiled"):
        model.fit(X, verbose=0)
    with pytest.raises(ValueError, match=r"^`verbose` must be 'auto', 0, 1 or 2"):
        model.evaluate(X, Y2, verbose=3)
    with pytest.raises(ValueError, match=r"^`batch_size` must be a positive integer"):
        model.evaluate(X, Y2, batch_size=0)


def test_cardinality_names_sample_weight():
    model = small()
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match=r"x sizes: 6\n  y sizes: 6\n  sample_weight sizes: 4"):
        model.fit(X, Y2, sample_weight=np.ones(4), verbose=0)


def test_torch_loss_modules_get_pytorch_argument_order_and_weights():
    model = convlayers.Sequential([L.Dense(3, input_shape=(3,))])
    labels = np.array([0, 1, 2, 0, 1, 2])
    model.compile("sgd", torch.nn.CrossEntropyLoss(reduction="none"), metrics=["accuracy"])
    sw = np.array([1, 0, 0, 0, 0, 0], np.float32)
    weighted = model.test_on_batch(X, labels, sample_weight=sw, return_dict=True)
    logits = torch.from_numpy(model.predict_on_batch(X))
    per_sample = torch.nn.functional.cross_entropy(
        logits, torch.from_numpy(labels), reduction="none"
    )
    assert weighted["loss"] == pytest.approx(float(per_sample[0]) / 6, rel=1e-6)
    assert weighted["accuracy"] == pytest.approx(float((logits.argmax(1).numpy() == labels).mean()))


def test_loss_objects_reduce_as_configured_in_training():
    model = small()
    model.compile("sgd", losses.MeanSquaredError(reduction="sum"))
    total = model.test_on_batch(X, Y2)
    assert total == pytest.approx(float(((model.predict_on_batch(X) - Y2) ** 2).mean(1).sum()))


def test_predict_prints_a_progress_bar_by_default(capsys):
    small().predict(X)
    assert (
        capsys.readouterr().out.split("\r")[-1].startswith("1/1 [==============================]")
    )


def test_custom_loss_and_metric_subclasses_train():
    class Scaled(losses.Loss):
        def call(self, y_true, y_pred):
            return 2.0 * (y_pred - y_true).abs().mean(-1)

    class Largest(metrics.Metric):
        def __init__(self, name="largest", **kwargs):
            super().__init__(name=name, **kwargs)
            self.add_weight("value")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.value.copy_(torch.maximum(self.value, y_pred.abs().max()))

        def result(self):
            return self.value.clone()

    model = small()
    model.compile(torch.optim.SGD(model.parameters(), lr=0.0), Scaled(), metrics=[Largest()])
    logs = model.evaluate(X, Y2, return_dict=True, verbose=0)
    prediction = model.predict_on_batch(X)
    assert logs["loss"] == pytest.approx(2 * np.abs(prediction - Y2).mean(), rel=1e-6)
    assert logs["largest"] == pytest.approx(np.abs(prediction).max(), rel=1e-6)
    history = model.fit(X, Y2, batch_size=6, verbose=0)
    assert history.history == {"loss": [logs["loss"]], "largest": [logs["largest"]]}


def test_generator_arguments_and_refusals():
    model = small()
    model.compile("sgd", "mse")
    generator_options = {"workers": 4, "use_multiprocessing": True, "max_queue_size": 3}
    history = model.fit(X, Y2, validation_data=(X, Y2), validation_steps=1, batch_size=2,
                        verbose=0, **generator_options)  # fmt: skip
    assert history.history["val_loss"][0] == pytest.approx(
        model.evaluate(X[:2], Y2[:2], verbose=0), rel=1e-6
    )
    with pytest.raises(ValueError, match=r"^`steps_per_epoch` is not supported"):
        model.fit(X, Y2, steps_per_epoch=2, verbose=0)
    with pytest.raises(ValueError, match=r"^`y` must not be given when the data comes in"):
        model.fit((x for x in X), Y2, verbose=0)  # a generator carries its own targets
