"""Output shapes of a function on symbolic tensors, found without computing any data.

The function runs on ``device="meta"`` tensors (shapes and dtypes, no storage), twice:
unknown sizes (``None``) take one probe size, then another. Output sizes that differ
between the two runs depend on an unknown size and are ``None``; the others are known.
If a run fails (an unknown size broadcast against a known one, say), unknown sizes
other than the batch size are tried as 1 instead. Used by ``Lambda`` without
``output_shape`` and by the op layers of symbolic arithmetic.

>>> from convlayers.symbolic import SymbolicTensor
>>> x = SymbolicTensor((None, 10, 3))
>>> infer_outputs(lambda t: t[:, ::2].sum(-1), (x,), {})
<SymbolicTensor shape=(None, 5) dtype=float32>
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from ..dtypes import standardize_dtype
from ..symbolic import SymbolicTensor, flatten, map_structure

__all__ = ["ShapeInferenceError", "infer_outputs", "torch_dtype"]

_PROBES = (24, 36)  # two sizes for unknown dimensions, divisible by 2, 3, 4, 6 and 12
# What a function raises on probe tensors it cannot take (shape and meta-device errors).
_PROBE_ERRORS = (RuntimeError, TypeError, ValueError, IndexError, NotImplementedError)


class ShapeInferenceError(Exception):
    """The function failed on probe tensors (the first error is chained)."""


def torch_dtype(name: str) -> torch.dtype:
    """The torch dtype of a dtype name ('float32', 'bool', 'int64', ...)."""
    dtype = getattr(torch, name, None)
    if not isinstance(dtype, torch.dtype):
        raise ValueError(f"`dtype` must name a torch dtype. Received: dtype={name!r}")
    return dtype


def _dtype_name(dtype: torch.dtype) -> str:
    name = str(dtype).removeprefix("torch.")
    try:
        return standardize_dtype(name)
    except ValueError:
        return name


def _run(fn: Callable[..., Any], args: tuple, kwargs: dict, size: int, batch_only: bool) -> Any:
    def to_meta(leaf: Any) -> Any:
        if isinstance(leaf, torch.Tensor):  # a constant operand: its shape and dtype only
            return torch.empty_like(leaf, device="meta")
        if not isinstance(leaf, SymbolicTensor):
            return leaf
        shape = [
            d if d is not None else (size if i == 0 or not batch_only else 1)
            for i, d in enumerate(leaf.shape)
        ]
        return torch.empty(shape, dtype=torch_dtype(leaf.dtype), device="meta")

    with torch.no_grad():
        return fn(*map_structure(to_meta, args), **map_structure(to_meta, kwargs))


def infer_outputs(fn: Callable[..., Any], args: tuple, kwargs: dict[str, Any]) -> Any:
    """Symbolic tensors shaped like ``fn(*args, **kwargs)``'s outputs (same nesting).

    Raises :class:`ShapeInferenceError` when ``fn`` fails on the probe tensors.
    """
    first_error = None
    for batch_only in (False, True):
        try:
            runs = [_run(fn, args, kwargs, size, batch_only) for size in _PROBES]
        except _PROBE_ERRORS as error:
            first_error = first_error or error
            continue
        return _merge_runs(*runs)
    raise ShapeInferenceError(f"{type(first_error).__name__}: {first_error}") from first_error


def _merge_runs(first: Any, second: Any) -> Any:
    """Symbolic tensors for the outputs of two probe runs: sizes that differ are ``None``."""
    leaves = [flatten(first), flatten(second)]
    if len(leaves[0]) != len(leaves[1]) or not all(
        isinstance(t, torch.Tensor) for t in leaves[0] + leaves[1]
    ):
        raise ShapeInferenceError(f"The function returned something other than tensors: {first!r}")
    shapes = iter(
        SymbolicTensor(
            tuple(p if p == q else None for p, q in zip(a.shape, b.shape)), _dtype_name(a.dtype)
        )
        for a, b in zip(*leaves)
    )
    return map_structure(lambda _: next(shapes), first)
