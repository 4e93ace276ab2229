"""Per-shape caches that ``torch.compile`` traces through.

The hot paths derive plans, index maps and masks from shapes and geometry once and
reuse them (``functools.lru_cache``). Dynamo ignores such a cache, traces the wrapped
function anyway and warns about it; ``shape_cache`` gives eager calls the cache and
compiled code the function itself. Functions that build constant tensors with NumPy
are marked ``constant=True``: under ``torch.compile`` they run once, at trace time, and
their result is baked into the graph as a constant.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import torch

__all__ = ["shape_cache"]

T = TypeVar("T", bound=Callable[..., Any])


def shape_cache(maxsize: int, constant: bool = False) -> Callable[[T], T]:
    """``functools.lru_cache(maxsize)`` for eager calls, the plain function under compile.

    >>> @shape_cache(8)
    ... def area(shape):
    ...     return shape[0] * shape[1]
    >>> area((3, 4)), area.cache_info().hits
    (12, 0)
    """

    def decorate(fn: T) -> T:
        traced = torch.compiler.assume_constant_result(fn) if constant else fn
        cached = functools.lru_cache(maxsize)(fn)

        @functools.wraps(fn)
        def call(*args: Any) -> Any:
            if torch.compiler.is_compiling():
                return traced(*args)
            return cached(*args)

        call.cache_info = cached.cache_info  # type: ignore[attr-defined]
        call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return call  # type: ignore[return-value]

    return decorate
