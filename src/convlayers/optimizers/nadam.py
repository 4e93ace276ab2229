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

from typing import Any

import torch

from .moments import MomentOptimizer

__all__ = ["Nadam"]


class Nadam(MomentOptimizer):
    """Nadam (Adam with Nesterov momentum); tf-keras' arguments and defaults (see
    :class:`~convlayers.optimizers.moments.MomentOptimizer`).

    >>> import torch, convlayers
    >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    >>> opt = convlayers.optimizers.Nadam(learning_rate=0.1)
    >>> opt.build([w])
    >>> w.grad = torch.tensor([0.5, -0.5])
    >>> opt.step()
    >>> w.detach()
    tensor([ 0.8937, -1.8937])
    """

    _keras_name = "Nadam"
    _u_product = 1.0  # u_1 * ... * u_t after t steps (an instance value once stepped)
    _u_product_step = 0

    def _slots(self, group: dict[str, Any]) -> list[tuple[str, float]]:
        return [("m", 0.0), ("v", 0.0)]

    def _extra_state(self) -> dict[str, Any]:
        return {**super()._extra_state(), "u_product": self._u_product}

    def _load_extra_state(self, extra: dict[str, Any]) -> None:
        super()._load_extra_state(extra)
        self._u_product = float(extra.get("u_product", self._u_product))
        self._u_product_step = self._iterations

    def _update_step(self, group, params, grads, slots, lr, r):  # see Optimizer
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
