"""TF1 variable scopes and ``get_variable``.

``variable_scope(name_or_scope, default_name=None, ..., reuse=None, ...)`` opens a scope
exactly as ``tf.compat.v1.variable_scope`` does: names nest with '/', ``reuse`` is
inherited by sub-scopes (``True`` and ``AUTO_REUSE`` as in TF1), a scope re-entered by
its ``VariableScope`` object keeps its own initializer/regularizer/partitioner, and a
``default_name`` is made unique among the scopes opened in the enclosing one
(``conv1d``, ``conv1d_1``, ...; the counts restart when the enclosing scope closes).
``get_variable`` creates or returns a variable under the current scope's name, with the
scope's initializer, regularizer, partitioner, dtype and constraint as defaults.

>>> from convlayers.compat import v1 as tf
>>> tf.reset_default_graph()
>>> with tf.variable_scope("outer"):
...     w = tf.get_variable("w", (3,))
>>> with tf.variable_scope("outer", reuse=True):
...     tf.get_variable("w", (3,)) is w
True
"""

from __future__ import annotations

import copy
from typing import Any

import torch

from .graph import get_default_graph
from .store import AUTO_REUSE, as_variable_dtype, get_or_create

__all__ = ["AUTO_REUSE", "VariableScope", "get_variable", "get_variable_scope", "variable_scope"]

_UNSUPPORTED = ("caching_device", "custom_getter")


def _refuse_unsupported(**given: Any) -> None:
    for key, value in given.items():
        if value is not None:
            raise ValueError(
                f"`{key}` is not supported by convlayers.compat.v1. Received: {key}={value!r}"
            )


class VariableScope:
    """A variable scope: its name and the defaults of the variables made inside it.

    >>> import torch
    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> with tf.variable_scope('outer', initializer=tf.zeros_initializer()) as scope:
    ...     pass
    >>> scope.name, scope.reuse
    ('outer', False)
    >>> with tf.variable_scope(scope):  # re-entered: its initializer again
    ...     w = tf.get_variable('w', (2,))
    >>> w.name, w.tolist()
    ('outer/w:0', [0.0, 0.0])
    """

    def __init__(
        self,
        reuse: Any,
        name: str = "",
        initializer: Any = None,
        regularizer: Any = None,
        partitioner: Any = None,
        dtype: Any = torch.float32,
        constraint: Any = None,
    ) -> None:
        self._reuse = reuse
        self._name = name
        self._initializer = initializer
        self._regularizer = regularizer
        self._partitioner = partitioner
        self._dtype = as_variable_dtype(dtype)
        self._constraint = constraint

    name = property(lambda self: self._name, doc="The full scope name ('outer/inner').")
    reuse = property(lambda self: self._reuse, doc="True, False or AUTO_REUSE.")
    initializer = property(lambda self: self._initializer)
    regularizer = property(lambda self: self._regularizer)
    partitioner = property(lambda self: self._partitioner)
    dtype = property(lambda self: self._dtype)
    constraint = property(lambda self: self._constraint)

    @property
    def original_name_scope(self) -> str:
        """The name with a trailing '/' (there are no op name scopes to uniquify)."""
        return self._name + "/" if self._name else ""

    def reuse_variables(self) -> None:
        """From now on, ``get_variable`` in this scope only returns existing variables."""
        self._reuse = True

    def set_initializer(self, initializer: Any) -> None:
        self._initializer = initializer

    def set_regularizer(self, regularizer: Any) -> None:
        self._regularizer = regularizer

    def set_partitioner(self, partitioner: Any) -> None:
        self._partitioner = partitioner

    def set_dtype(self, dtype: Any) -> None:
        self._dtype = as_variable_dtype(dtype)

    def get_collection(self, name: str) -> list[Any]:
        """The items of collection ``name`` whose names start with this scope's name + '/'."""
        return get_default_graph().get_collection(name, self._name + "/")

    def global_variables(self) -> list[Any]:
        return self.get_collection("variables")

    def trainable_variables(self) -> list[Any]:
        return self.get_collection("trainable_variables")

    def __repr__(self) -> str:
        return f"<VariableScope {self._name!r} reuse={self._reuse!r}>"


def get_variable_scope() -> VariableScope:
    """The current variable scope (the root scope, named '', outside any ``with``).

    >>> import torch
    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> with tf.variable_scope('a'):
    ...     with tf.variable_scope('b'):
    ...         name = tf.get_variable_scope().name
    >>> name, tf.get_variable_scope().name
    ('a/b', '')
    """
    scopes = get_default_graph().scopes
    if scopes.current is None:
        scopes.current = VariableScope(False)
    return scopes.current


class variable_scope:
    """A context manager that opens a variable scope (see the module docstring).

    ``values`` and ``use_resource`` are accepted and have no effect (there are no graphs
    to choose and every variable is a Parameter); ``auxiliary_name_scope`` likewise (there
    are no op name scopes). ``caching_device`` and ``custom_getter`` are refused.

    >>> import torch
    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> with tf.variable_scope('outer'):
    ...     with tf.variable_scope(None, default_name='block'):
    ...         a = tf.get_variable('w', (1,))
    ...     with tf.variable_scope(None, default_name='block'):
    ...         b = tf.get_variable('w', (1,))
    >>> a.name, b.name
    ('outer/block/w:0', 'outer/block_1/w:0')
    >>> with tf.variable_scope('outer', reuse=True):
    ...     tf.get_variable('block/w') is a
    True
    """

    def __init__(
        self,
        name_or_scope: str | VariableScope | None,
        default_name: str | None = None,
        values: Any = None,
        initializer: Any = None,
        regularizer: Any = None,
        caching_device: Any = None,
        partitioner: Any = None,
        custom_getter: Any = None,
        reuse: Any = None,
        dtype: Any = None,
        use_resource: Any = None,
        constraint: Any = None,
        auxiliary_name_scope: bool = True,
    ) -> None:
        _refuse_unsupported(caching_device=caching_device, custom_getter=custom_getter)
        if default_name is None and name_or_scope is None:
            raise TypeError("If default_name is None then name_or_scope is required")
        if reuse is False:
            reuse = None
        if not (reuse is True or reuse is None or reuse is AUTO_REUSE):
            raise ValueError("The reuse parameter must be True or False or None.")
        if not isinstance(auxiliary_name_scope, bool):
            raise TypeError(
                "The auxiliary_name_scope must be `True` or `False`, while get "
                f"{auxiliary_name_scope}"
            )
        if name_or_scope is not None and not isinstance(name_or_scope, (VariableScope, str)):
            raise TypeError("VariableScope: name_or_scope must be a string or VariableScope.")
        self._name_or_scope = name_or_scope
        self._default_name = default_name
        self._reuse = reuse
        self._defaults = {
            "initializer": initializer,
            "regularizer": regularizer,
            "partitioner": partitioner,
            "dtype": dtype,
        }
        self._constraint = constraint
        self._target: str | VariableScope | None = None

    def __enter__(self) -> VariableScope:
        self._graph = get_default_graph()
        scopes = self._graph.scopes
        self._old = get_variable_scope()
        if self._target is None:
            if self._name_or_scope is None:
                if self._reuse:
                    raise ValueError("reuse=True cannot be used without a name_or_scope")
                self._target = _unique_scope_name(self._default_name or "")
            else:
                self._target = self._name_or_scope
        target = self._target
        if isinstance(target, VariableScope):
            scope = VariableScope(
                target.reuse if not self._reuse else self._reuse,
                name=target.name,
                initializer=target.initializer,
                regularizer=target.regularizer,
                partitioner=target.partitioner,
                dtype=target.dtype,
                constraint=self._constraint,
            )
            scopes.open(target.name)
            self._saved_counts = copy.copy(scopes.counts)
        else:
            old = self._old
            name = f"{old.name}/{target}" if old.name else target
            scope = VariableScope(
                self._reuse or old.reuse,
                name=name,
                initializer=old.initializer,
                regularizer=old.regularizer,
                partitioner=old.partitioner,
                dtype=old.dtype,
                constraint=self._constraint,
            )
            scopes.open(name)
        for key, value in self._defaults.items():
            if value is not None:
                getattr(scope, f"set_{key}")(value)
        scopes.current = self._scope = scope
        return scope

    def __exit__(self, *exc: Any) -> None:
        scopes = self._graph.scopes
        if scopes.current is not self._scope:
            raise RuntimeError("Improper nesting of variable_scope.")
        if isinstance(self._target, VariableScope):
            scopes.counts = self._saved_counts
        else:
            scopes.close_subscopes(self._scope.name)
        scopes.current = self._old


def _unique_scope_name(prefix: str) -> str:
    """``prefix``, or ``prefix_<n>`` with the smallest free n, among the current scope's
    sub-scopes opened so far."""
    scopes = get_default_graph().scopes
    current = get_variable_scope().name
    name = f"{current}/{prefix}" if current else prefix
    if scopes.count(name) == 0:
        return prefix
    index = 1
    while scopes.count(f"{name}_{index}") > 0:
        index += 1
    return f"{prefix}_{index}"


def get_variable(
    name: str,
    shape: Any = None,
    dtype: Any = None,
    initializer: Any = None,
    regularizer: Any = None,
    trainable: bool | None = None,
    collections: Any = None,
    caching_device: Any = None,
    partitioner: Any = None,
    validate_shape: bool = True,
    use_resource: Any = None,
    custom_getter: Any = None,
    constraint: Any = None,
    synchronization: Any = None,
    aggregation: Any = None,
) -> Any:
    """The variable ``<current scope>/<name>``, created or reused as the scope's ``reuse`` says.

    Returns a ``Variable`` (a Parameter whose ``name`` is ``'<scope>/<name>:0'``), or a
    ``PartitionedVariable`` when a partitioner (given or the scope's) applies. Defaults
    come from the scope; an initializer defaults to glorot_uniform (zeros for integers);
    ``trainable`` defaults to True. ``validate_shape`` and ``use_resource`` have no effect;
    ``caching_device``, ``custom_getter``, ``synchronization`` and ``aggregation`` are refused.

    >>> import torch
    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> with tf.variable_scope('layer', regularizer=lambda w: w.abs().sum()):
    ...     w = tf.get_variable('w', (3, 2), initializer=tf.ones_initializer())
    >>> w.name, tuple(w.shape), type(w).__mro__[1].__name__
    ('layer/w:0', (3, 2), 'Parameter')
    >>> tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    [tensor(6., grad_fn=<SumBackward0>)]
    >>> p = tf.get_variable('p', (5, 2), partitioner=tf.fixed_size_partitioner(2))
    >>> type(p).__name__, [tuple(s.shape) for s in p]
    ('PartitionedVariable', [(3, 2), (2, 2)])
    """
    _refuse_unsupported(
        caching_device=caching_device,
        custom_getter=custom_getter,
        synchronization=synchronization,
        aggregation=aggregation,
    )
    scope = get_variable_scope()
    return get_or_create(
        get_default_graph(),
        f"{scope.name}/{name}" if scope.name else name,
        shape,
        scope.dtype if dtype is None else as_variable_dtype(dtype),
        scope.initializer if initializer is None else initializer,
        scope.regularizer if regularizer is None else regularizer,
        scope.reuse,
        True if trainable is None else bool(trainable),
        collections,
        scope.partitioner if partitioner is None else partitioner,
        scope.constraint if constraint is None else constraint,
    )
