"""The ``tf.keras.utils`` functions model code uses: labels, normalisation, seeds, registration.

>>> to_categorical([0, 2, 1], num_classes=3)
array([[1., 0., 0.],
       [0., 0., 1.],
       [0., 1., 0.]], dtype=float32)
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import torch

from .layers.registry import get_registered_object, register_keras_serializable

__all__ = [
    "Sequence",
    "get_registered_object",
    "normalize",
    "pad_sequences",
    "register_keras_serializable",
    "set_random_seed",
    "to_categorical",
]


def to_categorical(y: Any, num_classes: int | None = None, dtype: str = "float32") -> np.ndarray:
    """Integer class labels as one-hot rows, as ``tf.keras.utils.to_categorical``.

    Args:
        y: integer labels of any shape; a trailing axis of size 1 is dropped first.
        num_classes: the number of classes (default: the largest label + 1).
        dtype: the dtype of the result.

    Returns:
        An array of shape ``y.shape + (num_classes,)`` (trailing 1 dropped).

    >>> to_categorical([[1], [0]], num_classes=3)
    array([[0., 1., 0.],
           [1., 0., 0.]], dtype=float32)
    """
    labels = np.array(y, dtype="int64")
    shape = labels.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    labels = labels.reshape(-1)
    if num_classes is None:
        num_classes = int(np.max(labels)) + 1 if labels.size else 0
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"`y` holds labels outside [0, num_classes). Received: num_classes={num_classes}, "
            f"labels from {labels.min()} to {labels.max()}"
        )
    categorical = np.zeros((labels.size, num_classes), dtype=dtype)
    categorical[np.arange(labels.size), labels] = 1
    return categorical.reshape((*shape, num_classes))


def normalize(x: Any, axis: int = -1, order: int = 2) -> np.ndarray:
    """``x`` divided by its ``order``-norm along ``axis`` (zero norms left at 0).

    >>> normalize([[3.0, 4.0], [0.0, 0.0]])
    array([[0.6, 0.8],
           [0. , 0. ]])
    """
    array = np.asarray(x)
    norm = np.atleast_1d(np.linalg.norm(array, order, axis))
    norm[norm == 0] = 1
    return array / np.expand_dims(norm, axis)


def set_random_seed(seed: int) -> None:
    """Seed Python's, NumPy's and torch's generators (``tf.keras.utils.set_random_seed``).

    >>> import torch
    >>> set_random_seed(7)
    >>> a = torch.rand(2)
    >>> set_random_seed(7)
    >>> bool((torch.rand(2) == a).all())
    True
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(
            f"Expected `seed` argument to be an integer. Received: seed={seed!r} "
            f"(of type {type(seed)})"
        )
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def pad_sequences(
    sequences: Any,
    maxlen: int | None = None,
    dtype: Any = "int32",
    padding: str = "pre",
    truncating: str = "pre",
    value: Any = 0.0,
) -> np.ndarray:
    """Sequences of different lengths as one ``(N, maxlen, ...)`` array, as
    ``tf.keras.utils.pad_sequences``: longer ones lose their start ('pre') or end ('post')
    entries, shorter ones get ``value`` before ('pre') or after ('post') them.

    >>> pad_sequences([[1, 2, 3], [4]], maxlen=2)
    array([[2, 3],
           [0, 4]], dtype=int32)
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    lengths, sample_shape = [], None
    for entry in sequences:
        if not hasattr(entry, "__len__"):
            raise ValueError(
                f"`sequences` must be a list of iterables. Found non-iterable: {entry}"
            )
        lengths.append(len(entry))
        if sample_shape is None and len(entry):
            sample_shape = np.asarray(entry).shape[1:]
    sample_shape = sample_shape or ()
    if maxlen is None:
        maxlen = max(lengths) if lengths else 0
    if truncating not in ("pre", "post"):
        raise ValueError(f'Truncating type "{truncating}" not understood')
    if padding not in ("pre", "post"):
        raise ValueError(f'Padding type "{padding}" not understood')
    out = np.full((len(lengths), maxlen, *sample_shape), value, dtype=dtype)
    for index, entry in enumerate(sequences):
        if not len(entry):
            continue
        kept = np.asarray(entry[-maxlen:] if truncating == "pre" else entry[:maxlen], dtype=dtype)
        if kept.shape[1:] != sample_shape:
            raise ValueError(
                f"Shape of sample {kept.shape[1:]} of sequence at position {index} is "
                f"different from expected shape {sample_shape}"
            )
        if padding == "post":
            out[index, : len(kept)] = kept
        else:
            out[index, -len(kept) :] = kept
    return out


class Sequence:
    """Batches by index, as ``tf.keras.utils.Sequence``: subclass it and define
    ``__getitem__`` (batch ``index`` as ``x``, ``(x, y)`` or ``(x, y, sample_weight)``) and
    ``__len__`` (batches per epoch); ``fit`` calls ``on_epoch_end`` after each epoch.

    >>> import convlayers
    >>> class Halves(Sequence):
    ...     def __len__(self):
    ...         return 2
    ...     def __getitem__(self, index):
    ...         x = np.full((4, 2), float(index), "float32")
    ...         return x, x.sum(axis=1, keepdims=True)
    >>> model = convlayers.Sequential([convlayers.Dense(1, input_shape=(2,))])
    >>> model.compile("sgd", "mse")
    >>> len(model.fit(Halves(), epochs=3, verbose=0).history["loss"])
    3
    """

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def on_epoch_end(self) -> None:
        """Called by ``fit`` at the end of every epoch (e.g. to reshuffle)."""

    def __iter__(self) -> Any:
        """Every batch in order."""
        for index in range(len(self)):
            yield self[index]
