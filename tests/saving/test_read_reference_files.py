"""Models and weights written by tf-keras 2.21 and Keras 3, read by convlayers: the
predictions equal the reference's (relative error <= 1e-5), layers come in tf-keras'
order, compile information comes back."""

import json
import zipfile

import h5py
import numpy as np
import pytest
import torch
from saving_files import FOLDER, RTOL, model_files, reference, relative_error, weight_files

import convlayers


def _scramble(model):
    with torch.no_grad():
        for param in model.parameters():
            param.fill_(0.25)


@pytest.mark.parametrize(("name", "file"), model_files())
def test_load_model_predicts_as_the_reference(name, file):
    ref = reference(name)
    model = convlayers.load_model(FOLDER / file, compile=False)
    assert relative_error(model.predict(ref.x), ref.ys) <= RTOL
    if file.startswith("tfk_"):  # Keras 3 names its inputs input_layer, input_layer_1...
        assert [layer.name for layer in model.layers] == ref.entry["layer_names"]
    assert [type(layer).__name__ for layer in model.layers] == [
        "Model" if c == "Functional" else c for c in ref.entry["layers"]
    ]
    assert isinstance(model, convlayers.Sequential) == (ref.entry["class"] == "Sequential")


@pytest.mark.parametrize(("name", "file"), weight_files())
def test_load_weights_sets_the_reference_weights(name, file):
    ref = reference(name)
    model = convlayers.load_model(FOLDER / f"tfk_{name}.h5", compile=False)
    _scramble(model)
    assert relative_error(model.predict(ref.x), ref.ys) > 1e-2
    model.load_weights(FOLDER / file)
    assert relative_error(model.predict(ref.x), ref.ys) <= RTOL


@pytest.mark.parametrize(
    "file", ["tfk_conv1d_seq.h5", "tfk_conv1d_seq.keras", "k3_conv1d_seq.keras"]
)
def test_load_weights_from_a_whole_model_file(file):
    ref = reference("conv1d_seq")
    model = convlayers.load_model(FOLDER / "k3_conv1d_seq.keras", compile=False)
    _scramble(model)
    model.load_weights(FOLDER / file)
    assert relative_error(model.predict(ref.x), ref.ys) <= RTOL


@pytest.mark.parametrize(
    ("file", "loss", "metrics"),
    [
        ("tfk_conv1d_seq.h5", "categorical_crossentropy", ["accuracy"]),
        ("tfk_conv1d_seq.keras", "categorical_crossentropy", ["accuracy"]),
        ("k3_conv1d_seq.keras", "categorical_crossentropy", ["accuracy"]),
        ("tfk_local1d_cl.h5", "mse", ["mae"]),
        ("tfk_local1d_cf.keras", "mean_absolute_error", []),
        ("tfk_local2d_cl.h5", "binary_crossentropy", ["accuracy"]),
    ],
)
def test_compile_information_is_restored(file, loss, metrics):
    ref = reference(file.split("_", 1)[1].rsplit(".", 1)[0])
    model = convlayers.load_model(FOLDER / file)
    assert model.compiled
    y = np.abs(ref.ys[0]) / np.abs(ref.ys[0]).sum(axis=-1, keepdims=True)
    logs = model.evaluate(ref.x, y, verbose=0, return_dict=True)
    assert sorted(logs) == sorted(["loss", *metrics])
    model.fit(ref.x, y, epochs=1, verbose=0)
    written = _optimizer_in_file(FOLDER / file)  # the reference's own optimizer settings
    assert type(model.optimizer).__name__ == written["class_name"].split(">")[-1]
    config = model.optimizer.get_config()
    for key in ("learning_rate", "beta_1", "rho", "momentum", "initial_accumulator_value"):
        if key in written["config"]:
            assert config[key] == pytest.approx(written["config"][key]), key
    assert model._loss_specs == [loss]


def _optimizer_in_file(path):
    """The optimizer entry tf-keras / Keras 3 wrote into the file's compile information."""
    if path.suffix == ".h5":
        with h5py.File(path) as handle:
            return json.loads(handle.attrs["training_config"])["optimizer_config"]
    with zipfile.ZipFile(path) as archive:
        compile_config = json.loads(archive.read("config.json"))["compile_config"]
    optimizer = compile_config["optimizer"]
    if isinstance(optimizer, str):
        return {"class_name": convlayers.optimizers.get(optimizer).__class__.__name__,
                "config": {}}  # fmt: skip
    return optimizer


def test_compile_false_leaves_the_model_uncompiled():
    model = convlayers.load_model(FOLDER / "tfk_conv1d_seq.h5", compile=False)
    assert not model.compiled


def test_an_uncompiled_file_gives_an_uncompiled_model():
    model = convlayers.load_model(FOLDER / "tfk_local2d_cf.h5")
    assert not model.compiled


def test_the_nested_model_is_a_sequential_inside_a_functional_model():
    model = convlayers.load_model(FOLDER / "k3_nested.keras")
    inner = model.get_layer("inner")
    assert isinstance(inner, convlayers.Sequential)
    assert [layer.name for layer in inner.layers] == ["conv1d", "flatten"]


def test_the_shared_layer_is_one_layer_called_three_times():
    model = convlayers.load_model(FOLDER / "tfk_conv2d_functional.h5")
    shared = model.get_layer("shared")
    assert len([n for n in shared._inbound_nodes if n in model._nodes]) == 3
    assert sum(layer is shared for layer in model.layers) == 1


def test_load_model_takes_path_objects_and_strings():
    a = convlayers.load_model(FOLDER / "tfk_nested.h5")
    b = convlayers.load_model(str(FOLDER / "tfk_nested.h5"))
    ref = reference("nested")
    np.testing.assert_array_equal(a.predict(ref.x), b.predict(ref.x))
