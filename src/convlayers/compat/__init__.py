"""Compatibility namespaces: ``convlayers.compat.v1`` is the TF1 API of these layers.

>>> from convlayers.compat import v1 as tf1
>>> tf1.layers.conv1d is not None
True
"""

from . import v1

__all__ = ["v1"]
