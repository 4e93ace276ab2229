"""Keras-style layers with partitioned weights (``add_weight(partitioner=...)``).

Every layer family computes with the concatenation of its shards: the outputs equal the
unpartitioned layer's with the same weights, and each shard gets its slice of the
gradient. Shards are separate Parameters in ``weights``, ``state_dict`` and
``get_weights``/``set_weights``; each is regularized and constrained on its own.
"""

import copy

import numpy as np
import pytest
import torch

import convlayers
from convlayers.compat.v1 import PartitionedVariable, fixed_size_partitioner


def _partitioned(cls, shards, axis=0):
    """``cls`` whose every weight is cut into ``shards`` along ``axis``."""

    class Partitioned(cls):
        def add_weight(self, name, shape, *args, partitioner=None, **kwargs):
            part = fixed_size_partitioner(shards, axis)
            return super().add_weight(name, shape, *args, partitioner=part, **kwargs)

    return Partitioned


FAMILIES = [
    (convlayers.Dense, (5,), {}, (4, 7)),
    (convlayers.Conv1D, (5, 3), {"padding": "causal", "dilation_rate": 2}, (2, 11, 4)),
    (convlayers.Conv2D, (5, 3), {"strides": 2, "padding": "same"}, (2, 7, 6, 4)),
    (convlayers.SeparableConv1D, (5, 3), {"depth_multiplier": 2}, (2, 11, 4)),
    (convlayers.SeparableConv2D, (5, 2), {"data_format": "channels_first"}, (2, 4, 7, 6)),
    (convlayers.DepthwiseConv1D, (3,), {"depth_multiplier": 3}, (2, 11, 4)),
    (convlayers.DepthwiseConv2D, (3,), {"padding": "same"}, (2, 7, 6, 4)),
    (convlayers.LocallyConnected1D, (5, 3), {"implementation": 1}, (2, 11, 4)),
    (convlayers.LocallyConnected1D, (5, 3), {"implementation": 2}, (2, 11, 4)),
    (convlayers.LocallyConnected1D, (5, 3), {"implementation": 3, "strides": 2}, (2, 11, 4)),
    (convlayers.LocallyConnected2D, (5, 2), {"implementation": 1}, (2, 7, 6, 4)),
]


@pytest.mark.parametrize(("cls", "args", "kwargs", "shape"), FAMILIES, ids=lambda v: str(v))
def test_every_family_computes_with_the_concatenation(cls, args, kwargs, shape, rng):
    x = torch.tensor(rng.standard_normal(shape), dtype=torch.float32)
    plain = cls(*args, **kwargs)
    plain(x)
    layer = _partitioned(cls, 3)(*args, **kwargs)
    layer(x)
    assert len(layer.weights) > len(plain.weights)
    for name, param in plain.named_parameters():
        whole = getattr(layer, name)  # the concatenation of the shards
        assert whole.shape == param.shape
        with torch.no_grad():
            layer.__dict__["_partitioned"][name].assign(param)
    y, y_plain = layer(x), plain(x)
    torch.testing.assert_close(y, y_plain, rtol=0, atol=0)
    g = torch.tensor(rng.standard_normal(tuple(y.shape)), dtype=torch.float32)
    (y * g).sum().backward()
    (y_plain * g).sum().backward()
    for name, param in plain.named_parameters():
        pieces = [shard.grad for shard in layer.__dict__["_partitioned"][name]]
        torch.testing.assert_close(torch.cat(pieces), param.grad)


class Project(convlayers.Layer):
    def build(self, input_shape):
        self.kernel = self.add_weight(
            "kernel",
            (input_shape[-1], 3),
            initializer="ones",
            regularizer=convlayers.regularizers.L2(0.5),
            constraint=convlayers.constraints.UnitNorm(axis=0),
            partitioner=fixed_size_partitioner(2),
        )

    def call(self, inputs):
        return inputs @ self.kernel


def test_shards_are_weights_in_keras_and_torch_lists():
    layer = Project(name="project")
    layer(torch.ones(2, 5))
    kernel = layer.kernel
    assert isinstance(kernel, PartitionedVariable) and kernel.name == "project/kernel"
    assert [tuple(w.shape) for w in layer.weights] == [(3, 3), (2, 3)]
    assert [w.name for w in layer.trainable_weights] == [
        "project/kernel/part_0:0",
        "project/kernel/part_1:0",
    ]
    assert list(layer.state_dict()) == ["kernel_part_0", "kernel_part_1"]
    assert [p for p in layer.parameters()] == list(kernel)
    assert layer.count_params() == 15
    values = [np.full((3, 3), 2.0, np.float32), np.full((2, 3), 3.0, np.float32)]
    layer.set_weights(values)
    np.testing.assert_array_equal(layer.get_weights()[1], values[1])
    assert float(kernel.as_tensor().detach().sum()) == 2 * 9 + 3 * 6


def test_one_regularization_loss_and_one_constraint_per_shard():
    layer = Project()
    layer(torch.ones(2, 5))
    assert [float(loss.detach()) for loss in layer.losses] == [0.5 * 9, 0.5 * 6]
    convlayers.apply_constraints(layer)
    # UnitNorm(axis=0) on each shard on its own: every shard column has norm 1
    for shard in layer.kernel:
        torch.testing.assert_close(shard.detach().norm(dim=0), torch.ones(3))


def test_deepcopy_and_trainable_keep_shards_linked():
    layer = Project()
    layer(torch.ones(1, 5))
    twin = copy.deepcopy(layer)
    assert list(twin.kernel) == list(twin.parameters())
    assert [w.name for w in twin.weights] == [w.name for w in layer.weights]
    assert all(a is not b for a, b in zip(twin.weights, layer.weights, strict=True))
    layer.trainable = False
    assert layer.trainable_weights == [] and not any(w.requires_grad for w in layer.kernel)


def test_partitioned_variable_as_a_tensor():
    layer = Project()
    layer(torch.ones(1, 5))
    kernel = layer.kernel
    assert kernel.shape == (5, 3) and kernel.get_shape() == (5, 3) and len(kernel) == 2
    assert kernel._get_partitions() == [2, 1] and kernel.axis == 0
    torch.testing.assert_close(torch.ones(1, 5) @ kernel, torch.ones(1, 5) @ kernel.as_tensor())
    kernel.assign(torch.arange(15.0).reshape(5, 3))
    assert kernel._get_variable_list()[1][0, 0].item() == 9.0
    assert "project" in repr(kernel) and "partitions=[2, 1]" in repr(kernel)
    assert "part_0:0" in repr(next(iter(kernel)))


def test_a_name_taken_by_a_partitioned_weight_is_refused():
    layer = Project()
    layer(torch.ones(1, 5))
    with pytest.raises(ValueError, match="already has an attribute or weight named 'kernel'"):
        layer.add_weight("kernel", (2,))
