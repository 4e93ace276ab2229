"""The TF1 variable store: get or create a variable by its full name, honouring reuse.

``get_or_create`` follows ``tf.compat.v1``'s ``_VariableStore`` rule for rule:
reuse ``True`` only returns existing variables, reuse ``False`` only creates new ones,
``AUTO_REUSE`` (or ``None`` at the store) does either; shapes and dtypes of a reused
variable must agree; a partitioner gives a ``PartitionedVariable`` whose shards are
variables ``<name>/part_<i>``. The error messages are TF1's. A new variable joins the
collections (``GLOBAL_VARIABLES``, plus ``TRAINABLE_VARIABLES`` when trainable), and a
regularizer adds one recipe per variable or shard to ``REGULARIZATION_LOSSES``.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

import torch

from ... import initializers
from ...dtypes import to_torch_dtype
from ...layers.variables import PartitionedVariable, make_partitioned, make_variable
from .graph import Graph, GraphKeys, LazyLoss
from .initializers import CONSTRUCTORS

__all__ = ["AUTO_REUSE", "as_variable_dtype", "get_or_create"]


class _AutoReuse:
    """``tf.compat.v1.AUTO_REUSE``: create a variable if missing, return it if present."""

    def __repr__(self) -> str:
        return "AUTO_REUSE"


AUTO_REUSE = _AutoReuse()


def as_variable_dtype(dtype: Any) -> torch.dtype:
    """A torch dtype: floating names/dtypes through ``dtypes``; other torch dtypes as given."""
    if isinstance(dtype, torch.dtype) and not dtype.is_floating_point:
        return dtype
    return to_torch_dtype(dtype)


def _shape_str(shape: Sequence[int] | None) -> str:
    return "<unknown>" if shape is None else str(tuple(shape))


def _resolve_initializer(
    initializer: Any, name: str, shape: tuple[int, ...] | None, dtype: torch.dtype
) -> tuple[Any, tuple[int, ...], torch.dtype]:
    """``(callable initializer, shape, dtype)``; a constant initializer gives its own shape."""
    if initializer is not None and not callable(initializer):
        if shape is not None:
            raise ValueError("If initializer is a constant, do not specify shape.")
        value = torch.as_tensor(initializer)
        if value.is_floating_point():
            dtype = value.dtype
        return (lambda shape, dtype=None: value.to(dtype)), tuple(value.shape), dtype
    if shape is None:
        raise ValueError(
            f"Variable {name} did not get an initializer, so its `shape` argument must be "
            "specified."
        )
    if None in shape:
        raise ValueError(
            f"Shape of a new variable ({name}) must be fully defined, but instead was {shape}."
        )
    if initializer is None:
        initializer = "glorot_uniform" if dtype.is_floating_point else "zeros"
    elif inspect.isclass(initializer) or initializer in CONSTRUCTORS:  # given uncalled
        initializer = initializer()
    return initializers.get(initializer), shape, dtype


def _check_reused(kind: str, name: str, found: Any, shape: Any, dtype: torch.dtype) -> None:
    if shape is not None and tuple(shape) != tuple(found.shape):
        raise ValueError(
            f"Trying to {kind} {name}, but specified shape {_shape_str(shape)} and found shape "
            f"{_shape_str(found.shape)}."
        )
    if dtype != found.dtype:
        raise ValueError(
            f"Trying to {kind} {name}, but specified dtype {str(dtype)[6:]} and found dtype "
            f"{str(found.dtype)[6:]}."
        )


def _register(graph: Graph, variable: Any, trainable: bool, collections: Any, regularizer: Any):
    graph.variables[variable.name[:-2]] = variable
    for key in [GraphKeys.GLOBAL_VARIABLES] if collections is None else list(collections):
        graph.add_to_collection(key, variable)
    if trainable and (collections is None or GraphKeys.TRAINABLE_VARIABLES not in collections):
        graph.add_to_collection(GraphKeys.TRAINABLE_VARIABLES, variable)
    if regularizer is not None:
        recipe = LazyLoss(lambda: [regularizer(variable)], variable.name)
        graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, recipe)


def get_or_create(
    graph: Graph,
    name: str,
    shape: Sequence[int] | None,
    dtype: torch.dtype,
    initializer: Any,
    regularizer: Any,
    reuse: Any,
    trainable: bool,
    collections: Any,
    partitioner: Any,
    constraint: Any,
) -> Any:
    """The variable ``name`` (full name, no ':0'): found, or made, as ``reuse`` says."""
    shape = None if shape is None else tuple(None if d is None else int(d) for d in shape)
    args = (graph, name, shape, dtype, initializer, regularizer, reuse, trainable, collections)
    if partitioner is not None and shape != ():
        if not callable(partitioner):
            raise ValueError(f"Partitioner must be callable, but received: {partitioner}")
        return _get_partitioned(*args, partitioner, constraint)
    if reuse is True and name in graph.partitioned:
        return _get_partitioned(*args, None, constraint)
    if f"{name}/part_0" in graph.variables:
        raise ValueError(
            "No partitioner was provided, but a partitioned version of the variable was found: "
            f"{name}/part_0. Perhaps a variable of the same name was already created with "
            "partitioning?"
        )
    if name in graph.variables:
        if reuse is False:
            raise ValueError(
                f"Variable {name} already exists, disallowed. Did you mean to set reuse=True or "
                "reuse=tf.AUTO_REUSE in VarScope?"
            )
        found = graph.variables[name]
        _check_reused("share variable", name, found, shape, dtype)
        return found
    if reuse is True:
        raise ValueError(
            f"Variable {name} does not exist, or was not created with tf.get_variable(). Did "
            "you mean to set reuse=tf.AUTO_REUSE in VarScope?"
        )
    init, shape, dtype = _resolve_initializer(initializer, name, shape, dtype)
    variable = make_variable(
        name, shape, dtype, init, trainable and dtype.is_floating_point, constraint
    )
    _register(graph, variable, trainable, collections, regularizer)
    return variable


def _get_partitioned(
    graph: Graph,
    name: str,
    shape: tuple[int, ...] | None,
    dtype: torch.dtype,
    initializer: Any,
    regularizer: Any,
    reuse: Any,
    trainable: bool,
    collections: Any,
    partitioner: Any,
    constraint: Any,
) -> PartitionedVariable:
    if name in graph.variables:
        raise ValueError(
            "A partitioner was provided, but an unpartitioned version of the variable was "
            f"found: {name}.  Perhaps a variable of the same name was already created without "
            "partitioning?"
        )
    if name in graph.partitioned:
        if reuse is False:
            raise ValueError(
                f"Partitioned variable with name {name} already exists. Did you mean to set "
                "reuse=True or reuse=tf.AUTO_REUSE in VarScope?"
            )
        found = graph.partitioned[name]
        _check_reused("reuse partitioned variable", name, found, shape, dtype)
        if partitioner is not None and shape is not None:
            partitions = list(partitioner(shape=shape, dtype=dtype))
            if partitions != found._get_partitions():
                raise ValueError(
                    f"Trying to reuse partitioned variable {name}, but specified partitions "
                    f"{partitions} and found partitions {found._get_partitions()}."
                )
        return found
    if reuse is True:
        raise ValueError(
            f"PartitionedVariable {name} does not exist, or was not created with "
            "tf.get_variable(). Did you mean to set reuse=False or reuse=tf.AUTO_REUSE in "
            "VarScope?"
        )
    init, shape, dtype = _resolve_initializer(initializer, name, shape, dtype)
    variable = make_partitioned(
        name, shape, dtype, init, partitioner, trainable and dtype.is_floating_point, constraint
    )
    for shard in variable:
        if shard.name[:-2] in graph.variables:
            raise ValueError(
                f"Partitioner returned a different partitioning than what was already found: "
                f"shard {shard.name[:-2]} exists."
            )
    for shard in variable:
        _register(graph, shard, trainable, collections, regularizer)
    graph.partitioned[name] = variable
    return variable
