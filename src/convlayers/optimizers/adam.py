"""Adam and AdamW, as tf-keras 2.21's ``Adam`` and ``AdamW`` (epsilon added to ``sqrt(v)``
and the bias correction folded into the step size, unlike ``torch.optim.Adam``).

Update of a weight ``w`` with gradient ``g`` at step ``t = iterations + 1``::

    alpha = lr * sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
    m = m + (g - m) * (1 - beta_1)
    v = v + (g ** 2 - v) * (1 - beta_2)
    v_hat = max(v_hat, v)                                  (amsgrad; then v := v_hat)
    w = w - m * alpha / (sqrt(v) + epsilon)

``adaptive_epsilon=True`` (Adam) uses ``epsilon * sqrt(1 - beta_2 ** t)``. AdamW is Adam
with ``weight_decay`` required (default 0.004); both decay weights as every Keras
optimizer does, before the update: ``w = w - w * weight_decay * lr``.

>>> import torch
>>> w = torch.nn.Parameter(torch.tensor([1.0, -1.0]))
>>> opt = Adam(learning_rate=0.1)
>>> opt.build([w])
>>> w.grad = torch.tensor([0.5, -2.0])
>>> opt.step()
>>> [round(x, 4) for x in w.tolist()]  # the first step moves each weight by about lr
[0.9, -0.9]
"""

from __future__ import annotations

import math
from typing import Any

import torch

from .arguments import flag
from .base import Optimizer
from .learning_rate import GroupValue
from .moments import MomentOptimizer, moments

__all__ = ["Adam", "AdamW"]


class _AdamBase(MomentOptimizer):
    _config_keys = ("beta_1", "beta_2", "epsilon", "amsgrad")
    amsgrad = GroupValue()

    def _slots(self, group: dict[str, Any]) -> list[tuple[str, float]]:
        slots = [("m", 0.0), ("v", 0.0)]
        return [*slots, ("vhat", 0.0)] if group["amsgrad"] else slots

    def _update_step(self, group, params, grads, slots, lr, r):  # see Optimizer
        beta_1, beta_2 = group["beta_1"], group["beta_2"]
        t = r(self._iterations + 1)
        beta_1_power = r(r(beta_1) ** t)
        correction = r(math.sqrt(r(1 - r(r(beta_2) ** t))))
        alpha = r(r(lr * correction) / r(1 - beta_1_power))
        epsilon = group["epsilon"]
        if group.get("adaptive_epsilon"):
            epsilon = r(r(epsilon) * correction)
        m, v = slots["m"], slots["v"]
        delta = torch._foreach_sub(grads, m)
        torch._foreach_mul_(delta, 1 - beta_1)
        torch._foreach_add_(m, delta)
        delta = torch._foreach_mul(grads, grads)
        torch._foreach_sub_(delta, v)
        torch._foreach_mul_(delta, 1 - beta_2)
        torch._foreach_add_(v, delta)
        if group["amsgrad"]:
            torch._foreach_maximum_(slots["vhat"], v)
            v = slots["vhat"]
        step = torch._foreach_mul(m, alpha)
        denominator = torch._foreach_sqrt(v)
        torch._foreach_add_(denominator, epsilon)
        torch._foreach_div_(step, denominator)
        torch._foreach_sub_(params, step)


class Adam(_AdamBase):
    """Adam; tf-keras' arguments and defaults.

    Args:
        learning_rate: a float, a schedule or a callable. Defaults to 0.001.
        beta_1: decay of the first moment. Defaults to 0.9.
        beta_2: decay of the second moment. Defaults to 0.999.
        epsilon: added to ``sqrt(v)``. Defaults to 1e-7.
        adaptive_epsilon: scale epsilon by ``sqrt(1 - beta_2 ** t)``. Defaults to False.
            (tf-keras leaves it out of ``get_config``; ours lists it when True.)
        amsgrad: use the AMSGrad variant. Defaults to False.

    ``name`` and the common keyword arguments (``weight_decay``, ``clipnorm``, ...) are
    described in ``convlayers.optimizers``.

    >>> import torch, convlayers
    >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    >>> opt = convlayers.optimizers.Adam(learning_rate=0.1)
    >>> opt.build([w])
    >>> w.grad = torch.tensor([0.5, -0.5])
    >>> opt.step()
    >>> w.detach()
    tensor([ 0.9000, -1.9000])
    """

    adaptive_epsilon = GroupValue()

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        adaptive_epsilon: bool = False,
        amsgrad: bool = False,
        *,
        name: str = "Adam",
        **kwargs: Any,
    ) -> None:
        hyperparameters = {
            **moments(beta_1, beta_2, epsilon),
            "adaptive_epsilon": flag(adaptive_epsilon, "adaptive_epsilon"),
            "amsgrad": flag(amsgrad, "amsgrad"),
        }
        # Optimizer's own __init__: Adam has more arguments than MomentOptimizer's.
        Optimizer.__init__(self, learning_rate, name, hyperparameters, **kwargs)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        if self.adaptive_epsilon:
            config["adaptive_epsilon"] = True
        return config


class AdamW(_AdamBase):
    """AdamW: Adam with decoupled weight decay; tf-keras' arguments and defaults.

    Args:
        learning_rate: a float, a schedule or a callable. Defaults to 0.001.
        weight_decay: required (not None). Defaults to 0.004.
        beta_1: as in :class:`Adam`.
        beta_2: as in :class:`Adam`.
        epsilon: as in :class:`Adam`.
        amsgrad: as in :class:`Adam`.

    ``name`` and the common keyword arguments (``weight_decay``, ``clipnorm``, ...) are
    described in ``convlayers.optimizers``.

    >>> import torch, convlayers
    >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    >>> opt = convlayers.optimizers.AdamW(learning_rate=0.1, weight_decay=0.5)
    >>> opt.build([w])
    >>> w.grad = torch.tensor([0.5, -0.5])
    >>> opt.step()
    >>> w.detach()
    tensor([ 0.8500, -1.8000])
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        weight_decay: float = 0.004,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        *,
        name: str = "AdamW",
        **kwargs: Any,
    ) -> None:
        if weight_decay is None:
            raise ValueError(
                "Missing value of `weight_decay` which is required and must be a float value. "
                "Received: weight_decay=None"
            )
        hyperparameters = {**moments(beta_1, beta_2, epsilon), "amsgrad": flag(amsgrad, "amsgrad")}
        Optimizer.__init__(
            self, learning_rate, name, hyperparameters, weight_decay=weight_decay, **kwargs
        )
