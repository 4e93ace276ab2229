"""SpatialDropout1D and SpatialDropout2D: Dropout that drops whole channels.

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

from ..validation import normalize_data_format
from .core import Dropout
from .input_spec import InputSpec

__all__ = ["SpatialDropout1D", "SpatialDropout2D"]


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
