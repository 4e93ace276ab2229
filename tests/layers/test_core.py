"""Glue layers: InputLayer, Dense, Flatten, Activation, Dropout, Reshape."""

import numpy as np
import pytest
import torch

import convlayers

# get_config keys of tf-keras 2.21 (printed from the reference: tf_keras.layers.X(...).get_config())
REFERENCE_KEYS = {
    "Dense": {
        "name",
        "trainable",
        "dtype",
        "units",
        "activation",
        "use_bias",
        "kernel_initializer",
        "bias_initializer",
        "kernel_regularizer",
        "bias_regularizer",
        "activity_regularizer",
        "kernel_constraint",
        "bias_constraint",
    },
    "Flatten": {"name", "trainable", "dtype", "data_format"},
    "Activation": {"name", "trainable", "dtype", "activation"},
    "Dropout": {"name", "trainable", "dtype", "rate", "noise_shape", "seed"},
    "Reshape": {"name", "trainable", "dtype", "target_shape"},
    "InputLayer": {"batch_input_shape", "dtype", "sparse", "ragged", "name", "optional"},
}


def _make(name):
    return {
        "Dense": lambda: convlayers.Dense(3),
        "Flatten": lambda: convlayers.Flatten(),
        "Activation": lambda: convlayers.Activation("relu"),
        "Dropout": lambda: convlayers.Dropout(0.5),
        "Reshape": lambda: convlayers.Reshape((2, -1)),
        "InputLayer": lambda: convlayers.InputLayer(input_shape=(5, 2)),
    }[name]()


@pytest.mark.parametrize("name", sorted(REFERENCE_KEYS))
def test_config_keys_match_the_reference_and_round_trip(name):
    layer = _make(name)
    config = layer.get_config()
    assert set(config) == REFERENCE_KEYS[name]
    clone = type(layer).from_config(config)
    assert clone.get_config() == config


def test_reference_config_values():
    assert convlayers.Dense(3, input_shape=(4,)).get_config()["batch_input_shape"] == (None, 4)
    assert convlayers.Dense(3).get_config()["activation"] == "linear"
    assert convlayers.Flatten().get_config()["data_format"] == "channels_last"
    assert convlayers.Dropout(0.5).get_config()["noise_shape"] is None
    assert convlayers.Reshape((2, -1)).get_config()["target_shape"] == (2, -1)
    config = convlayers.InputLayer(input_shape=(5, 2), name="x").get_config()
    assert config == {
        "batch_input_shape": (None, 5, 2),
        "dtype": "float32",
        "sparse": False,
        "ragged": False,
        "name": "x",
        "optional": False,
    }


def test_dense_weights_in_keras_layout_and_values(rng):
    layer = convlayers.Dense(3, activation="relu")
    x = rng.standard_normal((4, 5)).astype(np.float32)
    y = layer(x)
    assert [w.shape for w in layer.get_weights()] == [(5, 3), (3,)]
    kernel, bias = rng.standard_normal((5, 3)), rng.standard_normal(3)
    layer.set_weights([kernel, bias])
    expected = np.maximum(x.astype(np.float64) @ kernel + bias, 0)
    np.testing.assert_allclose(layer(x).detach().numpy(), expected, rtol=1e-5, atol=1e-5)
    assert y.shape == (4, 3)


def test_dense_on_rank_3_inputs_acts_on_the_last_axis(rng):
    layer = convlayers.Dense(2, use_bias=False)
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    out = layer(x).detach().numpy()
    kernel = layer.get_weights()[0].astype(np.float64)
    np.testing.assert_allclose(out, np.einsum("btc,cu->btu", x, kernel), rtol=1e-5, atol=1e-6)
    assert layer.compute_output_shape((None, 3, 4)) == (None, 3, 2)


def test_dense_errors():
    with pytest.raises(ValueError, match="invalid value for `units`, expected a positive integer"):
        convlayers.Dense(0)
    layer = convlayers.Dense(2)
    layer(torch.ones(1, 4))
    with pytest.raises(ValueError, match=r"axis -1 of input shape to have value 4.*\(1, 5\)"):
        layer(torch.ones(1, 5))
    with pytest.raises(ValueError, match="last dimension of the inputs to a Dense layer"):
        convlayers.Dense(2).build((None, None))


def test_flatten_orders_channels_first_like_keras():
    x = torch.arange(24.0).reshape(2, 3, 4)  # (N, C, L) for channels_first
    assert convlayers.Flatten()(x)[1].tolist() == list(range(12, 24))
    first = convlayers.Flatten(data_format="channels_first")(x)
    assert first[0].tolist() == x[0].T.reshape(-1).tolist()  # channels moved last, then flat
    assert convlayers.Flatten().compute_output_shape((None, 3, 4)) == (None, 12)
    assert convlayers.Flatten().compute_output_shape((None, None, 4)) == (None, None)


def test_activation_by_name_and_callable():
    x = torch.tensor([[-2.0, 0.5]])
    assert convlayers.Activation("relu")(x).tolist() == [[0.0, 0.5]]
    assert convlayers.Activation(torch.abs)(x).tolist() == [[2.0, 0.5]]
    assert convlayers.Activation("sigmoid").compute_output_shape((None, 2)) == (None, 2)


def test_dropout_follows_train_and_eval_mode():
    torch.manual_seed(0)
    layer = convlayers.Dropout(0.5)
    x = torch.ones(200, 50)
    train_out = layer(x)
    values = set(train_out.unique().tolist())
    assert values == {0.0, 2.0}  # kept entries scaled by 1 / (1 - 0.5)
    assert 0.4 < float((train_out == 0).float().mean()) < 0.6
    assert torch.equal(layer.eval()(x), x)
    assert torch.equal(layer(x, training=False), x)
    assert not torch.equal(layer(x, training=True), x)


def test_dropout_noise_shape_and_seed():
    layer = convlayers.Dropout(0.5, noise_shape=(None, 1, 4), seed=3)
    out = layer(torch.ones(3, 5, 4))
    assert torch.equal(out, out[:, :1, :].expand(3, 5, 4))  # one decision per (sample, channel)
    again = convlayers.Dropout(0.5, noise_shape=(None, 1, 4), seed=3)(torch.ones(3, 5, 4))
    assert torch.equal(out, again)
    with pytest.raises(
        ValueError, match=r"Invalid value 1.5 received for `rate`, .* Received: rate=1.5"
    ):
        convlayers.Dropout(1.5)


def test_reshape_infers_minus_one_and_checks_sizes():
    x = torch.arange(24.0).reshape(2, 3, 4)
    assert convlayers.Reshape((2, -1))(x).shape == (2, 2, 6)
    assert convlayers.Reshape((4, 3))(x).shape == (2, 4, 3)
    assert convlayers.Reshape((2, -1)).compute_output_shape((None, 3, 4)) == (None, 2, 6)
    with pytest.raises(
        ValueError,
        match=r"must be unchanged, input_shape = \[3, 4\], output_shape = \[5, -1\]",
    ):
        convlayers.Reshape((5, -1)).compute_output_shape((None, 3, 4))
    with pytest.raises(ValueError, match="`target_shape` must be"):
        convlayers.Reshape((-1, -1))


def test_input_layer_requires_a_shape():
    with pytest.raises(ValueError, match="`InputLayer` needs `input_shape`"):
        convlayers.InputLayer()
    with pytest.raises(ValueError, match="Sparse and ragged inputs are not supported"):
        convlayers.InputLayer(input_shape=(2,), sparse=True)


def test_glue_layers_in_a_model_state_dict_and_dtype():
    model = convlayers.Sequential(
        [
            convlayers.Reshape((4, 3), input_shape=(12,)),
            convlayers.Conv1D(2, 2, activation="relu"),
            convlayers.Flatten(),
            convlayers.Dropout(0.2),
            convlayers.Dense(1),
            convlayers.Activation("sigmoid"),
        ]
    )
    state = model.state_dict()
    assert list(state) == ["1.kernel", "1.bias", "4.kernel", "4.bias"]
    other = convlayers.Sequential.from_config(model.get_config())
    other.load_state_dict(state)
    x = torch.randn(5, 12)
    torch.testing.assert_close(other.eval()(x), model.eval()(x))
    model.to(torch.float64)
    assert model.layers[4].dtype == "float64" and model.layers[2].dtype == "float64"
    assert model.dtype == "float64"
    torch.testing.assert_close(model(x.double()), other(x).double(), rtol=1e-6, atol=1e-6)
