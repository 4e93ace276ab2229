"""Weight regularizers with the formulas, configs and names of tf-keras 2.21.

A regularizer maps a weight to a scalar penalty: ``regularizer(weight) -> torch.Tensor``.
Coefficients are stored as float32 values, as tf-keras does, so ``get_config()`` shows
``L2(0.01).get_config() == {'l2': 0.009999999776482582}`` and the penalty of a float64
weight uses that float32 value. Negative penalties are accepted, as in tf-keras.

Differences from tf-keras 2.21: an unknown name raises ``ValueError`` (tf-keras'
``get`` returns the string itself); NumPy scalars are accepted as penalties.

>>> import torch
>>> L2(0.5)(torch.tensor([1.0, 2.0]))
tensor(2.5000)
>>> serialize(get("l1"))
{'module': 'keras.regularizers', 'class_name': 'L1', 'config': {'l1': 0.009999999776482582},
 'registered_name': None}
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Real
from typing import Any

import numpy as np
import torch

from .serialization import (
    KerasObject,
    Registry,
    check_config_keys,
)
from .validation import argument_error

__all__ = [
    "L1",
    "L1L2",
    "L2",
    "OrthogonalRegularizer",
    "Regularizer",
    "deserialize",
    "get",
    "l1",
    "l1_l2",
    "l2",
    "orthogonal_regularizer",
    "serialize",
]


def _penalty(value: Any, name: str) -> float:
    """A finite real penalty, rounded to float32 as tf-keras stores it."""
    if not isinstance(value, Real):
        raise argument_error(name, "a finite number", value)
    if not math.isfinite(value):
        raise argument_error(name, "a finite number", value)
    return float(np.float32(value))


def _single_penalty(cls_name: str, name: str, value: Any, kwargs: dict[str, Any]) -> float:
    """The penalty of L1/L2, which also accept it as ``l=`` (tf-keras' legacy name)."""
    value = kwargs.pop("l", value)
    if kwargs:
        raise TypeError(f"{cls_name} got unexpected keyword arguments: {sorted(kwargs)}")
    return _penalty(0.01 if value is None else value, name)


class Regularizer(KerasObject):
    """Base class: ``__call__(weight) -> scalar tensor``, ``get_config``, ``from_config``.

    >>> import torch, convlayers
    >>> class SumOfAbs(convlayers.regularizers.Regularizer):
    ...     def __call__(self, x):
    ...         return 0.1 * x.abs().sum()
    ...     def get_config(self):
    ...         return {}
    >>> layer = convlayers.Dense(2, kernel_initializer='ones', kernel_regularizer=SumOfAbs())
    >>> _ = layer(torch.ones(1, 3))
    >>> layer.losses
    [tensor(0.6000, grad_fn=<MulBackward0>)]
    """

    kind = "regularizer"

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return torch.zeros((), dtype=x.dtype)

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, with the keys and values tf-keras uses."""
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config().")


class L1L2(Regularizer):
    """``l1 * sum(|x|) + l2 * sum(x**2)`` (no 1/2 on the L2 term); None means 0.

    >>> L1L2(l1=0.5, l2=0.25)(torch.tensor([1.0, -2.0]))
    tensor(2.7500)
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1 = _penalty(0.0 if l1 is None else l1, "l1")
        self.l2 = _penalty(0.0 if l2 is None else l2, "l2")

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        regularization = torch.zeros((), dtype=x.dtype, device=x.device)
        if self.l1:
            regularization = regularization + self.l1 * x.abs().sum()
        if self.l2:
            regularization = regularization + 2.0 * self.l2 * (x.square().sum() / 2)
        return regularization

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """``l1 * sum(|x|)``.

    >>> L1(0.5)(torch.tensor([1.0, -2.0]))
    tensor(1.5000)
    """

    def __init__(self, l1: float = 0.01, **kwargs: Any) -> None:
        self.l1 = _single_penalty("L1", "l1", l1, kwargs)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.l1 * x.abs().sum()

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1}


class L2(Regularizer):
    """``l2 * sum(x**2)`` (no 1/2).

    >>> L2(0.5)(torch.tensor([1.0, -2.0]))
    tensor(2.5000)
    """

    def __init__(self, l2: float = 0.01, **kwargs: Any) -> None:
        self.l2 = _single_penalty("L2", "l2", l2, kwargs)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return 2.0 * self.l2 * (x.square().sum() / 2)

    def get_config(self) -> dict[str, Any]:
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Penalises non-orthogonal rows (or columns) of a 2D weight.

    With ``v`` the L2-normalised rows ('rows') or columns ('columns') of ``x`` and ``n``
    their count, the penalty is ``factor * 0.5 * sum_{i != j} |v_i . v_j| / (n (n-1) / 2)``.

    >>> OrthogonalRegularizer(1.0)(torch.eye(3))
    tensor(0.)
    """

    def __init__(self, factor: float = 0.01, mode: str = "rows") -> None:
        self.factor = _penalty(factor, "factor")
        if mode not in ("rows", "columns"):
            raise argument_error("mode", "one of 'rows', 'columns'", mode)
        self.mode = mode

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 2:
            raise argument_error("x", "a weight of rank 2", tuple(x.shape))
        axis = 1 if self.mode == "rows" else 0
        sum_sq = x.square().sum(dim=axis, keepdim=True)
        v = x * torch.rsqrt(torch.clamp(sum_sq, min=1e-12))
        product = v @ v.T if self.mode == "rows" else v.T @ v
        size = product.shape[0]
        off_diagonal = product * (1.0 - torch.eye(size, dtype=x.dtype, device=x.device))
        num_pairs = size * (size - 1.0) / 2.0
        return self.factor * 0.5 * off_diagonal.abs().sum() / num_pairs

    def get_config(self) -> dict[str, Any]:
        return {"factor": self.factor, "mode": self.mode}


def l1_l2(l1: float = 0.01, l2: float = 0.01) -> L1L2:
    """An :class:`L1L2` with both penalties (0.01 by default, unlike ``L1L2()``).

    >>> l1_l2().get_config()
    {'l1': 0.009999999776482582, 'l2': 0.009999999776482582}
    """
    return L1L2(l1=l1, l2=l2)


l1 = L1
l2 = L2
orthogonal_regularizer = OrthogonalRegularizer

_REGISTRY = Registry("regularizer", "keras.regularizers")
_REGISTRY.add(L1, "l1", snake_case=False)
_REGISTRY.add(L2, "l2", snake_case=False)
_REGISTRY.add(L1L2, snake_case=False)
_REGISTRY.add(OrthogonalRegularizer)
_REGISTRY.add(l1_l2)


def serialize(regularizer: Any) -> dict[str, Any] | None:
    """The tf-keras 2.21 config dict of ``regularizer`` (None for None).

    >>> serialize(L1L2(0.5, 0.25))["config"]
    {'l1': 0.5, 'l2': 0.25}
    """
    return _REGISTRY.serialize(regularizer, Regularizer)


def deserialize(
    config: str | Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None
) -> Any:
    """A regularizer from a name or a Keras config dict (with or without 'module').

    >>> deserialize({"class_name": "L2", "config": {"l2": 0.5}})
    L2(l2=0.5)
    """
    found, inner = _REGISTRY.parse(config, custom_objects)
    if isinstance(found, type) and issubclass(found, Regularizer):
        return found.from_config(inner or {})
    if found is l1_l2:
        check_config_keys(l1_l2, inner or {}, "regularizer")
        return l1_l2(**(inner or {}))
    return found


def get(identifier: Any) -> Any:
    """A regularizer from None (gives None), a name, a config dict, a class or a callable.

    >>> get("l1_l2")
    L1L2(l1=0.009999999776482582, l2=0.009999999776482582)
    """
    return _REGISTRY.get(identifier, deserialize)
