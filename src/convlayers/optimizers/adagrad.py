"""Adagrad and Adadelta, as tf-keras 2.21's ``Adagrad`` and ``Adadelta`` (epsilon inside
the square roots, unlike ``torch.optim.Adagrad``).

Adagrad, for a weight ``w`` with gradient ``g`` (``accumulator`` starts at
``initial_accumulator_value``)::

    accumulator = accumulator + g * g
    w = w - lr * g / sqrt(accumulator + epsilon)

Adadelta (slots start at zero; ``rms(x) = sqrt(x + epsilon)``)::

    accumulated_grad = rho * accumulated_grad + (1 - rho) * g * g
    delta = -rms(accumulated_delta_var) * g / rms(accumulated_grad)
    accumulated_delta_var = rho * accumulated_delta_var + (1 - rho) * delta * delta
    w = w + lr * delta

>>> import torch
>>> w = torch.nn.Parameter(torch.tensor([1.0]))
>>> opt = Adagrad(learning_rate=0.1, initial_accumulator_value=0.0, epsilon=0.0)
>>> opt.build([w])
>>> w.grad = torch.tensor([3.0])
>>> opt.step()
>>> round(w.item(), 6)  # 1 - 0.1 * 3 / 3
0.9
"""

from __future__ import annotations

from typing import Any

import torch

from .arguments import number
from .base import Optimizer
from .learning_rate import GroupValue

__all__ = ["Adadelta", "Adagrad"]


class Adagrad(Optimizer):
    """Adagrad; tf-keras' arguments and defaults.

    Args:
        learning_rate: a float, a schedule or a callable. Defaults to 0.001.
        initial_accumulator_value: starting value of the accumulators. Defaults to 0.1.
        epsilon: added to the accumulator inside the square root. Defaults to 1e-7.

    ``name`` and the common keyword arguments (``weight_decay``, ``clipnorm``, ...) are
    described in ``convlayers.optimizers``.

    >>> import torch, convlayers
    >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    >>> opt = convlayers.optimizers.Adagrad(learning_rate=0.1)
    >>> opt.build([w])
    >>> w.grad = torch.tensor([0.5, -0.5])
    >>> opt.step()
    >>> w.detach()
    tensor([ 0.9155, -1.9155])
    """

    _config_keys = ("initial_accumulator_value", "epsilon")
    initial_accumulator_value = GroupValue()
    epsilon = GroupValue()

    def __init__(
        self,
        learning_rate: Any = 0.001,
        initial_accumulator_value: float = 0.1,
        epsilon: float = 1e-7,
        *,
        name: str = "Adagrad",
        **kwargs: Any,
    ) -> None:
        hyperparameters = {
            "initial_accumulator_value": number(
                initial_accumulator_value, "initial_accumulator_value"
            ),
            "epsilon": number(epsilon, "epsilon"),
        }
        super().__init__(learning_rate, name, hyperparameters, **kwargs)

    def _slots(self, group: dict[str, Any]) -> list[tuple[str, float]]:
        return [("accumulator", group["initial_accumulator_value"])]

    def _update_step(self, group, params, grads, slots, lr, r):  # see Optimizer
        accumulator = slots["accumulator"]
        torch._foreach_add_(accumulator, torch._foreach_mul(grads, grads))
        denominator = torch._foreach_add(accumulator, group["epsilon"])
        torch._foreach_sqrt_(denominator)
        step = torch._foreach_mul(grads, lr)
        torch._foreach_div_(step, denominator)
        torch._foreach_sub_(params, step)


class Adadelta(Optimizer):
    """Adadelta; tf-keras' arguments and defaults.

    Args:
        learning_rate: a float, a schedule or a callable. Defaults to 0.001.
        rho: decay of the accumulated squares. Defaults to 0.95.
        epsilon: added inside the square roots. Defaults to 1e-7.

    ``name`` and the common keyword arguments (``weight_decay``, ``clipnorm``, ...) are
    described in ``convlayers.optimizers``.

    >>> import torch, convlayers
    >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    >>> opt = convlayers.optimizers.Adadelta(learning_rate=1.0)
    >>> opt.build([w])
    >>> w.grad = torch.tensor([0.5, -0.5])
    >>> opt.step()
    >>> w.detach()
    tensor([ 0.9986, -1.9986])
    """

    _config_keys = ("rho", "epsilon")
    rho = GroupValue()
    epsilon = GroupValue()

    def __init__(
        self,
        learning_rate: Any = 0.001,
        rho: float = 0.95,
        epsilon: float = 1e-7,
        *,
        name: str = "Adadelta",
        **kwargs: Any,
    ) -> None:
        hyperparameters = {"rho": number(rho, "rho"), "epsilon": number(epsilon, "epsilon")}
        super().__init__(learning_rate, name, hyperparameters, **kwargs)

    def _slots(self, group: dict[str, Any]) -> list[tuple[str, float]]:
        return [("accumulated_grad", 0.0), ("accumulated_delta_var", 0.0)]

    def _update_step(self, group, params, grads, slots, lr, r):  # see Optimizer
        rho, epsilon = group["rho"], group["epsilon"]
        accumulated_grad = slots["accumulated_grad"]
        accumulated_delta = slots["accumulated_delta_var"]
        torch._foreach_mul_(accumulated_grad, rho)
        squares = torch._foreach_mul(grads, 1 - rho)
        torch._foreach_mul_(squares, grads)
        torch._foreach_add_(accumulated_grad, squares)
        delta = torch._foreach_add(accumulated_delta, epsilon)
        torch._foreach_sqrt_(delta)
        torch._foreach_neg_(delta)
        torch._foreach_mul_(delta, grads)
        rms_grad = torch._foreach_add(accumulated_grad, epsilon)
        torch._foreach_sqrt_(rms_grad)
        torch._foreach_div_(delta, rms_grad)
        torch._foreach_mul_(accumulated_delta, rho)
        squares = torch._foreach_mul(delta, 1 - rho)
        torch._foreach_mul_(squares, delta)
        torch._foreach_add_(accumulated_delta, squares)
        torch._foreach_add_(params, torch._foreach_mul(delta, lr))
