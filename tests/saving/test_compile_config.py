"""Compile information: what a name restores, what is named in a warning, what is written."""

import json

import h5py
import pytest
import torch
from saving_files import FOLDER, copy

import convlayers
from convlayers.saving.compile_config import read_compile_config, write_compile_config


def test_tf_keras_training_config_restores_the_optimizer_and_the_names():
    with h5py.File(FOLDER / "tfk_conv1d_seq.h5") as handle:
        config = json.loads(handle.attrs["training_config"])
    spec = read_compile_config(config)
    assert isinstance(spec.optimizer, convlayers.optimizers.Adam)
    written = config["optimizer_config"]["config"]
    assert spec.optimizer.get_config() == {**written, "name": written["name"]}
    assert (spec.loss, spec.metrics, spec.ignored) == ("categorical_crossentropy", ["accuracy"], [])


def test_settings_that_are_not_restored_are_listed():
    spec = read_compile_config(
        {
            "optimizer": {
                "class_name": "Adam",
                "config": {"name": "Adam", "learning_rate": 0.01, "use_ema": False,
                           "ema_overwrite_frequency": 100},
            },
            "loss": {"class_name": "CategoricalCrossentropy",
                     "config": {"from_logits": True, "reduction": "auto"}},
            "metrics": ["accuracy"],
            "weighted_metrics": ["mae"],
            "jit_compile": True,
            "steps_per_execution": 1,
        }
    )  # fmt: skip
    assert spec.optimizer.learning_rate == pytest.approx(0.01)  # restored with its settings
    assert spec.loss == "categorical_crossentropy"
    assert spec.ignored == ["loss from_logits=True", "weighted_metrics=['mae']", "jit_compile=True"]


def _with_training_config(tmp_path, change):
    path = copy("tfk_local1d_cl.h5", tmp_path)
    with h5py.File(path, "r+") as handle:
        config = json.loads(handle.attrs["training_config"])
        change(config)
        handle.attrs["training_config"] = json.dumps(config).encode()
    return path


def test_the_optimizer_settings_of_the_file_are_restored(tmp_path):
    def change(config):
        config["optimizer_config"]["config"]["learning_rate"] = 0.5
        config["optimizer_config"]["config"]["momentum"] = 0.25

    path = _with_training_config(tmp_path, change)
    model = convlayers.load_model(path)
    assert model.compiled and type(model.optimizer) is convlayers.optimizers.SGD
    assert (float(model.optimizer.learning_rate), model.optimizer.momentum) == (0.5, 0.25)
    assert convlayers.load_model(path, compile=False).compiled is False


def test_an_unknown_optimizer_leaves_the_model_uncompiled_with_a_warning(tmp_path):
    def change(config):
        config["optimizer_config"]["class_name"] = "Custom>Shampoo"  # no such optimizer

    path = _with_training_config(tmp_path, change)
    with pytest.warns(UserWarning, match="everything: the model is not compiled"):
        model = convlayers.load_model(path)
    assert not model.compiled


def test_saved_optimizer_state_is_named_in_a_warning(tmp_path):
    path = copy("tfk_local1d_cl.h5", tmp_path)
    with h5py.File(path, "r+") as handle:
        group = handle["optimizer_weights"]
        group.create_dataset("m/kernel:0", data=[1.0, 2.0])
        group.attrs["weight_names"] = [b"iteration:0", b"m/kernel:0"]
    with pytest.warns(UserWarning, match=r"the optimizer state \(1 saved variables\)"):
        convlayers.load_model(path)


def test_keras_optimizers_and_names_are_written_and_anything_else_is_not():
    model = convlayers.Sequential([convlayers.Dense(2, input_shape=(3,))])
    assert write_compile_config(model, legacy=True) is None
    model.compile("rmsprop", "mse", metrics=["mae"])
    legacy = write_compile_config(model, legacy=True)
    assert legacy["optimizer_config"]["class_name"] == "Custom>RMSprop"
    assert legacy["optimizer_config"]["config"]["rho"] == 0.9
    assert (legacy["loss"], legacy["metrics"]) == ("mse", ["mae"])
    assert write_compile_config(model, legacy=False)["optimizer"] == "rmsprop"
    model.compile(convlayers.optimizers.SGD(0.3, momentum=0.5), "mse")
    written = write_compile_config(model, legacy=False)["optimizer"]
    assert written["class_name"] == "SGD" and written["config"]["momentum"] == 0.5
    model.compile(torch.optim.Adam, "mse")
    with pytest.warns(UserWarning, match="is not saved: .*are not Keras optimizers or names"):
        assert write_compile_config(model, legacy=False) is None


def test_losses_and_loss_weights_per_output_name_follow_the_outputs(tmp_path):
    path = copy("tfk_conv2d_functional.h5", tmp_path)
    training = {
        "optimizer_config": {"class_name": "Custom>SGD", "config": {"name": "SGD"}},
        "loss": {"head_b": "binary_crossentropy", "head_a": "mse"},
        "loss_weights": {"head_b": 0.5, "head_a": 2.0},
        "metrics": None,
    }
    with h5py.File(path, "r+") as handle:
        handle.attrs["training_config"] = json.dumps(training).encode()
    model = convlayers.load_model(path)
    assert model._loss_specs == ["mse", "binary_crossentropy"]
    assert model._loss_weights == [2.0, 0.5]
