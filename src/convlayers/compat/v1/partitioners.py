"""The TF1 partitioners: callables ``partitioner(shape=, dtype=) -> partition list``.

Pass one to ``variable_scope(partitioner=...)``, ``get_variable(partitioner=...)`` or a
layer's ``add_weight(partitioner=...)``; the weight becomes a ``PartitionedVariable``.
``shape`` is a sequence of ints and ``dtype`` a torch dtype (its ``itemsize`` is the
element size). The arithmetic is ``convlayers.partition_arithmetic``'s.

>>> import torch
>>> fixed_size_partitioner(3)(shape=(10, 4), dtype=torch.float32)
[3, 1]
>>> variable_axis_size_partitioner(64)(shape=(10, 4), dtype=torch.float32)
[3, 1]
>>> min_max_variable_partitioner(4, min_slice_size=64)(shape=(10, 4), dtype=torch.float32)
[3, 1]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch

from ...layers.variables import PartitionedVariable
from ...partition_arithmetic import (
    axis_size_partitions,
    fixed_size_partitions,
    min_max_partitions,
)

__all__ = [
    "PartitionedVariable",
    "fixed_size_partitioner",
    "min_max_variable_partitioner",
    "variable_axis_size_partitioner",
]

Partitioner = Callable[..., list[int]]


def _element_size(dtype: Any) -> int:
    if isinstance(dtype, torch.dtype):
        return dtype.itemsize
    return torch.empty((), dtype=getattr(torch, str(dtype))).element_size()


def fixed_size_partitioner(num_shards: int, axis: int = 0) -> Partitioner:
    """``num_shards`` shards along ``axis`` (fewer if the axis is shorter).

    >>> import torch
    >>> fixed_size_partitioner(2, axis=1)(shape=(4, 5), dtype=torch.float32)
    [1, 2]
    """

    def partitioner(shape: Sequence[int], **unused: Any) -> list[int]:
        return fixed_size_partitions(tuple(shape), num_shards, axis)

    return partitioner


def variable_axis_size_partitioner(
    max_shard_bytes: int,
    axis: int = 0,
    bytes_per_string_element: int = 16,
    max_shards: int | None = None,
) -> Partitioner:
    """Shards along ``axis`` of at most ``max_shard_bytes`` each (whole slices, at least one
    slice per shard), at most ``max_shards`` of them. ``bytes_per_string_element`` is
    accepted for TF1's signature (there are no string variables).

    >>> import torch
    >>> variable_axis_size_partitioner(max_shard_bytes=40)(shape=(10, 4), dtype=torch.float32)
    [5, 1]
    """
    if max_shard_bytes < 1 or bytes_per_string_element < 1:
        raise ValueError(
            "Both max_shard_bytes and bytes_per_string_element must be positive. Currently, "
            f"max_shard_bytes is {max_shard_bytes} andbytes_per_string_element is "
            f"{bytes_per_string_element}"
        )
    if max_shards and max_shards < 1:
        raise ValueError("max_shards must be positive.")

    def partitioner(shape: Sequence[int], dtype: Any) -> list[int]:
        return axis_size_partitions(
            tuple(shape), _element_size(dtype), max_shard_bytes, axis, max_shards
        )

    return partitioner


def min_max_variable_partitioner(
    max_partitions: int = 1,
    axis: int = 0,
    min_slice_size: int = 256 << 10,
    bytes_per_string_element: int = 16,
) -> Partitioner:
    """Shards along ``axis`` of at least ``min_slice_size`` bytes, at most ``max_partitions``
    of them. ``bytes_per_string_element`` is accepted for TF1's signature.

    >>> import torch
    >>> partitioner = min_max_variable_partitioner(max_partitions=8, min_slice_size=32)
    >>> partitioner(shape=(10, 4), dtype=torch.float32)
    [5, 1]
    """

    def partitioner(shape: Sequence[int], dtype: Any) -> list[int]:
        return min_max_partitions(
            tuple(shape), _element_size(dtype), max_partitions, axis, min_slice_size
        )

    return partitioner
