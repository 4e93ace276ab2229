"""Sequential: add/pop, shapes, summary, config round trip, deferred build, errors."""

import numpy as np
import pytest
import torch

import convlayers


def test_seed_002_example_runs_as_written():
    model = convlayers.Sequential()
    model.add(convlayers.LocallyConnected1D(64, 3, input_shape=(10, 32)))
    assert model.output_shape == (None, 8, 64)
    model.add(convlayers.LocallyConnected1D(32, 3))
    assert model.output_shape == (None, 6, 32)
    # out_len * (k * in) * filters + out_len * filters, by hand
    assert model.layers[0].count_params() == 8 * 3 * 32 * 64 + 8 * 64
    assert model.layers[1].count_params() == 6 * 3 * 64 * 32 + 6 * 32
    assert model(torch.randn(2, 10, 32)).shape == (2, 6, 32)


def test_layers_shapes_and_counts():
    model = convlayers.Sequential(
        [
            convlayers.Conv1D(4, 3, input_shape=(10, 2), name="conv"),
            convlayers.Flatten(name="flat"),
            convlayers.Dense(2, name="out"),
        ],
        name="stack",
    )
    assert [layer.name for layer in model.layers] == ["conv", "flat", "out"]
    assert model.input_shape == (None, 10, 2) and model.output_shape == (None, 2)
    assert [layer.output_shape for layer in model.layers] == [(None, 8, 4), (None, 32), (None, 2)]
    assert model.count_params() == (3 * 2 * 4 + 4) + (32 * 2 + 2)
    assert model.input.shape == (None, 10, 2) and model.output.shape == (None, 2)


def test_summary_matches_the_keras_table(capsys):
    model = convlayers.Sequential(
        [
            convlayers.Conv1D(4, 3, input_shape=(10, 2), name="conv1d_3"),
            convlayers.Flatten(name="flatten_1"),
            convlayers.Dense(2, name="dense_1"),
        ]
    )
    model.summary()
    # tf-keras 2.21 printed this for the same model (trailing spaces stripped)
    expected = """Model: "sequential"
_________________________________________________________________
 Layer (type)                Output Shape              Param #
=================================================================
 conv1d_3 (Conv1D)           (None, 8, 4)              28

 flatten_1 (Flatten)         (None, 32)                0

 dense_1 (Dense)             (None, 2)                 66

=================================================================
Total params: 94 (376.00 Byte)
Trainable params: 94 (376.00 Byte)
Non-trainable params: 0 (0.00 Byte)
_________________________________________________________________
"""
    printed = "\n".join(line.rstrip() for line in capsys.readouterr().out.splitlines()) + "\n"
    assert printed == expected


def test_summary_counts_frozen_weights_as_non_trainable():
    lines = []
    model = convlayers.Sequential([convlayers.Dense(3, input_shape=(2,), trainable=False)])
    model.summary(print_fn=lines.append)
    assert "Trainable params: 0 (0.00 Byte)" in lines
    assert "Non-trainable params: 9 (36.00 Byte)" in lines


def test_pop_removes_the_last_layer():
    model = convlayers.Sequential(
        [convlayers.Dense(4, input_shape=(3,)), convlayers.Dense(2), convlayers.Dense(1)]
    )
    last = model.pop()
    assert last.units == 1 and len(model.layers) == 2
    assert model.output_shape == (None, 2)
    assert model(torch.ones(5, 3)).shape == (5, 2)
    assert list(model.state_dict()) == ["0.kernel", "0.bias", "1.kernel", "1.bias"]
    model.pop()
    model.pop()
    with pytest.raises(TypeError, match="There are no layers in the model"):
        model.pop()


def test_deferred_build_on_first_call():
    model = convlayers.Sequential([convlayers.Conv1D(3, 2), convlayers.Flatten()])
    assert not model.built
    with pytest.raises(ValueError, match="This model has not yet been built"):
        model.summary()
    with pytest.raises(AttributeError):
        _ = model.output_shape
    assert model(torch.ones(4, 6, 2)).shape == (4, 15)
    assert model.output_shape == (None, 15) and model.input_shape == (None, 6, 2)


def test_add_an_input_first():
    model = convlayers.Sequential()
    model.add(convlayers.Input((7, 3)))
    model.add(convlayers.Conv1D(2, 3, padding="same"))
    assert model.output_shape == (None, 7, 2)
    with pytest.raises(ValueError, match="An InputLayer can only be added first"):
        model.add(convlayers.InputLayer(input_shape=(3,)))


def test_config_round_trip_keeps_structure_and_reproduces_outputs():
    model = convlayers.Sequential(
        [
            convlayers.SeparableConv1D(4, 3, input_shape=(12, 2), padding="same"),
            convlayers.LocallyConnected1D(3, 2, implementation=2),
            convlayers.Flatten(),
            convlayers.Dense(2, activation="softmax"),
        ],
        name="roundtrip",
    )
    config = model.get_config()
    assert config["name"] == "roundtrip"
    assert [entry["class_name"] for entry in config["layers"]] == [
        "InputLayer",
        "SeparableConv1D",
        "LocallyConnected1D",
        "Flatten",
        "Dense",
    ]
    assert config["layers"][1]["build_config"] == {"input_shape": (None, 12, 2)}
    assert "build_config" not in config["layers"][0]  # as the reference writes InputLayer
    clone = convlayers.Sequential.from_config(config)
    assert clone.get_config() == config
    clone.set_weights(model.get_weights())
    x = torch.randn(3, 12, 2)
    torch.testing.assert_close(clone(x), model(x))


def test_adding_a_layer_that_does_not_fit_names_expected_and_received():
    model = convlayers.Sequential([convlayers.Conv1D(4, 3, input_shape=(10, 2))])
    with pytest.raises(ValueError, match=r"current output of shape \(None, 8, 4\)"):
        model.add(convlayers.Conv1D(2, 20))
    dense = convlayers.Dense(2)
    dense(torch.ones(1, 5))  # built for 5 features
    other = convlayers.Sequential([convlayers.Flatten(input_shape=(2, 2))])
    with pytest.raises(
        ValueError, match=r"expected min_ndim=2 and axis -1 .* value 5.*\(None, 4\)"
    ):
        other.add(dense)
    assert len(other.layers) == 1  # the failed add left the model unchanged
    with pytest.raises(TypeError, match="must be an instance of class Layer"):
        other.add(torch.nn.ReLU())


def test_wrong_input_shape_on_call_is_a_value_error():
    model = convlayers.Sequential([convlayers.Dense(2, input_shape=(3,))])
    with pytest.raises(ValueError, match=r"expected shape=\(None, 3\), found shape=\(4, 5\)"):
        model(torch.ones(4, 5))
    with pytest.raises(ValueError, match=r"expected shape=\(None, 3\), found shape=\(4, 3, 1\)"):
        model(np.ones((4, 3, 1), np.float32))
