"""The Layer protocol: weights, trainable, losses, config, names, dtypes, copies."""

import copy

import numpy as np
import pytest
import torch

import convlayers
from convlayers import regularizers


class Scale(convlayers.Layer):
    """A minimal layer with a trainable and a non-trainable weight."""

    def build(self, input_shape):
        self.add_weight("scale", (input_shape[-1],), initializer="ones", regularizer="l2")
        self.add_weight("offset", (input_shape[-1],), initializer="zeros", trainable=False)

    def call(self, inputs):
        return inputs * self.scale + self.offset

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


class Pair(convlayers.Layer):
    """A layer made of two sublayers, for nested weight order and losses."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first = Scale()
        self.second = convlayers.Conv1D(2, 1, kernel_regularizer=regularizers.L1(0.5))

    def call(self, inputs):
        return self.second(self.first(inputs))


def test_build_on_first_call_and_weight_order():
    layer = Scale()
    assert not layer.built and layer.weights == []
    layer(torch.ones(2, 3))
    assert layer.built
    assert [tuple(w.shape) for w in layer.weights] == [(3,), (3,)]
    assert layer.trainable_weights == [layer.scale]
    assert layer.non_trainable_weights == [layer.offset]
    assert layer.variables == layer.weights and layer.trainable_variables == [layer.scale]
    assert layer.non_trainable_variables == [layer.offset]
    assert [name for name, _ in layer.named_parameters()] == ["scale", "offset"]


def test_nested_weights_in_keras_order():
    model = Pair()
    model(torch.ones(1, 4, 3))
    assert model.trainable_weights == [model.first.scale, model.second.kernel, model.second.bias]
    assert model.non_trainable_weights == [model.first.offset]
    model.trainable = False
    assert model.trainable_weights == []
    assert model.non_trainable_weights == [
        model.first.scale,
        model.first.offset,
        model.second.kernel,
        model.second.bias,
    ]
    assert not model.second.trainable
    assert not any(p.requires_grad for p in model.parameters())
    model.trainable = True
    assert model.second.kernel.requires_grad and not model.first.offset.requires_grad


def test_frozen_layer_gets_no_gradient():
    layer = convlayers.Conv1D(2, 3, trainable=False)
    x = torch.randn(1, 5, 2, requires_grad=True)
    layer(x).sum().backward()
    assert layer.kernel.grad is None and x.grad is not None
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2


def test_get_and_set_weights(rng):
    layer = convlayers.Conv1D(4, 3)
    layer.build((None, 7, 2))
    values = [rng.standard_normal((3, 2, 4)), rng.standard_normal(4)]
    layer.set_weights(values)
    got = layer.get_weights()
    assert all(isinstance(g, np.ndarray) and g.dtype == np.float32 for g in got)
    np.testing.assert_allclose(got[0], values[0].astype(np.float32))
    np.testing.assert_allclose(got[1], values[1].astype(np.float32))
    with pytest.raises(ValueError, match="weight list of length 1, but the layer was expecting 2"):
        layer.set_weights(values[:1])
    with pytest.raises(
        ValueError,
        match=r"weight shape \(3, 2, 4\) is not compatible with provided weight shape \(3, 4, 2\)",
    ):
        layer.set_weights([np.zeros((3, 4, 2)), values[1]])
    np.testing.assert_allclose(layer.get_weights()[0], values[0].astype(np.float32))


def test_count_params():
    layer = convlayers.Conv1D(4, 3, groups=2)
    with pytest.raises(
        ValueError,
        match="You tried to call `count_params` on layer conv1d, but the layer isn't built",
    ):
        layer.count_params()
    layer.build((None, 10, 6))
    assert layer.count_params() == 3 * 3 * 4 + 4


def test_weight_regularizer_computed_when_read():
    layer = convlayers.Conv1D(2, 1, kernel_regularizer=regularizers.L2(0.1), bias_regularizer="l1")
    layer.build((None, 3, 2))
    layer.set_weights([np.full((1, 2, 2), 2.0), np.array([1.0, -3.0])])
    assert [round(float(v.detach()), 6) for v in layer.losses] == [1.6, 0.04]
    with torch.no_grad():
        layer.kernel.fill_(1.0)
    assert round(float(layer.losses[0].detach()), 6) == 0.4


def test_activity_regularizer_divided_by_batch_and_reset_per_call():
    layer = convlayers.Conv1D(
        1, 1, use_bias=False, kernel_initializer="ones", activity_regularizer=regularizers.L1(1.0)
    )
    x = torch.ones(4, 3, 1)
    layer(x)
    assert len(layer.losses) == 1 and float(layer.losses[0].detach()) == pytest.approx(12 / 4)
    layer(2 * x[:2])
    assert len(layer.losses) == 1 and float(layer.losses[0].detach()) == pytest.approx(12 / 2)


def test_activity_losses_of_a_reused_sublayer_all_count():
    inner = convlayers.Conv1D(
        1, 1, use_bias=False, kernel_initializer="ones", activity_regularizer=regularizers.L1(1.0)
    )

    class Twice(convlayers.Layer):
        def __init__(self):
            super().__init__()
            self.inner = inner

        def call(self, x):
            return self.inner(self.inner(x))

    outer = Twice()
    outer(torch.ones(2, 3, 1))
    assert [float(v.detach()) for v in outer.losses] == [3.0, 3.0]
    outer(torch.ones(1, 3, 1))
    assert [float(v.detach()) for v in outer.losses] == [3.0, 3.0]


def test_add_loss_and_update():
    layer = Scale()
    layer.add_loss(torch.tensor(2.0))
    layer.add_loss(lambda: torch.tensor(3.0))
    layer.add_update("step")
    assert [float(v.detach()) for v in layer.losses] == [2.0, 3.0]
    assert layer.updates == ["step"]


def test_regularization_loss_and_constraints_for_plain_torch():
    model = torch.nn.Sequential(
        Pair(),
        torch.nn.ReLU(),
        convlayers.Conv1D(2, 1, kernel_constraint="non_neg", bias_regularizer=regularizers.L2(1.0)),
    )
    x = torch.ones(1, 4, 3)
    model(x)
    with torch.no_grad():
        for p in model.parameters():
            p.fill_(-1.0)
    # Scale: l2(0.01) * 3 ; Conv1D L1(0.5) * 6 ; last bias L2(1.0) * 2
    assert float(convlayers.regularization_loss(model).detach()) == pytest.approx(0.03 + 3.0 + 2.0)
    convlayers.apply_constraints(model)
    assert torch.all(model[2].kernel == 0) and torch.all(model[2].bias == -1)
    assert float(convlayers.regularization_loss(torch.nn.Linear(2, 2))) == 0.0


def test_unique_names_and_explicit_name():
    names = [convlayers.Conv1D(1, 1).name for _ in range(3)]
    assert names == ["conv1d", "conv1d_1", "conv1d_2"]
    assert convlayers.Conv1D(1, 1, name="encoder").name == "encoder"
    unused = Scale()
    assert unused.name == "scale"
    with pytest.raises(
        ValueError, match=r'^No name available for layer scope because the layer "scale_1"'
    ):
        _ = Scale().scope_name
    unused(torch.ones(1, 2))
    assert unused.scope_name == "scale"
    convlayers.clear_session()
    assert convlayers.Conv1D(1, 1).name == "conv1d"


def test_unknown_keyword_is_refused():
    with pytest.raises(TypeError, match="Keyword argument not understood: kernel_sise "):
        convlayers.Conv1D(1, 1, kernel_sise=3)


@pytest.mark.parametrize(
    ("dtype", "torch_dtype"),
    [("float64", torch.float64), ("bfloat16", torch.bfloat16), (None, torch.float32)],
)
def test_dtypes_and_numpy_inputs(dtype, torch_dtype):
    layer = convlayers.Conv1D(3, 2, dtype=dtype)
    y = layer(np.ones((2, 5, 4)))
    assert isinstance(y, torch.Tensor) and y.dtype == torch_dtype
    assert layer.kernel.dtype == torch_dtype and layer.dtype == (dtype or "float32")
    assert layer.get_config()["dtype"] == (dtype or "float32")


def test_bad_dtype():
    with pytest.raises(ValueError, match="Received: dtype='int32'"):
        convlayers.Conv1D(3, 2, dtype="int32")


def test_module_to_dtype_updates_layer_dtype():
    layer = convlayers.Conv1D(3, 2)
    layer(torch.ones(1, 4, 2))
    layer.double()
    assert layer.dtype == "float64"
    assert layer(torch.ones(1, 4, 2)).dtype == torch.float64


def test_config_round_trip_and_batch_input_shape():
    layer = convlayers.Conv1D(
        5, 3, strides=2, padding="same", activation="relu", input_shape=(10, 4), name="c"
    )
    config = layer.get_config()
    assert config["batch_input_shape"] == (None, 10, 4)
    clone = convlayers.Conv1D.from_config(config)
    assert clone.get_config() == config


def test_deepcopy_copies_weights_and_drops_call_state():
    layer = convlayers.Conv1D(2, 1, activity_regularizer="l2")
    layer(torch.ones(1, 3, 2))
    clone = copy.deepcopy(layer)
    assert clone.name == layer.name and clone.losses == []
    assert clone.kernel is not layer.kernel and torch.equal(clone.kernel, layer.kernel)
    with torch.no_grad():
        clone.kernel.add_(1.0)
    assert not torch.equal(clone.kernel, layer.kernel)


def test_apply_calls_the_layer_or_maps_a_function():
    layer = convlayers.Conv1D(2, 1)
    assert layer.apply(torch.ones(1, 3, 2)).shape == (1, 3, 2)
    seen = []
    layer.apply(lambda module: seen.append(type(module).__name__))
    assert seen == ["Conv1D"]


def test_call_returning_none_is_an_error():
    class Broken(convlayers.Layer):
        def call(self, inputs):
            return None

    with pytest.raises(ValueError, match="The `call` method of layer 'broken' returned None"):
        Broken()(torch.ones(1))


def test_graph_is_not_available_in_eager_use():
    with (
        pytest.warns(UserWarning, match="deprecated"),
        pytest.raises(RuntimeError, match=r"^Layer\.graph not supported when executing eagerly"),
    ):
        _ = convlayers.Conv1D(1, 1).graph


def test_add_weight_errors():
    layer = Scale()
    layer.add_weight("w", (2,))
    with pytest.raises(ValueError, match="already has an attribute or weight named 'w'"):
        layer.add_weight("w", (2,))
    with pytest.raises(ValueError, match="Received: name='a/b'"):
        layer.add_weight("a/b", (2,))
    partitioned = layer.add_weight("v", (2,), partitioner=lambda shape, dtype: [2])
    assert [tuple(shard.shape) for shard in partitioned] == [(1,), (1,)]
    assert layer.add_variable("u", (2, 3)).shape == (2, 3)


def test_compute_output_shape_type_error():
    with pytest.raises(TypeError, match="Received: input_shape='abc'"):
        convlayers.Conv1D(1, 1).compute_output_shape("abc")


def test_state_dict_round_trip():
    layer = convlayers.Conv1D(2, 3)
    layer(torch.ones(1, 5, 2))
    other = convlayers.Conv1D(2, 3)
    other.build((None, 5, 2))
    other.load_state_dict(layer.state_dict())
    assert torch.equal(other.kernel, layer.kernel)
    assert list(layer.state_dict()) == ["kernel", "bias"]


def test_weights_argument_sets_the_initial_weights_eagerly_and_symbolically():
    kernel = np.arange(6, dtype=np.float32).reshape(3, 2)
    bias = np.array([0.5, -0.5], np.float32)
    eager = convlayers.Dense(2, weights=[kernel, bias])
    torch.testing.assert_close(eager(torch.ones(1, 3)), torch.tensor([[6.5, 8.5]]))
    model = convlayers.Sequential([convlayers.Dense(2, input_shape=(3,), weights=[kernel, bias])])
    np.testing.assert_array_equal(model.layers[0].get_weights()[0], kernel)
    with pytest.raises(ValueError, match="weight shape"):
        convlayers.Dense(2, weights=[kernel.T, bias])(torch.ones(1, 3))


def test_autocast_false_keeps_the_input_dtype():
    layer = convlayers.Activation("relu", autocast=False)
    assert layer(torch.ones(2, dtype=torch.float64)).dtype == torch.float64
    assert convlayers.Activation("relu")(torch.ones(2, dtype=torch.float64)).dtype == torch.float32
