"""Embedding: integer ids to dense vectors, as ``tf.keras.layers.Embedding`` (tf-keras 2.21).

The layer in front of the Conv1D text models (ids -> ``Embedding`` -> ``Conv1D`` ->
pooling). Its kernel is the ``(input_dim, output_dim)`` table ``embeddings``.

>>> import torch
>>> layer = Embedding(10, 3, mask_zero=True)
>>> y = layer(torch.tensor([[4, 0, 2]]))
>>> tuple(y.shape), y._keras_mask.tolist()
((1, 3, 3), [[True, False, True]])
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from .. import constraints, initializers, regularizers
from .base import Layer, as_shape

__all__ = ["Embedding"]


class Embedding(Layer):
    """Looks up row ``i`` of the ``embeddings`` table for every id ``i`` of the input.

    Args:
        input_dim: the number of ids (the largest id plus one).
        output_dim: the size of each vector.
        mask_zero: id 0 is padding: the output carries the mask ``ids != 0``, which
            mask-aware layers downstream use.
        input_length: the length of the id sequences, when fixed (needed by a
            ``Flatten`` then ``Dense`` after the layer; a list for several axes).

    ``embeddings_initializer`` (default 'uniform': U(-0.05, 0.05)), ``*_regularizer`` and
    ``embeddings_constraint`` are those of Keras. ``sparse=True`` (a ``tf.SparseTensor``
    output) is refused: torch tensors are dense here.

    Shapes: input ``(N, *s)`` of ids (integers; floating ids are truncated, as tf-keras
    casts them); output ``(N, *s, output_dim)``; weight ``embeddings``
    ``(input_dim, output_dim)``.

    >>> import convlayers
    >>> ids = convlayers.Input((40,), dtype="int32")
    >>> vectors = Embedding(1000, 16)(ids)
    >>> convlayers.layers.Conv1D(32, 3)(vectors).shape
    (None, 38, 32)
    """

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        embeddings_initializer: Any = "uniform",
        embeddings_regularizer: Any = None,
        activity_regularizer: Any = None,
        embeddings_constraint: Any = None,
        mask_zero: bool = False,
        input_length: int | list[int] | None = None,
        sparse: bool = False,
        **kwargs: Any,
    ) -> None:
        if "input_shape" not in kwargs and "batch_input_shape" not in kwargs:
            kwargs["input_shape"] = (input_length,) if input_length else (None,)
        if input_dim <= 0 or output_dim <= 0:
            raise ValueError(
                "Both `input_dim` and `output_dim` should be positive, Received input_dim = "
                f"{input_dim} and output_dim = {output_dim}"
            )
        if sparse:
            raise ValueError(
                "`sparse=True` is not supported: it makes tf-keras return a tf.SparseTensor, "
                "and convlayers' outputs are dense torch tensors. Received: sparse=True"
            )
        kwargs["autocast"] = False
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.input_dim = int(input_dim)
        self.output_dim = int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self.input_length = input_length
        self.sparse = False

    def build(self, input_shape: Any = None) -> None:
        self.add_weight(
            "embeddings",
            (self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer,
            regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint,
        )
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        ids = inputs
        if ids.is_floating_point() or ids.dtype == torch.bool:
            ids = ids.to(torch.int64)  # truncation toward zero, as tf.cast
        try:
            return F.embedding(ids, self.embeddings)
        except IndexError:  # torch checks the range; name the layer and the id
            low, high = int(ids.min()), int(ids.max())
            raise IndexError(
                f"Layer {self.name!r}: an id of the input is {low if low < 0 else high}, "
                f"not in [0, {self.input_dim}) (input_dim={self.input_dim})"
            ) from None

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if not self.mask_zero:
            return None
        return inputs != 0

    def compute_output_shape(self, input_shape: Any) -> tuple[int | None, ...]:
        shape = as_shape(input_shape)
        if self.input_length is None:
            return (*shape, self.output_dim)
        lengths = (
            list(self.input_length)
            if isinstance(self.input_length, (list, tuple))
            else [self.input_length]
        )
        if len(lengths) != len(shape) - 1:
            raise ValueError(
                f'"input_length" is {self.input_length}, but received input has shape {shape}'
            )
        for i, (want, got) in enumerate(zip(lengths, shape[1:])):
            if want is not None and got is not None and want != got:
                raise ValueError(
                    f'"input_length" is {self.input_length}, but received input has shape {shape}'
                )
            if want is None:
                lengths[i] = got
        return (shape[0], *lengths, self.output_dim)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "input_length": self.input_length,
        }
