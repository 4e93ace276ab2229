"""Regularization and constraints for plain PyTorch training loops.

Keras adds weight and activity regularization to the loss and projects
constrained weights after every optimizer step. In a hand-written loop over
any module tree that contains convlayers layers, these two calls do the same:

>>> import torch, convlayers
>>> model = torch.nn.Sequential(
...     convlayers.Conv1D(4, 3, kernel_regularizer="l2", kernel_constraint="non_neg"))
>>> x = torch.randn(2, 8, 3)
>>> _ = model(x)  # the first call builds the weights
>>> optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
>>> loss = model(x).square().mean() + regularization_loss(model)
>>> loss.backward()
>>> optimizer.step()
>>> apply_constraints(model)
>>> bool((model[0].kernel >= 0).all())
True
"""

from __future__ import annotations

import torch
from torch import nn

from .layers.base import Layer

__all__ = ["apply_constraints", "regularization_loss"]


def _top_layers(module: nn.Module) -> list[Layer]:
    """The outermost Layers in ``module`` (each one's ``losses`` covers those inside it)."""
    if isinstance(module, Layer):
        return [module]
    return [layer for child in module.children() for layer in _top_layers(child)]


def regularization_loss(module: nn.Module) -> torch.Tensor:
    """Sum of every regularization loss (weights and latest activity) in ``module``'s tree.

    Returns a scalar tensor, 0 when there is none.

    >>> import torch, convlayers
    >>> layer = convlayers.Conv1D(2, 3, kernel_regularizer=convlayers.regularizers.L2(0.5))
    >>> _ = layer(torch.ones(1, 5, 1))
    >>> layer.set_weights([torch.ones(3, 1, 2).numpy(), torch.zeros(2).numpy()])
    >>> regularization_loss(torch.nn.Sequential(layer))  # 0.5 * (6 entries of 1.0)
    tensor(3., grad_fn=<ViewBackward0>)
    >>> regularization_loss(torch.nn.Linear(2, 2))
    tensor(0.)
    """
    losses = [loss for layer in _top_layers(module) for loss in layer.losses]
    if not losses:
        return torch.zeros(())
    return sum(losses[1:], losses[0]).reshape(())


@torch.no_grad()
def apply_constraints(module: nn.Module) -> None:
    """Project every constrained weight in ``module``'s tree in place; call after ``step()``.

    A weight's constraint is its ``constraint`` attribute (``layer.kernel.constraint``),
    set by ``add_weight`` and replaceable by the user.

    >>> import torch, convlayers
    >>> layer = convlayers.Dense(2, kernel_constraint='non_neg')
    >>> _ = layer(torch.ones(1, 3))
    >>> layer.set_weights([-torch.ones(3, 2).numpy(), torch.zeros(2).numpy()])
    >>> apply_constraints(layer)
    >>> bool((layer.kernel == 0).all())
    True
    """
    for top in _top_layers(module):
        for layer in top._flatten_layers():
            for weight, _ in layer._weight_items():
                constraint = getattr(weight, "constraint", None)
                if constraint is not None:
                    weight.copy_(constraint(weight))
