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
    """Forget the layer names handed out so far (``conv1d``, ``conv1d_1``...).

    >>> from convlayers import backend as K
    >>> import convlayers
    >>> K.clear_session()
    >>> convlayers.Conv1D(2, 3).name
    'conv1d'
    """
    reset_names()


def is_keras_tensor(x: Any) -> bool:
    """Whether ``x`` is a symbolic tensor (made by ``Input`` or a layer called on one).

    >>> from convlayers import backend as K
    >>> import convlayers, torch
    >>> K.is_keras_tensor(convlayers.Input((4,))), K.is_keras_tensor(torch.ones(4))
    (True, False)
    """
    return isinstance(x, SymbolicTensor)


def int_shape(x: Any) -> tuple[int | None, ...]:
    """The shape as a tuple of ints (``None`` for unknown sizes of a symbolic tensor).

    >>> from convlayers import backend as K
    >>> import convlayers, torch
    >>> K.int_shape(torch.ones(2, 3)), K.int_shape(convlayers.Input((5, 4)))
    ((2, 3), (None, 5, 4))
    """
    if isinstance(x, SymbolicTensor):
        return x.shape
    return tuple(int(d) for d in _t(x).shape)


def shape(x: Any) -> Any:
    """The shape: a tuple for a symbolic tensor, a 1-D int64 tensor for a tensor.

    >>> from convlayers import backend as K
    >>> import torch
    >>> K.shape(torch.ones(2, 3))
    tensor([2, 3])
    """
    if isinstance(x, SymbolicTensor):
        return x.shape
    return torch.tensor(tuple(_t(x).shape), dtype=torch.int64)


def ndim(x: Any) -> int:
    """The rank of ``x``.

    >>> from convlayers import backend as K
    >>> import torch
    >>> K.ndim(torch.ones(2, 3, 4))
    3
    """
    return len(x.shape) if isinstance(x, SymbolicTensor) else _t(x).dim()


def dtype(x: Any) -> str:
    """The dtype name of ``x`` ('float32', 'int64'...).

    >>> from convlayers import backend as K
    >>> import torch
    >>> K.dtype(torch.ones(2)), K.dtype(torch.ones(2, dtype=torch.int64))
    ('float32', 'int64')
    """
    return x.dtype if isinstance(x, SymbolicTensor) else dtype_name(_t(x).dtype)


def count_params(x: Any) -> int:
    """The number of scalars in ``x``.

    >>> from convlayers import backend as K
    >>> import torch
    >>> K.count_params(torch.ones(3, 4))
    12
    """
    return int(_t(x).numel())


def cast(x: Any, dtype: Any) -> torch.Tensor:
    """``x`` converted to ``dtype`` (a name such as 'float32' or a torch dtype).

    >>> from convlayers import backend as K
    >>> K.cast([1.7, -1.7], 'int32')
    tensor([ 1, -1], dtype=torch.int32)
    """
    target = dtype if isinstance(dtype, torch.dtype) else getattr(torch, dtype_name(dtype))
    return _t(x).to(target)


def constant(value: Any, dtype: Any = None, shape: Sequence[int] | None = None) -> torch.Tensor:
    """A tensor of ``value`` (broadcast to ``shape`` if given), of ``dtype`` or ``floatx()``.

    >>> from convlayers import backend as K
    >>> K.constant(2.0, shape=(2, 2))
    tensor([[2., 2.],
            [2., 2.]])
    """
    tensor = cast(value, dtype or floatx())
    return tensor.expand(tuple(shape)).clone() if shape is not None else tensor


def zeros(shape: Sequence[int], dtype: Any = None) -> torch.Tensor:
    """A tensor of zeros of ``shape``.

    >>> from convlayers import backend as K
    >>> K.zeros((2, 3)).shape
    torch.Size([2, 3])
    """
    return torch.zeros(tuple(shape), dtype=getattr(torch, dtype_name(dtype or floatx())))


def ones(shape: Sequence[int], dtype: Any = None) -> torch.Tensor:
    """A tensor of ones of ``shape``.

    >>> from convlayers import backend as K
    >>> K.ones((2,), dtype='int64')
    tensor([1, 1])
    """
    return torch.ones(tuple(shape), dtype=getattr(torch, dtype_name(dtype or floatx())))


def zeros_like(x: Any) -> torch.Tensor:
    """A tensor of zeros with the shape and dtype of ``x``.

    >>> from convlayers import backend as K
    >>> K.zeros_like([1.0, 2.0])
    tensor([0., 0.])
    """
    return torch.zeros_like(_t(x))


def ones_like(x: Any) -> torch.Tensor:
    """A tensor of ones with the shape and dtype of ``x``.

    >>> from convlayers import backend as K
    >>> K.ones_like([1.0, 2.0])
    tensor([1., 1.])
    """
    return torch.ones_like(_t(x))


def get_value(x: Any) -> Any:
    """The value of a tensor as NumPy (a number for a 0-d one); objects with ``numpy()``
    (an optimizer's learning rate) give that; plain numbers come back as they are.

    >>> from convlayers import backend as K
    >>> import torch
    >>> K.get_value(torch.tensor([1.0, 2.0])), K.get_value(torch.tensor(3.5))
    (array([1., 2.], dtype=float32), 3.5)
    """
    if isinstance(x, torch.Tensor):
        value = x.detach().cpu().numpy()
        return value.item() if value.ndim == 0 else value
    if hasattr(x, "numpy"):
        return x.numpy()
    return x


def set_value(x: Any, value: Any) -> None:
    """Set a tensor (in place) or an object with ``assign`` (an optimizer's learning rate).

    >>> from convlayers import backend as K
    >>> import torch
    >>> x = torch.zeros(2)
    >>> K.set_value(x, [1.0, 2.0])
    >>> x
    tensor([1., 2.])
    """
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
    """Element-wise absolute value.

    >>> from convlayers import backend as K
    >>> K.abs([-1.5, 2.0])
    tensor([1.5000, 2.0000])
    """
    return _t(x).abs()


def square(x: Any) -> torch.Tensor:
    """Element-wise square.

    >>> from convlayers import backend as K
    >>> K.square([-1.5, 2.0])
    tensor([2.2500, 4.0000])
    """
    return _t(x).square()


def sqrt(x: Any) -> torch.Tensor:
    """Square root, with negative inputs clipped to 0 first (as tf-keras).

    >>> from convlayers import backend as K
    >>> K.sqrt([4.0, -1.0])
    tensor([2., 0.])
    """
    return _t(x).clamp_min(0).sqrt()


def exp(x: Any) -> torch.Tensor:
    """Element-wise exponential.

    >>> from convlayers import backend as K
    >>> K.exp([0.0, 1.0])
    tensor([1.0000, 2.7183])
    """
    return _t(x).exp()


def log(x: Any) -> torch.Tensor:
    """Element-wise natural logarithm.

    >>> from convlayers import backend as K
    >>> K.log([1.0, 100.0])
    tensor([0.0000, 4.6052])
    """
    return _t(x).log()


def pow(x: Any, a: Any) -> torch.Tensor:
    """Element-wise power ``x ** a``.

    >>> from convlayers import backend as K
    >>> K.pow([2.0, 3.0], 2)
    tensor([4., 9.])
    """
    return _t(x).pow(a)


def sign(x: Any) -> torch.Tensor:
    """Element-wise sign: -1, 0 or 1.

    >>> from convlayers import backend as K
    >>> K.sign([-2.0, 0.0, 3.0])
    tensor([-1.,  0.,  1.])
    """
    return _t(x).sign()


def round(x: Any) -> torch.Tensor:
    """Round half to even, as TensorFlow.

    >>> from convlayers import backend as K
    >>> K.round([0.5, 1.5, 2.5, -0.5])
    tensor([0., 2., 2., -0.])
    """
    return _t(x).round()


def sin(x: Any) -> torch.Tensor:
    """Element-wise sine.

    >>> from convlayers import backend as K
    >>> K.sin([0.0])
    tensor([0.])
    """
    return _t(x).sin()


def cos(x: Any) -> torch.Tensor:
    """Element-wise cosine.

    >>> from convlayers import backend as K
    >>> K.cos([0.0])
    tensor([1.])
    """
    return _t(x).cos()


def clip(x: Any, min_value: Any = None, max_value: Any = None) -> torch.Tensor:
    """``x`` clipped to ``[min_value, max_value]``; as tf-keras, ``max_value < min_value``
    clips everything to ``min_value`` and a missing bound means no clipping on that side.

    >>> from convlayers import backend as K
    >>> K.clip([-2.0, 0.5, 3.0], 0.0, 1.0)
    tensor([0.0000, 0.5000, 1.0000])
    """
    x = _t(x)
    if min_value is not None and max_value is not None and max_value < min_value:
        max_value = min_value
    return x.clamp(min_value, max_value)


def maximum(x: Any, y: Any) -> torch.Tensor:
    """Element-wise maximum of ``x`` and ``y`` (broadcast).

    >>> from convlayers import backend as K
    >>> K.maximum([1.0, 5.0], [3.0, 2.0])
    tensor([3., 5.])
    """
    return torch.maximum(_t(x), _t(y))


def minimum(x: Any, y: Any) -> torch.Tensor:
    """Element-wise minimum of ``x`` and ``y`` (broadcast).

    >>> from convlayers import backend as K
    >>> K.minimum([1.0, 5.0], [3.0, 2.0])
    tensor([1., 2.])
    """
    return torch.minimum(_t(x), _t(y))


def equal(x: Any, y: Any) -> torch.Tensor:
    """Element-wise ``x == y`` as a bool tensor.

    >>> from convlayers import backend as K
    >>> K.equal([1, 2], [1, 3])
    tensor([ True, False])
    """
    return torch.eq(_t(x), _t(y))


def not_equal(x: Any, y: Any) -> torch.Tensor:
    """Element-wise ``x != y`` as a bool tensor.

    >>> from convlayers import backend as K
    >>> K.not_equal([1, 2], [1, 3])
    tensor([False,  True])
    """
    return torch.ne(_t(x), _t(y))


def greater(x: Any, y: Any) -> torch.Tensor:
    """Element-wise ``x > y`` as a bool tensor.

    >>> from convlayers import backend as K
    >>> K.greater([1, 2], [1, 1])
    tensor([False,  True])
    """
    return torch.gt(_t(x), _t(y))


def greater_equal(x: Any, y: Any) -> torch.Tensor:
    """Element-wise ``x >= y`` as a bool tensor.

    >>> from convlayers import backend as K
    >>> K.greater_equal([1, 2], [1, 3])
    tensor([ True, False])
    """
    return torch.ge(_t(x), _t(y))


def less(x: Any, y: Any) -> torch.Tensor:
    """Element-wise ``x < y`` as a bool tensor.

    >>> from convlayers import backend as K
    >>> K.less([1, 2], [1, 3])
    tensor([False,  True])
    """
    return torch.lt(_t(x), _t(y))


def less_equal(x: Any, y: Any) -> torch.Tensor:
    """Element-wise ``x <= y`` as a bool tensor.

    >>> from convlayers import backend as K
    >>> K.less_equal([1, 2], [1, 1])
    tensor([ True, False])
    """
    return torch.le(_t(x), _t(y))


# ------------------------------------------------------------------------ reductions


def _all_axes(axis: Axis, x: torch.Tensor) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(x.dim()))
    return (axis,) if isinstance(axis, int) else tuple(axis)


def mean(x: Any, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:
    """Mean over ``axis`` (all axes if None); integers are averaged as ``floatx()``.

    >>> from convlayers import backend as K
    >>> K.mean([[1, 2], [3, 4]], axis=1, keepdims=True)
    tensor([[1.5000],
            [3.5000]])
    """
    x = _t(x)
    if not x.is_floating_point():
        x = x.to(getattr(torch, floatx()))
    return torch.mean(x, dim=_all_axes(axis, x), keepdim=keepdims)


def sum(x: Any, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:
    """Sum over ``axis`` (all axes if None).

    >>> from convlayers import backend as K
    >>> K.sum([[1.0, 2.0], [3.0, 4.0]], axis=0)
    tensor([4., 6.])
    """
    x = _t(x)
    return torch.sum(x, dim=_all_axes(axis, x), keepdim=keepdims)


def prod(x: Any, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:
    """Product over ``axis`` (all axes if None).

    >>> from convlayers import backend as K
    >>> K.prod([[1.0, 2.0], [3.0, 4.0]], axis=-1)
    tensor([ 2., 12.])
    """
    x = _t(x)
    for dim in sorted((d % builtins.max(x.dim(), 1) for d in _all_axes(axis, x)), reverse=True):
        x = x.prod(dim=dim, keepdim=keepdims)
    return x


def max(x: Any, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:
    """Maximum over ``axis`` (all axes if None).

    >>> from convlayers import backend as K
    >>> K.max([[1.0, 5.0], [3.0, 4.0]], axis=0)
    tensor([3., 5.])
    """
    x = _t(x)
    return torch.amax(x, dim=_all_axes(axis, x), keepdim=keepdims)


def min(x: Any, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:
    """Minimum over ``axis`` (all axes if None).

    >>> from convlayers import backend as K
    >>> K.min([[1.0, 5.0], [3.0, 4.0]])
    tensor(1.)
    """
    x = _t(x)
    return torch.amin(x, dim=_all_axes(axis, x), keepdim=keepdims)


def var(x: Any, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:
    """Population variance over ``axis`` (as tf-keras: divided by N, not N - 1).

    >>> from convlayers import backend as K
    >>> K.var([1.0, 2.0, 3.0, 4.0])
    tensor(1.2500)
    """
    x = _t(x)
    return torch.var(x, dim=_all_axes(axis, x), keepdim=keepdims, correction=0)


def std(x: Any, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:
    """Population standard deviation over ``axis``.

    >>> from convlayers import backend as K
    >>> K.std([1.0, 3.0])
    tensor(1.)
    """
    return var(x, axis, keepdims).sqrt()


def argmax(x: Any, axis: int = -1) -> torch.Tensor:
    """Index of the largest entry along ``axis``.

    >>> from convlayers import backend as K
    >>> K.argmax([[1.0, 5.0, 2.0]])
    tensor([1])
    """
    return _t(x).argmax(dim=axis)


def argmin(x: Any, axis: int = -1) -> torch.Tensor:
    """Index of the smallest entry along ``axis``.

    >>> from convlayers import backend as K
    >>> K.argmin([[1.0, 5.0, 0.0]])
    tensor([2])
    """
    return _t(x).argmin(dim=axis)


def l2_normalize(x: Any, axis: Axis = None) -> torch.Tensor:
    """``x / sqrt(max(sum(x**2), 1e-12))`` over ``axis`` (all axes if None), as TF.

    >>> from convlayers import backend as K
    >>> K.l2_normalize([3.0, 4.0])
    tensor([0.6000, 0.8000])
    """
    x = _t(x)
    total = torch.sum(x.square(), dim=_all_axes(axis, x), keepdim=True)
    return x * total.clamp_min(1e-12).rsqrt()


# ---------------------------------------------------------------------- activations


def relu(x: Any, alpha: float = 0.0, max_value: float | None = None, threshold: float = 0.0):
    """``max(x, threshold)``, with slope ``alpha`` below ``threshold`` and a cap ``max_value``.

    >>> from convlayers import backend as K
    >>> K.relu([-2.0, 1.0, 8.0], alpha=0.5, max_value=6.0)
    tensor([-1.,  1.,  6.])
    """
    x = _t(x)
    out = torch.where(x > threshold, x, alpha * (x - threshold) if alpha else torch.zeros_like(x))
    if max_value is not None:
        out = out.clamp_max(max_value)
    return out


def elu(x: Any, alpha: float = 1.0) -> torch.Tensor:
    """Exponential linear unit: ``x`` if ``x > 0``, else ``alpha * (exp(x) - 1)``.

    >>> from convlayers import backend as K
    >>> K.elu([-1.0, 2.0])
    tensor([-0.6321,  2.0000])
    """
    return F.elu(_t(x), alpha)


def sigmoid(x: Any) -> torch.Tensor:
    """Element-wise logistic sigmoid ``1 / (1 + exp(-x))``.

    >>> from convlayers import backend as K
    >>> K.sigmoid([0.0])
    tensor([0.5000])
    """
    return torch.sigmoid(_t(x))


def hard_sigmoid(x: Any) -> torch.Tensor:
    """tf-keras's ``clip(0.2 * x + 0.5, 0, 1)``.

    >>> from convlayers import backend as K
    >>> K.hard_sigmoid([-3.0, 0.0, 1.0])
    tensor([0.0000, 0.5000, 0.7000])
    """
    return (0.2 * _t(x) + 0.5).clamp(0.0, 1.0)


def tanh(x: Any) -> torch.Tensor:
    """Element-wise hyperbolic tangent.

    >>> from convlayers import backend as K
    >>> K.tanh([0.0])
    tensor([0.])
    """
    return torch.tanh(_t(x))


def softmax(x: Any, axis: int = -1) -> torch.Tensor:
    """Softmax along ``axis`` (the last by default).

    >>> from convlayers import backend as K
    >>> K.softmax([[0.0, 0.0]])
    tensor([[0.5000, 0.5000]])
    """
    return torch.softmax(_t(x), dim=axis)


def softplus(x: Any) -> torch.Tensor:
    """Element-wise ``log(1 + exp(x))``.

    >>> from convlayers import backend as K
    >>> K.softplus([0.0])
    tensor([0.6931])
    """
    return F.softplus(_t(x))


def softsign(x: Any) -> torch.Tensor:
    """Element-wise ``x / (1 + |x|)``.

    >>> from convlayers import backend as K
    >>> K.softsign([-1.0, 3.0])
    tensor([-0.5000,  0.7500])
    """
    return F.softsign(_t(x))


# --------------------------------------------------------------------- shape changes


def reshape(x: Any, shape: Sequence[int]) -> torch.Tensor:
    """``x`` with the given ``shape`` (one entry may be -1).

    >>> from convlayers import backend as K
    >>> K.reshape([1, 2, 3, 4], (2, -1))
    tensor([[1, 2],
            [3, 4]])
    """
    return _t(x).reshape(tuple(shape))


def permute_dimensions(x: Any, pattern: Sequence[int]) -> torch.Tensor:
    """``x`` with its axes reordered: axis ``i`` of the result is axis ``pattern[i]`` of ``x``.

    >>> from convlayers import backend as K
    >>> import torch
    >>> K.permute_dimensions(torch.ones(2, 3, 4), (0, 2, 1)).shape
    torch.Size([2, 4, 3])
    """
    return _t(x).permute(tuple(pattern))


def transpose(x: Any) -> torch.Tensor:
    """All axes reversed (as ``tf.transpose`` without ``perm``).

    >>> from convlayers import backend as K
    >>> import torch
    >>> K.transpose(torch.ones(2, 3, 4)).shape
    torch.Size([4, 3, 2])
    """
    x = _t(x)
    return x.permute(tuple(reversed(range(x.dim()))))


def expand_dims(x: Any, axis: int = -1) -> torch.Tensor:
    """``x`` with a new axis of size 1 at ``axis``.

    >>> from convlayers import backend as K
    >>> import torch
    >>> K.expand_dims(torch.ones(2, 3)).shape
    torch.Size([2, 3, 1])
    """
    return _t(x).unsqueeze(axis)


def squeeze(x: Any, axis: int) -> torch.Tensor:
    """``x`` without its axis ``axis`` of size 1.

    >>> from convlayers import backend as K
    >>> import torch
    >>> K.squeeze(torch.ones(2, 1, 3), 1).shape
    torch.Size([2, 3])
    """
    return _t(x).squeeze(axis)


def flatten(x: Any) -> torch.Tensor:
    """``x`` as a 1-D tensor.

    >>> from convlayers import backend as K
    >>> K.flatten([[1, 2], [3, 4]])
    tensor([1, 2, 3, 4])
    """
    return _t(x).reshape(-1)


def batch_flatten(x: Any) -> torch.Tensor:
    """``x`` as ``(batch, -1)``.

    >>> from convlayers import backend as K
    >>> import torch
    >>> K.batch_flatten(torch.ones(2, 3, 4)).shape
    torch.Size([2, 12])
    """
    x = _t(x)
    return x.reshape(x.shape[0], -1)


def concatenate(tensors: Sequence[Any], axis: int = -1) -> torch.Tensor:
    """The tensors joined along ``axis`` (the last by default).

    >>> from convlayers import backend as K
    >>> K.concatenate([[[1, 2]], [[3]]])
    tensor([[1, 2, 3]])
    """
    return torch.cat([_t(t) for t in tensors], dim=axis)


def stack(x: Sequence[Any], axis: int = 0) -> torch.Tensor:
    """The tensors stacked on a new axis ``axis``.

    >>> from convlayers import backend as K
    >>> K.stack([[1, 2], [3, 4]], axis=1)
    tensor([[1, 3],
            [2, 4]])
    """
    return torch.stack([_t(t) for t in x], dim=axis)


def repeat_elements(x: Any, rep: int, axis: int) -> torch.Tensor:
    """Each entry repeated ``rep`` times along ``axis`` (``np.repeat``).

    >>> from convlayers import backend as K
    >>> K.repeat_elements([[1, 2]], 2, axis=1)
    tensor([[1, 1, 2, 2]])
    """
    return _t(x).repeat_interleave(rep, dim=axis)


def tile(x: Any, n: Sequence[int]) -> torch.Tensor:
    """``x`` repeated ``n[i]`` times along each axis ``i``.

    >>> from convlayers import backend as K
    >>> K.tile([[1, 2]], (2, 1))
    tensor([[1, 2],
            [1, 2]])
    """
    return _t(x).repeat(*((n,) if isinstance(n, int) else tuple(n)))


def one_hot(indices: Any, num_classes: int) -> torch.Tensor:
    """One-hot ``floatx()`` vectors of ``num_classes`` on a new last axis.

    >>> from convlayers import backend as K
    >>> K.one_hot([0, 2], 3)
    tensor([[1., 0., 0.],
            [0., 0., 1.]])
    """
    return F.one_hot(_t(indices).long(), num_classes).to(getattr(torch, floatx()))


def dot(x: Any, y: Any) -> torch.Tensor:
    """Keras' ``dot``: ``x``'s last axis against ``y``'s second to last (or only) axis.

    >>> from convlayers import backend as K
    >>> import torch
    >>> K.dot(torch.ones(2, 3), torch.ones(3, 4)).shape
    torch.Size([2, 4])
    >>> K.dot(torch.ones(2, 3), torch.ones(5, 3, 4)).shape
    torch.Size([2, 5, 4])
    """
    x, y = _t(x), _t(y)
    if y.dim() <= 2:
        return x @ y
    moved = y.movedim(-2, 0)  # (k, *rest, n): contract x's last axis with y's axis -2
    return torch.tensordot(x, moved, dims=([x.dim() - 1], [0]))
