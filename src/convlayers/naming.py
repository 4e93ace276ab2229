"""Keras-style layer names: snake_case class names made unique per session.

>>> reset_names()
>>> unique_name("Conv1D"), unique_name("Conv1D"), unique_name("SeparableConv1D")
('conv1d', 'conv1d_1', 'separable_conv1d')

TF1 (``tf.layers``) layers count from 1 in the same map, as tf-keras does:

>>> unique_name("SeparableConv1D", zero_based=False), unique_name("Dense", zero_based=False)
('separable_conv1d_2', 'dense_1')
"""

from __future__ import annotations

from collections import defaultdict

from .serialization import to_snake_case

__all__ = ["reset_names", "to_snake_case", "unique_name"]

_uids: defaultdict[str, int] = defaultdict(int)


def unique_name(class_name: str, zero_based: bool = True) -> str:
    """The next free default name for a layer of ``class_name``: base, base_1, base_2, ...
    (``zero_based=False``: base_1, base_2, ..., as tf-keras names TF1 layers)."""
    base = to_snake_case(class_name)
    count = _uids[base]
    _uids[base] += 1
    if not zero_based:
        return f"{base}_{count + 1}"
    return base if count == 0 else f"{base}_{count}"


def reset_names() -> None:
    """Forget the names handed out so far (``convlayers.clear_session()``).

    >>> import convlayers
    >>> convlayers.clear_session()
    >>> convlayers.Conv1D(2, 3).name, convlayers.Conv1D(2, 3).name
    ('conv1d', 'conv1d_1')
    """
    _uids.clear()
