"""Keras-style layer names: snake_case class names made unique per session.

>>> reset_names()
>>> unique_name("Conv1D"), unique_name("Conv1D"), unique_name("SeparableConv1D")
('conv1d', 'conv1d_1', 'separable_conv1d')
"""

from __future__ import annotations

from collections import defaultdict

from .serialization import to_snake_case

__all__ = ["reset_names", "to_snake_case", "unique_name"]

_uids: defaultdict[str, int] = defaultdict(int)


def unique_name(class_name: str) -> str:
    """The next free default name for a layer of ``class_name``: base, base_1, base_2, ..."""
    base = to_snake_case(class_name)
    count = _uids[base]
    _uids[base] += 1
    return base if count == 0 else f"{base}_{count}"


def reset_names() -> None:
    """Forget the names handed out so far (``convlayers.clear_session()``)."""
    _uids.clear()
