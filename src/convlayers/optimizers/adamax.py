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

from typing import Any

import torch

from .moments import MomentOptimizer

__all__ = ["Adamax"]


class Adamax(MomentOptimizer):
    """Adamax (Adam with the infinity norm); tf-keras' arguments and defaults (see
    :class:`~convlayers.optimizers.moments.MomentOptimizer`).

    >>> import torch, convlayers
    >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    >>> opt = convlayers.optimizers.Adamax(learning_rate=0.1)
    >>> opt.build([w])
    >>> w.grad = torch.tensor([0.5, -0.5])
    >>> opt.step()
    >>> w.detach()
    tensor([ 0.9000, -1.9000])
    """

    _keras_name = "Adamax"

    def _slots(self, group: dict[str, Any]) -> list[tuple[str, float]]:
        return [("m", 0.0), ("u", 0.0)]

    def _update_step(self, group, params, grads, slots, lr, r):  # see Optimizer
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
