"""Functional model configs: inbound nodes in tf-keras' list form and Keras 3's dict form,
layers with several inputs, tensors and constants in call arguments, shared layers; and
the round trip get_config -> from_config -> files."""

import numpy as np
import pytest
import torch

import convlayers
from convlayers.engine.graph_config import TensorRef, parse_node, parse_refs, serialize_node


class Add2(convlayers.Layer):
    """A two-input layer (as the merge layers are), for these tests."""

    def call(self, inputs):
        return inputs[0] + inputs[1]

    def compute_output_shape(self, input_shape):
        return input_shape[0]


class Gate(convlayers.Layer):
    """A layer with a tensor and a constant among its call keyword arguments."""

    def call(self, inputs, gate=None, scale=1.0):
        return inputs * torch.sigmoid(gate) * scale

    def compute_output_shape(self, input_shape):
        return input_shape


class Pack(convlayers.Layer):
    """Keeps its input structure in configs (as tf-keras' TFOpLambda does)."""

    _preserve_input_structure_in_config = True

    def call(self, inputs):
        return inputs[0] * 2 if isinstance(inputs, list) else inputs * 3

    def compute_output_shape(self, input_shape):
        return input_shape[0] if isinstance(input_shape, list) else input_shape


CUSTOM = {"Add2": Add2, "Gate": Gate, "Pack": Pack}


def test_legacy_nodes_parse():
    call = parse_node([["a", 0, 0, {"training": False}], ["b", 1, 2, {"training": False}]])
    assert call.inputs == [TensorRef("a", 0, 0), TensorRef("b", 1, 2)]
    assert call.kwargs == {"training": False}
    call = parse_node([["dense", 0, 0, {"y": ["other", 0, 0], "name": None}]])
    assert call.kwargs == {"y": TensorRef("other", 0, 0), "name": None}
    call = parse_node(["_CONSTANT_VALUE", -1, 2.5, {}])
    assert call.inputs == 2.5
    assert parse_node(["x", 0, 0, {}]).inputs == TensorRef("x", 0, 0)


def test_keras_3_nodes_parse():
    tensor = {"class_name": "__keras_tensor__", "config": {"keras_history": ["a", 0, 1]}}
    array = {"class_name": "__numpy__", "config": {"value": [1.0, 2.0], "dtype": "float32"}}
    call = parse_node({"args": [[tensor, tensor]], "kwargs": {"mask": None, "w": array}})
    assert call.inputs == [TensorRef("a", 0, 1)] * 2
    assert call.kwargs["mask"] is None
    np.testing.assert_array_equal(call.kwargs["w"], [1.0, 2.0])


@pytest.mark.parametrize(
    "data", [[["a", 0]], {"args": []}, [["a", 0, 0, "not kwargs"]], {"args": [{"class_name": "X"}]}]
)
def test_bad_node_data_is_a_value_error(data):
    with pytest.raises(ValueError, match=r"[Nn]ode"):
        parse_node(data)


def test_input_and_output_references():
    assert parse_refs(["x", 0, 0]) == TensorRef("x", 0, 0)
    assert parse_refs([["x", 0, 0], ["y", 0, 0]]) == [TensorRef("x", 0, 0), TensorRef("y", 0, 0)]
    assert parse_refs({"a": ["x", 0, 0]}) == {"a": TensorRef("x", 0, 0)}


def _graph_model():
    a = convlayers.Input((5, 3), name="a")
    b = convlayers.Input((5, 3), name="b")
    shared = convlayers.Dense(3, name="shared")
    sa, sb = shared(a), shared(b)
    added = Add2(name="add")([sa, sb])
    gated = Gate(name="gate")(added, gate=sb, scale=0.5)
    packed = Pack(name="pack")(gated)
    return convlayers.Model([a, b], [packed, shared(gated)], name="graph")


def test_serialized_nodes_are_tf_keras_lists():
    model = _graph_model()
    config = model.get_config()
    nodes = {entry["name"]: entry["inbound_nodes"] for entry in config["layers"]}
    assert nodes["add"] == [[["shared", 0, 0, {}], ["shared", 1, 0, {}]]]
    assert nodes["gate"] == [[["add", 0, 0, {"gate": ["shared", 1, 0], "scale": 0.5}]]]
    assert nodes["pack"] == [["gate", 0, 0, {}]]  # its structure kept: one bare reference
    assert nodes["shared"] == [[["a", 0, 0, {}]], [["b", 0, 0, {}]], [["gate", 0, 0, {}]]]
    assert config["output_layers"] == [["pack", 0, 0], ["shared", 2, 0]]
    node = model.get_layer("gate")._inbound_nodes[0]
    assert serialize_node(node, lambda t: ["t"]) == [["t", {"gate": ["t"], "scale": 0.5}]]


def test_a_graph_with_several_inputs_kwargs_and_a_shared_layer_round_trips(tmp_path, rng):
    model = _graph_model()
    xs = [rng.standard_normal((2, 5, 3)).astype("float32") for _ in range(2)]
    expected = model.predict(xs)
    config = model.get_config()
    rebuilt = convlayers.Model.from_config(config, custom_objects=CUSTOM)
    assert rebuilt.get_config() == config
    rebuilt.set_weights(model.get_weights())
    for got, want in zip(rebuilt.predict(xs), expected):
        np.testing.assert_array_equal(got, want)
    for suffix in ("h5", "keras"):
        model.save(tmp_path / f"m.{suffix}")
        loaded = convlayers.load_model(tmp_path / f"m.{suffix}", custom_objects=CUSTOM)
        for got, want in zip(loaded.predict(xs), expected):
            np.testing.assert_array_equal(got, want)


def _keras3_tensor(name, node=0, index=0):
    return {"class_name": "__keras_tensor__", "config": {"keras_history": [name, node, index]}}


def test_a_keras_3_config_with_dict_nodes_builds():
    config = {
        "name": "k3",
        "trainable": True,
        "layers": [
            {
                "class_name": "InputLayer",
                "config": {"batch_shape": [None, 4], "name": "x"},
                "name": "x",
                "inbound_nodes": [],
            },
            {
                "class_name": "Dense",
                "config": {"units": 4, "name": "d"},
                "name": "d",
                "inbound_nodes": [
                    {"args": [_keras3_tensor("x")], "kwargs": {}},
                    {"args": [_keras3_tensor("d", 0)], "kwargs": {}},
                ],
            },
            {
                "class_name": "Add2",
                "config": {"name": "add"},
                "name": "add",
                "inbound_nodes": [
                    {"args": [[_keras3_tensor("d", 0), _keras3_tensor("d", 1)]], "kwargs": {}}
                ],
            },
        ],
        "input_layers": ["x", 0, 0],
        "output_layers": ["add", 0, 0],
    }
    entry = convlayers.saving.model_config.normalize_config(
        {"class_name": "Functional", "config": config}
    )
    model = convlayers.layers.registry.deserialize_layer(entry, CUSTOM)
    dense = model.get_layer("d")
    x = torch.randn(3, 4)
    torch.testing.assert_close(model(x), dense(x) + dense(dense(x)))


def test_an_unresolvable_graph_is_a_value_error():
    config = _graph_model().get_config()
    config["layers"][-1]["inbound_nodes"] = [[["nowhere", 0, 0, {}]]]
    with pytest.raises(ValueError, match="Cannot rebuild the model graph"):
        convlayers.Model.from_config(config, custom_objects=CUSTOM)


def test_a_nested_model_counts_its_own_node_first_in_tf_keras_configs():
    inner = convlayers.Sequential([convlayers.Dense(2, input_shape=(3,))], name="inner")
    x = convlayers.Input((3,))
    outer = convlayers.Model(x, convlayers.Dense(1, name="out")(inner(x)))
    config = outer.get_config()
    out = next(e for e in config["layers"] if e["name"] == "out")
    assert out["inbound_nodes"] == [[["inner", 1, 0, {}]]]
    rebuilt = convlayers.Model.from_config(config)
    assert rebuilt.get_config() == config
