"""Weight collections of a layer in Keras order, and the ``trainable`` switch.

``weights`` = ``trainable_weights`` + ``non_trainable_weights``, this layer's own
first (in creation order), then those of the layers inside it; a layer with
``trainable=False`` lists every weight as non-trainable and gets no gradients.

>>> import torch, convlayers
>>> layer = convlayers.Dense(2)
>>> _ = layer(torch.ones(1, 3))
>>> [tuple(w.shape) for w in layer.weights], layer.count_params()
([(3, 2), (2,)], 8)
>>> layer.trainable = False
>>> layer.trainable_weights, layer.kernel.requires_grad
([], False)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from .layer_utils import to_numpy

__all__ = ["WeightsMixin"]


class WeightsMixin:
    """Keras weight lists, ``get_weights``/``set_weights``, ``count_params``; mixed into
    ``Layer``, which provides ``_own_weights``, ``_sublayers`` and ``_flatten_layers``."""

    name: str
    built: bool
    _trainable: bool
    _weight_specs: dict[str, Any]
    _parameters: dict[str, Any]

    def _own_weights(self, trainable: bool) -> list[nn.Parameter]:
        raise NotImplementedError

    def _sublayers(self) -> Iterator[Any]:
        raise NotImplementedError

    def _flatten_layers(self) -> Iterator[Any]:
        raise NotImplementedError

    @property
    def trainable(self) -> bool:
        """Whether the weights are trained; setting it (re)sets ``requires_grad``."""
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        for layer in self._flatten_layers():
            layer._trainable = bool(value)
            for name, spec in layer._weight_specs.items():
                layer._parameters[name].requires_grad_(layer._trainable and spec.trainable)

    @property
    def trainable_weights(self) -> list[nn.Parameter]:
        """Trainable weights, this layer's first, in creation order."""
        if not self._trainable:
            return []
        nested = [w for layer in self._sublayers() for w in layer.trainable_weights]
        return self._own_weights(True) + nested

    @property
    def non_trainable_weights(self) -> list[nn.Parameter]:
        """Non-trainable weights (every weight when ``trainable`` is False)."""
        if not self._trainable:
            nested = [w for layer in self._sublayers() for w in layer.weights]
            return self._own_weights(True) + self._own_weights(False) + nested
        nested = [w for layer in self._sublayers() for w in layer.non_trainable_weights]
        return self._own_weights(False) + nested

    @property
    def weights(self) -> list[nn.Parameter]:
        """All weights in Keras order: trainable ones, then non-trainable ones."""
        return self.trainable_weights + self.non_trainable_weights

    variables = weights
    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    def get_weights(self) -> list[np.ndarray]:
        """The weights as NumPy arrays, in ``weights`` order (bfloat16 comes back as float32)."""
        return [to_numpy(w) for w in self.weights]

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Set every weight from arrays (or tensors) in ``weights`` order."""
        params = self.weights
        if len(weights) != len(params):
            raise ValueError(
                f'You called `set_weights(weights)` on layer "{self.name}" with a weight list '
                f"of length {len(weights)}, but the layer was expecting {len(params)} weights."
            )
        values = [torch.as_tensor(np.asarray(w) if not torch.is_tensor(w) else w) for w in weights]
        for param, value in zip(params, values):
            if tuple(value.shape) != tuple(param.shape):
                raise ValueError(
                    f"Layer {self.name} weight shape {tuple(param.shape)} is not compatible "
                    f"with provided weight shape {tuple(value.shape)}."
                )
        with torch.no_grad():
            for param, value in zip(params, values):
                param.copy_(value)

    def count_params(self) -> int:
        """Total number of scalars in the weights; ValueError if the layer is not built."""
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer {self.name}, but the layer isn't "
                f"built. You can build it manually via: `{self.name}.build(batch_input_shape)`."
            )
        return sum(w.numel() for w in self.weights)
