"""The TensorFlow functions an op layer (``TFOpLambda``) may run, by the symbol tf-keras
writes in a model config ('__operators__.add', 'math.multiply', 'nn.relu', ...).

This is a fixed whitelist: each symbol maps to a torch implementation with the TF
function's signature and semantics (ties of max/min, floor division, slicing with
negative steps). A symbol not listed here is refused; no name from a config is ever
imported or evaluated.

>>> import torch
>>> tf_function("math.multiply")(torch.tensor([1.0, 2.0]), y=3.0, name=None)
tensor([3., 6.])
>>> tf_function("__operators__.getitem")(torch.arange(5.0), slice_spec={"start": None,
...     "stop": None, "step": -2})
tensor([4., 2., 0.])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F

from .elementwise import as_tensors, maximum, minimum

__all__ = ["WHITELIST", "slice_spec_from_config", "slice_spec_to_config", "tf_function"]

_ELLIPSIS = {"class_name": "__ellipsis__"}


def _binary(fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> Callable[..., Any]:
    def op(x: Any, y: Any, name: str | None = None) -> torch.Tensor:
        return fn(*as_tensors(x, y))

    return op


def _unary(fn: Callable[[torch.Tensor], torch.Tensor]) -> Callable[..., Any]:
    def op(x: torch.Tensor, name: str | None = None) -> torch.Tensor:
        return fn(x)

    return op


def _floor_div(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    if a.is_floating_point():
        return torch.floor(a / b)  # TF's FloorDiv on floats: floor of the quotient
    return torch.div(a, b, rounding_mode="floor")


def _axes(x: torch.Tensor, axis: Any) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(x.dim()))
    return (axis,) if isinstance(axis, int) else tuple(axis)


def _reduction(fn: Callable[..., torch.Tensor]) -> Callable[..., Any]:
    def op(
        input_tensor: torch.Tensor, axis: Any = None, keepdims: bool = False, name: Any = None
    ) -> torch.Tensor:
        dims = _axes(input_tensor, axis)
        return fn(input_tensor, dim=dims, keepdim=bool(keepdims)) if dims else input_tensor

    return op


def _softmax(logits: torch.Tensor, axis: int | None = None, name: Any = None) -> torch.Tensor:
    return torch.softmax(logits, dim=-1 if axis is None else axis)


def _silu(features: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    return features * torch.sigmoid(beta * features)


def _gelu(features: torch.Tensor, approximate: bool = False, name: Any = None) -> torch.Tensor:
    return F.gelu(features, approximate="tanh" if approximate else "none")


def _clip(t: torch.Tensor, clip_value_min: Any, clip_value_max: Any, name: Any = None):
    return torch.clamp(t, *(as_tensors(t, v)[1] for v in (clip_value_min, clip_value_max)))


def _l2_normalize(x: torch.Tensor, axis: Any = None, epsilon: float = 1e-12, name=None, dim=None):
    squares = torch.sum(x * x, dim=_axes(x, dim if axis is None else axis), keepdim=True)
    return x * torch.rsqrt(torch.clamp_min(squares, epsilon))


def _reshape(tensor: torch.Tensor, shape: Any, name: Any = None) -> torch.Tensor:
    return tensor.reshape(tuple(shape))


def _expand_dims(input: torch.Tensor, axis: int, name: Any = None) -> torch.Tensor:
    return input.unsqueeze(axis)


def _squeeze(input: torch.Tensor, axis: Any = None, name: Any = None, squeeze_dims: Any = None):
    axis = squeeze_dims if axis is None else axis
    if axis is None:
        return input.squeeze()
    dims = _axes(input, axis)
    if any(input.shape[d] != 1 for d in dims):
        raise ValueError(
            f"Can not squeeze dim {list(dims)}, expected a dimension of 1. Received: input "
            f"shape={tuple(input.shape)}"
        )
    return input.squeeze(dims)


def _transpose(a: torch.Tensor, perm: Any = None, name: Any = None, conjugate: bool = False):
    return a.permute(*(reversed(range(a.dim())) if perm is None else perm))


def _concat(values: list[torch.Tensor], axis: int, name: Any = None) -> torch.Tensor:
    return torch.cat(list(values), dim=axis)


def _stack(values: list[torch.Tensor], axis: int = 0, name: Any = None) -> torch.Tensor:
    return torch.stack(list(values), dim=axis)


def _split(value: torch.Tensor, num_or_size_splits: Any, axis: int = 0, num=None, name=None):
    length = value.shape[axis]
    if isinstance(num_or_size_splits, int):
        if length % num_or_size_splits:
            raise ValueError(
                f"Dimension {axis} of size {length} cannot be split evenly into "
                f"{num_or_size_splits} parts. Received: num_or_size_splits={num_or_size_splits}"
            )
        return list(torch.split(value, length // num_or_size_splits, dim=axis))
    sizes = list(num_or_size_splits)
    if -1 in sizes:
        sizes[sizes.index(-1)] = length - sum(s for s in sizes if s != -1)
    return list(torch.split(value, sizes, dim=axis))


def _tile(input: torch.Tensor, multiples: Any, name: Any = None) -> torch.Tensor:
    multiples = tuple(multiples)
    if len(multiples) != input.dim():
        raise ValueError(
            f"`multiples` must have one entry per dimension of the input ({input.dim()}). "
            f"Received: multiples={list(multiples)}"
        )
    return input.repeat(*multiples)


_CASTS = ("float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64")


def _cast(x: torch.Tensor, dtype: Any, name: Any = None) -> torch.Tensor:
    if dtype not in (*_CASTS, "bool", "uint8"):
        raise ValueError(f"`dtype` must be one of {(*_CASTS, 'bool', 'uint8')}. Received: {dtype}")
    return x.to(getattr(torch, dtype))


def slice_spec_to_config(key: Any) -> Any:
    """A Python index (``x[key]``) in the form tf-keras writes in a config: slices as
    ``{'start', 'stop', 'step'}`` dicts, ``...`` as ``{'class_name': '__ellipsis__'}``."""
    if isinstance(key, tuple):
        return [slice_spec_to_config(item) for item in key]
    if key is Ellipsis:
        return dict(_ELLIPSIS)
    if isinstance(key, slice):
        parts = (key.start, key.stop, key.step)
        if not all(p is None or (isinstance(p, int) and not isinstance(p, bool)) for p in parts):
            raise TypeError(f"Slice bounds must be integers or None. Received: {key}")
        return {"start": key.start, "stop": key.stop, "step": key.step}
    if key is None or (isinstance(key, int) and not isinstance(key, bool)):
        return key
    raise TypeError(
        "Only integers, slices (`:`), ellipsis (`...`) and None (newaxis) are valid indices "
        f"of a symbolic tensor. Received: {key!r}"
    )


def slice_spec_from_config(spec: Any) -> tuple[Any, ...]:
    """The Python index tuple of a config's ``slice_spec`` (the inverse of the above)."""
    items = spec if isinstance(spec, (list, tuple)) else [spec]
    out = []
    for item in items:
        if item == _ELLIPSIS or item is Ellipsis:
            out.append(Ellipsis)
        elif isinstance(item, dict):
            out.append(slice(item.get("start"), item.get("stop"), item.get("step")))
        else:
            out.append(slice_spec_to_config(item))  # validates an int or None
    return tuple(out)


def getitem(tensor: torch.Tensor, slice_spec: Any, var: Any = None) -> torch.Tensor:
    """``tensor[slice_spec]`` with TF's slicing (negative steps included)."""
    items = slice_spec_from_config(slice_spec)
    consuming = sum(1 for item in items if item is not None and item is not Ellipsis)
    basic: list[Any] = []
    reversed_axes = []  # (output axis, indices) for slices with a negative step
    axis_in = axis_out = 0
    for item in items:
        if item is Ellipsis:
            span = max(tensor.dim() - consuming, 0)
            basic += [slice(None)] * span
            axis_in, axis_out = axis_in + span, axis_out + span
        elif item is None:
            basic.append(None)
            axis_out += 1
        elif isinstance(item, int):
            basic.append(item)
            axis_in += 1
        else:
            if item.step is not None and item.step < 0:
                indices = list(range(tensor.shape[axis_in]))[item]
                reversed_axes.append((axis_out, indices))
                item = slice(None)
            basic.append(item)
            axis_in, axis_out = axis_in + 1, axis_out + 1
    out = tensor[tuple(basic)]
    for axis, indices in reversed_axes:
        index = torch.tensor(indices, dtype=torch.long, device=out.device)
        out = out.index_select(axis, index)
    return out


WHITELIST: dict[str, Callable[..., Any]] = {
    "__operators__.add": _binary(torch.add),
    "__operators__.getitem": getitem,
    "math.add": _binary(torch.add),
    "math.subtract": _binary(torch.sub),
    "math.multiply": _binary(torch.mul),
    "math.truediv": _binary(torch.div),
    "math.pow": _binary(torch.pow),
    "math.floormod": _binary(torch.remainder),
    "compat.v1.floor_div": _binary(_floor_div),
    "math.maximum": _binary(maximum),
    "math.minimum": _binary(minimum),
    "math.greater": _binary(torch.gt),
    "math.greater_equal": _binary(torch.ge),
    "math.less": _binary(torch.lt),
    "math.less_equal": _binary(torch.le),
    "math.negative": _unary(torch.neg),
    "math.abs": _unary(torch.abs),
    "math.sqrt": _unary(torch.sqrt),
    "math.rsqrt": _unary(torch.rsqrt),
    "math.square": _unary(torch.square),
    "math.exp": _unary(torch.exp),
    "math.log": _unary(torch.log),
    "math.sigmoid": _unary(torch.sigmoid),
    "math.tanh": _unary(torch.tanh),
    "nn.relu": _unary(torch.relu),
    "nn.relu6": _unary(F.relu6),
    "nn.elu": _unary(F.elu),
    "nn.silu": _silu,
    "nn.gelu": _gelu,
    "nn.softmax": _softmax,
    "clip_by_value": _clip,
    "math.l2_normalize": _l2_normalize,
    "math.reduce_mean": _reduction(torch.mean),
    "math.reduce_sum": _reduction(torch.sum),
    "math.reduce_max": _reduction(torch.amax),
    "math.reduce_min": _reduction(torch.amin),
    "reshape": _reshape,
    "expand_dims": _expand_dims,
    "compat.v1.squeeze": _squeeze,
    "compat.v1.transpose": _transpose,
    "concat": _concat,
    "stack": _stack,
    "split": _split,
    "tile": _tile,
    "cast": _cast,
}


def tf_function(symbol: str) -> Callable[..., Any]:
    """The implementation of the TF function tf-keras names ``symbol``; ValueError if it is
    not on the whitelist."""
    if not isinstance(symbol, str) or symbol not in WHITELIST:
        raise ValueError(
            f"TF symbol `{symbol}` could not be found. convlayers runs only the TF functions "
            f"on its whitelist: {sorted(WHITELIST)}. Received: function={symbol!r}"
        )
    return WHITELIST[symbol]
