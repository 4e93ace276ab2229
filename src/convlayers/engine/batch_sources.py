"""Where ``fit``/``evaluate``/``predict`` take their batches from.

Arrays (``data_adapter``) are cut into batches of ``batch_size``. Data that comes in
batches already is taken as Keras takes it:

* a Keras ``Sequence`` (``convlayers.utils.Sequence``, or any object with ``__len__``,
  ``__getitem__`` and ``on_epoch_end``): ``len(seq)`` batches an epoch, ``seq[i]`` in
  order (a new random order each epoch with ``shuffle=True``), then ``on_epoch_end()``;
* an iterator or generator: one stream over all epochs, ``steps_per_epoch`` batches an
  epoch, or until it is exhausted when not given;
* any other iterable, such as a ``torch.utils.data.DataLoader``: iterated anew each
  epoch, ``len(data)`` batches when it has a length.

Each batch is ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` (a list works
too), its parts arrays or tensors as ``fit`` takes them.

>>> source = batch_source([(np.ones((2, 3)), np.zeros(2))] * 3, steps=None, shuffle=False)
>>> source.steps, len(list(source.epoch()))
(3, 3)
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from numbers import Number
from typing import Any

import numpy as np
import torch

from . import data_adapter

__all__ = ["ArrayBatches", "SequenceBatches", "StreamBatches", "batch_source", "is_batched"]


def is_batched(data: Any) -> bool:
    """Whether ``data`` comes in batches (a Sequence, iterator or iterable) rather than
    as arrays (an array, tensor, number, string, or a list, tuple or dict of them)."""
    arrays = (np.ndarray, torch.Tensor, list, tuple, Mapping, Number, str, bytes)
    if data is None or isinstance(data, arrays) or hasattr(data, "__array__"):
        return False
    return _is_sequence(data) or isinstance(data, Iterable | torch.utils.data.Dataset)


def _is_sequence(data: Any) -> bool:
    return all(hasattr(data, name) for name in ("__len__", "__getitem__", "on_epoch_end"))


class ArrayBatches:
    """``(x, y, sample_weight)`` tensors cut into ``steps`` batches of ``batch_size``."""

    prepared = True  # batches are (x, y, sample_weight) tensors already

    def __init__(self, arrays: tuple[Any, Any, Any], batch_size: int, shuffle: bool, steps=None):
        self.arrays = arrays
        self.samples = data_adapter.num_samples(*arrays)
        self.batch_size = batch_size
        self.shuffle = shuffle
        total = max(1, -(-self.samples // batch_size))
        self.steps: int | None = total if steps is None else min(total, steps)

    def epoch(self) -> Iterator[tuple[Any, Any, Any]]:
        order = torch.randperm(self.samples) if self.shuffle else None
        for step in range(self.steps or 0):
            part = slice(step * self.batch_size, (step + 1) * self.batch_size)
            yield data_adapter.take(self.arrays, part if order is None else order[part])

    def end_epoch(self) -> None:
        pass


class SequenceBatches:
    """The batches ``seq[i]`` of a Keras ``Sequence``, ``steps`` (``len(seq)``) an epoch."""

    prepared = False  # batches as the data gives them

    def __init__(self, sequence: Any, shuffle: bool, steps: int | None):
        self.sequence = sequence
        self.shuffle = shuffle
        self.steps = len(sequence) if steps is None else steps

    def epoch(self) -> Iterator[Any]:
        size = len(self.sequence)
        order = torch.randperm(size).tolist() if self.shuffle else range(size)
        for index in itertools.islice(order, self.steps):
            yield self.sequence[index]

    def end_epoch(self) -> None:
        self.sequence.on_epoch_end()


class StreamBatches:
    """The batches of an iterator (one stream over all epochs) or of an iterable
    (iterated anew each epoch), ``steps`` an epoch, or all of them when None."""

    prepared = False  # batches as the data gives them

    def __init__(self, data: Iterable[Any], steps: int | None):
        self.data = data
        self.stream = data if isinstance(data, Iterator) else None
        if steps is None and self.stream is None and hasattr(data, "__len__"):
            steps = len(data)  # type: ignore[arg-type]
        self.steps = steps

    def epoch(self) -> Iterator[Any]:
        stream = self.stream if self.stream is not None else iter(self.data)
        return itertools.islice(stream, self.steps)

    def end_epoch(self) -> None:
        pass


def batch_source(data: Any, steps: int | None, shuffle: bool) -> SequenceBatches | StreamBatches:
    """The source of batched ``data`` (see :func:`is_batched`), ``steps`` batches an epoch
    (None: as many as it has)."""
    if steps is not None and (isinstance(steps, bool) or not isinstance(steps, int) or steps < 1):
        raise ValueError(f"`steps` must be a positive integer or None. Received: {steps!r}")
    if isinstance(data, torch.utils.data.Dataset) and not isinstance(
        data, torch.utils.data.IterableDataset
    ):
        raise TypeError(
            "A torch Dataset gives single samples, not batches: wrap it in a "
            "torch.utils.data.DataLoader(dataset, batch_size=...) and pass that. "
            f"Received: {type(data).__name__}"
        )
    if _is_sequence(data):
        return SequenceBatches(data, shuffle, steps)
    return StreamBatches(data, steps)
