"""TF1 variable management for layers: ``LayerV1``, mixed in before a convlayers layer.

A TF1 (``tf.layers``) layer creates its weights with ``get_variable`` inside its own
variable scope, chosen at its first call (or first ``add_weight``): the ``scope=`` of
that call, else a unique ``<snake_case class name>`` (``conv1d``, ``conv1d_1``, ...)
inside the enclosing scope; ``reuse=True`` re-enters it by name to share variables. So
weights get TF names (``'outer/conv1d/kernel:0'``) and join the collections; the
layer's own regularizers add their losses to ``layer.losses`` and to
``GraphKeys.REGULARIZATION_LOSSES`` (only for variables it created, as TF1); the
enclosing scope's regularizer and partitioner apply to every weight, bias included, and
its initializer to every weight whose initializer is ``None`` (the kernels by default;
the bias only with ``bias_initializer=None``, its default being zeros).

After the first call nothing of this runs again: a built layer's call is the plain
convlayers call.
"""

from __future__ import annotations

from typing import Any

from ... import regularizers
from ...layers.base import Layer as _KerasLayer
from ...layers.variables import PartitionedVariable
from ...naming import to_snake_case, unique_name
from .graph import GraphKeys, LazyLoss, get_default_graph
from .variable_scope import VariableScope, get_variable, variable_scope

__all__ = ["Layer", "LayerV1"]


class LayerV1:
    """TF1 variable scoping for a convlayers layer class that follows it in the MRO.

    Extra constructor keywords (as TF1's functional layers pass them): ``_scope``, the
    variable scope to create weights in (opened once here), and ``_reuse``.
    """

    def __init__(self, *args: Any, _scope: Any = None, _reuse: Any = None, **kwargs: Any) -> None:
        name = kwargs.get("name")
        if not name:  # TF1 layers are named from 1: conv1d_1, conv1d_2, ...
            kwargs["name"] = unique_name(type(self).__name__, zero_based=False)
        super().__init__(*args, **kwargs)
        self._base_name = name if name else to_snake_case(type(self).__name__)
        self._reuse = _reuse
        self._tf1_scope: VariableScope | None = None
        self._activity_recipe = False
        if _scope:
            with variable_scope(_scope) as captured:
                self._tf1_scope = captured

    @property
    def scope_name(self) -> str:
        """The full name of the layer's variable scope; ValueError before the first call."""
        if self._tf1_scope is None:
            raise ValueError(
                f'No name available for layer scope because the layer "{self._name}" has not '
                "been used yet. The scope name  is determined the first time the layer "
                "instance is called. You must therefore call the layer before querying "
                "`scope_name`."
            )
        return self._tf1_scope.name

    def _set_scope(self, scope: Any = None) -> None:
        if self._tf1_scope is not None:
            return
        if self._reuse:
            opener = variable_scope(scope if scope is not None else self._base_name)
        else:
            opener = variable_scope(scope, default_name=self._base_name)
        with opener as captured:
            self._tf1_scope = captured

    def add_weight(
        self,
        name: str,
        shape: Any,
        dtype: Any = None,
        initializer: Any = None,
        regularizer: Any = None,
        trainable: bool | None = None,
        constraint: Any = None,
        use_resource: Any = None,
        synchronization: Any = None,
        aggregation: Any = None,
        partitioner: Any = None,
    ) -> Any:
        """Get or create the variable ``<layer scope>/<name>`` through ``get_variable``.

        Returns a ``Variable`` or, with a partitioner (given or the scope's), a
        ``PartitionedVariable``. ``use_resource`` has no effect; ``synchronization`` and
        ``aggregation`` are refused (by ``get_variable``).
        """
        self._set_scope(None)
        trainable = True if trainable is None else bool(trainable)
        graph = get_default_graph()
        reuse = self.built or self._reuse
        with variable_scope(self._tf1_scope, reuse=reuse) as scope:
            full_name = f"{scope.name}/{name}" if scope.name else name
            new = full_name not in graph.variables and full_name not in graph.partitioned
            variable = get_variable(
                name,
                shape,
                dtype=self.dtype if dtype is None else dtype,
                initializer=scope.initializer if initializer is None else initializer,
                trainable=trainable and self.trainable,
                constraint=constraint,
                partitioner=partitioner,
                synchronization=synchronization,
                aggregation=aggregation,
            )
        regularizer = regularizers.get(regularizer) if new else None
        if regularizer is not None:
            shards = list(variable) if isinstance(variable, PartitionedVariable) else [variable]
            for shard in shards:
                recipe = LazyLoss(lambda shard=shard: [regularizer(shard)], shard.name)
                graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, recipe)
        self._track_weight(name, variable, regularizer, trainable)
        return variable

    def add_variable(
        self,
        name: str,
        shape: Any,
        dtype: Any = None,
        initializer: Any = None,
        regularizer: Any = None,
        trainable: bool = True,
        constraint: Any = None,
        partitioner: Any = None,
    ) -> Any:
        """``add_weight`` with the TF1 ``tf.layers`` signature."""
        return self.add_weight(
            name,
            shape,
            dtype=dtype,
            initializer=initializer,
            regularizer=regularizer,
            trainable=trainable,
            constraint=constraint,
            partitioner=partitioner,
        )

    def forward(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        """The first call opens the layer's scope (``scope=`` names it) and builds in it."""
        scope = kwargs.pop("scope", None)
        if self.built and self._tf1_scope is not None:
            return super().forward(inputs, *args, **kwargs)
        self._set_scope(scope)
        with variable_scope(self._tf1_scope, reuse=True if self.built else self._reuse):
            outputs = super().forward(inputs, *args, **kwargs)
        if self.activity_regularizer is not None and not self._activity_recipe:
            self._activity_recipe = True
            recipe = LazyLoss(
                lambda: [loss for loss, _ in self._activity_losses],
                f"{self.scope_name}/ActivityRegularizer",
            )
            get_default_graph().add_to_collection(GraphKeys.REGULARIZATION_LOSSES, recipe)
        return outputs


class Layer(LayerV1, _KerasLayer):
    """Base class of custom TF1 layers (``tf.layers.Layer``): ``build`` creates weights with
    ``add_variable``/``add_weight`` in the layer's variable scope; ``call`` computes.

    >>> import torch
    >>> from convlayers.compat import v1 as tf
    >>> tf.reset_default_graph()
    >>> class Scale(tf.layers.Layer):
    ...     def build(self, input_shape):
    ...         self.scale = self.add_variable("scale", (input_shape[-1],),
    ...                                        initializer=tf.ones_initializer())
    ...     def call(self, inputs):
    ...         return inputs * self.scale
    >>> with tf.variable_scope("block"):
    ...     y = Scale()(torch.ones(2, 3))
    >>> [v.name for v in tf.global_variables()]
    ['block/scale/scale:0']
    """
