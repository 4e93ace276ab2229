"""How ``compile`` and ``fit`` turn their ``optimizer`` argument into the optimizer they step.

``compile`` resolves the argument at once (:func:`for_compile`): a Keras optimizer
instance is kept as the user's object, a name or config dict becomes a new Keras optimizer,
a torch optimizer instance is kept, a torch optimizer class waits for the weights. ``fit``
then binds it to the model's trainable weights (:func:`bind`), naming each weight
``'<layer name>/<weight name>:0'`` as tf-keras names variables (for
``exclude_from_weight_decay(var_names=...)``).

>>> import torch, convlayers
>>> model = convlayers.Sequential([convlayers.Dense(1, input_shape=(2,), name="out")])
>>> opt = for_compile("adam")
>>> bind(opt, model) is opt, opt.param_groups[0]["params"][0] is model.layers[0].kernel
(True, True)
>>> opt.exclude_from_weight_decay(var_names=["out/bias"])  # matches 'out/bias:0'
>>> sorted(_weight_names(model).values())
['out/bias:0', 'out/kernel:0']
"""

from __future__ import annotations

from typing import Any

import torch

from .base import Optimizer
from .serialization import get

__all__ = ["bind", "for_compile"]


def _is_torch_class(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, torch.optim.Optimizer)


def for_compile(identifier: Any) -> torch.optim.Optimizer | None:
    """The optimizer ``compile`` stores as ``model.optimizer``: ``identifier`` itself when it
    is an optimizer instance, a new Keras optimizer for a name or config dict, None for a
    torch optimizer class (made by :func:`bind`); anything else raises ``ValueError``."""
    if _is_torch_class(identifier) and not issubclass(identifier, Optimizer):
        return None
    if _is_torch_class(identifier):
        return identifier()
    return get(identifier)


def _weight_names(model: torch.nn.Module) -> dict[int, str]:
    """``id(weight) -> '<layer name>/<weight name>:0'`` for the weights of Keras layers."""
    names = {}
    for module in model.modules():
        layer_name = getattr(module, "name", None)
        if isinstance(layer_name, str):
            for weight_name, weight in module.named_parameters(recurse=False):
                names.setdefault(id(weight), f"{layer_name}/{weight_name}:0")
    return names


def bind(optimizer: Any, model: Any) -> torch.optim.Optimizer:
    """The optimizer ``fit`` steps for ``model``: a Keras optimizer built on (or checked
    against) ``model.trainable_weights``, a torch optimizer class instantiated with them,
    a torch optimizer instance as it is."""
    weights = model.trainable_weights
    if _is_torch_class(optimizer):
        return optimizer(weights)
    if isinstance(optimizer, Optimizer):
        names = _weight_names(model)
        optimizer.build([(names[id(w)], w) if id(w) in names else w for w in weights])
    return optimizer
