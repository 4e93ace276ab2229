"""SGD with momentum and Nesterov momentum, as tf-keras 2.21's ``SGD``.

Update of a weight ``w`` with gradient ``g`` (``m`` starts at zero)::

    momentum == 0:  w = w - lr * g
    otherwise:      m = -g * lr + m * momentum
                    w = w + m                            (nesterov=False)
                    w = w + (-g * lr + m * momentum)     (nesterov=True)

>>> import torch
>>> w = torch.nn.Parameter(torch.tensor([1.0]))
>>> opt = SGD(0.1, momentum=0.9)
>>> opt.build([w])
>>> for _ in range(2):
...     w.grad = w.detach().clone()  # the gradient of w ** 2 / 2
...     opt.step()
>>> round(w.item(), 6)  # 1 - 0.1, then 0.9 - (0.09 + 0.09)
0.72
"""

from __future__ import annotations

from typing import Any

import torch

from .arguments import flag, number
from .base import Optimizer
from .learning_rate import GroupValue

__all__ = ["SGD"]


class SGD(Optimizer):
    """Gradient descent (with momentum); tf-keras' arguments and defaults.

    Args:
        learning_rate: a float, a ``schedules.LearningRateSchedule`` or a callable
            returning a float (called once). Defaults to 0.01.
        momentum: float in [0, 1]. Defaults to 0.
        nesterov: whether to use Nesterov momentum. Defaults to False.

    ``name`` and the common keyword arguments (``weight_decay``, ``clipnorm``, ...) are
    described in ``convlayers.optimizers``.

    >>> import torch, convlayers
    >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    >>> opt = convlayers.optimizers.SGD(learning_rate=0.1, momentum=0.9)
    >>> opt.build([w])  # or convlayers.optimizers.SGD([w], ...), torch style
    >>> w.grad = torch.tensor([0.5, -0.5])
    >>> opt.step()
    >>> w.detach()
    tensor([ 0.9500, -1.9500])
    """

    _config_keys = ("momentum", "nesterov")
    momentum = GroupValue()
    nesterov = GroupValue()

    def __init__(
        self,
        learning_rate: Any = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
        *,
        name: str = "SGD",
        **kwargs: Any,
    ) -> None:
        if number(momentum, "momentum") < 0 or momentum > 1:
            raise ValueError(f"`momentum` must be between [0, 1]. Received: momentum={momentum}")
        hyperparameters = {"momentum": momentum, "nesterov": flag(nesterov, "nesterov")}
        super().__init__(learning_rate, name, hyperparameters, **kwargs)

    def _slots(self, group: dict[str, Any]) -> list[tuple[str, float]]:
        return [("m", 0.0)] if group["momentum"] else []

    def _update_step(self, group, params, grads, slots, lr, r):  # see Optimizer
        step = torch._foreach_mul(grads, -lr)  # -g * lr
        if not group["momentum"]:
            torch._foreach_add_(params, step)
            return
        momentum = r(group["momentum"])
        m = slots["m"]
        torch._foreach_mul_(m, momentum)
        torch._foreach_add_(m, step)
        if group["nesterov"]:
            ahead = torch._foreach_mul(m, momentum)
            torch._foreach_add_(ahead, step)
            torch._foreach_add_(params, ahead)
        else:
            torch._foreach_add_(params, m)
