"""Weight constraints (projections) with the formulas, configs and names of tf-keras 2.21.

A constraint maps a weight to its projection, ``constraint(w) -> torch.Tensor``, without
modifying ``w``; layers apply it after each optimizer step. Norms are taken over ``axis``
(for a Conv1D kernel ``(k, in, filters)``, ``axis=[0, 1]`` constrains each filter).

Differences from tf-keras 2.21, which validates nothing: negative or non-numeric
bounds, ``max_value < min_value``, ``rate`` outside [0, 1] and non-integer axes are
refused at construction; NonNeg works on float64 weights (tf-keras multiplies them by
a float32 mask and fails); RadialConstraint refuses 1x1 and non-square kernels with a
``ValueError`` instead of failing inside TensorFlow.

>>> import torch
>>> MaxNorm(1.0)(torch.tensor([[3.0], [4.0]]))
tensor([[0.6000],
        [0.8000]])
>>> serialize(get("non_neg"))
{'module': 'keras.constraints', 'class_name': 'NonNeg', 'config': {}, 'registered_name': None}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Real
from typing import Any

import torch

from .serialization import (
    KerasObject,
    Registry,
    type_error,
)
from .validation import argument_error

__all__ = [
    "Constraint",
    "MaxNorm",
    "MinMaxNorm",
    "NonNeg",
    "RadialConstraint",
    "UnitNorm",
    "deserialize",
    "get",
    "max_norm",
    "min_max_norm",
    "non_neg",
    "radial_constraint",
    "serialize",
    "unit_norm",
]

_EPSILON = 1e-7  # Keras' backend.epsilon()

Axis = int | Sequence[int] | None


def _check_axis(axis: Any) -> Axis:
    def is_int(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool)

    ok = axis is None or is_int(axis)
    ok = ok or (isinstance(axis, list | tuple) and all(is_int(a) for a in axis))
    if not ok:
        raise type_error("axis", "an integer, a list of integers or None", axis)
    return axis


def _check_bound(value: Any, name: str) -> Real:
    if not isinstance(value, Real) or isinstance(value, bool):
        raise type_error(name, "a number", value)
    if not value >= 0:
        raise argument_error(name, "a non-negative number", value)
    return value


def _norms(w: torch.Tensor, axis: Axis) -> torch.Tensor:
    dims = tuple(range(w.ndim)) if axis is None else axis
    dims = tuple(dims) if isinstance(dims, list | tuple) else dims
    return torch.sqrt(w.square().sum(dim=dims, keepdim=True))


class Constraint(KerasObject):
    """Base class: ``__call__(w) -> projected w`` (identity here), ``get_config``.

    >>> import torch, convlayers
    >>> class Clip(convlayers.constraints.Constraint):
    ...     def __call__(self, w):
    ...         return w.clamp(-0.1, 0.1)
    >>> layer = convlayers.Dense(2, kernel_initializer='ones', kernel_constraint=Clip())
    >>> _ = layer(torch.ones(1, 3))
    >>> convlayers.apply_constraints(layer)  # fit does it after every step
    >>> layer.kernel.max().item()
    0.10000000149011612
    """

    kind = "constraint"

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        return w

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, with the keys and values tf-keras uses."""
        return {}


class MaxNorm(Constraint):
    """Rescales slices whose L2 norm over ``axis`` exceeds ``max_value``.

    ``w * clip(norm, 0, max_value) / (1e-7 + norm)``.

    >>> MaxNorm(2.0, axis=1)(torch.tensor([[3.0, 4.0], [0.3, 0.4]]))
    tensor([[1.2000, 1.6000],
            [0.3000, 0.4000]])
    """

    def __init__(self, max_value: float = 2, axis: Axis = 0) -> None:
        self.max_value = _check_bound(max_value, "max_value")
        self.axis = _check_axis(axis)

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        norms = _norms(w, self.axis)
        desired = torch.clamp(norms, 0, self.max_value)
        return w * (desired / (_EPSILON + norms))

    def get_config(self) -> dict[str, Any]:
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Zeroes the negative entries: ``w * (w >= 0)``.

    >>> NonNeg()(torch.tensor([-1.0, 2.0]))
    tensor([-0., 2.])
    """

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        return w * (w >= 0).to(w.dtype)


class UnitNorm(Constraint):
    """Scales slices to unit L2 norm over ``axis``: ``w / (1e-7 + norm)``.

    >>> UnitNorm(axis=0)(torch.tensor([[3.0], [4.0]]))
    tensor([[0.6000],
            [0.8000]])
    """

    def __init__(self, axis: Axis = 0) -> None:
        self.axis = _check_axis(axis)

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        return w / (_EPSILON + _norms(w, self.axis))

    def get_config(self) -> dict[str, Any]:
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves slice norms over ``axis`` into ``[min_value, max_value]`` at ``rate``.

    ``desired = rate * clip(norm, min_value, max_value) + (1 - rate) * norm`` and
    ``w * desired / (1e-7 + norm)``.

    >>> MinMaxNorm(1.0, 2.0)(torch.tensor([[0.3], [0.4]]))
    tensor([[0.6000],
            [0.8000]])
    """

    def __init__(
        self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis: Axis = 0
    ) -> None:
        self.min_value = _check_bound(min_value, "min_value")
        self.max_value = _check_bound(max_value, "max_value")
        if max_value < min_value:
            raise argument_error("max_value", f">= min_value={min_value!r}", max_value)
        rate = _check_bound(rate, "rate")
        if rate > 1:
            raise argument_error("rate", "a number in [0, 1]", rate)
        self.rate = rate
        self.axis = _check_axis(axis)

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        norms = _norms(w, self.axis)
        clipped = torch.clamp(norms, self.min_value, self.max_value)
        desired = self.rate * clipped + (1 - self.rate) * norms
        return w * (desired / (_EPSILON + norms))

    def get_config(self) -> dict[str, Any]:
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }


def _radial_index(n: int) -> torch.Tensor:
    """For each (i, j) of an n x n kernel, the diagonal entry tf-keras copies there.

    tf-keras builds the kernel from its centre outwards in rings: the centre (one entry
    for odd n, a 2x2 block for even n) takes ``k[n//2 - 1, n//2 - 1]``; ring r >= 1 takes
    ``k[n//2 - 1 + r, ...]`` for odd n and ``k[n//2 + r, ...]`` for even n.
    """
    s = n // 2
    idx = torch.arange(n)
    if n % 2:
        ring = (idx - s).abs()
        ring = torch.maximum(ring[:, None], ring[None, :])
        return s - 1 + ring
    ring = torch.where(idx <= s - 1, s - 1 - idx, idx - s)
    ring = torch.maximum(ring[:, None], ring[None, :])
    return torch.where(ring == 0, s - 1, s + ring)


class RadialConstraint(Constraint):
    """Makes each 2D kernel of a ``(n, n, channels, filters)`` weight radially constant.

    Reproduces tf-keras exactly, including which diagonal entry fills each ring
    (see :func:`_radial_index`). Needs rank 4, square kernels and ``n >= 2``
    (tf-keras fails on n = 1 and on non-square kernels).

    >>> w = torch.arange(9.0).reshape(3, 3, 1, 1)
    >>> RadialConstraint()(w)[..., 0, 0]
    tensor([[4., 4., 4.],
            [4., 0., 4.],
            [4., 4., 4.]])
    """

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        if w.ndim != 4:
            raise argument_error(
                "w", "a weight of rank 4 (height, width, channels, filters)", tuple(w.shape)
            )
        n = w.shape[0]
        if w.shape[1] != n or n < 2:
            raise argument_error("w", "a weight with square kernels of size >= 2", tuple(w.shape))
        index = _radial_index(n).to(w.device)
        return w[index, index]


max_norm = MaxNorm
min_max_norm = MinMaxNorm
non_neg = NonNeg
radial_constraint = RadialConstraint
unit_norm = UnitNorm

_REGISTRY = Registry("constraint", "keras.constraints")
_REGISTRY.add(MaxNorm, "maxnorm")
_REGISTRY.add(MinMaxNorm)
_REGISTRY.add(NonNeg, "nonneg")
_REGISTRY.add(RadialConstraint)
_REGISTRY.add(UnitNorm, "unitnorm")


def serialize(constraint: Any) -> dict[str, Any] | None:
    """The tf-keras 2.21 config dict of ``constraint`` (None for None).

    >>> serialize(MaxNorm(3.0, axis=[0, 1]))["config"]
    {'max_value': 3.0, 'axis': [0, 1]}
    """
    return _REGISTRY.serialize(constraint, Constraint)


def deserialize(
    config: str | Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None
) -> Any:
    """A constraint from a name or a Keras config dict (with or without 'module').

    >>> deserialize({"class_name": "MaxNorm", "config": {"max_value": 3, "axis": 0}})
    MaxNorm(max_value=3, axis=0)
    """
    return _REGISTRY.deserialize(config, custom_objects)


def get(identifier: Any) -> Any:
    """A constraint from None (gives None), a name, a config dict, a class or a callable.

    >>> get("unit_norm")
    UnitNorm(axis=0)
    """
    return _REGISTRY.get(identifier, deserialize)
