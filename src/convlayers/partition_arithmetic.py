"""Partition arithmetic of TF1 partitioned variables, in plain integers.

The one definition of how a partitioner's answer is checked and how a weight
is cut into shards; it imports nothing from torch. A *partition list* has one
entry per axis, every entry >= 1 and at most one > 1 (the sliced axis).

* ``fixed_size_partitions``: ``min(num_shards, shape[axis])`` shards.
* ``axis_size_partitions``: enough shards that each holds at most
  ``max_shard_bytes`` (whole slices along ``axis``; at least one slice per
  shard), capped by ``max_shards``.
* ``min_max_partitions``: ``ceil(bytes / min_slice_size)`` shards, at least 1,
  at most ``max_partitions`` and ``shape[axis]``.
* ``shard_slices``: the shards along the sliced axis; an uneven length gives
  the remainder to the *first* shards, one element each (TensorFlow's rule).

The byte arithmetic is done in floating point exactly as TensorFlow does it,
so the shard counts agree on every shape.

>>> fixed_size_partitions((10, 4), num_shards=3)
[3, 1]
>>> shard_slices((10, 4), [3, 1])
[((0, 0), (4, 4)), ((4, 0), (3, 4)), ((7, 0), (3, 4))]
>>> axis_size_partitions((1000, 8), element_size=4, max_shard_bytes=4096)
[8, 1]
>>> min_max_partitions((1024, 1024), element_size=4, max_partitions=64)
[16, 1]
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = [
    "axis_size_partitions",
    "check_partitions",
    "fixed_size_partitions",
    "min_max_partitions",
    "shard_slices",
    "sliced_axis",
]

Shape = Sequence[int]


def _ones_with(shape: Shape, axis: int, count: int) -> list[int]:
    partitions = [1] * len(shape)
    partitions[axis] = count
    return partitions


def _check_axis(shape: Shape, axis: int) -> None:
    if not -len(shape) <= axis < len(shape):
        raise ValueError(
            f"Cannot partition variable along axis {axis} when shape is only {tuple(shape)}"
        )


def fixed_size_partitions(shape: Shape, num_shards: int, axis: int = 0) -> list[int]:
    """``num_shards`` shards along ``axis``, or one per element if the axis is shorter."""
    _check_axis(shape, axis)
    return _ones_with(shape, axis, min(num_shards, shape[axis]))


def axis_size_partitions(
    shape: Shape,
    element_size: int,
    max_shard_bytes: int,
    axis: int = 0,
    max_shards: int | None = None,
) -> list[int]:
    """Shards along ``axis`` of at most ``max_shard_bytes`` each (whole slices, >= one slice
    per shard), at most ``max_shards`` of them when given."""
    _check_axis(shape, axis)
    bytes_per_slice = 1.0 * (math.prod(shape) / shape[axis]) * element_size
    slices_per_shard = max(1, math.floor(max_shard_bytes / bytes_per_slice))
    count = math.ceil(1.0 * shape[axis] / slices_per_shard)
    if max_shards:
        count = min(max_shards, count)
    return _ones_with(shape, axis, count)


def min_max_partitions(
    shape: Shape,
    element_size: int,
    max_partitions: int = 1,
    axis: int = 0,
    min_slice_size: int = 256 << 10,
) -> list[int]:
    """As many shards as keep each at least ``min_slice_size`` bytes, between 1 and
    ``min(max_partitions, shape[axis])``."""
    if axis >= len(shape):
        raise ValueError(
            f"Cannot partition variable along axis {axis} when shape is only {tuple(shape)}"
        )
    partitions = math.prod(shape) * element_size / min_slice_size
    count = max(1, min(shape[axis], max_partitions, math.ceil(partitions)))
    return _ones_with(shape, axis, count)


def check_partitions(partitions: object, shape: Shape) -> list[int]:
    """``partitions`` checked as TensorFlow checks a partitioner's answer for ``shape``."""
    if len(shape) < 1:
        raise ValueError(f"A partitioned Variable must have rank at least 1, shape: {shape}")
    if not isinstance(partitions, Sequence) or isinstance(partitions, str):
        raise ValueError(f"Partitioner must return a sequence, but saw: {partitions}")
    if len(partitions) != len(shape):
        raise ValueError(
            "Partitioner returned a partition list that does not match the Variable's "
            f"rank: {list(partitions)} vs. {tuple(shape)}"
        )
    if any(p < 1 for p in partitions):
        raise ValueError(f"Partitioner returned zero partitions for some axes: {partitions}")
    if sum(p > 1 for p in partitions) > 1:
        raise ValueError(
            "Can only slice a variable along one dimension: shape: "
            f"{tuple(shape)}, partitioning: {list(partitions)}"
        )
    return [int(p) for p in partitions]


def sliced_axis(partitions: Sequence[int]) -> tuple[int, int]:
    """``(axis, count)`` of a checked partition list; ``(0, 1)`` when nothing is sliced."""
    for axis, count in enumerate(partitions):
        if count > 1:
            return axis, count
    return 0, 1


def shard_slices(
    shape: Shape, partitions: Sequence[int]
) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """``(offset, shard_shape)`` of every shard, in order; the first ``length % count``
    shards are one element longer."""
    axis, count = sliced_axis(partitions)
    excess = shape[axis] % count
    smallest = shape[axis] // count
    offset = [0] * len(shape)
    slices = []
    for i in range(count):
        shard = list(shape)
        shard[axis] = smallest + (1 if i < excess else 0)
        slices.append((tuple(offset), tuple(shard)))
        offset[axis] += shard[axis]
    return slices
