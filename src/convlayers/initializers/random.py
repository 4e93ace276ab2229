"""Random initializers: uniform, normal, truncated normal, variance scaling (Glorot, He,
LeCun) and orthogonal, each seedable."""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real
from typing import Any

import torch

from ..serialization import type_error
from ..validation import argument_error
from .base import (
    _as_dtype,
    _as_shape,
    _check_number,
    _float_dtype,
    _normal,
    _Seeded,
    _truncated_normal,
    _uniform,
    _work_dtype,
    compute_fans,
)

_TRUNCATED_STDDEV = 0.87962566103423978
_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


class RandomUniform(_Seeded):
    """Uniform on ``[minval, maxval)``; integer dtypes draw integers (as tf-keras).

    >>> w = RandomUniform(-1.0, 1.0, seed=0)((1000,))
    >>> bool(w.min() >= -1.0 and w.max() < 1.0)
    True
    """

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        self.minval = _check_number(minval, "minval")
        self.maxval = _check_number(maxval, "maxval")
        if maxval < minval:
            raise argument_error("maxval", f">= minval={minval!r}", maxval)

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> torch.Tensor:
        shape, resolved = _as_shape(shape), _as_dtype(dtype)
        if resolved.is_floating_point:
            return _uniform(shape, self.minval, self.maxval, resolved, self._generator())
        if resolved.is_complex or resolved == torch.bool:
            raise argument_error("dtype", "a floating point or integer dtype", dtype)
        for name in ("minval", "maxval"):
            value = getattr(self, name)
            if value != int(value):
                raise argument_error(name, "an integer for an integer dtype", value)
        return torch.randint(
            int(self.minval), int(self.maxval), shape, generator=self._generator(), dtype=resolved
        )

    def get_config(self) -> dict[str, Any]:
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class RandomNormal(_Seeded):
    """Normal with ``mean`` and ``stddev``.

    >>> RandomNormal(seed=1)((2, 3)).shape
    torch.Size([2, 3])
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        self.mean = _check_number(mean, "mean")
        self.stddev = _check_number(stddev, "stddev")
        if stddev < 0:
            raise argument_error("stddev", "a non-negative number", stddev)

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> torch.Tensor:
        dtype = _float_dtype(dtype)
        return _normal(_as_shape(shape), self.mean, self.stddev, dtype, self._generator())

    def get_config(self) -> dict[str, Any]:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class TruncatedNormal(RandomNormal):
    """Normal with ``mean`` and ``stddev``, redrawn beyond two ``stddev`` from the mean.

    >>> w = TruncatedNormal(stddev=1.0, seed=0)((10000,))
    >>> bool(w.abs().max() <= 2.0)
    True
    """

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> torch.Tensor:
        dtype = _float_dtype(dtype)
        shape = _as_shape(shape)
        return _truncated_normal(shape, self.mean, self.stddev, dtype, self._generator())


class VarianceScaling(_Seeded):
    """Samples scaled to the weight's fans: variance ``scale / n``.

    ``n`` is fan_in, fan_out or their mean (``mode``). ``distribution``:
    'truncated_normal' (stddev ``sqrt(scale/n) / 0.8796...``, truncated at 2 stddev;
    'normal' is an alias), 'untruncated_normal' (stddev ``sqrt(scale/n)``) or 'uniform'
    (limit ``sqrt(3 scale/n)``).

    >>> VarianceScaling(2.0, "fan_out", "Normal").get_config()
    {'scale': 2.0, 'mode': 'fan_out', 'distribution': 'truncated_normal', 'seed': None}
    """

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
        seed: int | None = None,
    ) -> None:
        super().__init__(seed)
        if not isinstance(scale, Real) or not scale > 0:
            raise argument_error("scale", "a positive number", scale)
        if mode not in _MODES:
            raise argument_error("mode", "one of 'fan_in', 'fan_out', 'fan_avg'", mode)
        if not isinstance(distribution, str):
            raise type_error("distribution", "a string", distribution)
        canonical = distribution.lower()
        canonical = "truncated_normal" if canonical == "normal" else canonical
        if canonical not in _DISTRIBUTIONS:
            expectation = "one of 'truncated_normal', 'untruncated_normal', 'uniform'"
            raise argument_error("distribution", expectation, distribution)
        self.scale = scale
        self.mode = mode
        self.distribution = canonical

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> torch.Tensor:
        dtype = _float_dtype(dtype)
        shape = _as_shape(shape)
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}
        scale = self.scale / max(1.0, n[self.mode])
        generator = self._generator()
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(scale) / _TRUNCATED_STDDEV
            return _truncated_normal(shape, 0.0, stddev, dtype, generator)
        if self.distribution == "untruncated_normal":
            return _normal(shape, 0.0, math.sqrt(scale), dtype, generator)
        limit = math.sqrt(3.0 * scale)
        return _uniform(shape, -limit, limit, dtype, generator)

    def get_config(self) -> dict[str, Any]:
        return {
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "seed": self.seed,
        }


class _FixedVarianceScaling(VarianceScaling):
    """A VarianceScaling preset whose config is only ``seed``."""

    _preset: tuple[float, str, str] = (1.0, "fan_in", "truncated_normal")

    def __init__(self, seed: int | None = None) -> None:
        super().__init__(*self._preset, seed=seed)

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed}


class GlorotUniform(_FixedVarianceScaling):
    """Uniform on ``[-limit, limit]``, ``limit = sqrt(6 / (fan_in + fan_out))``.

    >>> GlorotUniform(seed=0)((3, 5)).shape
    torch.Size([3, 5])
    """

    _preset = (1.0, "fan_avg", "uniform")


class GlorotNormal(_FixedVarianceScaling):
    """Truncated normal, stddev ``sqrt(2 / (fan_in + fan_out)) / 0.8796...``.

    >>> GlorotNormal().get_config()
    {'seed': None}
    """

    _preset = (1.0, "fan_avg", "truncated_normal")


class HeUniform(_FixedVarianceScaling):
    """Uniform on ``[-limit, limit]``, ``limit = sqrt(6 / fan_in)``.

    >>> HeUniform(seed=0)((4, 2)).dtype
    torch.float32
    """

    _preset = (2.0, "fan_in", "uniform")


class HeNormal(_FixedVarianceScaling):
    """Truncated normal, stddev ``sqrt(2 / fan_in) / 0.8796...``.

    >>> HeNormal(seed=0)((4, 2), dtype="float64").dtype
    torch.float64
    """

    _preset = (2.0, "fan_in", "truncated_normal")


class LecunUniform(_FixedVarianceScaling):
    """Uniform on ``[-limit, limit]``, ``limit = sqrt(3 / fan_in)``.

    >>> LecunUniform(seed=0).distribution
    'uniform'
    """

    _preset = (1.0, "fan_in", "uniform")


class LecunNormal(_FixedVarianceScaling):
    """Truncated normal, stddev ``sqrt(1 / fan_in) / 0.8796...``.

    >>> LecunNormal(seed=0).mode
    'fan_in'
    """

    _preset = (1.0, "fan_in", "truncated_normal")


class Orthogonal(_Seeded):
    """A (semi-)orthogonal matrix times ``gain``, reshaped to ``shape`` (rank >= 2).

    The matrix is ``prod(shape[:-1])`` by ``shape[-1]``: the Q factor of a normal sample,
    with signs fixed by the diagonal of R, as tf-keras.

    >>> q = Orthogonal(seed=0)((4, 3))
    >>> torch.allclose(q.T @ q, torch.eye(3), atol=1e-6)
    True
    """

    def __init__(self, gain: float = 1.0, seed: int | None = None) -> None:
        super().__init__(seed)
        self.gain = _check_number(gain, "gain")

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> torch.Tensor:
        dtype = _float_dtype(dtype)
        shape = _as_shape(shape)
        if len(shape) < 2:
            raise argument_error("shape", "of rank >= 2 for Orthogonal", shape)
        rows, cols = math.prod(shape[:-1]), shape[-1]
        flat = (max(rows, cols), min(rows, cols))
        a = torch.randn(flat, generator=self._generator(), dtype=_work_dtype(dtype))
        q, r = torch.linalg.qr(a, mode="reduced")
        q = q * torch.sign(torch.diagonal(r))
        if rows < cols:
            q = q.T
        return (self.gain * q.reshape(shape)).to(dtype)

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain, "seed": self.seed}
