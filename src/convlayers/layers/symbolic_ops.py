"""Python operators on symbolic tensors: which layer records the node.

``x + y``, ``x - y`` and ``x * y`` between symbolic tensors of one shape record an
``Add``, ``Subtract`` or ``Multiply`` node (the merge layers). Every other case (a
constant operand, broadcasting, ``/``, ``//``, ``%``, ``**``, ``-x``, ``abs(x)``,
comparisons, indexing) records an op layer with the TF function tf-keras records for the
same expression, and the same node arguments, so configs match the reference's. Importing
this module installs the handler in ``convlayers.symbolic``.

Deviations: tf-keras records same-shape ``x + y`` as a TFOpLambda too (a model file from
it loads either way); ``...`` in an index is kept in a config in its JSON form
``{'class_name': '__ellipsis__'}`` (tf-keras' ``get_config`` holds the Python object and
its JSON the same dict); ``x == y`` keeps Python identity (tf-keras' node for it drops
``y``).

>>> import convlayers
>>> x, y = convlayers.Input((3,)), convlayers.Input((3,))
>>> [type(t.node.layer).__name__ for t in (x + y, x + 1.0, 2.0 - x, x[:, :2])]
['Add', 'TFOpLambda', 'TFOpLambda', 'SlicingOpLambda']
"""

from __future__ import annotations

from typing import Any

from .. import symbolic
from ..ops.tf_functions import slice_spec_to_config
from ..symbolic import SymbolicTensor
from .merging import Add, Multiply, Subtract
from .op_layers import SlicingOpLambda, TFOpLambda

__all__ = ["OPERATOR_SYMBOLS", "apply_operator"]

# The TF function tf-keras records for each Python operator on a KerasTensor.
OPERATOR_SYMBOLS = {
    "add": "__operators__.add",
    "sub": "math.subtract",
    "mul": "math.multiply",
    "truediv": "math.truediv",
    "floordiv": "compat.v1.floor_div",
    "mod": "math.floormod",
    "pow": "math.pow",
    "gt": "math.greater",
    "ge": "math.greater_equal",
    "lt": "math.less",
    "le": "math.less_equal",
    "neg": "math.negative",
    "abs": "math.abs",
}
_MERGE_LAYERS = {"add": Add, "sub": Subtract, "mul": Multiply}


def apply_operator(operator: str, *operands: Any) -> Any:
    """Record the node of ``operator`` applied to ``operands`` (one of them symbolic)."""
    if operator == "getitem":
        tensor, key = operands
        return SlicingOpLambda("__operators__.getitem")(
            tensor, slice_spec=slice_spec_to_config(key)
        )
    if len(operands) == 1:
        return TFOpLambda(OPERATOR_SYMBOLS[operator])(operands[0], name=None)
    a, b = operands
    if (
        operator in _MERGE_LAYERS
        and isinstance(a, SymbolicTensor)
        and isinstance(b, SymbolicTensor)
        and a.shape == b.shape
    ):
        return _MERGE_LAYERS[operator]()([a, b])
    return TFOpLambda(OPERATOR_SYMBOLS[operator])(a, y=b, name=None)


symbolic.set_operator_handler(apply_operator)
