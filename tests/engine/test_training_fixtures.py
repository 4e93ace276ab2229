"""``train_on_batch``/``test_on_batch``/``evaluate``/``predict_on_batch``/``fit`` against
tf-keras 2.21 (tests/fixtures/training_models.*): the same tiny models with the same seeded
weights, compiled alike, trained by SGD without momentum: every returned value and the
weights after every step."""

import pytest
import torch
from training_fixtures import load, relative_error

import convlayers
from convlayers import losses, metrics

L = convlayers.layers
CASES = load("training_models")
RTOL = 1e-5
LR = 0.1


def dense_binary():
    return convlayers.Sequential(
        [L.Dense(4, activation="relu", input_shape=(6,)), L.Dense(1, activation="sigmoid")]
    )


def conv_sparse():
    return convlayers.Sequential(
        [
            L.Conv1D(3, 3, activation="relu", kernel_regularizer="l2", input_shape=(7, 2)),
            L.Flatten(),
            L.Dense(4, activation="softmax"),
        ]
    )


def dense_softmax():
    return convlayers.Sequential([L.Dense(3, activation="softmax", input_shape=(5,))])


def dense_regression():
    return convlayers.Sequential([L.Dense(3, activation="tanh", input_shape=(4,)), L.Dense(2)])


def two_heads():
    inputs = L.Input((5,))
    hidden = L.Dense(4, activation="relu", name="shared")(inputs)
    reg = L.Dense(2, name="reg")(hidden)
    cls = L.Dense(1, activation="sigmoid", name="cls")(hidden)
    return convlayers.Model(inputs, [reg, cls])


def dense_linear():
    return convlayers.Sequential([L.Dense(2, input_shape=(3,))])


def conv_sequence():
    return convlayers.Sequential([L.Conv1D(2, 3, padding="same", input_shape=(6, 3))])


def dense_sigmoid():
    return convlayers.Sequential([L.Dense(1, activation="sigmoid", input_shape=(4,))])


def _compile_args(case_id, entry):
    """The compile arguments of each scenario (as the generator's)."""
    args = {
        "dense_binary": dict(loss="binary_crossentropy", metrics=["accuracy", "AUC"],
                             weighted_metrics=["accuracy", "mse"]),
        "conv_sparse": dict(loss="sparse_categorical_crossentropy", metrics=["acc"],
                            weighted_metrics=["acc", "ce"]),
        "onehot_cce": dict(loss=losses.CategoricalCrossentropy(label_smoothing=0.1),
                           metrics=["accuracy", metrics.TopKCategoricalAccuracy(k=2)],
                           weighted_metrics=["categorical_crossentropy"]),
        "fit_weighted": dict(loss="mse", metrics=["mae"], weighted_metrics=["mae", "mse"]),
        "two_heads_dict": dict(loss={"reg": "mse", "cls": "binary_crossentropy"},
                               loss_weights={"reg": 0.5, "cls": 2.0},
                               metrics={"reg": ["mae"], "cls": ["accuracy"]},
                               weighted_metrics=["mse"]),
        "two_heads_list": dict(loss=["mse", losses.BinaryCrossentropy(label_smoothing=0.1)],
                               loss_weights=[1.0, 0.3], metrics=[["mae"], ["accuracy", "AUC"]]),
        "fit_class_weight": dict(loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                                 weighted_metrics=["accuracy"]),
        "sequence_weights": dict(loss="mse", weighted_metrics=["mae"]),
    }  # fmt: skip
    if case_id.startswith("reduction_"):
        loss = losses.MeanAbsoluteError(reduction=entry["loss"]["reduction"])
        return dict(loss=loss, metrics=["mse"])
    if case_id.startswith("saturated_"):
        return dict(loss=entry["loss"], metrics=[entry["loss"]])
    return args[case_id]


def _resolve(value, data):
    """Fixture arguments name data arrays; class_weight keys come back as strings."""
    if isinstance(value, str):
        return data[value]
    if isinstance(value, list):
        return [_resolve(v, data) for v in value]
    if isinstance(value, dict):
        return {k: _resolve(v, data) for k, v in value.items()}
    return value


def _run(model, step, data):
    args = dict(step["args"])
    x = _resolve(args.pop("x", "x"), data)
    call = step["call"]
    if call == "predict_on_batch":
        return model.predict_on_batch(x)
    y = _resolve(args.pop("y", "y"), data)
    for key in ("sample_weight", "validation_data"):
        if key in args:
            args[key] = _resolve(args[key], data)
    if "validation_data" in args:
        args["validation_data"] = tuple(args["validation_data"])
    if "class_weight" in args:
        args["class_weight"] = {int(k): v for k, v in args["class_weight"].items()}
    if call in ("evaluate", "fit"):
        args["verbose"] = 0
    if call == "fit":
        return model.fit(x, y, shuffle=False, **args).history
    return getattr(model, call)(x, y, **args)


def _compare(got, expected, where):
    if isinstance(expected, dict):
        assert isinstance(got, dict) and list(got) == list(expected), (where, got)
        for key in expected:
            _compare(got[key], expected[key], f"{where}/{key}")
    elif isinstance(expected, list):
        assert isinstance(got, list) and len(got) == len(expected), (where, got)
        for i, (g, e) in enumerate(zip(got, expected)):
            _compare(g, e, f"{where}/{i}")
    else:
        assert isinstance(got, float), (where, type(got))
        assert relative_error(got, expected) <= RTOL, (where, got, expected)


@pytest.mark.parametrize("case_id", list(CASES))
def test_training_matches_the_reference(case_id):
    entry, arrays = CASES[case_id]
    data = {k.removeprefix("data/"): v for k, v in arrays.items() if k.startswith("data/")}
    model = globals()[entry["builder"]]()
    initial = [arrays[f"w0/{i}"] for i in range(len(model.get_weights()))]
    model.set_weights(initial)
    lr = 0.001 if case_id.startswith("saturated_") else LR
    model.compile(torch.optim.SGD(model.parameters(), lr=lr), **_compile_args(case_id, entry))
    for index, step in enumerate(entry["steps"]):
        got = _run(model, step, data)
        where = f"step {index} ({step['call']})"
        if step["call"] == "predict_on_batch":
            outputs = got if isinstance(got, list) else [got]
            assert len(outputs) == step["result"]["outputs"]
            for i, out in enumerate(outputs):
                assert relative_error(out, arrays[f"out/{index}/{i}"]) <= RTOL, where
        else:
            _compare(got, step["result"], where)
        for i, weight in enumerate(model.get_weights()):
            assert relative_error(weight, arrays[f"w{index + 1}/{i}"]) <= RTOL, (where, i)
    assert model.metrics_names == entry["metrics_names"]


def test_the_saturated_outputs_are_below_the_clipping_epsilon():
    """The saturated scenarios test that crossentropy uses the logits a softmax or
    sigmoid kept: with clipping at 1e-7 their losses would differ."""
    for case_id in ("saturated_dense_softmax", "saturated_dense_sigmoid"):
        _, arrays = CASES[case_id]
        probabilities = arrays["out/0/0"]
        assert (probabilities < 1e-7).any() or (1 - probabilities < 1e-7).any()
