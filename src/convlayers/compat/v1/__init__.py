"""``tf.compat.v1`` for these layers: ``tf.layers``, variable scopes, ``get_variable``,
collections, partitioners and initializers, eager and on PyTorch.

TF1 code runs with its import changed to ``import convlayers.compat.v1 as tf`` (or
``from convlayers.compat import v1 as tf``), as long as it uses only these names: there
are no sessions, placeholders or ops, so tensors are torch tensors and a layer call
computes at once.

>>> import torch
>>> import convlayers.compat.v1 as tf
>>> tf.reset_default_graph()
>>> with tf.variable_scope("net", partitioner=tf.fixed_size_partitioner(2)):
...     y = tf.layers.conv1d(torch.randn(1, 8, 3), 4, 3)
>>> [(v.name, tuple(v.shape)) for v in tf.global_variables()]
[('net/conv1d/kernel/part_0:0', (2, 3, 4)), ('net/conv1d/kernel/part_1:0', (1, 3, 4)),\
 ('net/conv1d/bias/part_0:0', (2,)), ('net/conv1d/bias/part_1:0', (2,))]
"""

import torch

from . import layers
from .graph import (
    Graph,
    GraphKeys,
    add_to_collection,
    add_to_collections,
    get_collection,
    get_collection_ref,
    get_default_graph,
    global_variables,
    reset_default_graph,
    trainable_variables,
)
from .initializers import (
    constant_initializer,
    glorot_normal_initializer,
    glorot_uniform_initializer,
    ones_initializer,
    orthogonal_initializer,
    random_normal_initializer,
    random_uniform_initializer,
    truncated_normal_initializer,
    variance_scaling_initializer,
    zeros_initializer,
)
from .partitioners import (
    PartitionedVariable,
    fixed_size_partitioner,
    min_max_variable_partitioner,
    variable_axis_size_partitioner,
)
from .variable_scope import (
    AUTO_REUSE,
    VariableScope,
    get_variable,
    get_variable_scope,
    variable_scope,
)

float16 = torch.float16
bfloat16 = torch.bfloat16
float32 = torch.float32
float64 = torch.float64
int32 = torch.int32
int64 = torch.int64
bool = torch.bool

__all__ = [
    "AUTO_REUSE",
    "Graph",
    "GraphKeys",
    "PartitionedVariable",
    "VariableScope",
    "add_to_collection",
    "add_to_collections",
    "bfloat16",
    "bool",
    "constant_initializer",
    "fixed_size_partitioner",
    "float16",
    "float32",
    "float64",
    "get_collection",
    "get_collection_ref",
    "get_default_graph",
    "get_variable",
    "get_variable_scope",
    "global_variables",
    "glorot_normal_initializer",
    "glorot_uniform_initializer",
    "int32",
    "int64",
    "layers",
    "min_max_variable_partitioner",
    "ones_initializer",
    "orthogonal_initializer",
    "random_normal_initializer",
    "random_uniform_initializer",
    "reset_default_graph",
    "trainable_variables",
    "truncated_normal_initializer",
    "variable_axis_size_partitioner",
    "variable_scope",
    "variance_scaling_initializer",
    "zeros_initializer",
]
