"""Activation functions with the formulas and names of tf-keras 2.21.

Every function takes and returns a torch tensor. ``get`` resolves None (``linear``),
a name, a Keras config dict or a callable; ``serialize`` gives the name tf-keras writes
into a layer config.

Scalar constants are rounded to the input's dtype first, as TensorFlow's kernels do,
so elu, gelu, hard_sigmoid, leaky_relu, relu, selu (and the trivial ones) match the
reference bit for bit in float16 and bfloat16 too. ``hard_sigmoid`` is Keras 2's
``clip(0.2 x + 0.5, 0, 1)``, not Keras 3's ``relu6(x + 3) / 6``.

Differences from tf-keras 2.21: ``serialize(log_softmax)`` is 'log_softmax' (tf-keras
writes an unloadable dict); names of activation *layers* ('ReLU', 'LeakyReLU', ...) and
of the module's own helpers ('get', 'serialize') are not activations here; a wrong type
given to ``get`` raises ``TypeError`` and ``serialize(None)`` a ``TypeError`` naming it.

>>> import torch
>>> hard_sigmoid(torch.tensor([-3.0, -1.0, 0.0, 1.0, 3.0]))
tensor([0.0000, 0.3000, 0.5000, 0.7000, 1.0000])
>>> serialize(get(None)), serialize(get("silu"))
('linear', 'swish')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from .serialization import Registry, serialize_custom, type_error
from .validation import argument_error

__all__ = [
    "deserialize",
    "elu",
    "exponential",
    "gelu",
    "get",
    "hard_sigmoid",
    "leaky_relu",
    "linear",
    "log_softmax",
    "mish",
    "relu",
    "relu6",
    "selu",
    "serialize",
    "sigmoid",
    "silu",
    "softmax",
    "softplus",
    "softsign",
    "swish",
    "tanh",
]

Activation = Callable[..., torch.Tensor]


def _const(value: float, x: torch.Tensor) -> torch.Tensor:
    """``value`` as a 0-d tensor of ``x``'s dtype (TensorFlow rounds constants this way)."""
    return torch.tensor(value, dtype=x.dtype, device=x.device)


def _expm1_negative(x: torch.Tensor) -> torch.Tensor:
    """``exp(x) - 1`` as TensorFlow's elu/selu kernels compute it, for the ``x < 0`` branch.

    Clamped at 0 so the unused branch cannot overflow (inf * 0 would give NaN gradients).
    """
    return torch.exp(torch.clamp(x, max=0)) - 1


def _keeping_logits(output: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    """``output`` with ``logits`` attached as ``output._keras_logits``: as in tf-keras, the
    crossentropy losses then compute from the logits (nothing is clipped)."""
    output._keras_logits = logits
    return output


def softmax(x: torch.Tensor, axis: int | tuple[int, ...] = -1) -> torch.Tensor:
    """``exp(x) / sum(exp(x))`` over ``axis`` (an int or a tuple); rank must be >= 2.
    The result keeps ``x`` as its ``_keras_logits`` (see ``convlayers.losses``).

    >>> softmax(torch.tensor([[0.0, 0.0]]))
    tensor([[0.5000, 0.5000]])
    """
    if x.ndim <= 1:
        raise argument_error("x", "a tensor of rank >= 2 for softmax", tuple(x.shape))
    if isinstance(axis, int):
        return _keeping_logits(torch.softmax(x, dim=axis), x)
    dims = tuple(axis)
    numerator = torch.exp(x - torch.amax(x, dim=dims, keepdim=True))
    return _keeping_logits(numerator / numerator.sum(dim=dims, keepdim=True), x)


def log_softmax(x: torch.Tensor, axis: int = -1) -> torch.Tensor:
    """``x - log(sum(exp(x)))`` over ``axis``.

    >>> log_softmax(torch.tensor([0.0, 0.0]))
    tensor([-0.6931, -0.6931])
    """
    return torch.log_softmax(x, dim=axis)


def elu(x: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    """``x`` for ``x > 0``, else ``alpha * (exp(x) - 1)``.

    >>> elu(torch.tensor([-1.0, 2.0]), alpha=2.0)
    tensor([-1.2642,  2.0000])
    """
    res = torch.where(x < 0, _expm1_negative(x), x)
    if alpha == 1:
        return res
    return torch.where(x > 0, res, _const(alpha, x) * res)


def selu(x: torch.Tensor) -> torch.Tensor:
    """``scale * elu(x, alpha)`` with alpha=1.67326324, scale=1.05070098.

    >>> selu(torch.tensor([1.0]))
    tensor([1.0507])
    """
    scaled = _const(1.7580993408473768599402175208123, x) * _expm1_negative(x)
    return torch.where(x < 0, scaled, _const(1.0507009873554804934193349852946, x) * x)


def softplus(x: torch.Tensor) -> torch.Tensor:
    """``log(exp(x) + 1)``.

    >>> softplus(torch.tensor([0.0]))
    tensor([0.6931])
    """
    return F.softplus(x)


def softsign(x: torch.Tensor) -> torch.Tensor:
    """``x / (|x| + 1)``.

    >>> softsign(torch.tensor([-1.0, 1.0]))
    tensor([-0.5000,  0.5000])
    """
    return F.softsign(x)


def swish(x: torch.Tensor) -> torch.Tensor:
    """``x * sigmoid(x)`` (also called silu).

    >>> swish(torch.tensor([0.0, 1.0]))
    tensor([0.0000, 0.7311])
    """
    return F.silu(x)


silu = swish


def relu(
    x: torch.Tensor, alpha: float = 0.0, max_value: float | None = None, threshold: float = 0.0
) -> torch.Tensor:
    """Rectified linear unit with Keras' options.

    ``x`` above ``threshold`` (else 0), clipped to ``[0, max_value]`` when ``max_value``
    is given, minus ``alpha * relu(threshold - x)`` (a leaky slope below ``threshold``).

    >>> relu(torch.tensor([-10.0, -5.0, 0.0, 5.0, 10.0]), alpha=0.5, max_value=6.0)
    tensor([-5.0000, -2.5000,  0.0000,  5.0000,  6.0000])
    """
    if alpha != 0 and max_value is None and threshold == 0:
        return leaky_relu(x, alpha)
    negative_part = torch.relu(threshold - x) if alpha != 0 else None
    x = x * (x > threshold).to(x.dtype) if threshold != 0 else torch.relu(x)
    if max_value is not None:
        x = torch.clamp(x, 0, max_value)
    if negative_part is not None:
        x = x - _const(alpha, x) * negative_part
    return x


def relu6(x: torch.Tensor) -> torch.Tensor:
    """``min(max(x, 0), 6)``.

    >>> relu6(torch.tensor([-1.0, 7.0]))
    tensor([0., 6.])
    """
    return F.relu6(x)


def leaky_relu(x: torch.Tensor, alpha: float = 0.2) -> torch.Tensor:
    """``x`` for ``x > 0``, else ``alpha * x`` (TensorFlow's default alpha 0.2).

    As in TensorFlow, ``alpha`` is a float32 attribute, also for float64 inputs.

    >>> leaky_relu(torch.tensor([-1.0, 1.0]))
    tensor([-0.2000,  1.0000])
    """
    return torch.where(x > 0, x, x * _const(float(np.float32(alpha)), x))


def gelu(x: torch.Tensor, approximate: bool = False) -> torch.Tensor:
    """``0.5 x erfc(-x / sqrt(2))``, or the tanh approximation when ``approximate``.

    >>> gelu(torch.tensor([-1.0, 1.0]))
    tensor([-0.1587,  0.8413])
    """
    if approximate:
        inner = _const(0.7978845608028654, x) * (x + _const(0.044715, x) * torch.pow(x, 3))
        return _const(0.5, x) * x * (_const(1.0, x) + torch.tanh(inner))
    return _const(0.5, x) * x * torch.erfc(-x * _const(0.7071067811865476, x))


def tanh(x: torch.Tensor) -> torch.Tensor:
    """Hyperbolic tangent.

    >>> tanh(torch.tensor([0.0]))
    tensor([0.])
    """
    return torch.tanh(x)


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    """``1 / (1 + exp(-x))``; the result keeps ``x`` as its ``_keras_logits``.

    >>> sigmoid(torch.tensor([0.0]))
    tensor([0.5000])
    """
    return _keeping_logits(torch.sigmoid(x), x)


def exponential(x: torch.Tensor) -> torch.Tensor:
    """``exp(x)``.

    >>> exponential(torch.tensor([0.0]))
    tensor([1.])
    """
    return torch.exp(x)


def hard_sigmoid(x: torch.Tensor) -> torch.Tensor:
    """Keras 2's hard sigmoid: ``clip(0.2 x + 0.5, 0, 1)`` (0 below -2.5, 1 above 2.5).

    >>> hard_sigmoid(torch.tensor([-3.0, 0.0]))
    tensor([0.0000, 0.5000])
    """
    return torch.clamp(x * _const(0.2, x) + _const(0.5, x), 0.0, 1.0)


def linear(x: torch.Tensor) -> torch.Tensor:
    """The identity (returns ``x`` itself).

    >>> linear(torch.tensor([-3.0]))
    tensor([-3.])
    """
    return x


def mish(x: torch.Tensor) -> torch.Tensor:
    """``x * tanh(softplus(x))``.

    >>> mish(torch.tensor([0.0, 1.0]))
    tensor([0.0000, 0.8651])
    """
    return x * torch.tanh(F.softplus(x))


_REGISTRY = Registry("activation", "keras.activations")
for _fn in (
    elu,
    exponential,
    gelu,
    hard_sigmoid,
    leaky_relu,
    linear,
    log_softmax,
    mish,
    relu,
    relu6,
    selu,
    sigmoid,
    softmax,
    softplus,
    softsign,
    swish,
    tanh,
):
    _REGISTRY.add(_fn, snake_case=False)
_REGISTRY.add(swish, "silu", snake_case=False)
_BUILTIN_FUNCTIONS = {id(_REGISTRY.lookup(name)) for name in _REGISTRY.names()}


def serialize(activation: Activation) -> str | dict[str, Any]:
    """The name of a built-in activation ('swish' for silu), as tf-keras writes it.

    A user's named function gives tf-keras' dict form
    ``{'module': 'builtins', 'class_name': 'function', 'config': name,
    'registered_name': 'function'}``.

    >>> serialize(relu), serialize(linear)
    ('relu', 'linear')
    """
    if id(activation) in _BUILTIN_FUNCTIONS:
        return activation.__name__
    if not callable(activation):
        raise type_error("activation", "a callable", activation)
    return serialize_custom(activation, "activation")


def deserialize(
    name: str | Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None
) -> Activation:
    """The activation named ``name``, or given by a config dict.

    Accepts ``'relu'``, ``{'class_name': 'relu', 'config': ...}`` and
    ``{'class_name': 'function', 'config': 'relu', ...}``.

    >>> deserialize("sigmoid") is sigmoid
    True
    """
    found, _ = _REGISTRY.parse(name, custom_objects)
    return found


def get(identifier: Any) -> Activation:
    """An activation from None (``linear``), a name, a config dict or a callable.

    >>> get(None) is linear, get("relu") is relu, get(abs) is abs
    (True, True, True)
    """
    if identifier is None:
        return linear
    if isinstance(identifier, str | Mapping):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise type_error("activation", "None, a name, a config dict or a callable", identifier)
