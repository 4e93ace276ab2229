"""The Keras optimizers' arguments, checked once at the boundary (tf-keras' wording first).

>>> number(0.9, "beta_1")
0.9
>>> as_learning_rate(lambda: 0.01)  # a callable is called once, as a tf.Variable does
0.01
>>> is_params([]), is_params(0.001)
(True, False)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping
from numbers import Real
from typing import Any

import numpy as np
import torch

from ..validation import argument_error
from .schedules import LearningRateSchedule
from .variables import ScalarVariable

__all__ = [
    "accept_leading_params",
    "as_learning_rate",
    "check_clipping",
    "check_ema",
    "check_kwargs",
    "flag",
    "is_params",
    "number",
]

_LEGACY_KWARGS = ("decay", "gradient_aggregator", "gradient_transformers")


def number(value: Any, name: str, allow_none: bool = False) -> Any:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        expectation = "None or a finite number" if allow_none else "a finite number"
        raise argument_error(name, expectation, value)
    return value


def flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise argument_error(name, "a boolean", value)
    return bool(value)


def as_learning_rate(value: Any) -> float:
    """A float from a number, a 0-d tensor, a variable view or a callable returning one
    (called once, as a tf.Variable made from a callable is)."""
    if callable(value) and not isinstance(value, ScalarVariable | torch.Tensor):
        value = value()
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        value = value.item()
    if isinstance(value, ScalarVariable | np.generic) or (
        isinstance(value, np.ndarray) and value.size == 1
    ):
        value = value.item() if not isinstance(value, ScalarVariable) else float(value)
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise argument_error(
            "learning_rate", "a finite number, a LearningRateSchedule or a callable", value
        )
    return float(value)


def is_params(value: Any) -> bool:
    """Whether a leading positional argument is torch-style parameters, not a learning rate."""
    scalars = (str, bytes, Mapping, Real, np.generic, np.ndarray, torch.Tensor)
    if isinstance(value, (*scalars, LearningRateSchedule, ScalarVariable)):
        return False
    return isinstance(value, Iterable)


def accept_leading_params(init: Callable[..., None]) -> Callable[..., None]:
    """Let ``Cls(params, lr, ...)`` (torch style) mean ``Cls(lr, ..., params=params)``."""

    @functools.wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if args and is_params(args[0]):
            if "params" in kwargs:
                raise TypeError("__init__() got multiple values for argument 'params'")
            kwargs["params"], args = args[0], args[1:]
        init(self, *args, **kwargs)

    return __init__


def check_kwargs(kwargs: dict[str, Any], class_name: str) -> None:
    for key, value in kwargs.items():
        if key in _LEGACY_KWARGS:
            raise ValueError(
                f"{key} is deprecated in the new TF-Keras optimizer, please check the docstring "
                "for valid arguments, or use the legacy optimizer, e.g., "
                f"tf.keras.optimizers.legacy.{class_name}. (For the legacy `decay`, pass "
                "learning_rate=schedules.InverseTimeDecay(learning_rate, 1, decay).) "
                f"Received: {key}={value!r}"
            )
        if key == "mesh":
            raise ValueError(f"`mesh` (DTensor) is not supported. Received: mesh={value!r}")
        raise TypeError(
            f"{key} is not a valid argument, kwargs should be empty  for "
            f"`optimizer_experimental.Optimizer`. Received: {key}={value!r}"
        )


def check_clipping(clipnorm: Any, clipvalue: Any, global_clipnorm: Any) -> None:
    for name, value in (
        ("clipnorm", clipnorm),
        ("clipvalue", clipvalue),
        ("global_clipnorm", global_clipnorm),
    ):
        if value is not None and number(value, name, allow_none=True) < 0:
            raise argument_error(name, "None or a number >= 0", value)
    if clipnorm is not None and global_clipnorm is not None:
        raise ValueError(
            "At most one of `clipnorm` and `global_clipnorm` can be set. "
            f"Received: clipnorm={clipnorm}, global_clipnorm={global_clipnorm}."
        )
    if clipvalue and (clipnorm or global_clipnorm):
        raise ValueError(
            "At most one of `clipnorm`, `global_clipnorm` and `clipvalue` can be set (tf-keras "
            "would ignore `clipvalue`). Received: "
            f"clipnorm={clipnorm}, global_clipnorm={global_clipnorm}, clipvalue={clipvalue}."
        )


def check_ema(use_ema: bool, momentum: Any, frequency: Any) -> None:
    number(momentum, "ema_momentum")
    if not use_ema:
        return
    if momentum > 1 or momentum < 0:
        raise ValueError(
            f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={momentum}"
        )
    if frequency and (not isinstance(frequency, int) or frequency < 1):
        raise ValueError(
            "`ema_overwrite_frequency` must be an integer > 1 or None. "
            f"Received: ema_overwrite_frequency={frequency}"
        )
