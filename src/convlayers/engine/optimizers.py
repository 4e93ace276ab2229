"""Optimizers by Keras name, as torch optimizers with the Keras defaults.

>>> import torch
>>> params = [torch.nn.Parameter(torch.zeros(2))]
>>> opt = get("adam", params)
>>> type(opt).__name__, opt.defaults["lr"], opt.defaults["eps"]
('Adam', 0.001, 1e-07)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch

__all__ = ["get"]

_NAMES: dict[str, tuple[type[torch.optim.Optimizer], dict[str, Any]]] = {
    "adam": (torch.optim.Adam, {"lr": 1e-3, "eps": 1e-7}),
    "sgd": (torch.optim.SGD, {"lr": 0.01}),
    "rmsprop": (torch.optim.RMSprop, {"lr": 1e-3, "alpha": 0.9, "eps": 1e-7}),
    "adagrad": (torch.optim.Adagrad, {"lr": 1e-3, "initial_accumulator_value": 0.1, "eps": 1e-7}),
}


def get(identifier: Any, params: Iterable[torch.nn.Parameter]) -> torch.optim.Optimizer:
    """A torch optimizer over ``params`` from a Keras name ('adam', 'sgd', 'rmsprop',
    'adagrad'), a torch optimizer class (default arguments) or an instance (as is)."""
    if isinstance(identifier, torch.optim.Optimizer):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, torch.optim.Optimizer):
        return identifier(list(params))
    if isinstance(identifier, str) and identifier.lower() in _NAMES:
        cls, defaults = _NAMES[identifier.lower()]
        return cls(list(params), **defaults)
    raise ValueError(
        f"`optimizer` must be one of {sorted(_NAMES)}, a torch.optim.Optimizer class or "
        f"instance. Received: optimizer={identifier!r}"
    )
