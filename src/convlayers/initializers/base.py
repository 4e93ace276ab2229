"""The Initializer base class, Keras fans, and the dtype/seed checks initializers share."""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real
from typing import Any

import numpy as np
import torch

from ..dtypes import dtype_name
from ..serialization import KerasObject, type_error
from ..validation import argument_error


def compute_fans(shape: Sequence[int]) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight shape, as Keras computes them.

    Rank 0: (1, 1); rank 1: (n, n); rank 2: (shape[0], shape[1]); higher ranks multiply
    ``shape[-2]`` and ``shape[-1]`` by the receptive field, the product of the other dims.

    >>> compute_fans((3, 4, 5))
    (12, 15)
    """
    shape = tuple(shape)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    if len(shape) == 2:
        return int(shape[0]), int(shape[1])
    receptive_field = math.prod(shape[:-2])
    return int(shape[-2] * receptive_field), int(shape[-1] * receptive_field)


def _as_shape(shape: Any) -> tuple[int, ...]:
    if isinstance(shape, int) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, Sequence | torch.Size) or isinstance(shape, str):
        raise type_error("shape", "a tuple of non-negative integers", shape)
    dims = tuple(shape)
    if not all(isinstance(d, int | np.integer) and not isinstance(d, bool) for d in dims):
        raise type_error("shape", "a tuple of non-negative integers", shape)
    if any(d < 0 for d in dims):
        raise argument_error("shape", "a tuple of non-negative integers", shape)
    return tuple(int(d) for d in dims)


def _as_dtype(dtype: Any) -> torch.dtype:
    if dtype is None:
        return torch.float32
    if isinstance(dtype, torch.dtype):
        return dtype
    try:
        name = dtype_name(dtype)
    except TypeError:
        raise type_error("dtype", "a torch dtype or a dtype name", dtype) from None
    found = getattr(torch, name, None)
    if not isinstance(found, torch.dtype):
        raise argument_error("dtype", "a torch dtype or a dtype name such as 'float32'", dtype)
    return found


def _float_dtype(dtype: Any) -> torch.dtype:
    resolved = _as_dtype(dtype)
    if not resolved.is_floating_point:
        raise argument_error("dtype", "a floating point dtype", dtype)
    return resolved


def _work_dtype(dtype: torch.dtype) -> torch.dtype:
    """Sample in float32 or float64, then cast (half precisions sample in float32)."""
    return torch.float64 if dtype == torch.float64 else torch.float32


def _check_number(value: Any, name: str) -> Any:
    if not isinstance(value, Real):
        raise type_error(name, "a real number", value)
    return value


def _check_seed(seed: Any) -> int | None:
    if seed is not None and (not isinstance(seed, int | np.integer) or isinstance(seed, bool)):
        raise type_error("seed", "an integer or None", seed)
    return seed


class Initializer(KerasObject):
    """Base class: ``__call__(shape, dtype=None)``, ``get_config()``, ``from_config(config)``.

    >>> import torch, convlayers
    >>> class Halves(convlayers.initializers.Initializer):
    ...     def __call__(self, shape, dtype=None):
    ...         return torch.full(tuple(shape), 0.5)
    ...     def get_config(self):
    ...         return {}
    >>> layer = convlayers.Dense(2, kernel_initializer=Halves())
    >>> layer(torch.ones(1, 3)).tolist()
    [[1.5, 1.5]]
    """

    kind = "initializer"
    ignored_config_keys = ("dtype",)  # legacy configs carry it

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> torch.Tensor:
        raise NotImplementedError(f"{type(self).__name__} must implement __call__().")


class _Seeded(Initializer):
    """A random initializer: its own generator when seeded, else torch's global one."""

    def __init__(self, seed: int | None = None) -> None:
        self.seed = _check_seed(seed)

    def _generator(self) -> torch.Generator | None:
        if self.seed is None:
            return None
        generator = torch.Generator()
        generator.manual_seed(int(self.seed))
        return generator


def _uniform(shape, low, high, dtype, generator) -> torch.Tensor:
    u = torch.rand(shape, generator=generator, dtype=_work_dtype(dtype))
    return (low + (high - low) * u).to(dtype)


def _normal(shape, mean, stddev, dtype, generator) -> torch.Tensor:
    z = torch.randn(shape, generator=generator, dtype=_work_dtype(dtype))
    return (mean + stddev * z).to(dtype)


def _truncated_normal(shape, mean, stddev, dtype, generator) -> torch.Tensor:
    """Normal truncated to two standard deviations (inverse CDF, computed in float64)."""
    low = 0.5 * math.erfc(math.sqrt(2.0))  # Phi(-2)
    u = torch.rand(shape, generator=generator, dtype=torch.float64)
    z = math.sqrt(2.0) * torch.erfinv(2.0 * (low + (1.0 - 2.0 * low) * u) - 1.0)
    return (mean + stddev * z.clamp(-2.0, 2.0)).to(dtype)
