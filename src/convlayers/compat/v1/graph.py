"""The TF1 default graph, reduced to what variables need: a variable store, collections,
and the variable-scope state (current scope, and how often each scope name was opened).

There are no ops: layers run eagerly. ``reset_default_graph()`` forgets every variable,
collection and scope (and restarts default layer names); ``Graph().as_default()`` makes
a fresh store current inside a ``with`` block.

Regularization losses sit in ``GraphKeys.REGULARIZATION_LOSSES`` as recipes and are
computed from the current weights each time the collection is read.

>>> from convlayers.compat import v1 as tf
>>> tf.reset_default_graph()
>>> v = tf.get_variable("w", (2, 3), regularizer=lambda w: w.abs().sum())
>>> [u.name for u in tf.global_variables()]
['w:0']
>>> len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES))
1
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

from ...naming import reset_names

__all__ = [
    "Graph",
    "GraphKeys",
    "add_to_collection",
    "add_to_collections",
    "get_collection",
    "get_collection_ref",
    "get_default_graph",
    "global_variables",
    "reset_default_graph",
    "trainable_variables",
]


class GraphKeys:
    """The standard collection names of TF1.

    >>> from convlayers.compat import v1 as tf
    >>> tf.GraphKeys.TRAINABLE_VARIABLES, tf.GraphKeys.REGULARIZATION_LOSSES
    ('trainable_variables', 'regularization_losses')
    """

    GLOBAL_VARIABLES = "variables"
    LOCAL_VARIABLES = "local_variables"
    MODEL_VARIABLES = "model_variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    REGULARIZATION_LOSSES = "regularization_losses"
    UPDATE_OPS = "update_ops"
    LOSSES = "losses"
    VARIABLES = GLOBAL_VARIABLES


class LazyLoss:
    """A collection entry computed when the collection is read: ``compute()`` gives a list
    of loss tensors (a weight's regularization, or a layer's latest activity losses)."""

    def __init__(self, compute: Callable[[], list[Any]], name: str) -> None:
        self.compute = compute
        self.name = name

    def __repr__(self) -> str:
        return f"<LazyLoss {self.name!r}>"


class _ScopeState:
    """The current variable scope and the open-count of every scope name."""

    def __init__(self) -> None:
        self.current: Any = None  # the root VariableScope, set by variable_scope.py
        self.counts: dict[str, int] = {}

    def open(self, name: str) -> None:
        self.counts[name] = self.counts.get(name, 0) + 1

    def close_subscopes(self, name: str) -> None:
        prefix = name + "/"
        for key in self.counts:
            if key.startswith(prefix):
                self.counts[key] = 0

    def count(self, name: str) -> int:
        return self.counts.get(name, 0)


class Graph:
    """Variables by full name, partitioned variables, collections and scope state.

    >>> from convlayers.compat import v1 as tf
    >>> graph = tf.Graph()
    >>> with graph.as_default():
    ...     v = tf.get_variable('w', (2,))
    ...     inside = tf.get_default_graph() is graph
    >>> [u.name for u in graph.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)], inside
    (['w:0'], True)
    >>> tf.get_default_graph() is graph
    False
    """

    def __init__(self) -> None:
        self.variables: dict[str, Any] = {}
        self.partitioned: dict[str, Any] = {}
        self.collections: dict[str, list[Any]] = {}
        self.scopes = _ScopeState()

    @contextlib.contextmanager
    def as_default(self) -> Iterator[Graph]:
        """Make this graph the default inside a ``with`` block."""
        _stack.graphs.append(self)
        try:
            yield self
        finally:
            _stack.graphs.pop()

    def get_collection_ref(self, key: str) -> list[Any]:
        """The collection ``key`` itself (a list; recipes of losses are not computed)."""
        return self.collections.setdefault(key, [])

    def get_collection(self, key: str, scope: str | None = None) -> list[Any]:
        """A copy of the collection ``key`` with losses computed now; with ``scope``, only the
        items whose ``name`` matches it from the start (``re.match``), as in TF1."""
        items = []
        for item in self.collections.get(key, []):
            name = getattr(item, "name", None)
            if scope is not None and (not isinstance(name, str) or not re.match(scope, name)):
                continue
            if isinstance(item, LazyLoss):
                items.extend(loss for loss in item.compute() if loss is not None)
            else:
                items.append(item)
        return items

    def add_to_collection(self, key: str, value: Any) -> None:
        self.get_collection_ref(key).append(value)

    def get_all_collection_keys(self) -> list[str]:
        return [key for key, items in self.collections.items() if items]


class _GraphStack(threading.local):
    def __init__(self) -> None:
        self.graphs: list[Graph] = []


_stack = _GraphStack()
_default = [Graph()]


def get_default_graph() -> Graph:
    """The graph in use: the innermost ``Graph.as_default()``, else the global default.

    >>> import torch
    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> graph = tf.get_default_graph()
    >>> v = tf.get_variable('w', (2,))
    >>> [u.name for u in graph.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)]
    ['w:0']
    """
    return _stack.graphs[-1] if _stack.graphs else _default[0]


def reset_default_graph() -> None:
    """Forget every variable, collection and scope of the default graph, and restart the
    default layer names (``conv1d``, ``conv1d_1``, ...).

    >>> import torch
    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> v = tf.get_variable('w', (2,))
    >>> tf.reset_default_graph()
    >>> tf.global_variables()
    []
    """
    if _stack.graphs:
        raise AssertionError(
            "Do not use tf.reset_default_graph() to clear nested graphs. If you need a cleared "
            "graph, exit the nesting and create a new graph."
        )
    _default[0] = Graph()
    reset_names()


def get_collection(key: str, scope: str | None = None) -> list[Any]:
    """``get_default_graph().get_collection(key, scope)``.

    >>> import torch
    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> with tf.variable_scope('a'):
    ...     u = tf.get_variable('w', (2,))
    >>> with tf.variable_scope('b'):
    ...     v = tf.get_variable('w', (2,))
    >>> [x.name for x in tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES, scope='b')]
    ['b/w:0']
    """
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key: str) -> list[Any]:
    """``get_default_graph().get_collection_ref(key)``.

    >>> import torch
    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> ref = tf.get_collection_ref('my_tensors')
    >>> ref.append(torch.ones(2))
    >>> len(tf.get_collection('my_tensors'))
    1
    """
    return get_default_graph().get_collection_ref(key)


def add_to_collection(name: str, value: Any) -> None:
    """Append ``value`` to the collection ``name``.

    >>> import torch
    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> tf.add_to_collection('checkpoints', torch.zeros(3))
    >>> len(tf.get_collection('checkpoints'))
    1
    """
    get_default_graph().add_to_collection(name, value)


def add_to_collections(names: Any, value: Any) -> None:
    """Append ``value`` to each collection in ``names`` (a name or a list of names).

    >>> import torch
    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> tf.add_to_collections(['a', 'b'], torch.zeros(3))
    >>> len(tf.get_collection('a')), len(tf.get_collection('b'))
    (1, 1)
    """
    for name in [names] if isinstance(names, str) else names:
        add_to_collection(name, value)


def global_variables(scope: str | None = None) -> list[Any]:
    """Every variable (each shard of a partitioned one), in creation order.

    >>> import torch
    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> v = tf.get_variable('w', (2,))
    >>> u = tf.get_variable('step', (), trainable=False)
    >>> [x.name for x in tf.global_variables()]
    ['w:0', 'step:0']
    """
    return get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


def trainable_variables(scope: str | None = None) -> list[Any]:
    """The trainable variables, in creation order.

    >>> import torch
    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> v = tf.get_variable('w', (2,))
    >>> u = tf.get_variable('step', (), trainable=False)
    >>> [x.name for x in tf.trainable_variables()]
    ['w:0']
    """
    return get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)
