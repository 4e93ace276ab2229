"""Layers that move entries without arithmetic: ZeroPadding1D/2D, Cropping1D/2D, Permute.

Configs, shapes and refusals as tf-keras 2.21 has them. Inputs have exactly the rank the
reference's ``InputSpec`` asks for (no extra batch dimensions: the reference refuses them).

Deviations: a negative ZeroPadding2D ``padding`` int is refused when the layer is made
(the reference fails inside TF's Pad op at the first call); ``compute_output_shape`` of
Cropping refuses a crop that leaves nothing, as the reference's symbolic call does (its
``compute_output_shape`` returns a size <= 0).

>>> import torch, convlayers
>>> x = torch.ones(2, 5, 3)
>>> convlayers.ZeroPadding1D((1, 2))(x).shape, convlayers.Cropping1D(1)(x).shape
(torch.Size([2, 8, 3]), torch.Size([2, 3, 3]))
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from ..validation import keras_data_format, keras_tuple
from .base import Layer, as_shape
from .input_spec import InputSpec
from .spatial import SpatialLayer

__all__ = [
    "Cropping1D",
    "Cropping2D",
    "Permute",
    "RepeatVector",
    "ZeroPadding1D",
    "ZeroPadding2D",
]

Pairs = tuple[tuple[int, int], ...]
_ORDINALS = ("1st", "2nd")


def _edge_pairs(value: Any, name: str, rank: int) -> Pairs:
    """``padding``/``cropping`` as one ``(before, after)`` pair per spatial axis.

    Rank 1 takes an int or a pair; rank 2 an int, a pair of ints (symmetric per axis) or
    a pair of pairs, as tf-keras reads them (and with its messages).
    """
    if rank == 1:
        return (keras_tuple(value, 2, name, min_value=0),)
    if isinstance(value, int) and not isinstance(value, bool):
        return (keras_tuple(value, 2, name, min_value=0),) * rank
    if not hasattr(value, "__len__"):
        short = {"padding": "pad", "cropping": "crop"}[name]
        raise ValueError(
            f"`{name}` should be either an int, a tuple of 2 ints (symmetric_height_{short}, "
            f"symmetric_width_{short}), or a tuple of 2 tuples of 2 ints ((top_{short}, "
            f"bottom_{short}), (left_{short}, right_{short})). Received: {value}."
        )
    if len(value) != rank:
        raise ValueError(f"`{name}` should have two elements. Received: {value}.")
    try:
        return tuple(
            keras_tuple(v, 2, name, min_value=0, label=f"{_ORDINALS[i]} entry of {name}")
            for i, v in enumerate(value)
        )
    except ValueError as error:  # the reference's words name the entry: add the whole value
        raise ValueError(f"{error} Received: {name}={value!r}") from None


class _EdgeLayer(SpatialLayer):
    """Adds (``_sign = 1``) or removes (``_sign = -1``) entries at both ends of each
    spatial axis: the shared body of ZeroPadding and Cropping."""

    _rank = 1
    _sign = 1
    _argument = "padding"

    def __init__(self, edges: Any, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._edges = _edge_pairs(edges, self._argument, self._rank)
        self.data_format = keras_data_format(data_format)
        self.input_spec = InputSpec(ndim=self._rank + 2)

    def compute_output_shape(self, input_shape: Any) -> tuple[int | None, ...]:
        shape = self._checked_shape(input_shape)
        self._check_fits(shape)
        for axis, (before, after) in zip(self._spatial_axes(), self._edges):
            if shape[axis] is not None:
                shape[axis] += self._sign * (before + after)
        return tuple(shape)

    def _check_fits(self, shape: list) -> None:
        """Cropping refuses to remove a whole axis (padding always fits)."""

    def _config_value(self) -> Any:
        return self._edges[0] if self._rank == 1 else self._edges


class ZeroPadding1D(_EdgeLayer):
    """Adds zeros at the start and end of the steps axis.

    Args:
        padding: int (both ends) or ``(before, after)``, each >= 0.

    Shapes: input ``(N, L, C)``; output ``(N, L + before + after, C)``.

    >>> import torch, convlayers
    >>> convlayers.ZeroPadding1D((1, 0))(torch.ones(1, 2, 1)).flatten().tolist()
    [0.0, 1.0, 1.0]
    """

    def __init__(self, padding: Any = 1, **kwargs: Any) -> None:
        super().__init__(padding, "channels_last", **kwargs)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return F.pad(inputs, (0, 0, *self._edges[0]))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "padding": self._edges[0]}

    @property
    def padding(self) -> tuple[int, int]:
        """The ``(before, after)`` zeros."""
        return self._edges[0]


class ZeroPadding2D(_EdgeLayer):
    """Adds rows and columns of zeros around images.

    Args:
        padding: int (all sides), ``(rows, cols)`` (symmetric per axis), or
            ``((top, bottom), (left, right))``; each >= 0.
        data_format: 'channels_last' ``(N, H, W, C)`` or 'channels_first' ``(N, C, H, W)``.

    Shapes: ``H`` becomes ``H + top + bottom`` and ``W`` becomes ``W + left + right``.

    >>> import torch, convlayers
    >>> convlayers.ZeroPadding2D(((1, 0), (2, 3)))(torch.ones(1, 4, 5, 3)).shape
    torch.Size([1, 5, 10, 3])
    """

    _rank = 2

    def __init__(self, padding: Any = (1, 1), data_format: str | None = None, **kwargs: Any):
        super().__init__(padding, data_format, **kwargs)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        (top, bottom), (left, right) = self._edges
        if self.data_format == "channels_first":
            return F.pad(inputs, (left, right, top, bottom))
        return F.pad(inputs, (0, 0, left, right, top, bottom))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "padding": self._edges, "data_format": self.data_format}

    @property
    def padding(self) -> Pairs:
        """``((top, bottom), (left, right))``."""
        return self._edges


class _Cropping(_EdgeLayer):
    _sign = -1
    _argument = "cropping"

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        shape = tuple(inputs.shape)
        self._check_fits(shape)
        for axis, (before, after) in zip(self._spatial_axes(), self._edges):
            inputs = inputs.narrow(axis, before, shape[axis] - before - after)
        return inputs

    def _check_fits(self, shape: Any) -> None:
        for axis, (before, after) in zip(self._spatial_axes(), self._edges):
            if shape[axis] is not None and before + after >= shape[axis]:
                start = (
                    "Argument `cropping`"
                    if self._rank == 2
                    else ("cropping parameter of Cropping layer")
                )
                raise ValueError(
                    f"{start} must be greater than the input shape. Received: inputs.shape="
                    f"{tuple(shape)}, and cropping={self._config_value()} (the crop must "
                    f"leave at least one entry on axis {axis})"
                )


class Cropping1D(_Cropping):
    """Removes entries at the start and end of the steps axis.

    Args:
        cropping: int (both ends) or ``(before, after)``, each >= 0; at least one step
            must remain.

    Shapes: input ``(N, L, C)``; output ``(N, L - before - after, C)``.

    >>> import torch, convlayers
    >>> convlayers.Cropping1D((1, 2))(torch.arange(5.0).reshape(1, 5, 1)).flatten().tolist()
    [1.0, 2.0]
    """

    def __init__(self, cropping: Any = (1, 1), **kwargs: Any) -> None:
        super().__init__(cropping, "channels_last", **kwargs)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "cropping": self._edges[0]}

    @property
    def cropping(self) -> tuple[int, int]:
        """The ``(before, after)`` entries removed."""
        return self._edges[0]


class Cropping2D(_Cropping):
    """Removes rows and columns at the borders of images.

    Args:
        cropping: int (all sides), ``(rows, cols)`` (symmetric per axis), or
            ``((top, bottom), (left, right))``; each >= 0, at least one row and column remain.
        data_format: 'channels_last' ``(N, H, W, C)`` or 'channels_first' ``(N, C, H, W)``.

    Shapes: ``H`` becomes ``H - top - bottom`` and ``W`` becomes ``W - left - right``.

    >>> import torch, convlayers
    >>> convlayers.Cropping2D(((1, 0), (2, 2)))(torch.ones(1, 4, 5, 3)).shape
    torch.Size([1, 3, 1, 3])
    """

    _rank = 2

    def __init__(
        self, cropping: Any = ((0, 0), (0, 0)), data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(cropping, data_format, **kwargs)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "cropping": self._edges, "data_format": self.data_format}

    @property
    def cropping(self) -> Pairs:
        """``((top, bottom), (left, right))``."""
        return self._edges


class Permute(Layer):
    """Permutes the axes of each sample (the batch axis stays first).

    Args:
        dims: a permutation of ``1 .. rank - 1``; ``dims[i]`` is the input axis that
            becomes output axis ``i + 1``.

    Shapes: input ``(N, d1, ..., dk)``; output ``(N, d_dims[0], ..., d_dims[k-1])``.

    >>> import torch, convlayers
    >>> convlayers.Permute((2, 1))(torch.ones(2, 5, 3)).shape
    torch.Size([2, 3, 5])
    """

    def __init__(self, dims: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        try:
            valid = sorted(dims) == list(range(1, len(dims) + 1))
        except TypeError:
            valid = False
        if not valid or not all(isinstance(d, int) and not isinstance(d, bool) for d in dims):
            raise ValueError(
                "Invalid permutation argument `dims` for Permute Layer. The set of indices in "
                f"`dims` must be consecutive and start from 1. Received dims={dims}"
            )
        self.dims = tuple(dims)
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return inputs.permute(0, *self.dims)

    def compute_output_shape(self, input_shape: Any) -> tuple[int | None, ...]:
        shape = as_shape(input_shape)
        if len(shape) != len(self.dims) + 1:
            raise ValueError(
                f'Input 0 of layer "{self.name}" is incompatible with the layer: expected '
                f"ndim={len(self.dims) + 1}, found ndim={len(shape)}. Full shape received: "
                f"{shape}"
            )
        return (shape[0], *(shape[d] for d in self.dims))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "dims": self.dims}


class RepeatVector(Layer):
    """Repeats each ``(N, C)`` input row ``n`` times: ``(N, n, C)`` (the bridge from a
    vector to a sequence in encoder-decoder models).

    Shapes: input ``(N, C)``; output ``(N, n, C)``.

    >>> import torch
    >>> RepeatVector(2)(torch.tensor([[1.0, 2.0]])).tolist()
    [[[1.0, 2.0], [1.0, 2.0]]]
    """

    def __init__(self, n: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(n, int):
            raise TypeError(f"Expected an integer value for `n`, got {type(n)}.")
        self.n = n
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return inputs.unsqueeze(1).expand(-1, self.n, -1)

    def compute_output_shape(self, input_shape: Any) -> tuple[int | None, ...]:
        shape = as_shape(input_shape)
        return (shape[0], self.n, shape[1])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "n": self.n}
