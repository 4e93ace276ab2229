"""Lion, as tf-keras 2.21's ``Lion``.

Update of a weight ``w`` with gradient ``g`` (``m`` starts at zero)::

    w = w - lr * sign(m * beta_1 + g * (1 - beta_1))
    m = m * beta_2 + g * (1 - beta_2)

>>> import torch
>>> w = torch.nn.Parameter(torch.tensor([1.0, -1.0]))
>>> opt = Lion(learning_rate=0.1)
>>> opt.build([w])
>>> w.grad = torch.tensor([0.5, -2.0])
>>> opt.step()
>>> [round(x, 4) for x in w.tolist()]
[0.9, -0.9]
"""

from __future__ import annotations

from typing import Any

import torch

from .arguments import number
from .base import Optimizer
from .learning_rate import GroupValue

__all__ = ["Lion"]


class Lion(Optimizer):
    """Lion (evolved sign momentum); tf-keras' arguments and defaults.

    Args:
        learning_rate: a float, a schedule or a callable. Defaults to 0.0001.
        beta_1: interpolation of the update direction, in (0, 1]. Defaults to 0.9.
        beta_2: decay of the momentum. Defaults to 0.99.

    ``name`` and the common keyword arguments (``weight_decay``, ``clipnorm``, ...) are
    described in ``convlayers.optimizers``.

    >>> import torch, convlayers
    >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    >>> opt = convlayers.optimizers.Lion(learning_rate=0.1)
    >>> opt.build([w])
    >>> w.grad = torch.tensor([0.5, -0.5])
    >>> opt.step()
    >>> w.detach()
    tensor([ 0.9000, -1.9000])
    """

    _config_keys = ("beta_1", "beta_2")
    beta_1 = GroupValue()
    beta_2 = GroupValue()

    def __init__(
        self,
        learning_rate: Any = 0.0001,
        beta_1: float = 0.9,
        beta_2: float = 0.99,
        *,
        name: str = "Lion",
        **kwargs: Any,
    ) -> None:
        if number(beta_1, "beta_1") <= 0 or beta_1 > 1:
            raise ValueError(
                f"`beta_1`={beta_1} must be between ]0, 1]. Otherwise, the optimizer degenerates "
                f"to SignSGD. Received: beta_1={beta_1}"
            )
        hyperparameters = {"beta_1": beta_1, "beta_2": number(beta_2, "beta_2")}
        super().__init__(learning_rate, name, hyperparameters, **kwargs)

    def _slots(self, group: dict[str, Any]) -> list[tuple[str, float]]:
        return [("m", 0.0)]

    def _update_step(self, group, params, grads, slots, lr, r):  # see Optimizer
        beta_1, beta_2 = r(group["beta_1"]), r(group["beta_2"])
        m = slots["m"]
        direction = torch._foreach_mul(m, beta_1)
        torch._foreach_add_(direction, torch._foreach_mul(grads, r(1.0 - beta_1)))
        torch._foreach_sign_(direction)
        torch._foreach_mul_(direction, lr)
        torch._foreach_sub_(params, direction)
        torch._foreach_mul_(m, beta_2)
        torch._foreach_add_(m, torch._foreach_mul(grads, r(1.0 - beta_2)))
