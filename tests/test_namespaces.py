"""The Keras-shaped namespaces: ``from tensorflow.keras.X import Y`` becomes
``from convlayers.X import Y``, with tf-keras 2.21's spelling (its public names are in
``fixtures/keras_namespaces.json``, written by ``tools/make_namespace_fixtures.py``)."""

from __future__ import annotations

import importlib
import json

import pytest
from fixture_loader import FIXTURES

KERAS = json.loads((FIXTURES / "keras_namespaces.json").read_text())["namespaces"]
# What model code imports most; each must be there.
REQUIRED = {
    "layers": [
        "Input", "InputSpec", "Layer", "Conv1D", "Conv2D", "SeparableConv1D", "SeparableConv2D",
        "DepthwiseConv1D", "DepthwiseConv2D", "LocallyConnected1D", "LocallyConnected2D",
        "Dense", "Flatten", "Reshape", "Dropout", "Activation", "InputLayer",
        "Convolution1D", "Convolution2D", "SeparableConvolution1D", "SeparableConvolution2D",
    ],
    "models": [
        "Model", "Sequential", "clone_model", "model_from_config", "model_from_json",
        "load_model", "save_model",
    ],
    "optimizers": ["Adam", "SGD", "RMSprop", "Adagrad", "get", "serialize", "deserialize"],
    "backend": [
        "square", "log", "clip", "epsilon", "image_data_format", "set_image_data_format",
        "int_shape", "mean", "sum", "floatx", "get_value", "set_value", "clear_session",
    ],
    "utils": ["to_categorical", "normalize", "set_random_seed", "register_keras_serializable"],
    "activations": ["relu", "softmax", "get", "serialize", "deserialize"],
    "constraints": ["max_norm", "MaxNorm", "unit_norm", "non_neg", "min_max_norm", "get"],
    "initializers": ["glorot_uniform", "he_normal", "Constant", "get"],
    "regularizers": ["l1", "l2", "l1_l2", "L1L2", "get"],
    "losses": [
        "Loss", "MeanSquaredError", "BinaryCrossentropy", "CategoricalCrossentropy",
        "SparseCategoricalCrossentropy", "Huber", "mse", "mae", "categorical_crossentropy",
        "Reduction", "get", "serialize", "deserialize",
    ],
    "metrics": [
        "Metric", "Mean", "MeanMetricWrapper", "Accuracy", "BinaryAccuracy",
        "CategoricalAccuracy", "SparseCategoricalAccuracy", "AUC", "Precision", "Recall",
        "RootMeanSquaredError", "mse", "binary_accuracy", "get",
    ],
    "callbacks": [
        "Callback", "CallbackList", "History", "EarlyStopping", "ModelCheckpoint",
        "LearningRateScheduler", "ReduceLROnPlateau", "CSVLogger", "TerminateOnNaN",
        "LambdaCallback", "ProgbarLogger",
    ],
}  # fmt: skip


@pytest.mark.parametrize("namespace", sorted(REQUIRED))
def test_namespace_is_an_importable_module_with_the_required_names(namespace):
    module = importlib.import_module(f"convlayers.{namespace}")
    missing = [name for name in REQUIRED[namespace] if not hasattr(module, name)]
    assert not missing, missing
    assert set(REQUIRED[namespace]) <= set(KERAS[namespace])  # spelled as tf-keras spells it


# Exports tf-keras 2.21 does not have there, and why.
EXTRAS = {
    "activations": {"leaky_relu", "log_softmax", "relu6", "silu"},  # Keras 3's activations
    "initializers": {"compute_fans"},  # the fan rule the initializers share, for tests
    "optimizers": {"schedules"},  # a submodule there, as tf.keras.optimizers.schedules
}


@pytest.mark.parametrize("namespace", sorted(REQUIRED))
def test_exported_names_are_keras_names(namespace):
    """Everything a namespace exports is a name tf-keras has there (no inventions)."""
    module = importlib.import_module(f"convlayers.{namespace}")
    invented = sorted(set(module.__all__) - set(KERAS[namespace]) - EXTRAS.get(namespace, set()))
    assert not invented, invented


def test_keras_1_aliases_are_the_same_classes():
    from convlayers import layers

    assert layers.Convolution1D is layers.Conv1D
    assert layers.SeparableConvolution2D is layers.SeparableConv2D
