"""Symbolic calls, nodes and the Keras node accessors; masks, ``scope``, conditional losses."""

import numpy as np
import pytest
import torch

import convlayers
from convlayers import regularizers


class Boom(convlayers.Layer):
    """A layer whose computation must never run on symbolic inputs."""

    def call(self, inputs):
        raise AssertionError("call ran on a symbolic input")

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 7)


def test_input_is_a_placeholder_with_the_batch_axis():
    x = convlayers.Input((10, 3), name="x")
    assert isinstance(x, convlayers.SymbolicTensor)
    assert x.shape == (None, 10, 3) and x.dtype == "float32" and x.ndim == 3
    assert convlayers.Input((None, 4), batch_size=8).shape == (8, None, 4)
    assert convlayers.Input(batch_shape=(2, 5)).shape == (2, 5)
    assert "created by layer 'x'" in repr(x)


def test_default_input_names_follow_keras():
    assert [convlayers.Input((1,)).node.layer.name for _ in range(3)] == [
        "input_1",
        "input_2",
        "input_3",
    ]


def test_symbolic_call_infers_the_shape_and_computes_nothing():
    x = convlayers.Input((10, 3))
    y = Boom()(x)
    assert isinstance(y, convlayers.SymbolicTensor) and y.shape == (None, 7)
    z = convlayers.Conv1D(5, 4, strides=2, padding="valid")(x)
    assert z.shape == (None, 4, 5)  # ceil((10 - 4 + 1) / 2) = 4, by hand


def test_symbolic_call_builds_the_layer_with_keras_weights():
    conv = convlayers.Conv1D(6, 3)
    conv(convlayers.Input((12, 4)))
    assert conv.built and [tuple(w.shape) for w in conv.weights] == [(3, 4, 6), (6,)]


def test_symbolic_input_that_does_not_fit_is_a_value_error():
    conv = convlayers.Conv1D(6, 3)
    conv(torch.zeros(1, 12, 4))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 4"):
        conv(convlayers.Input((12, 5)))
    with pytest.raises(ValueError, match="mix of symbolic and concrete"):
        convlayers.Layer()([convlayers.Input((2,)), torch.zeros(1, 2)])


def test_accessors_without_nodes_raise_like_the_reference():
    conv = convlayers.Conv1D(4, 3, name="c")
    for method, label in [
        (conv.get_input_at, "input"),
        (conv.get_output_at, "output"),
        (conv.get_input_shape_at, "input shape"),
        (conv.get_output_shape_at, "output shape"),
    ]:
        with pytest.raises(
            RuntimeError, match=f"layer c has never been called.*no defined {label}\\.$"
        ):
            method(0)
    with pytest.raises(AttributeError, match="Layer c is not connected, no input to return"):
        _ = conv.input
    with pytest.raises(AttributeError, match="Layer c has no inbound nodes"):
        _ = conv.output
    with pytest.raises(AttributeError, match=r'"c" has never been called.*no defined input shape'):
        _ = conv.input_shape
    with pytest.raises(AttributeError, match=r'"c" has never been called.*no defined output shape'):
        _ = conv.output_shape


def test_eager_calls_record_no_node():
    conv = convlayers.Conv1D(4, 3, name="c")
    conv(torch.zeros(2, 8, 3))
    conv(np.zeros((2, 8, 3), np.float32))
    assert conv._inbound_nodes == []
    with pytest.raises(RuntimeError, match="never been called"):
        conv.get_output_at(0)
    with pytest.raises(AttributeError):
        _ = conv.output


def test_accessors_of_a_layer_reused_on_two_inputs():
    a, b = convlayers.Input((10, 2), name="a"), convlayers.Input((7, 2), name="b")
    conv = convlayers.Conv1D(4, 3, name="c")
    ya, yb = conv(a), conv(b)
    assert len(conv._inbound_nodes) == 2
    assert conv.get_input_at(0) is a and conv.get_input_at(1) is b
    assert conv.get_output_at(1) is yb and conv.input is a and conv.output is ya
    assert conv.get_input_shape_at(1) == (None, 7, 2)
    assert conv.get_output_shape_at(0) == (None, 8, 4)
    assert conv.get_output_shape_at(1) == (None, 5, 4)
    with pytest.raises(AttributeError, match="multiple inbound nodes, with different input shapes"):
        _ = conv.input_shape
    with pytest.raises(
        AttributeError, match="multiple inbound nodes, with different output shapes"
    ):
        _ = conv.output_shape
    with pytest.raises(ValueError, match="Asked to get input at node 2, but the layer has only 2"):
        conv.get_input_at(2)
    with pytest.raises(
        ValueError, match="Asked to get output shape at node 5, but the layer has only"
    ):
        conv.get_output_shape_at(5)


def test_shapes_agree_when_all_nodes_have_the_same_shapes():
    conv = convlayers.Conv1D(4, 3)
    conv(convlayers.Input((10, 2)))
    conv(convlayers.Input((10, 2)))
    assert conv.input_shape == (None, 10, 2) and conv.output_shape == (None, 8, 4)


def test_input_layer_reports_list_shapes_like_keras():
    layer = convlayers.InputLayer(input_shape=(5, 2), name="x")
    assert layer.input_shape == [(None, 5, 2)] and layer.output_shape == [(None, 5, 2)]
    assert layer.output.shape == (None, 5, 2)


def test_graph_is_a_runtime_error_in_eager_use():
    layer = convlayers.Dense(2)
    layer(torch.ones(1, 2))
    with (
        pytest.warns(UserWarning, match=r"`Layer\.graph` is deprecated"),
        pytest.raises(RuntimeError, match=r"^Layer\.graph not supported when executing eagerly"),
    ):
        _ = layer.graph


# --------------------------------------------------------------------- masks


class MakeMask(convlayers.Layer):
    """Masks out time steps whose features are all zero (like Keras' Masking)."""

    def call(self, inputs):
        return inputs * 1.0

    def compute_mask(self, inputs, mask=None):
        return inputs.abs().sum(dim=-1) > 0

    def compute_output_shape(self, input_shape):
        return input_shape


class MaskedMean(convlayers.Layer):
    """Mean over unmasked time steps; records the mask it was given."""

    def call(self, inputs, mask=None):
        self.seen = mask
        if mask is None:
            return inputs.mean(dim=1)
        weights = mask.to(inputs.dtype).unsqueeze(-1)
        return (inputs * weights).sum(dim=1) / weights.sum(dim=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])


def _masked_batch():
    x = torch.tensor([[[1.0, 1.0], [3.0, 3.0], [0.0, 0.0]]])
    return x, torch.tensor([[True, True, False]])


def test_mask_from_the_previous_layer_reaches_call():
    x, _ = _masked_batch()
    pooled = MaskedMean()(MakeMask()(x))
    torch.testing.assert_close(pooled, torch.tensor([[2.0, 2.0]]))  # (1 + 3) / 2, by hand


def test_explicit_mask_wins_over_the_implicit_one():
    x, _ = _masked_batch()
    layer = MaskedMean()
    layer(MakeMask()(x), mask=torch.tensor([[True, False, False]]))
    assert layer.seen.tolist() == [[True, False, False]]


def test_layers_supporting_masking_pass_it_on_others_drop_it():
    x, expected = _masked_batch()
    masked = MakeMask()(x)
    through = convlayers.Dense(2)(masked)  # Dense supports masking
    assert torch.equal(through._keras_mask, expected)
    dropped = convlayers.Conv1D(2, 1)(masked)  # Conv1D does not
    assert getattr(dropped, "_keras_mask", None) is None
    layer = MaskedMean()
    layer(dropped)
    assert layer.seen is None


def test_masks_flow_through_a_functional_model():
    inputs = convlayers.Input((3, 2))
    outputs = MaskedMean()(convlayers.Dense(2, kernel_initializer="ones")(MakeMask()(inputs)))
    model = convlayers.Model(inputs, outputs)
    x, _ = _masked_batch()
    # Dense with ones kernel: each step's features sum to [2, 2], [6, 6], [0, 0]; mean of first two
    torch.testing.assert_close(model(x), torch.tensor([[4.0, 4.0]]))


# --------------------------------------------------------------------- scope


class ScopeAware(convlayers.Layer):
    def call(self, inputs, scope=None):
        self.scope_seen = scope
        return inputs


def test_scope_keyword_is_reserved_for_the_layer():
    layer = ScopeAware(name="aware")
    layer(torch.ones(1, 2))
    assert layer.scope_seen == "aware"
    other = ScopeAware(name="other")
    other(torch.ones(1, 2), scope="block1")
    assert other.scope_seen == "block1" and other.scope_name == "block1"
    plain = convlayers.Dense(2)
    plain(torch.ones(1, 3), scope="ignored_by_call")  # consumed, never reaches Dense.call
    assert plain.scope_name == "ignored_by_call"


# ----------------------------------------------------------- conditional losses


def test_conditional_losses_and_updates():
    layer = convlayers.Dense(2, kernel_regularizer=regularizers.L2(0.5))
    a, b = torch.ones(1, 3), torch.zeros(1, 3)
    layer(a)
    layer.add_loss(torch.tensor(1.0), inputs=a)
    layer.add_loss(torch.tensor(2.0), inputs=[a, b])
    layer.add_loss(torch.tensor(3.0))
    kernel_l2 = 0.5 * float(layer.kernel.detach().square().sum())
    assert [float(v) for v in layer.get_losses_for(a)] == [1.0, 2.0]
    assert [float(v) for v in layer.get_losses_for(b)] == [2.0]
    assert [float(v) for v in layer.get_losses_for(torch.ones(1))] == []
    unconditional = [v.item() for v in (t.detach() for t in layer.get_losses_for(None))]
    assert unconditional == pytest.approx([3.0, kernel_l2])
    assert sorted(float(v.detach()) for v in layer.losses) == pytest.approx(
        sorted([1, 2, 3, kernel_l2])
    )

    layer.add_update("step", inputs=None)
    layer.add_update(["ema_a", "ema_a2"], inputs=a)
    layer.add_update("ema_b", inputs=b)
    assert layer.get_updates_for(None) == ["step"]
    assert layer.get_updates_for(a) == ["ema_a", "ema_a2"]
    assert layer.get_updates_for([b]) == ["ema_b"]
    assert layer.updates == ["step", "ema_a", "ema_a2", "ema_b"]


def test_activity_losses_are_conditional_on_the_call_inputs():
    layer = convlayers.Dense(
        1, use_bias=False, kernel_initializer="ones", activity_regularizer=regularizers.L1(1.0)
    )
    x = torch.ones(2, 3)
    layer(x)
    assert [float(v.detach()) for v in layer.get_losses_for(x)] == [3.0]  # |3| + |3| over batch 2
    assert layer.get_losses_for(None) == []


class PenalizeMean(convlayers.Layer):
    """Adds a loss in ``call``, as Keras layers do for per-call penalties."""

    def call(self, inputs):
        self.add_loss(inputs.mean())
        return inputs


def test_losses_added_inside_call_belong_to_that_call():
    layer = PenalizeMean()
    layer(torch.full((2, 2), 3.0))
    layer(torch.full((2, 2), 5.0))
    assert [float(v) for v in layer.losses] == [5.0]  # the first call's loss is forgotten
    model = convlayers.Sequential([PenalizeMean(), PenalizeMean()])
    model(torch.ones(1, 2))
    assert [float(v) for v in model.losses] == [1.0, 1.0]
    model(torch.zeros(1, 2))
    assert [float(v) for v in model.losses] == [0.0, 0.0]


def test_torch_code_on_a_symbolic_tensor_says_what_to_do():
    x = convlayers.Input((5, 3))
    for run in (lambda: torch.nn.ReLU()(x), lambda: torch.cat([x, x])):
        with pytest.raises(TypeError, match=r"wrap torch code in a `convlayers\.layers\.Lambda`"):
            run()
    with pytest.raises(TypeError, match="The torch function `linear` was called on a symbolic"):
        torch.nn.Linear(3, 2)(x)


def test_an_activation_that_changes_the_shape_is_refused_symbolically():
    x = convlayers.Input((5, 3))
    with pytest.raises(ValueError, match=r"changes the shape of its input from \(None, 5, 3\)"):
        convlayers.Activation(lambda t: t.sum(-1))(x)
    assert convlayers.Activation("softmax")(x).shape == (None, 5, 3)
    assert convlayers.Activation(lambda t: t.square())(x).shape == (None, 5, 3)


def test_compute_output_signature():
    spec = convlayers.Input((9, 3))
    out = convlayers.Conv1D(2, 3, dtype="float64").compute_output_signature(spec)
    assert (out.shape, out.dtype) == ((None, 7, 2), "float64")
    out = convlayers.Dense(4).compute_output_signature(torch.zeros(2, 3))
    assert out.shape == (2, 4)
    with pytest.raises(TypeError, match="Only TensorSpec signature types are supported"):
        convlayers.Dense(4).compute_output_signature((None, 3))
