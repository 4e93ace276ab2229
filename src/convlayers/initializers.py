"""Weight initializers with the formulas, configs and names of tf-keras 2.21.

An initializer is called as ``init(shape, dtype=None) -> torch.Tensor``; ``dtype`` is a
torch dtype or a name ('float32', 'float64', 'bfloat16', ...), float32 by default.
Unseeded random initializers draw from torch's global generator (``torch.manual_seed``
makes them reproducible, and two calls give different values); a seeded one owns its
generator and returns the same values on every call, as tf-keras 2.21 does.

Random values cannot equal TensorFlow's (different generators); distributions, bounds,
fans and configs do. Differences from tf-keras 2.21: an unseeded instance gives fresh
values on each call (tf-keras repeats them and warns); ``stddev < 0``,
``maxval < minval``, non-integer seeds and non-numeric arguments are refused at
construction; Orthogonal works in bfloat16 (sampled in float32); ``get`` refuses the
abstract 'Initializer' name and raises ``TypeError`` (not ``ValueError``) for a
non-identifier such as ``5``.

>>> import torch
>>> get("ones")((2, 3))
tensor([[1., 1., 1.],
        [1., 1., 1.]])
>>> serialize(GlorotUniform(seed=3))
{'module': 'keras.initializers', 'class_name': 'GlorotUniform', 'config': {'seed': 3},
 'registered_name': None}
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from numbers import Real
from typing import Any

import numpy as np
import torch

from .serialization import (
    KerasObject,
    Registry,
    deserialize_value,
    to_snake_case,
    type_error,
)
from .validation import argument_error

__all__ = [
    "Constant",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Identity",
    "Initializer",
    "LecunNormal",
    "LecunUniform",
    "Ones",
    "Orthogonal",
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling",
    "Zeros",
    "compute_fans",
    "constant",
    "deserialize",
    "get",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "identity",
    "lecun_normal",
    "lecun_uniform",
    "ones",
    "orthogonal",
    "random_normal",
    "random_uniform",
    "serialize",
    "truncated_normal",
    "variance_scaling",
    "zeros",
]

# Standard deviation of the standard normal truncated to [-2, 2] (Keras' constant).
_TRUNCATED_STDDEV = 0.87962566103423978
_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


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
    if isinstance(dtype, str):
        name = dtype
    else:
        try:
            name = np.dtype(dtype).name
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
    """Base class: ``__call__(shape, dtype=None)``, ``get_config()``, ``from_config(config)``."""

    kind = "initializer"
    ignored_config_keys = ("dtype",)  # legacy configs carry it

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> torch.Tensor:
        raise NotImplementedError(f"{type(self).__name__} must implement __call__().")


class Zeros(Initializer):
    """All zeros (any numeric or boolean dtype).

    >>> Zeros()((2,), dtype="int64")
    tensor([0, 0])
    """

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> torch.Tensor:
        return torch.zeros(_as_shape(shape), dtype=_as_dtype(dtype))


class Ones(Initializer):
    """All ones (any numeric or boolean dtype).

    >>> Ones()((2,), dtype=torch.float64)
    tensor([1., 1.], dtype=torch.float64)
    """

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> torch.Tensor:
        return torch.ones(_as_shape(shape), dtype=_as_dtype(dtype))


class Constant(Initializer):
    """Every entry ``value``; or ``value`` itself (array-like) reshaped to ``shape``.

    Args:
        value: a number, or an array-like with one entry or exactly ``prod(shape)`` entries.

    >>> Constant(0.5)((2, 2))
    tensor([[0.5000, 0.5000],
            [0.5000, 0.5000]])
    >>> Constant([1, 2, 3, 4])((2, 2), dtype="int32")
    tensor([[1, 2],
            [3, 4]], dtype=torch.int32)
    """

    def __init__(self, value: Any = 0) -> None:
        try:
            np.asarray(value.detach().cpu() if isinstance(value, torch.Tensor) else value, float)
        except (TypeError, ValueError):
            raise type_error("value", "a number or an array-like of numbers", value) from None
        self.value = value

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> torch.Tensor:
        shape = _as_shape(shape)
        dtype = _as_dtype(dtype)
        source = torch.as_tensor(
            self.value.detach().cpu() if isinstance(self.value, torch.Tensor) else self.value
        )
        result = source.to(dtype)
        if not torch.equal(result.to(source.dtype), source):
            raise argument_error("value", f"representable in dtype {dtype}", self.value)
        if result.numel() == 1:
            return result.reshape(()).expand(shape).clone()
        if result.numel() != math.prod(shape):
            raise argument_error(
                "value", f"a number or an array-like of {math.prod(shape)} entries", self.value
            )
        return result.reshape(shape).clone()

    def get_config(self) -> dict[str, Any]:
        return {"value": self.value}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Constant:
        config = dict(config)
        if "value" in config:
            config["value"] = deserialize_value(config["value"])
        return super().from_config(config)  # type: ignore[return-value]


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


class Identity(Initializer):
    """``gain`` times the identity matrix (2D shapes only; non-square allowed).

    >>> Identity(2.0)((2, 3))
    tensor([[2., 0., 0.],
            [0., 2., 0.]])
    """

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = _check_number(gain, "gain")

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> torch.Tensor:
        dtype = _float_dtype(dtype)
        shape = _as_shape(shape)
        if len(shape) != 2:
            raise argument_error("shape", "of rank 2 for Identity", shape)
        return self.gain * torch.eye(*shape, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain}


# snake_case aliases, as public names of tf_keras.initializers.
constant = Constant
glorot_normal = GlorotNormal
glorot_uniform = GlorotUniform
he_normal = HeNormal
he_uniform = HeUniform
identity = Identity
lecun_normal = LecunNormal
lecun_uniform = LecunUniform
ones = Ones
orthogonal = Orthogonal
random_normal = RandomNormal
random_uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
zeros = Zeros

_REGISTRY = Registry("initializer", "keras.initializers")
for _cls in (
    Constant,
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    Identity,
    LecunNormal,
    LecunUniform,
    Ones,
    Orthogonal,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    Zeros,
):
    _REGISTRY.add(_cls, _cls.__name__ + "V2")
for _cls in (GlorotNormal, GlorotUniform, HeNormal, HeUniform, LecunNormal, LecunUniform):
    _REGISTRY.add(_cls, to_snake_case(_cls.__name__) + "V2", snake_case=False)
_REGISTRY.add(RandomNormal, "normal", snake_case=False)
_REGISTRY.add(RandomUniform, "uniform", snake_case=False)
_REGISTRY.add(Ones, "one", snake_case=False)
_REGISTRY.add(Zeros, "zero", snake_case=False)


def serialize(initializer: Any) -> dict[str, Any] | None:
    """The tf-keras 2.21 config dict of ``initializer`` (None for None).

    >>> serialize(Zeros())
    {'module': 'keras.initializers', 'class_name': 'Zeros', 'config': {}, 'registered_name': None}
    """
    return _REGISTRY.serialize(initializer, Initializer)


def deserialize(
    config: str | Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None
) -> Any:
    """An initializer from a name or a Keras config dict (with or without 'module').

    >>> deserialize({"class_name": "RandomUniform", "config": {"minval": -1, "maxval": 1}})
    RandomUniform(minval=-1, maxval=1, seed=None)
    """
    return _REGISTRY.deserialize(config, custom_objects)


def get(identifier: Any) -> Any:
    """An initializer from None (gives None), a name, a config dict, a class or a callable.

    >>> get("he_normal")
    HeNormal(seed=None)
    >>> get(None) is None
    True
    """
    return _REGISTRY.get(identifier, deserialize)
