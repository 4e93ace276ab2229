"""FTRL-proximal, as tf-keras 2.21's ``Ftrl``.

Update of a weight ``w`` with gradient ``g`` (``accumulator`` starts at
``initial_accumulator_value``, ``linear`` at zero; ``p = -learning_rate_power``)::

    l2 = l2_regularization_strength + beta / (2 * lr)
    g_shrunk = g + 2 * l2_shrinkage_regularization_strength * w
    new_accumulator = accumulator + g ** 2
    linear = linear + g_shrunk - (new_accumulator ** p - accumulator ** p) / lr * w
    quadratic = new_accumulator ** p / lr + 2 * l2
    w = (clip(linear, -l1, l1) - linear) / quadratic
    accumulator = new_accumulator

>>> import torch
>>> w = torch.nn.Parameter(torch.tensor([0.5, -0.5]))
>>> opt = Ftrl(learning_rate=0.1)
>>> opt.build([w])
>>> w.grad = torch.tensor([1.0, -1.0])
>>> opt.step()
>>> [round(x, 4) for x in w.tolist()]  # as tf-keras
[0.2539, -0.2539]
"""

from __future__ import annotations

from typing import Any

import torch

from .arguments import number
from .base import Optimizer
from .learning_rate import GroupValue

__all__ = ["Ftrl"]

_ARGS = (
    ("initial_accumulator_value", "positive or zero", lambda v: v >= 0.0),
    ("learning_rate_power", "negative or zero", lambda v: v <= 0.0),
    ("l1_regularization_strength", "positive or zero", lambda v: v >= 0.0),
    ("l2_regularization_strength", "positive or zero", lambda v: v >= 0.0),
    ("l2_shrinkage_regularization_strength", "positive or zero", lambda v: v >= 0.0),
)


class Ftrl(Optimizer):
    """Follow The Regularized Leader; tf-keras' arguments and defaults.

    Args:
        learning_rate: a float, a schedule or a callable. Defaults to 0.001.
        learning_rate_power: <= 0; the accumulator's power is its negative. Defaults to -0.5.
        initial_accumulator_value: >= 0. Defaults to 0.1.
        l1_regularization_strength: >= 0. Defaults to 0.
        l2_regularization_strength: >= 0. Defaults to 0.
        l2_shrinkage_regularization_strength: >= 0. Defaults to 0.
        beta: added as ``beta / (2 * lr)`` to the L2 strength. Defaults to 0.

    ``name`` and the common keyword arguments (``weight_decay``, ``clipnorm``, ...) are
    described in ``convlayers.optimizers``.

    >>> import torch, convlayers
    >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    >>> opt = convlayers.optimizers.Ftrl(learning_rate=0.1, l1_regularization_strength=0.01)
    >>> opt.build([w])
    >>> w.grad = torch.tensor([0.5, -0.5])
    >>> opt.step()
    >>> w.detach()
    tensor([ 0.3793, -0.8447])
    """

    _config_keys = (
        "learning_rate_power",
        "initial_accumulator_value",
        "l1_regularization_strength",
        "l2_regularization_strength",
        "l2_shrinkage_regularization_strength",
        "beta",
    )
    learning_rate_power = GroupValue()
    initial_accumulator_value = GroupValue()
    l1_regularization_strength = GroupValue()
    l2_regularization_strength = GroupValue()
    l2_shrinkage_regularization_strength = GroupValue()
    beta = GroupValue()

    def __init__(
        self,
        learning_rate: Any = 0.001,
        learning_rate_power: float = -0.5,
        initial_accumulator_value: float = 0.1,
        l1_regularization_strength: float = 0.0,
        l2_regularization_strength: float = 0.0,
        l2_shrinkage_regularization_strength: float = 0.0,
        beta: float = 0.0,
        *,
        name: str = "Ftrl",
        **kwargs: Any,
    ) -> None:
        hyperparameters = {
            "learning_rate_power": learning_rate_power,
            "initial_accumulator_value": initial_accumulator_value,
            "l1_regularization_strength": l1_regularization_strength,
            "l2_regularization_strength": l2_regularization_strength,
            "l2_shrinkage_regularization_strength": l2_shrinkage_regularization_strength,
            "beta": number(beta, "beta"),
        }
        for key, expectation, valid in _ARGS:
            if not valid(number(hyperparameters[key], key)):
                raise ValueError(
                    f"`{key}` needs to be {expectation}. Received: {key}={hyperparameters[key]}."
                )
        super().__init__(learning_rate, name, hyperparameters, **kwargs)

    def _slots(self, group: dict[str, Any]) -> list[tuple[str, float]]:
        return [("accumulator", group["initial_accumulator_value"]), ("linear", 0.0)]

    def _update_step(self, group, params, grads, slots, lr, r):  # see Optimizer
        power = -group["learning_rate_power"]
        l1 = group["l1_regularization_strength"]
        l2 = r(r(group["l2_regularization_strength"]) + r(r(group["beta"]) / r(2.0 * lr)))
        accumulator, linear = slots["accumulator"], slots["linear"]
        shrunk = torch._foreach_mul(params, 2 * group["l2_shrinkage_regularization_strength"])
        torch._foreach_add_(shrunk, grads)
        new_accumulator = torch._foreach_add(accumulator, torch._foreach_pow(grads, 2))
        new_power = torch._foreach_pow(new_accumulator, power)
        change = torch._foreach_sub(new_power, torch._foreach_pow(accumulator, power))
        torch._foreach_div_(change, lr)
        torch._foreach_mul_(change, params)
        torch._foreach_sub_(shrunk, change)
        torch._foreach_add_(linear, shrunk)
        quadratic = torch._foreach_div(new_power, lr)
        torch._foreach_add_(quadratic, r(2 * l2))
        clipped = torch._foreach_clamp_min(linear, -l1)
        torch._foreach_clamp_max_(clipped, l1)
        torch._foreach_sub_(clipped, linear)
        torch._foreach_div_(clipped, quadratic)
        torch._foreach_copy_(params, clipped)
        torch._foreach_copy_(accumulator, new_accumulator)
