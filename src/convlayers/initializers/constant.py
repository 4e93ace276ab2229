"""Deterministic initializers: Zeros, Ones, Constant, Identity."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch

from ..serialization import deserialize_value, type_error
from ..validation import argument_error
from .base import Initializer, _as_dtype, _as_shape, _check_number, _float_dtype


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
