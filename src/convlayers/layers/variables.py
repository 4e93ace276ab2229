"""Named weights and partitioned weights (TF1 ``PartitionedVariable``).

* ``Variable``: a ``torch.nn.Parameter`` that carries its TensorFlow name
  (``v.name == 'outer/conv1d/kernel:0'``), as TF1 code reads it.
* ``PartitionedVariable``: a weight cut along one axis into shards, each a
  separate ``Variable`` named ``<name>/part_<i>:0``; it iterates over its
  shards and ``as_tensor()`` is their concatenation (what a layer computes with,
  so every shard gets its gradient). torch functions accept it as that tensor.
* ``make_variable`` / ``make_partitioned``: create them from an initializer and
  a partitioner. A partitioned weight is initialized whole and then cut, so a
  variance-scaling initializer sees the full shape's fans, as TF1 does.

>>> import torch
>>> from convlayers import initializers
>>> from convlayers.compat.v1 import fixed_size_partitioner
>>> pv = make_partitioned("dense/kernel", (5, 2), torch.float32,
...                       initializers.get("ones"), fixed_size_partitioner(2))
>>> [(v.name, tuple(v.shape)) for v in pv]
[('dense/kernel/part_0:0', (3, 2)), ('dense/kernel/part_1:0', (2, 2))]
>>> tuple(pv.as_tensor().shape), len(pv)
((5, 2), 2)
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import torch
from torch import nn

from .. import constraints
from ..partition_arithmetic import check_partitions, shard_slices, sliced_axis

__all__ = ["PartitionedVariable", "Variable", "make_partitioned", "make_variable"]


class Variable(nn.Parameter):
    """A Parameter with a TensorFlow name: ``name`` reads ``'<scope>/<weight>:0'``."""

    @property
    def name(self) -> str | None:  # type: ignore[override]
        """The TensorFlow name, e.g. ``'outer/conv1d/kernel:0'``."""
        return self.__dict__.get("_tf_name")

    def assign(self, value: Any) -> Variable:
        """Copy ``value`` (array or tensor of this shape) into the variable, as TF's ``assign``."""
        with torch.no_grad():
            self.copy_(torch.as_tensor(value))
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Variable:
        new = super().__deepcopy__(memo)
        new.__dict__.update(copy.deepcopy(self.__dict__, memo))
        return new

    def __repr__(self) -> str:
        return f"Variable {self.name!r} containing:\n{self.data!r}"


def _named(value: torch.Tensor, name: str, trainable: bool, constraint: Any) -> Variable:
    variable = Variable(value, requires_grad=trainable)
    variable._tf_name = f"{name}:0"
    variable.constraint = constraints.get(constraint)
    return variable


def make_variable(
    name: str,
    shape: Sequence[int],
    dtype: torch.dtype,
    initializer: Callable[..., torch.Tensor],
    trainable: bool = True,
    constraint: Any = None,
) -> Variable:
    """A new ``Variable`` named ``name`` (without ':0') holding ``initializer(shape, dtype)``."""
    return _named(initializer(tuple(shape), dtype=dtype), name, trainable, constraint)


class PartitionedVariable:
    """A weight stored as shards along one axis (TF1's ``PartitionedVariable``).

    ``iter``/``len`` go over the shards (each a ``Variable``); ``as_tensor()``
    concatenates them; ``shape``, ``dtype`` and ``name`` describe the whole weight.

    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> v = tf.get_variable('w', (5, 2), partitioner=tf.fixed_size_partitioner(2))
    >>> v.name, tuple(v.shape), len(v), [s.name for s in v]
    ('w', (5, 2), 2, ['w/part_0:0', 'w/part_1:0'])
    >>> tuple(v.as_tensor().shape)
    (5, 2)
    """

    def __init__(
        self, name: str, shape: Sequence[int], shards: list[Variable], partitions: list[int]
    ) -> None:
        self._name = name
        self._shape = torch.Size(shape)
        self._shards = list(shards)
        self._partitions = list(partitions)
        self._axis = sliced_axis(partitions)[0]

    @property
    def name(self) -> str:
        """The name of the whole weight, without ':0' (TF: ``'outer/conv1d/kernel'``)."""
        return self._name

    @property
    def shape(self) -> torch.Size:
        """The shape of the whole (concatenated) weight."""
        return self._shape

    def get_shape(self) -> torch.Size:
        """``shape`` (TF spelling)."""
        return self._shape

    @property
    def dtype(self) -> torch.dtype:
        return self._shards[0].dtype

    @property
    def axis(self) -> int:
        """The axis along which the weight is cut."""
        return self._axis

    def _get_partitions(self) -> list[int]:
        return list(self._partitions)

    def _get_variable_list(self) -> list[Variable]:
        return list(self._shards)

    def __iter__(self) -> Iterator[Variable]:
        return iter(self._shards)

    def __len__(self) -> int:
        return len(self._shards)

    def as_tensor(self) -> torch.Tensor:
        """The shards concatenated along ``axis`` (one ``torch.cat``; a single shard as is)."""
        if len(self._shards) == 1:
            return self._shards[0]
        return torch.cat(self._shards, dim=self._axis)

    def assign(self, value: Any) -> PartitionedVariable:
        """Copy a whole-weight ``value`` into the shards."""
        value = torch.as_tensor(value)
        sizes = [shard.shape[self._axis] for shard in self._shards]
        for shard, piece in zip(self._shards, value.split(sizes, dim=self._axis), strict=True):
            shard.assign(piece)
        return self

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        """torch functions see a PartitionedVariable as its concatenation."""

        def whole(value: Any) -> Any:
            if isinstance(value, PartitionedVariable):
                return value.as_tensor()
            if isinstance(value, (list, tuple)):
                return type(value)(whole(v) for v in value)
            return value

        return func(*whole(tuple(args)), **{k: whole(v) for k, v in (kwargs or {}).items()})

    def __repr__(self) -> str:
        return (
            f"<PartitionedVariable {self._name!r} shape={tuple(self._shape)} "
            f"partitions={self._partitions}>"
        )


def make_partitioned(
    name: str,
    shape: Sequence[int],
    dtype: torch.dtype,
    initializer: Callable[..., torch.Tensor],
    partitioner: Callable[..., Sequence[int]],
    trainable: bool = True,
    constraint: Any = None,
) -> PartitionedVariable:
    """A new ``PartitionedVariable`` named ``name``: ``partitioner(shape=, dtype=)`` gives the
    partition list; the initial value is made whole and cut into ``<name>/part_<i>`` shards."""
    shape = tuple(shape)
    partitions = check_partitions(partitioner(shape=shape, dtype=dtype), shape)
    whole = initializer(shape, dtype=dtype)
    shards = []
    for i, (offset, shard_shape) in enumerate(shard_slices(shape, partitions)):
        index = tuple(slice(o, o + n) for o, n in zip(offset, shard_shape, strict=True))
        piece = whole[index].clone()
        shards.append(_named(piece, f"{name}/part_{i}", trainable, constraint))
    return PartitionedVariable(name, shape, shards, partitions)
