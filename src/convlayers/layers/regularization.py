"""Regularization layers: SpatialDropout1D/2D (Dropout that drops whole channels),
GaussianNoise, GaussianDropout and ActivityRegularization.

They are :class:`~convlayers.layers.core.Dropout` with a keep mask of one entry per
(sample, channel), broadcast over the steps or the image: in training a channel is zeroed
everywhere or kept (scaled by ``1 / (1 - rate)``) everywhere. Training and inference
follow Dropout: ``training=True``/``False``, or with ``training=None`` the module's
mode (``model.train()`` / ``model.eval()``).

Deviations: SpatialDropout2D's config keeps ``data_format`` (the reference leaves it out,
so its channels_first layer comes back channels_last); ``data_format`` is read in any
case ('CHANNELS_FIRST'); a ``noise_shape``, which the reference ignores, is refused.

>>> import torch, convlayers
>>> layer = convlayers.SpatialDropout1D(0.5, seed=1)
>>> out = layer(torch.ones(2, 4, 3), training=True)
>>> bool((out == out[:, :1, :]).all())  # the same decision at every step
True
"""

from __future__ import annotations

from typing import Any

import torch

from .. import regularizers
from ..validation import normalize_data_format
from .base import Layer
from .core import Dropout, seeded_generator
from .input_spec import InputSpec

__all__ = [
    "ActivityRegularization",
    "GaussianDropout",
    "GaussianNoise",
    "SpatialDropout1D",
    "SpatialDropout2D",
]


class _SpatialDropout(Dropout):
    """Dropout whose keep mask has the batch and channel axes only."""

    _rank = 1

    def __init__(
        self,
        rate: float,
        data_format: str | None = None,
        noise_shape: Any = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        if noise_shape is not None:
            raise ValueError(
                f"`noise_shape` is not used by {type(self).__name__}, which drops whole "
                f"channels (noise shape (batch, 1, ..., channels)). Received: "
                f"noise_shape={noise_shape!r}"
            )
        super().__init__(rate, seed=seed, **kwargs)
        try:
            self.data_format = normalize_data_format(data_format)
        except ValueError:
            raise ValueError(
                '`data_format` must be "channels_last" or "channels_first". Received: '
                f"data_format={data_format}."
            ) from None
        self.input_spec = InputSpec(ndim=self._rank + 2)

    def _noise_shape(self, inputs: torch.Tensor) -> torch.Size:
        shape = [1] * inputs.dim()
        channel_axis = 1 if self.data_format == "channels_first" else -1
        shape[0], shape[channel_axis] = inputs.shape[0], inputs.shape[channel_axis]
        return torch.Size(shape)


class SpatialDropout1D(_SpatialDropout):
    """Drops whole channels of ``(N, L, C)`` inputs in training.

    Args:
        rate: the fraction of channels dropped, in [0, 1].
        seed: seed of a private generator (``None``: torch's global generator).

    Shapes: input ``(N, L, C)``; output the same; keep mask ``(N, 1, C)``.

    >>> import torch, convlayers
    >>> convlayers.SpatialDropout1D(0.3).eval()(torch.ones(2, 4, 3)).sum().item()
    24.0
    """

    def __init__(self, rate: float, noise_shape: Any = None, seed: int | None = None, **kwargs):
        super().__init__(rate, "channels_last", noise_shape, seed, **kwargs)


class SpatialDropout2D(_SpatialDropout):
    """Drops whole feature maps of images in training.

    Args:
        rate: the fraction of channels dropped, in [0, 1].
        data_format: 'channels_last' ``(N, H, W, C)`` or 'channels_first' ``(N, C, H, W)``.
        seed: seed of a private generator (``None``: torch's global generator).

    Shapes: output shape = input shape; keep mask ``(N, 1, 1, C)`` or ``(N, C, 1, 1)``.

    >>> import torch, convlayers
    >>> layer = convlayers.SpatialDropout2D(0.5, data_format="channels_first", seed=0)
    >>> out = layer(torch.ones(2, 3, 4, 5), training=True)
    >>> sorted(out.flatten(2).std(dim=2).unique().tolist())  # constant per feature map
    [0.0]
    """

    _rank = 2

    def get_config(self) -> dict[str, Any]:
        # tf-keras leaves data_format out (a channels_first layer comes back channels_last
        # from its config); it is kept here and tf-keras' constructor accepts it.
        return {**super().get_config(), "data_format": self.data_format}


class _Noise(Layer):
    """A layer that changes its input in training only (``training=True``, or
    ``training=None`` with the module in train mode), as Dropout."""

    supports_masking = True

    def __init__(self, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seed = seed
        self._generator: torch.Generator | None = None

    def _normal(self, inputs: torch.Tensor, mean: float, std: float) -> torch.Tensor:
        noise = torch.empty_like(inputs)
        return noise.normal_(mean, std, generator=seeded_generator(self, inputs.device))

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape


class GaussianNoise(_Noise):
    """Adds N(0, ``stddev``^2) noise in training; the identity in inference.

    Shapes: output shape = input shape.

    >>> import torch
    >>> layer = GaussianNoise(0.1, seed=0)
    >>> x = torch.ones(3)
    >>> bool((layer.eval()(x) == 1).all()), bool((layer(x, training=True) != 1).all())
    (True, True)
    """

    def __init__(self, stddev: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(seed, **kwargs)
        self.stddev = stddev

    def call(self, inputs: torch.Tensor, training: bool | None = None) -> torch.Tensor:
        if not (self.training if training is None else training):
            return inputs
        return inputs + self._normal(inputs, 0.0, self.stddev)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class GaussianDropout(_Noise):
    """Multiplies by N(1, ``rate / (1 - rate)``) noise in training when ``0 < rate < 1``;
    the identity otherwise.

    Shapes: output shape = input shape.

    >>> import torch
    >>> GaussianDropout(0.5).eval()(torch.ones(2)).tolist()
    [1.0, 1.0]
    """

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(seed, **kwargs)
        self.rate = rate

    def call(self, inputs: torch.Tensor, training: bool | None = None) -> torch.Tensor:
        if not (0 < self.rate < 1) or not (self.training if training is None else training):
            return inputs
        return inputs * self._normal(inputs, 1.0, (self.rate / (1.0 - self.rate)) ** 0.5)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


class ActivityRegularization(Layer):
    """The identity, adding ``l1 * sum(|x|) + l2 * sum(x^2)`` (over the batch's mean) to
    the model's losses, as an ``activity_regularizer`` does.

    Shapes: output shape = input shape.

    >>> import torch
    >>> layer = ActivityRegularization(l1=0.5)
    >>> _ = layer(torch.tensor([[1.0, -3.0]]))
    >>> [float(loss) for loss in layer.losses]
    [2.0]
    """

    supports_masking = True

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs: Any) -> None:
        kwargs.pop("activity_regularizer", None)  # in a saved config: made from l1 and l2
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1 = l1
        self.l2 = l2

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), "l1": self.l1, "l2": self.l2}
        config.pop("activity_regularizer", None)
        return config
