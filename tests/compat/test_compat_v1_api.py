"""convlayers.compat.v1 beyond the reference scenarios: partitioner callables on the
reference grid, graphs and collections, scope objects, refusals, TF1 layer extras."""

import copy
import json

import numpy as np
import pytest
import torch
from fixture_loader import FIXTURES

import convlayers
import convlayers.compat.v1 as tf

PARTITION_CASES = json.loads((FIXTURES / "compat_v1_partitions.json").read_text())["cases"]
DTYPES = {
    "float32": tf.float32,
    "float64": tf.float64,
    "float16": tf.float16,
    "bfloat16": tf.bfloat16,
    "int32": tf.int32,
    "int64": tf.int64,
}
PARTITIONERS = {
    "fixed": tf.fixed_size_partitioner,
    "axis_size": tf.variable_axis_size_partitioner,
    "min_max": tf.min_max_variable_partitioner,
}


def test_partitioner_callables_answer_as_tensorflow():
    for case in PARTITION_CASES:
        partitioner = PARTITIONERS[case["partitioner"]](**case["args"])
        answer = partitioner(shape=case["shape"], dtype=DTYPES[case["dtype"]])
        assert answer == case["partitions"], case


def test_partitioner_arguments_are_checked_as_tensorflow():
    with pytest.raises(ValueError, match="Both max_shard_bytes and bytes_per_string_element"):
        tf.variable_axis_size_partitioner(0)
    with pytest.raises(ValueError, match="max_shards must be positive"):
        tf.variable_axis_size_partitioner(10, max_shards=-1)
    assert tf.min_max_variable_partitioner(8, min_slice_size=4)((16,), "float32") == [8]


def test_import_as_tf1_users_do():
    import convlayers.compat.v1 as tf_module
    from convlayers.compat import v1

    assert tf_module is v1 is convlayers.compat.v1
    assert v1.layers.Conv1D is tf.layers.Conv1D


def test_graphs_collections_and_reset():
    w = tf.get_variable("w", (2,))
    tf.add_to_collection("mine", 3)
    tf.add_to_collections(["mine", "other"], 4)
    assert tf.get_collection("mine") == [3, 4] and tf.get_collection_ref("other") == [4]
    assert tf.get_default_graph().get_all_collection_keys() == [
        "variables",
        "trainable_variables",
        "mine",
        "other",
    ]
    with tf.Graph().as_default() as graph:
        assert tf.get_default_graph() is graph and tf.global_variables() == []
        inner = tf.get_variable("w", (3,))  # a fresh store: no clash
        with pytest.raises(AssertionError, match=r"Do not use tf\.reset_default_graph"):
            tf.reset_default_graph()
    assert tf.global_variables() == [w] and inner is not w
    with tf.variable_scope("s"):
        tf.get_variable("v", (1,))
    assert [v.name for v in tf.global_variables(scope="s/")] == ["s/v:0"]
    tf.reset_default_graph()
    assert tf.global_variables() == [] and tf.get_variable("w", (2,)) is not w


def test_variable_scope_objects():
    with tf.variable_scope("a", initializer=tf.ones_initializer(), dtype=tf.float64) as scope:
        assert tf.get_variable_scope() is scope and scope.original_name_scope == "a/"
        v = tf.get_variable("v", (2,))
        scope.reuse_variables()
        assert scope.reuse is True and tf.get_variable("v", (2,)) is v
        with pytest.raises(ValueError, match="Trying to share variable a/v, but specified dtype"):
            tf.get_variable("v", (2,), dtype=tf.float32)
    assert v.dtype == torch.float64 and float(v.detach().sum()) == 2.0
    assert scope.global_variables() == [v] and scope.trainable_variables() == [v]
    assert "reuse=True" in repr(scope) and tf.get_variable_scope().name == ""
    outer = tf.variable_scope("outer")
    inner = tf.variable_scope("inner")
    outer.__enter__()
    inner.__enter__()
    with pytest.raises(RuntimeError, match="Improper nesting of variable_scope"):
        outer.__exit__(None, None, None)
    inner.__exit__(None, None, None)
    outer.__exit__(None, None, None)


def test_get_variable_initializers_and_dtypes():
    c = tf.get_variable("c", initializer=np.array([1.0, 2.0]))
    assert c.dtype == torch.float64 and c.shape == (2,)
    step = tf.get_variable("step", (), tf.int64, initializer=tf.zeros_initializer)
    assert step.dtype == torch.int64 and not step.requires_grad
    assert tf.get_variable("r", (3,), initializer=tf.constant_initializer(0.5)).sum() == 1.5
    assert "Variable 'c:0' containing" in repr(c)
    assert copy.deepcopy(c).name == "c:0"
    c.assign([3.0, 4.0])
    assert c.tolist() == [3.0, 4.0]
    assert tf.random_uniform_initializer().maxval == 1.0
    assert tf.truncated_normal_initializer(stddev=0.1).stddev == 0.1


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: tf.variable_scope("x", caching_device="/cpu:0"), "caching_device"),
        (
            lambda: tf.variable_scope("x", custom_getter=lambda g, *a, **k: g(*a, **k)),
            "custom_getter",
        ),
        (lambda: tf.get_variable("x", (1,), synchronization="ON_READ"), "synchronization"),
    ],
)
def test_unsupported_arguments_are_refused(call, name):
    with pytest.raises(ValueError, match=f"`{name}` is not supported by convlayers.compat.v1"):
        call()


def test_tf1_layer_extras():
    layer = tf.layers.Conv1D(4, 3)
    assert layer.name == "conv1d_1"
    with pytest.raises(ValueError, match="has not been used yet"):
        _ = layer.scope_name
    y = layer.apply(torch.ones(2, 6, 3))
    assert y.shape == (2, 4, 4) and layer.scope_name == "conv1d"
    with pytest.warns(UserWarning, match="deprecated"), pytest.raises(RuntimeError):
        _ = layer.graph
    config = layer.get_config()
    assert config["kernel_initializer"] is None and config["data_format"] == "channels_last"
    twin = tf.layers.Conv1D.from_config({**config, "name": "twin"})
    assert twin.name == "twin" and twin.kernel_initializer is None
    assert convlayers.layers.registry.layer_class("Conv1D") is convlayers.Conv1D


def test_tf1_layer_add_variable_signature_and_symbolic_inputs():
    class Bias(tf.layers.Layer):
        def build(self, input_shape):
            # TF1's positional order: ..., trainable, constraint, partitioner
            self.b = self.add_variable(
                "b",
                [input_shape[-1]],
                None,
                tf.ones_initializer(),
                None,
                True,
                None,
                tf.fixed_size_partitioner(2),
            )

        def call(self, inputs):
            return inputs + self.b

        def compute_output_shape(self, input_shape):
            return input_shape

    layer = Bias()
    out = layer(convlayers.Input((5,)))
    assert out.shape == (None, 5)
    assert [v.name for v in tf.global_variables()] == ["bias/b/part_0:0", "bias/b/part_1:0"]
    assert layer(torch.zeros(1, 5)).tolist() == [[1.0] * 5]


def test_built_tf1_layer_call_is_the_plain_call():
    layer = tf.layers.SeparableConv1D(4, 3, padding="same")
    x = torch.randn(2, 9, 3)
    layer(x)
    plain = convlayers.SeparableConv1D(4, 3, padding="same")
    plain(x)
    plain.set_weights(layer.get_weights())
    torch.testing.assert_close(layer(x), plain(x), rtol=0, atol=0)
