"""The base of the optimizers with moment estimates (Adam, AdamW, Adamax, Nadam): the
hyperparameters ``beta_1``, ``beta_2`` and ``epsilon``, with tf-keras' defaults.

>>> from convlayers.optimizers import Adamax
>>> opt = Adamax(0.002, beta_2=0.99)
>>> opt.beta_1, opt.beta_2, opt.epsilon, opt.name
(0.9, 0.99, 1e-07, 'Adamax')
"""

from __future__ import annotations

from typing import Any

from .arguments import number
from .base import Optimizer
from .learning_rate import GroupValue

__all__ = ["MomentOptimizer", "moments"]


def moments(beta_1: Any, beta_2: Any, epsilon: Any) -> dict[str, Any]:
    """The three hyperparameters, checked, as ``param_groups`` keys."""
    return {
        "beta_1": number(beta_1, "beta_1"),
        "beta_2": number(beta_2, "beta_2"),
        "epsilon": number(epsilon, "epsilon"),
    }


class MomentOptimizer(Optimizer):
    """An optimizer whose hyperparameters are ``beta_1``, ``beta_2`` and ``epsilon``.

    Args:
        learning_rate: a float, a schedule or a callable. Defaults to 0.001.
        beta_1: decay of the first moment. Defaults to 0.9.
        beta_2: decay of the second moment (Adamax: of the infinity norm). Defaults to 0.999.
        epsilon: small constant added to the denominator. Defaults to 1e-7.
        name: defaults to the class's Keras name.
        The common keyword arguments (``weight_decay``, ``clipnorm``, ...): see
        ``convlayers.optimizers``.
    """

    _config_keys: tuple[str, ...] = ("beta_1", "beta_2", "epsilon")
    _keras_name = "Optimizer"
    beta_1 = GroupValue()
    beta_2 = GroupValue()
    epsilon = GroupValue()

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        *,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        name = self._keras_name if name is None else name
        super().__init__(learning_rate, name, moments(beta_1, beta_2, epsilon), **kwargs)
