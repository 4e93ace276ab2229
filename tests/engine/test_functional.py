"""Functional Model: several inputs/outputs, shared layers, nesting, configs, errors."""

import copy

import numpy as np
import pytest
import torch

import convlayers


def two_tower():
    a = convlayers.Input((10, 3), name="a")
    b = convlayers.Input((10, 3), name="b")
    shared = convlayers.Conv1D(4, 3, name="shared")
    flat = convlayers.Flatten(name="flat")
    ya, yb = flat(shared(a)), flat(shared(b))
    out_a = convlayers.Dense(2, name="head_a")(ya)
    out_b = convlayers.Dense(1, name="head_b")(yb)
    return convlayers.Model([a, b], [out_a, out_b], name="two")


def test_several_inputs_and_outputs_with_a_shared_layer(rng):
    model = two_tower()
    assert [layer.name for layer in model.layers] == [
        "a",
        "b",
        "shared",
        "flat",
        "head_a",
        "head_b",
    ]
    assert model.input_shape == [(None, 10, 3), (None, 10, 3)]
    assert model.output_shape == [(None, 2), (None, 1)]
    shared = model.get_layer("shared")
    assert len(shared._inbound_nodes) == 2 and shared.count_params() == 3 * 3 * 4 + 4
    assert len(model.weights) == 6  # shared conv once, two heads
    xa = rng.standard_normal((5, 10, 3)).astype(np.float32)
    xb = rng.standard_normal((5, 10, 3)).astype(np.float32)
    out_a, out_b = model([xa, xb])
    # the same computation written by hand with the model's own layers
    manual_b = model.get_layer("head_b")(torch.flatten(shared(torch.from_numpy(xb)), 1))
    torch.testing.assert_close(out_b, manual_b)
    assert out_a.shape == (5, 2)


def test_calling_a_model_on_symbolic_tensors_and_nesting():
    inner_in = convlayers.Input((8, 2))
    inner = convlayers.Model(
        inner_in, convlayers.Conv1D(3, 3, padding="same")(inner_in), name="inner"
    )
    x = convlayers.Input((8, 2))
    y = inner(x)
    assert isinstance(y, convlayers.SymbolicTensor) and y.shape == (None, 8, 3)
    free_in = convlayers.Input((None, 2))
    free = convlayers.Model(free_in, convlayers.Conv1D(3, 4, strides=2)(free_in))
    y2 = free(convlayers.Input((16, 2)))  # shapes inferred through the inner graph
    assert y2.shape == (None, 7, 3)  # ceil((16 - 4 + 1) / 2), by hand
    with pytest.raises(ValueError, match=r"expected shape=\(None, 8, 2\), found shape=\(None, 16"):
        inner(convlayers.Input((16, 2)))
    outer = convlayers.Model(x, convlayers.Dense(1)(convlayers.Flatten()(y)), name="outer")
    assert [layer.name for layer in outer.layers][1] == "inner"
    assert len(outer.weights) == 4 and outer.count_params() == (3 * 2 * 3 + 3) + (24 + 1)
    data = torch.randn(2, 8, 2)
    expected = outer.layers[-1](torch.flatten(inner(data), 1))
    torch.testing.assert_close(outer(data), expected)
    assert list(outer.state_dict())[:2] == ["1.1.kernel", "1.1.bias"]


def test_nested_sequential_in_a_functional_model_trains_its_weights():
    block = convlayers.Sequential([convlayers.Dense(4, input_shape=(3,)), convlayers.Dense(2)])
    x = convlayers.Input((3,))
    model = convlayers.Model(x, convlayers.Activation("softmax")(block(x)))
    before = [w.detach().clone() for w in block.weights]
    model.compile("sgd", "categorical_crossentropy")
    model.fit(np.ones((8, 3), np.float32), np.eye(2)[[0, 1] * 4], epochs=1, verbose=0)
    assert all(not torch.equal(b, w) for b, w in zip(before, block.weights))


def test_config_round_trip_of_a_graph_with_shared_layers():
    model = two_tower()
    config = model.get_config()
    layers = {entry["name"]: entry for entry in config["layers"]}
    assert layers["shared"]["inbound_nodes"] == [[["a", 0, 0, {}]], [["b", 0, 0, {}]]]
    assert layers["head_b"]["inbound_nodes"] == [[["flat", 1, 0, {}]]]
    assert config["input_layers"] == [["a", 0, 0], ["b", 0, 0]]
    assert config["output_layers"] == [["head_a", 0, 0], ["head_b", 0, 0]]
    convlayers.clear_session()
    clone = convlayers.Model.from_config(config)
    assert clone.get_config() == config
    clone.set_weights(model.get_weights())
    xs = [torch.randn(2, 10, 3), torch.randn(2, 10, 3)]
    for got, want in zip(clone(xs), model(xs)):
        torch.testing.assert_close(got, want)


def test_nested_model_config_round_trip():
    inner_in = convlayers.Input((6, 2))
    inner = convlayers.Model(inner_in, convlayers.Conv1D(2, 3)(inner_in), name="inner")
    x = convlayers.Input((6, 2))
    outer = convlayers.Model(x, convlayers.Flatten()(inner(x)), name="outer")
    config = outer.get_config()
    assert config["layers"][1]["class_name"] == "Functional"
    clone = convlayers.Model.from_config(config)
    clone.set_weights(outer.get_weights())
    data = torch.randn(3, 6, 2)
    torch.testing.assert_close(clone(data), outer(data))


def test_wrong_number_of_inputs_names_expected_and_received():
    model = two_tower()
    with pytest.raises(ValueError, match=r'Layer "two" expects 2 input\(s\), but it received 1'):
        model(torch.randn(2, 10, 3))
    x = convlayers.Input((10, 3))
    with pytest.raises(ValueError, match=r"expects 2 input\(s\), but it received 1"):
        model(x)


def test_incompatible_input_shape_names_expected_and_received():
    model = two_tower()
    bad = [torch.randn(2, 10, 3), torch.randn(2, 9, 3)]
    with pytest.raises(
        ValueError,
        match=r'Input 1 of layer "two" is incompatible.*expected shape=\(None, 10, 3\), '
        r"found shape=\(2, 9, 3\)",
    ):
        model(bad)


def test_graph_errors():
    a, b = convlayers.Input((2,)), convlayers.Input((2,))
    y = convlayers.Dense(1)(b)
    with pytest.raises(ValueError, match="Graph disconnected"):
        convlayers.Model(a, y)
    with pytest.raises(ValueError, match="must be symbolic tensors"):
        convlayers.Model(a, torch.ones(1))
    with pytest.raises(ValueError, match=r"inputs must come from `convlayers.Input`"):
        convlayers.Model(y, convlayers.Dense(1)(y))


def test_a_model_is_a_plain_torch_module():
    x = convlayers.Input((4,))
    model = convlayers.Model(x, convlayers.Dense(2)(convlayers.Dropout(0.5)(x)))
    assert isinstance(model, torch.nn.Module)
    data = torch.ones(64, 4)
    model.eval()
    torch.testing.assert_close(model(data), model(data))
    model.train()
    assert not torch.equal(model(data), model(data))  # Dropout active in train mode
    torch.testing.assert_close(model(data, training=False), model.eval()(data))
    clone = convlayers.Model.from_config(model.get_config())
    clone.load_state_dict(model.state_dict())
    torch.testing.assert_close(clone.eval()(data), model(data))


def test_deepcopy_gives_an_independent_model():
    x = convlayers.Input((6, 2))
    model = convlayers.Model(
        x, convlayers.Dense(1)(convlayers.Flatten()(convlayers.Conv1D(3, 2)(x)))
    )
    clone = copy.deepcopy(model)
    data = torch.randn(2, 6, 2)
    torch.testing.assert_close(clone(data), model(data))
    with torch.no_grad():
        clone.layers[1].kernel.add_(1.0)
    assert not torch.allclose(clone(data), model(data))
    assert clone.output_shape == (None, 1) and clone.layers[1] is not model.layers[1]


def test_models_compile_with_torch_compile():
    x = convlayers.Input((10, 2))
    h = convlayers.SeparableConv1D(4, 3, padding="same", activation="relu")(x)
    y = convlayers.Dense(2)(convlayers.Flatten()(convlayers.Dropout(0.5)(h)))
    model = convlayers.Model(x, y).eval()
    data = torch.randn(3, 10, 2)
    compiled = torch.compile(model, backend="aot_eager", fullgraph=True)
    torch.testing.assert_close(compiled(data), model(data))


def test_get_layer_errors():
    model = two_tower()
    assert model.get_layer(index=-1).name == "head_b"
    with pytest.raises(ValueError, match="No such layer: nope"):
        model.get_layer("nope")
    with pytest.raises(ValueError, match="retrieve layer at index 9 but model only has 6 layers"):
        model.get_layer(index=9)


def test_summary_of_a_graph_matches_the_keras_table(capsys):
    two_tower().summary()
    # tf-keras 2.21 printed this for the same model (trailing spaces stripped)
    expected = """Model: "two"
__________________________________________________________________________________________________
 Layer (type)                Output Shape                 Param #   Connected to
==================================================================================================
 a (InputLayer)              [(None, 10, 3)]              0         []

 b (InputLayer)              [(None, 10, 3)]              0         []

 shared (Conv1D)             (None, 8, 4)                 40        ['a[0][0]',
                                                                     'b[0][0]']

 flat (Flatten)              (None, 32)                   0         ['shared[0][0]',
                                                                     'shared[1][0]']

 head_a (Dense)              (None, 2)                    66        ['flat[0][0]']

 head_b (Dense)              (None, 1)                    33        ['flat[1][0]']

==================================================================================================
Total params: 139 (556.00 Byte)
Trainable params: 139 (556.00 Byte)
Non-trainable params: 0 (0.00 Byte)
__________________________________________________________________________________________________
"""
    printed = "\n".join(line.rstrip() for line in capsys.readouterr().out.splitlines()) + "\n"
    assert printed == expected
