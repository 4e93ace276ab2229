"""The Keras backend functions model code uses around layers, on torch tensors.

``from tensorflow.keras import backend as K`` becomes ``from convlayers import backend as
K``: ``K.square``, ``K.log``, ``K.clip``, ``K.mean``, ``K.epsilon()``,
``K.image_data_format()``, ``K.int_shape``... take torch tensors (or NumPy arrays and
numbers, converted) with tf-keras's argument names and defaults, and return torch
tensors. They are for code that runs on values: activation functions, losses, metrics,
``Lambda`` layers and custom layers' ``call``. ``int_shape``, ``ndim`` and ``dtype`` also
take symbolic tensors.

>>> import torch
>>> from convlayers import backend as K
>>> x = torch.tensor([[0.5, 4.0], [1.0, 2.0]])
>>> K.mean(K.log(K.clip(x, K.epsilon(), 3.0)), axis=-1, keepdims=True).shape
torch.Size([2, 1])
>>> K.int_shape(x), K.image_data_format()
((2, 2), 'channels_last')
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from .config import (
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)
from .dtypes import dtype_name
from .naming import reset_names
from .symbolic import SymbolicTensor

__all__ = [
    "abs",
    "argmax",
    "argmin",
    "batch_flatten",
    "cast",
    "clear_session",
    "clip",
    "concatenate",
    "constant",
    "cos",
    "count_params",
    "dot",
    "dtype",
    "elu",
    "epsilon",
    "equal",
    "exp",
    "expand_dims",
    "flatten",
    "floatx",
    "get_value",
    "greater",
    "greater_equal",
    "hard_sigmoid",
    "image_data_format",
    "int_shape",
    "is_keras_tensor",
    "l2_normalize",
    "less",
    "less_equal",
    "log",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "ndim",
    "not_equal",
    "one_hot",
    "ones",
    "ones_like",
    "permute_dimensions",
    "pow",
    "prod",
    "relu",
    "repeat_elements",
    "reshape",
    "round",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "set_value",
    "shape",
    "sigmoid",
    "sign",
    "sin",
    "softmax",
    "softplus",
    "softsign",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "std",
    "sum",
    "tanh",
    "tile",
    "transpose",
    "var",
    "zeros",
    "zeros_like",
]

Axis = int | Sequence[int] | None


def _t(x: Any) -> torch.Tensor:
    """``x`` as a tensor (NumPy floats become ``floatx()`` tensors)."""
    if isinstance(x, torch.Tensor):
        return x
    array = np.asarray(x)
    if np.issubdtype(array.dtype, np.floating):
        return torch.as_tensor(array, dtype=getattr(torch, floatx()))
    return torch.as_tensor(array)


# ------------------------------------------------------------------ session, values


def clear_session() -> None:
    """Forget the layer names handed out so far (``conv1d``, ``conv1d_1``...)."""
    reset_names()


def is_keras_tensor(x: Any) -> bool:
    """Whether ``x`` is a symbolic tensor (made by ``Input`` or a layer called on one)."""
    return isinstance(x, SymbolicTensor)


def int_shape(x: Any) -> tuple[int | None, ...]:
    """The shape as a tuple of ints (``None`` for unknown sizes of a symbolic tensor)."""
    if isinstance(x, SymbolicTensor):
        return x.shape
    return tuple(int(d) for d in _t(x).shape)


def shape(x: Any) -> Any:
    """The shape: a tuple for a symbolic tensor, a 1-D int64 tensor for a tensor."""
    if isinstance(x, SymbolicTensor):
        return x.shape
    return torch.tensor(tuple(_t(x).shape), dtype=torch.int64)


def ndim(x: Any) -> int:
    """The rank of ``x``."""
    return len(x.shape) if isinstance(x, SymbolicTensor) else _t(x).dim()


def dtype(x: Any) -> str:
    """The dtype name of ``x`` ('float32', 'int64'...)."""
    return x.dtype if isinstance(x, SymbolicTensor) else dtype_name(_t(x).dtype)


def count_params(x: Any) -> int:
    """The number of scalars in ``x``."""
    return int(_t(x).numel())


def cast(x: Any, dtype: Any) -> torch.Tensor:
    """``x`` converted to ``dtype`` (a name such as 'float32' or a torch dtype)."""
    target = dtype if isinstance(dtype, torch.dtype) else getattr(torch, dtype_name(dtype))
    return _t(x).to(target)


def constant(value: Any, dtype: Any = None, shape: Sequence[int] | None = None) -> torch.Tensor:
    """A tensor of ``value`` (broadcast to ``shape`` if given), of ``dtype`` or ``floatx()``."""
    tensor = cast(value, dtype or floatx())
    return tensor.expand(tuple(shape)).clone() if shape is not None else tensor


def zeros(shape: Sequence[int], dtype: Any = None) -> torch.Tensor:
    """A tensor of zeros of ``shape``."""
    return torch.zeros(tuple(shape), dtype=getattr(torch, dtype_name(dtype or floatx())))


def ones(shape: Sequence[int], dtype: Any = None) -> torch.Tensor:
    """A tensor of ones of ``shape``."""
    return torch.ones(tuple(shape), dtype=getattr(torch, dtype_name(dtype or floatx())))


def zeros_like(x: Any) -> torch.Tensor:
    return torch.zeros_like(_t(x))


def ones_like(x: Any) -> torch.Tensor:
    return torch.ones_like(_t(x))


def get_value(x: Any) -> Any:
    """The value of a tensor as NumPy (a number for a 0-d one); objects with ``numpy()``
    (an optimizer's learning rate) give that; plain numbers come back as they are."""
    if isinstance(x, torch.Tensor):
        value = x.detach().cpu().numpy()
        return value.item() if value.ndim == 0 else value
    if hasattr(x, "numpy"):
        return x.numpy()
    return x


def set_value(x: Any, value: Any) -> None:
    """Set a tensor (in place) or an object with ``assign`` (an optimizer's learning rate)."""
    if isinstance(x, torch.Tensor):
        with torch.no_grad():
            x.copy_(torch.as_tensor(np.asarray(value), dtype=x.dtype))
        return
    if hasattr(x, "assign"):
        x.assign(value)
        return
    raise TypeError(
        "`set_value` takes a tensor or an object with `assign` (such as an optimizer's "
        f"learning rate). Received: x={x!r}"
    )


# ---------------------------------------------------------------------- element-wise


def abs(x: Any) -> torch.Tensor:
    return _t(x).abs()


def square(x: Any) -> torch.Tensor:
    return _t(x).square()


def sqrt(x: Any) -> torch.Tensor:
    """Square root, with negative inputs clipped to 0 first (as tf-keras)."""
    return _t(x).clamp_min(0).sqrt()


def exp(x: Any) -> torch.Tensor:
    return _t(x).exp()


def log(x: Any) -> torch.Tensor:
    return _t(x).log()


def pow(x: Any, a: Any) -> torch.Tensor:
    return _t(x).pow(a)


def sign(x: Any) -> torch.Tensor:
    return _t(x).sign()


def round(x: Any) -> torch.Tensor:
    """Round half to even, as TensorFlow."""
    return _t(x).round()


def sin(x: Any) -> torch.Tensor:
    return _t(x).sin()


def cos(x: Any) -> torch.Tensor:
    return _t(x).cos()


def clip(x: Any, min_value: Any = None, max_value: Any = None) -> torch.Tensor:
    """``x`` clipped to ``[min_value, max_value]``; as tf-keras, ``max_value < min_value``
    clips everything to ``min_value`` and a missing bound means no clipping on that side."""
    x = _t(x)
    if min_value is not None and max_value is not None and max_value < min_value:
        max_value = min_value
    return x.clamp(min_value, max_value)


def maximum(x: Any, y: Any) -> torch.Tensor:
    return torch.maximum(_t(x), _t(y))


def minimum(x: Any, y: Any) -> torch.Tensor:
    return torch.minimum(_t(x), _t(y))


def equal(x: Any, y: Any) -> torch.Tensor:
    return torch.eq(_t(x), _t(y))


def not_equal(x: Any, y: Any) -> torch.Tensor:
    return torch.ne(_t(x), _t(y))


def greater(x: Any, y: Any) -> torch.Tensor:
    return torch.gt(_t(x), _t(y))


def greater_equal(x: Any, y: Any) -> torch.Tensor:
    return torch.ge(_t(x), _t(y))


def less(x: Any, y: Any) -> torch.Tensor:
    return torch.lt(_t(x), _t(y))


def less_equal(x: Any, y: Any) -> torch.Tensor:
    return torch.le(_t(x), _t(y))


# ------------------------------------------------------------------------ reductions


def _all_axes(axis: Axis, x: torch.Tensor) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(x.dim()))
    return (axis,) if isinstance(axis, int) else tuple(axis)


def mean(x: Any, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:
    """Mean over ``axis`` (all axes if None); integers are averaged as ``floatx()``."""
    x = _t(x)
    if not x.is_floating_point():
        x = x.to(getattr(torch, floatx()))
    return torch.mean(x, dim=_all_axes(axis, x), keepdim=keepdims)


def sum(x: Any, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:
    """Sum over ``axis`` (all axes if None)."""
    x = _t(x)
    return torch.sum(x, dim=_all_axes(axis, x), keepdim=keepdims)


def prod(x: Any, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:
    """Product over ``axis`` (all axes if None)."""
    x = _t(x)
    for dim in sorted((d % builtins.max(x.dim(), 1) for d in _all_axes(axis, x)), reverse=True):
        x = x.prod(dim=dim, keepdim=keepdims)
    return x


def max(x: Any, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:
    """Maximum over ``axis`` (all axes if None)."""
    x = _t(x)
    return torch.amax(x, dim=_all_axes(axis, x), keepdim=keepdims)


def min(x: Any, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:
    """Minimum over ``axis`` (all axes if None)."""
    x = _t(x)
    return torch.amin(x, dim=_all_axes(axis, x), keepdim=keepdims)


def var(x: Any, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:
    """Population variance over ``axis`` (as tf-keras: divided by N, not N - 1)."""
    x = _t(x)
    return torch.var(x, dim=_all_axes(axis, x), keepdim=keepdims, correction=0)


def std(x: Any, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:
    """Population standard deviation over ``axis``."""
    return var(x, axis, keepdims).sqrt()


def argmax(x: Any, axis: int = -1) -> torch.Tensor:
    return _t(x).argmax(dim=axis)


def argmin(x: Any, axis: int = -1) -> torch.Tensor:
    return _t(x).argmin(dim=axis)


def l2_normalize(x: Any, axis: Axis = None) -> torch.Tensor:
    """``x / sqrt(max(sum(x**2), 1e-12))`` over ``axis`` (all axes if None), as TF."""
    x = _t(x)
    total = torch.sum(x.square(), dim=_all_axes(axis, x), keepdim=True)
    return x * total.clamp_min(1e-12).rsqrt()


# ---------------------------------------------------------------------- activations


def relu(x: Any, alpha: float = 0.0, max_value: float | None = None, threshold: float = 0.0):
    """``max(x, threshold)``, with slope ``alpha`` below ``threshold`` and a cap ``max_value``."""
    x = _t(x)
    out = torch.where(x > threshold, x, alpha * (x - threshold) if alpha else torch.zeros_like(x))
    if max_value is not None:
        out = out.clamp_max(max_value)
    return out


def elu(x: Any, alpha: float = 1.0) -> torch.Tensor:
    return F.elu(_t(x), alpha)


def sigmoid(x: Any) -> torch.Tensor:
    return torch.sigmoid(_t(x))


def hard_sigmoid(x: Any) -> torch.Tensor:
    """tf-keras's ``clip(0.2 * x + 0.5, 0, 1)``."""
    return (0.2 * _t(x) + 0.5).clamp(0.0, 1.0)


def tanh(x: Any) -> torch.Tensor:
    return torch.tanh(_t(x))


def softmax(x: Any, axis: int = -1) -> torch.Tensor:
    return torch.softmax(_t(x), dim=axis)


def softplus(x: Any) -> torch.Tensor:
    return F.softplus(_t(x))


def softsign(x: Any) -> torch.Tensor:
    return F.softsign(_t(x))


# --------------------------------------------------------------------- shape changes


def reshape(x: Any, shape: Sequence[int]) -> torch.Tensor:
    return _t(x).reshape(tuple(shape))


def permute_dimensions(x: Any, pattern: Sequence[int]) -> torch.Tensor:
    return _t(x).permute(tuple(pattern))


def transpose(x: Any) -> torch.Tensor:
    """All axes reversed (as ``tf.transpose`` without ``perm``)."""
    x = _t(x)
    return x.permute(tuple(reversed(range(x.dim()))))


def expand_dims(x: Any, axis: int = -1) -> torch.Tensor:
    return _t(x).unsqueeze(axis)


def squeeze(x: Any, axis: int) -> torch.Tensor:
    return _t(x).squeeze(axis)


def flatten(x: Any) -> torch.Tensor:
    """``x`` as a 1-D tensor."""
    return _t(x).reshape(-1)


def batch_flatten(x: Any) -> torch.Tensor:
    """``x`` as ``(batch, -1)``."""
    x = _t(x)
    return x.reshape(x.shape[0], -1)


def concatenate(tensors: Sequence[Any], axis: int = -1) -> torch.Tensor:
    return torch.cat([_t(t) for t in tensors], dim=axis)


def stack(x: Sequence[Any], axis: int = 0) -> torch.Tensor:
    return torch.stack([_t(t) for t in x], dim=axis)


def repeat_elements(x: Any, rep: int, axis: int) -> torch.Tensor:
    """Each entry repeated ``rep`` times along ``axis`` (``np.repeat``)."""
    return _t(x).repeat_interleave(rep, dim=axis)


def tile(x: Any, n: Sequence[int]) -> torch.Tensor:
    return _t(x).repeat(*((n,) if isinstance(n, int) else tuple(n)))


def one_hot(indices: Any, num_classes: int) -> torch.Tensor:
    """One-hot ``floatx()`` vectors of ``num_classes`` on a new last axis."""
    return F.one_hot(_t(indices).long(), num_classes).to(getattr(torch, floatx()))


def dot(x: Any, y: Any) -> torch.Tensor:
    """Keras' ``dot``: ``x``'s last axis against ``y``'s second to last (or only) axis."""
    x, y = _t(x), _t(y)
    if y.dim() <= 2:
        return x @ y
    moved = y.movedim(-2, 0)  # (k, *rest, n): contract x's last axis with y's axis -2
    return torch.tensordot(x, moved, dims=([x.dim() - 1], [0]))
