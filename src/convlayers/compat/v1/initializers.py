"""TF1 initializer constructors (``tf.zeros_initializer()``, ...) with TF1's defaults.

Each returns the convlayers initializer that draws the same distribution. TF1's
``dtype`` argument is accepted and has no effect: a variable's dtype decides. As TF1
takes its initializer classes uncalled (``initializer=tf.zeros_initializer``),
``get_variable`` calls a constructor given uncalled (see ``CONSTRUCTORS``).

>>> random_normal_initializer()
RandomNormal(mean=0.0, stddev=1.0, seed=None)
>>> variance_scaling_initializer()
VarianceScaling(scale=1.0, mode='fan_in', distribution='truncated_normal', seed=None)
"""

from __future__ import annotations

from typing import Any

from ... import initializers

__all__ = [
    "CONSTRUCTORS",
    "constant_initializer",
    "glorot_normal_initializer",
    "glorot_uniform_initializer",
    "ones_initializer",
    "orthogonal_initializer",
    "random_normal_initializer",
    "random_uniform_initializer",
    "truncated_normal_initializer",
    "variance_scaling_initializer",
    "zeros_initializer",
]


def zeros_initializer(dtype: Any = None) -> initializers.Zeros:
    return initializers.Zeros()


def ones_initializer(dtype: Any = None) -> initializers.Ones:
    return initializers.Ones()


def constant_initializer(
    value: Any = 0, dtype: Any = None, verify_shape: bool = False
) -> initializers.Constant:
    return initializers.Constant(value)


def random_uniform_initializer(
    minval: float = 0.0, maxval: float | None = None, seed: int | None = None, dtype: Any = None
) -> initializers.RandomUniform:
    """Uniform on ``[minval, maxval)``; ``maxval`` defaults to 1 (TF1, floats)."""
    return initializers.RandomUniform(minval, 1.0 if maxval is None else maxval, seed)


def random_normal_initializer(
    mean: float = 0.0, stddev: float = 1.0, seed: int | None = None, dtype: Any = None
) -> initializers.RandomNormal:
    return initializers.RandomNormal(mean, stddev, seed)


def truncated_normal_initializer(
    mean: float = 0.0, stddev: float = 1.0, seed: int | None = None, dtype: Any = None
) -> initializers.TruncatedNormal:
    return initializers.TruncatedNormal(mean, stddev, seed)


def glorot_uniform_initializer(seed: int | None = None, dtype: Any = None) -> Any:
    return initializers.GlorotUniform(seed)


def glorot_normal_initializer(seed: int | None = None, dtype: Any = None) -> Any:
    return initializers.GlorotNormal(seed)


def variance_scaling_initializer(
    scale: float = 1.0,
    mode: str = "fan_in",
    distribution: str = "truncated_normal",
    seed: int | None = None,
    dtype: Any = None,
) -> initializers.VarianceScaling:
    return initializers.VarianceScaling(scale, mode, distribution, seed)


def orthogonal_initializer(
    gain: float = 1.0, seed: int | None = None, dtype: Any = None
) -> initializers.Orthogonal:
    return initializers.Orthogonal(gain, seed)


#: The constructors above, which ``get_variable`` calls when given one uncalled.
CONSTRUCTORS = frozenset(globals()[name] for name in __all__ if name.endswith("_initializer"))
