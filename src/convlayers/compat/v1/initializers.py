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
    """``tf.zeros_initializer()``: zeros (``convlayers.initializers.Zeros``).

    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> tf.get_variable('w', (2, 3), initializer=tf.zeros_initializer()).tolist()
    [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    return initializers.Zeros()


def ones_initializer(dtype: Any = None) -> initializers.Ones:
    """``tf.ones_initializer()``: ones (``convlayers.initializers.Ones``).

    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> tf.get_variable('w', (2, 3), initializer=tf.ones_initializer()).tolist()
    [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]
    """
    return initializers.Ones()


def constant_initializer(
    value: Any = 0, dtype: Any = None, verify_shape: bool = False
) -> initializers.Constant:
    """``tf.constant_initializer(value)``: every entry ``value``
    (``convlayers.initializers.Constant``).

    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> tf.get_variable('w', (2, 3), initializer=tf.constant_initializer(0.5)).tolist()
    [[0.5, 0.5, 0.5], [0.5, 0.5, 0.5]]
    """
    return initializers.Constant(value)


def random_uniform_initializer(
    minval: float = 0.0, maxval: float | None = None, seed: int | None = None, dtype: Any = None
) -> initializers.RandomUniform:
    """Uniform on ``[minval, maxval)``; ``maxval`` defaults to 1 (TF1, floats).

    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> init = tf.random_uniform_initializer(-1.0, 1.0, seed=0)
    >>> v = tf.get_variable('w', (2, 3), initializer=init)
    >>> tuple(v.shape), bool((v.abs() <= 1).all())
    ((2, 3), True)
    """
    return initializers.RandomUniform(minval, 1.0 if maxval is None else maxval, seed)


def random_normal_initializer(
    mean: float = 0.0, stddev: float = 1.0, seed: int | None = None, dtype: Any = None
) -> initializers.RandomNormal:
    """``tf.random_normal_initializer``: normal with ``mean`` and ``stddev``
    (``convlayers.initializers.RandomNormal``).

    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> init = tf.random_normal_initializer(stddev=0.1, seed=0)
    >>> v = tf.get_variable('w', (2, 3), initializer=init)
    >>> tuple(v.shape), v.dtype
    ((2, 3), torch.float32)
    """
    return initializers.RandomNormal(mean, stddev, seed)


def truncated_normal_initializer(
    mean: float = 0.0, stddev: float = 1.0, seed: int | None = None, dtype: Any = None
) -> initializers.TruncatedNormal:
    """``tf.truncated_normal_initializer``: normal cut at two ``stddev``
    (``convlayers.initializers.TruncatedNormal``).

    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> init = tf.truncated_normal_initializer(stddev=0.1, seed=0)
    >>> v = tf.get_variable('w', (2, 3), initializer=init)
    >>> tuple(v.shape), bool((v.abs() <= 0.2).all())
    ((2, 3), True)
    """
    return initializers.TruncatedNormal(mean, stddev, seed)


def glorot_uniform_initializer(seed: int | None = None, dtype: Any = None) -> Any:
    """``tf.glorot_uniform_initializer``: ``convlayers.initializers.GlorotUniform``.

    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> v = tf.get_variable('w', (2, 3), initializer=tf.glorot_uniform_initializer(seed=0))
    >>> tuple(v.shape), v.dtype
    ((2, 3), torch.float32)
    """
    return initializers.GlorotUniform(seed)


def glorot_normal_initializer(seed: int | None = None, dtype: Any = None) -> Any:
    """``tf.glorot_normal_initializer``: ``convlayers.initializers.GlorotNormal``.

    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> v = tf.get_variable('w', (2, 3), initializer=tf.glorot_normal_initializer(seed=0))
    >>> tuple(v.shape), v.dtype
    ((2, 3), torch.float32)
    """
    return initializers.GlorotNormal(seed)


def variance_scaling_initializer(
    scale: float = 1.0,
    mode: str = "fan_in",
    distribution: str = "truncated_normal",
    seed: int | None = None,
    dtype: Any = None,
) -> initializers.VarianceScaling:
    """``tf.variance_scaling_initializer``: ``convlayers.initializers.VarianceScaling`` with TF1's
    defaults (``distribution='truncated_normal'``).

    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> v = tf.get_variable('w', (2, 3), initializer=tf.variance_scaling_initializer(2.0, seed=0))
    >>> tuple(v.shape), v.dtype
    ((2, 3), torch.float32)
    """
    return initializers.VarianceScaling(scale, mode, distribution, seed)


def orthogonal_initializer(
    gain: float = 1.0, seed: int | None = None, dtype: Any = None
) -> initializers.Orthogonal:
    """``tf.orthogonal_initializer``: ``convlayers.initializers.Orthogonal``.

    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> import torch
    >>> v = tf.get_variable('w', (2, 3), initializer=tf.orthogonal_initializer(seed=0))
    >>> torch.allclose(v @ v.T, torch.eye(2), atol=1e-6)  # orthonormal rows
    True
    """
    return initializers.Orthogonal(gain, seed)


#: The constructors above, which ``get_variable`` calls when given one uncalled.
CONSTRUCTORS = frozenset(globals()[name] for name in __all__ if name.endswith("_initializer"))
