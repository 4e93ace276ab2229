"""The Keras node accessors of a layer: ``input``, ``output``, shapes, ``get_*_at``.

Each symbolic call of a layer appends one :class:`~convlayers.symbolic.Node`
to ``layer._inbound_nodes``; eager calls record nothing. The errors are the
reference's: ``get_*_at`` raise RuntimeError when the layer has no node and
ValueError for an index out of range; ``input``/``output``/``input_shape``/
``output_shape`` raise AttributeError when there is no node, and the shapes
also when the nodes disagree.

>>> import convlayers
>>> conv = convlayers.Conv1D(4, 3, name="conv")
>>> conv.get_input_at(0)
Traceback (most recent call last):
...
RuntimeError: The layer conv has never been called and thus has no defined input.
>>> _ = conv(convlayers.Input((10, 2)))
>>> conv.input_shape, conv.output_shape, conv.get_output_shape_at(0)
((None, 10, 2), (None, 8, 4), (None, 8, 4))
"""

from __future__ import annotations

from typing import Any

__all__ = ["NodeAccessorsMixin"]


class NodeAccessorsMixin:
    """Read a layer's inbound nodes the way Keras does (mixed into ``Layer``)."""

    name: str
    _inbound_nodes: list[Any]

    def _node_attribute(self, node_index: int, attribute: str, label: str) -> Any:
        nodes = self._inbound_nodes
        if not nodes:
            raise RuntimeError(
                f"The layer {self.name} has never been called and thus has no defined {label}."
            )
        if not isinstance(node_index, int) or not -len(nodes) <= node_index < len(nodes):
            raise ValueError(
                f"Asked to get {label} at node {node_index}, but the layer has only "
                f"{len(nodes)} inbound nodes."
            )
        return getattr(nodes[node_index], attribute)

    def get_input_at(self, node_index: int) -> Any:
        """The input tensor(s) of the layer's ``node_index``-th symbolic call."""
        return self._node_attribute(node_index, "input_tensors", "input")

    def get_output_at(self, node_index: int) -> Any:
        """The output tensor(s) of the layer's ``node_index``-th symbolic call."""
        return self._node_attribute(node_index, "output_tensors", "output")

    def get_input_shape_at(self, node_index: int) -> Any:
        """The input shape(s) of the layer's ``node_index``-th symbolic call."""
        return self._node_attribute(node_index, "input_shapes", "input shape")

    def get_output_shape_at(self, node_index: int) -> Any:
        """The output shape(s) of the layer's ``node_index``-th symbolic call."""
        return self._node_attribute(node_index, "output_shapes", "output shape")

    @property
    def input(self) -> Any:
        """The input tensor(s) of the first symbolic call; AttributeError if none."""
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name} is not connected, no input to return.")
        return self.get_input_at(0)

    @property
    def output(self) -> Any:
        """The output tensor(s) of the first symbolic call; AttributeError if none."""
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name} has no inbound nodes.")
        return self.get_output_at(0)

    def _common_shape(self, attribute: str, label: str) -> Any:
        nodes = self._inbound_nodes
        if not nodes:
            note = (
                " Note that the `input_shape` property is only available for Functional and "
                "Sequential models."
                if label == "input"
                else ""
            )
            raise AttributeError(
                f'The layer "{self.name}" has never been called and thus has no defined '
                f"{label} shape.{note}"
            )
        shapes = [getattr(node, attribute) for node in nodes]
        if any(shape != shapes[0] for shape in shapes[1:]):
            raise AttributeError(
                f'The layer "{self.name}" has multiple inbound nodes, with different {label} '
                f'shapes. Hence the notion of "{label} shape" is ill-defined for the layer. '
                f"Use `get_{label}_shape_at(node_index)` instead."
            )
        return shapes[0]

    @property
    def input_shape(self) -> Any:
        """The input shape of every symbolic call (AttributeError if none or if they differ)."""
        return self._common_shape("input_shapes", "input")

    @property
    def output_shape(self) -> Any:
        """The output shape of every symbolic call (AttributeError if none or if they differ)."""
        return self._common_shape("output_shapes", "output")
