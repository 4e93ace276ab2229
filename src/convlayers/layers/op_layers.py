"""Op layers: one call of a whitelisted TF function inside a functional model.

tf-keras records ``x * 2.0``, ``x[:, 1:3]`` or ``tf.nn.relu(x)`` on symbolic tensors as a
``TFOpLambda`` (``SlicingOpLambda`` for indexing) whose config names the function
('math.multiply', '__operators__.getitem'); the other arguments of the call live in the
node (``y``, ``slice_spec``, ``axis``, ...). These classes read and write that form, so
models with such nodes load from tf-keras configs and save back. The function comes from
the fixed whitelist of ``convlayers.ops.tf_functions``; nothing else runs.

>>> import convlayers
>>> x = convlayers.Input((4, 3))
>>> y = x[:, 1:3] * 2.0
>>> type(y.node.layer).__name__, y.node.layer.get_config()["function"], y.shape
('TFOpLambda', 'math.multiply', (None, 2, 3))
"""

from __future__ import annotations

from typing import Any

from ..naming import unique_name
from ..ops.tf_functions import tf_function
from ..symbolic import Node, SymbolicTensor, is_symbolic, map_structure
from .base import Layer, as_shape
from .layer_utils import is_shape
from .shape_inference import ShapeInferenceError, infer_outputs

__all__ = ["SlicingOpLambda", "TFOpLambda"]


class TFOpLambda(Layer):
    """Calls the TF function ``function`` (a whitelisted symbol) on its arguments.

    Args:
        function: the symbol tf-keras writes, e.g. '__operators__.add', 'math.multiply',
            'nn.relu', 'math.reduce_mean'.

    Shapes: those of the function's result (found on meta tensors for symbolic calls).
    The first argument is the node's input (a tensor, a list of tensors, or a constant
    such as the 2.0 of ``2.0 - x``); the others are keyword arguments of the node.

    >>> import torch, convlayers
    >>> from convlayers.layers.op_layers import TFOpLambda
    >>> TFOpLambda("math.reduce_mean")(torch.ones(2, 3), axis=1)
    tensor([1., 1.])
    """

    # tf-keras writes the node's first argument as it is (not wrapped in a list).
    _preserve_input_structure_in_config = True

    def __init__(self, function: str, **kwargs: Any) -> None:
        op = tf_function(function)
        kwargs["name"] = kwargs.get("name") or unique_name(f"tf.{function}")
        super().__init__(**kwargs)
        self.function = function
        self._op = op

    def forward(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        """As ``Layer.forward``; a symbolic tensor in any argument records a node."""
        if is_symbolic((inputs, args, kwargs)):
            return self._symbolic_call(inputs, args, kwargs)
        return super().forward(inputs, *args, **kwargs)

    def call(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        return self._op(inputs, *args, **kwargs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        """The output shape for a first argument of ``input_shape``, the other arguments
        as in this layer's recorded call (an op layer is called once)."""
        args, kwargs, recorded = (), {}, None
        if self._inbound_nodes:
            node = self._inbound_nodes[0]
            args, kwargs, recorded = node.call_args, node.call_kwargs, node.input_tensors
        return self.compute_call_output_shape(
            _placeholders(input_shape, self.dtype, recorded), args, kwargs
        )

    def compute_call_output_shape(self, inputs: Any, args: tuple, kwargs: dict[str, Any]) -> Any:
        """The output shape(s) of a call on these arguments (symbolic tensors among them)."""
        return map_structure(lambda t: t.shape, self._infer(inputs, args, kwargs))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "function": self.function}

    def _infer(self, inputs: Any, args: tuple, kwargs: dict) -> Any:
        try:
            return infer_outputs(self.call, (inputs, *args), kwargs)
        except ShapeInferenceError as error:
            raise ValueError(
                f"Layer {self.name!r} (TF function `{self.function}`) cannot be applied to "
                f"these arguments: {error}. Received: inputs={inputs!r}, kwargs={kwargs!r}"
            ) from error.__cause__

    def _symbolic_call(self, inputs: Any, args: tuple, kwargs: dict[str, Any]) -> Any:
        outputs = self._infer(inputs, args, kwargs)
        self.built = True
        Node(self, inputs, outputs, args, kwargs)
        return outputs


class SlicingOpLambda(TFOpLambda):
    """Indexing ``x[...]`` of a symbolic tensor ('__operators__.getitem'): integers,
    slices (any step), ``...`` and ``None``; the node holds ``slice_spec`` in the form
    tf-keras writes (slices as ``{'start', 'stop', 'step'}`` dicts).

    >>> import torch, convlayers
    >>> from convlayers.layers.op_layers import SlicingOpLambda
    >>> layer = SlicingOpLambda("__operators__.getitem")
    >>> layer(torch.arange(6.0).reshape(1, 6), slice_spec=[{"start": None, "stop": None,
    ...     "step": None}, {"start": 4, "stop": 0, "step": -2}])
    tensor([[4., 2.]])
    """


def _placeholders(input_shape: Any, dtype: str, recorded: Any) -> Any:
    """Symbolic tensors of ``input_shape`` (a shape or a list of them); ``None`` stands for
    the recorded constant first argument (the 2.0 of ``2.0 - x``)."""
    if input_shape is None:
        return recorded
    if is_shape(input_shape):
        return SymbolicTensor(as_shape(input_shape), dtype)
    return [_placeholders(s, dtype, None) for s in input_shape]
