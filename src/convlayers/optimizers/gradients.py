"""What tf-keras does to gradients and weights around an update rule, on lists of tensors.

``apply_gradients`` in tf-keras 2.21 clips the gradients (``clipnorm`` per weight, else
``global_clipnorm`` over all, else ``clipvalue``), applies decoupled weight decay
(``w -= w * weight_decay * lr``), runs the update rule, and then, with ``use_ema``,
updates the moving averages of the weights. Each function here does one of those on a
list of tensors with torch's ``_foreach`` ops, in tf-keras' order of operations. Clipping
returns new gradient tensors and never changes ``p.grad``.

>>> import torch
>>> [g.tolist() for g in clip_by_norm([torch.tensor([3.0, 4.0])], 1.0)]
[[0.6000000238418579, 0.800000011920929]]
"""

from __future__ import annotations

from collections.abc import Callable

import torch

__all__ = ["clip_by_global_norm", "clip_by_norm", "clip_by_value", "decay_weights", "update_ema"]

Tensors = list[torch.Tensor]


def clip_by_norm(grads: Tensors, clipnorm: float) -> Tensors:
    """``tf.clip_by_norm`` of each gradient: ``g * clipnorm / max(||g||, clipnorm)``."""
    norms = torch._foreach_norm(grads)
    scaled = torch._foreach_mul(grads, clipnorm)
    torch._foreach_div_(scaled, torch._foreach_maximum(norms, clipnorm))
    return scaled


def global_norm(grads: Tensors) -> torch.Tensor:
    """The L2 norm of all gradients together (``tf.linalg.global_norm``), on the first
    gradient's device, in float64 if any gradient is float64 and float32 otherwise."""
    norms = torch._foreach_norm(grads)
    dtype = torch.float64 if any(n.dtype == torch.float64 for n in norms) else torch.float32
    device = grads[0].device
    return torch.linalg.vector_norm(torch.stack([n.to(device, dtype) for n in norms]))


def clip_by_global_norm(
    grads: Tensors, clipnorm: float, norm: torch.Tensor, r: Callable[[float], float]
) -> Tensors:
    """``tf.clip_by_global_norm`` with the global ``norm`` of all gradients: every
    gradient (all on one device) times ``clipnorm * min(1 / norm, 1 / clipnorm)``, NaN
    when the norm is not finite. ``r`` rounds a scalar to the gradients' precision."""
    inverse = torch.clamp(norm.reciprocal(), max=r(1.0 / r(clipnorm)))
    scale = inverse * clipnorm + (norm - norm)
    return torch._foreach_mul(grads, scale.to(grads[0].device, grads[0].dtype))


def clip_by_value(grads: Tensors, clipvalue: float) -> Tensors:
    """``tf.clip_by_value(g, -clipvalue, clipvalue)`` of each gradient."""
    clipped = torch._foreach_clamp_min(grads, -clipvalue)
    torch._foreach_clamp_max_(clipped, clipvalue)
    return clipped


def decay_weights(params: Tensors, weight_decay: float, lr: float) -> None:
    """tf-keras' decoupled weight decay, in place: ``w -= (w * weight_decay) * lr``."""
    decrement = torch._foreach_mul(params, weight_decay)
    torch._foreach_mul_(decrement, lr)
    torch._foreach_sub_(params, decrement)


def update_ema(averages: Tensors, params: Tensors, momentum: float) -> None:
    """``average = momentum * average + (1 - momentum) * weight``, in place."""
    torch._foreach_mul_(averages, momentum)
    torch._foreach_add_(averages, torch._foreach_mul(params, 1 - momentum))
