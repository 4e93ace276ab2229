"""Nadam, as tf-keras 2.21's ``Nadam`` (the momentum schedule of Dozat's paper).

At step ``t = iterations + 1``, with ``u_t = beta_1 * (1 - 0.5 * 0.96 ** t)`` and
``prod_t = u_1 * ... * u_t`` (one running product per optimizer)::

    m = m + (g - m) * (1 - beta_1)
    v = v + (g ** 2 - v) * (1 - beta_2)
    m_hat = u_{t+1} * m / (1 - prod_{t+1}) + (1 - u_t) * g / (1 - prod_t)
    v_hat = v / (1 - beta_2 ** t)
    w = w - m_hat * lr / (sqrt(v_hat) + epsilon)

>>> import torch
>>> w = torch.nn.Parameter(torch.tensor([1.0, -1.0]))
>>> opt = Nadam(learning_rate=0.1)
>>> opt.build([w])
>>> w.grad = torch.tensor([0.5, -2.0])
>>> opt.step()
>>> [round(x, 4) for x in w.tolist()]  # as tf-keras
[0.8937, -0.8937]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from .base import GroupValue, Optimizer, Tensors, _number

__all__ = ["Nadam"]


class Nadam(Optimizer):
    """Nadam (Adam with Nesterov momentum); tf-keras' arguments and defaults.

    Args:
        learning_rate: a float, a schedule or a callable. Defaults to 0.001.
        beta_1: decay of the first moment. Defaults to 0.9.
        beta_2: decay of the second moment. Defaults to 0.999.
        epsilon: added to ``sqrt(v_hat)``. Defaults to 1e-7.
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
        name: str = "Nadam",
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
        self._u_product = 1.0  # u_1 * ... * u_t after t steps
        self._u_product_step = 0

    def _slots(self, group: dict[str, Any]) -> list[tuple[str, float]]:
        return [("m", 0.0), ("v", 0.0)]

    def _extra_state(self) -> dict[str, Any]:
        return {**super()._extra_state(), "u_product": self._u_product}

    def _load_extra_state(self, extra: dict[str, Any]) -> None:
        super()._load_extra_state(extra)
        self._u_product = float(extra.get("u_product", self._u_product))
        self._u_product_step = self._iterations

    def _update_step(
        self,
        group: dict[str, Any],
        params: Tensors,
        grads: Tensors,
        slots: dict[str, Tensors],
        lr: float,
        r: Callable[[float], float],
    ) -> None:
        beta_1, beta_2 = r(group["beta_1"]), r(group["beta_2"])
        t, t_next = r(self._iterations + 1), r(self._iterations + 2)
        decay = r(0.96)
        u_t = r(beta_1 * r(1.0 - r(0.5 * r(decay**t))))
        u_next = r(beta_1 * r(1.0 - r(0.5 * r(decay**t_next))))
        if self._u_product_step != self._iterations + 1:  # once per step, as tf-keras
            self._u_product = r(self._u_product * u_t)
            self._u_product_step = self._iterations + 1
        product, product_next = self._u_product, r(self._u_product * u_next)
        m, v = slots["m"], slots["v"]
        delta = torch._foreach_sub(grads, m)
        torch._foreach_mul_(delta, r(1 - beta_1))
        torch._foreach_add_(m, delta)
        delta = torch._foreach_mul(grads, grads)
        torch._foreach_sub_(delta, v)
        torch._foreach_mul_(delta, r(1 - beta_2))
        torch._foreach_add_(v, delta)
        m_hat = torch._foreach_mul(m, u_next)
        torch._foreach_div_(m_hat, r(1 - product_next))
        current = torch._foreach_mul(grads, r(1 - u_t))
        torch._foreach_div_(current, r(1 - product))
        torch._foreach_add_(m_hat, current)
        v_hat = torch._foreach_div(v, r(1 - r(beta_2**t)))
        torch._foreach_mul_(m_hat, lr)
        denominator = torch._foreach_sqrt(v_hat)
        torch._foreach_add_(denominator, group["epsilon"])
        torch._foreach_div_(m_hat, denominator)
        torch._foreach_sub_(params, m_hat)
