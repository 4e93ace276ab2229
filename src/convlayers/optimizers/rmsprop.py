"""RMSprop, as tf-keras 2.21's ``RMSprop`` (epsilon inside the square root).

Update of a weight ``w`` with gradient ``g`` (slots start at zero)::

    velocity = rho * velocity + (1 - rho) * g ** 2
    average  = rho * average + (1 - rho) * g                 (centered only)
    increment = lr * g / sqrt(velocity - average ** 2 + epsilon)   (no ``average ** 2``
                                                             unless centered)
    momentum = momentum * momentum_slot + increment; w = w - momentum   (momentum > 0)
    w = w - increment                                        (otherwise)

>>> import torch
>>> w = torch.nn.Parameter(torch.tensor([10.0]))
>>> opt = RMSprop(learning_rate=0.1)
>>> opt.build([w])
>>> w.grad = w.detach().clone()
>>> opt.step()
>>> round(w.item(), 5)  # tf-keras' docstring example: 9.683772
9.68377
"""

from __future__ import annotations

from typing import Any

import torch

from .arguments import flag, number
from .base import Optimizer
from .learning_rate import GroupValue

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop; tf-keras' arguments and defaults.

    Args:
        learning_rate: a float, a schedule or a callable. Defaults to 0.001.
        rho: discount of the squared-gradient average. Defaults to 0.9.
        momentum: momentum of the increments (0: none). Defaults to 0.
        epsilon: added to the variance inside the square root. Defaults to 1e-7.
        centered: normalise by the gradient's estimated variance. Defaults to False.

    ``name`` and the common keyword arguments (``weight_decay``, ``clipnorm``, ...) are
    described in ``convlayers.optimizers``.
    ``ema_overwrite_frequency`` defaults to 100 here, as in tf-keras.

    >>> import torch, convlayers
    >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    >>> opt = convlayers.optimizers.RMSprop(learning_rate=0.1)
    >>> opt.build([w])
    >>> w.grad = torch.tensor([0.5, -0.5])
    >>> opt.step()
    >>> w.detach()
    tensor([ 0.6838, -1.6838])
    """

    _config_keys = ("rho", "momentum", "epsilon", "centered")
    rho = GroupValue()
    momentum = GroupValue()
    epsilon = GroupValue()
    centered = GroupValue()

    def __init__(
        self,
        learning_rate: Any = 0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
        *,
        name: str = "RMSprop",
        **kwargs: Any,
    ) -> None:
        hyperparameters = {
            "rho": number(rho, "rho"),
            "momentum": number(momentum, "momentum"),
            "epsilon": number(epsilon, "epsilon"),
            "centered": flag(centered, "centered"),
        }
        kwargs.setdefault("ema_overwrite_frequency", 100)  # tf-keras' default for RMSprop
        super().__init__(learning_rate, name, hyperparameters, **kwargs)

    def _slots(self, group: dict[str, Any]) -> list[tuple[str, float]]:
        slots = [("velocity", 0.0)]
        if group["momentum"] > 0:
            slots.append(("momentum", 0.0))
        if group["centered"]:
            slots.append(("average_gradient", 0.0))
        return slots

    def _update_step(self, group, params, grads, slots, lr, r):  # see Optimizer
        rho, epsilon = group["rho"], group["epsilon"]
        velocity = slots["velocity"]
        torch._foreach_mul_(velocity, rho)
        squares = torch._foreach_mul(grads, grads)
        torch._foreach_mul_(squares, 1 - rho)
        torch._foreach_add_(velocity, squares)
        if group["centered"]:
            average = slots["average_gradient"]
            torch._foreach_mul_(average, rho)
            torch._foreach_add_(average, torch._foreach_mul(grads, 1 - rho))
            denominator = torch._foreach_sub(velocity, torch._foreach_mul(average, average))
            torch._foreach_add_(denominator, epsilon)
        else:
            denominator = torch._foreach_add(velocity, epsilon)
        increment = torch._foreach_mul(grads, lr)
        torch._foreach_mul_(increment, torch._foreach_rsqrt(denominator))
        if group["momentum"] > 0:
            momentum = slots["momentum"]
            torch._foreach_mul_(momentum, group["momentum"])
            torch._foreach_add_(momentum, increment)
            increment = momentum
        torch._foreach_sub_(params, increment)
