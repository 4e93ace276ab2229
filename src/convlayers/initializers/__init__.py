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

from collections.abc import Mapping
from typing import Any

from ..serialization import Registry, to_snake_case
from .base import Initializer, compute_fans
from .constant import Constant, Identity, Ones, Zeros
from .random import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    Orthogonal,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
)

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
