"""Adamax, as tf-keras 2.21's ``Adamax``.

Update of a weight ``w`` with gradient ``g`` at step ``t = iterations + 1``::

    m = m + (g - m) * (1 - beta_1)
    u = max(beta_2 * u, |g|)
    w = w - lr * m / ((1 - beta_1 ** t) * (u + epsilon))

>>> import torch
>>> w = torch.nn.Parameter(torch.tensor([1.0, -1.0]))
>>> opt = Adamax(learning_rate=0.1)
>>> opt.build([w])
>>> w.grad = torch.tensor([0.5, -2.0])
>>> opt.step()
>>> [round(x, 4) for x in w.tolist()]
[0.9, -0.9]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from .base import GroupValue, Optimizer, Tensors, _number

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adamax (Adam with the infinity norm); tf-keras' arguments and defaults.

    Args:
        learning_rate: a float, a schedule or a callable. Defaults to 0.001.
        beta_1: decay of the first moment. Defaults to 0.9.
        beta_2: decay of the infinity norm. Defaults to 0.999.
        epsilon: added to the norm. Defaults to 1e-7.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, jit_compile, name: as every Keras optimizer.
    """

    _config_keys = ("beta_1", "beta_2", "epsilon")
    beta_1 = GroupValue()
    beta_2 = GroupValue()
    epsilon = GroupValue()

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        jit_compile: bool = True,
        name: str = "Adamax",
        **kwargs: Any,
    ) -> None:
        hyperparameters = {
            "beta_1": _number(beta_1, "beta_1"),
            "beta_2": _number(beta_2, "beta_2"),
            "epsilon": _number(epsilon, "epsilon"),
        }
        super().__init__(
            learning_rate,
            name,
            hyperparameters,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            jit_compile=jit_compile,
            **kwargs,
        )

    def _slots(self, group: dict[str, Any]) -> list[tuple[str, float]]:
        return [("m", 0.0), ("u", 0.0)]

    def _update_step(
        self,
        group: dict[str, Any],
        params: Tensors,
        grads: Tensors,
        slots: dict[str, Tensors],
        lr: float,
        r: Callable[[float], float],
    ) -> None:
        beta_1 = group["beta_1"]
        correction = r(1 - r(r(beta_1) ** r(self._iterations + 1)))
        m, u = slots["m"], slots["u"]
        delta = torch._foreach_sub(grads, m)
        torch._foreach_mul_(delta, 1 - beta_1)
        torch._foreach_add_(m, delta)
        torch._foreach_mul_(u, group["beta_2"])
        torch._foreach_maximum_(u, torch._foreach_abs(grads))
        step = torch._foreach_mul(m, lr)
        denominator = torch._foreach_add(u, group["epsilon"])
        torch._foreach_mul_(denominator, correction)
        torch._foreach_div_(step, denominator)
        torch._foreach_sub_(params, step)
