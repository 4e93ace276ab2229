"""Symbolic tensors and nodes: how layers called on placeholders record a graph.

``Input(shape)`` (in ``layers.input_layer``) returns a :class:`SymbolicTensor`
(a shape and a dtype, no data). Calling a layer on one records a :class:`Node`
on the layer and returns new symbolic tensors whose shapes come from the
layer's ``compute_output_shape``; nothing is computed. ``Sequential`` and the
functional ``Model`` are built from these nodes. This module sits below the
layers and knows nothing of them but the attributes it reads.

Python operators on symbolic tensors (``x + y``, ``x * 2.0``, ``-x``, ``x[:, 1:3]``,
comparisons) record nodes of layers too; which layer is the layers package's business:
it installs the one handler with :func:`set_operator_handler` when it is imported.

>>> SymbolicTensor((None, 10, 3))
<SymbolicTensor shape=(None, 10, 3) dtype=float32>
>>> flatten([1, (2, {"a": 3})])
[1, 2, 3]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from .dtypes import dtype_name, standardize_dtype

__all__ = [
    "KerasHistory",
    "Node",
    "SymbolicTensor",
    "flatten",
    "is_symbolic",
    "map_structure",
    "set_operator_handler",
    "shape_structure",
    "symbolic_call",
    "symbolic_outputs",
]

# Computes ``operator(*operands)`` when an operand is symbolic; set by the layers package.
_operator_handler: Callable[..., Any] | None = None


def set_operator_handler(handler: Callable[..., Any]) -> None:
    """Install ``handler(operator, *operands)``, which records the node of ``x + y``,
    ``x[1:]``, ... (``operator`` is 'add', 'sub', 'mul', 'truediv', 'floordiv', 'mod',
    'pow', 'neg', 'abs', 'gt', 'ge', 'lt', 'le' or 'getitem'; operands in Python order)."""
    global _operator_handler
    _operator_handler = handler


def _operate(operator: str, *operands: Any) -> Any:
    if _operator_handler is None:
        raise TypeError(
            f"Operator {operator!r} on a symbolic tensor needs the layers of convlayers: "
            "import convlayers first."
        )
    return _operator_handler(operator, *operands)


def _dtype(value: Any) -> str:
    """A float dtype's Keras name; other dtypes (bool from a comparison) by their name."""
    try:
        return standardize_dtype(value)
    except ValueError:
        return dtype_name(value)


class KerasHistory(NamedTuple):
    """Where a symbolic tensor comes from: ``layer._inbound_nodes[node_index]``, output i."""

    layer: Any
    node_index: int
    tensor_index: int


class SymbolicTensor:
    """A placeholder with a shape (``None`` for unknown sizes) and a dtype.

    Attributes:
        shape: tuple of ints and ``None``; ``shape[0]`` is the batch size.
        dtype: Keras dtype name, e.g. 'float32'.
        name: a readable name (the producing layer's, with the output index).
        node: the :class:`Node` that produced it.

    >>> import convlayers
    >>> x = convlayers.Input((10, 3), name='signal')
    >>> y = convlayers.Conv1D(4, 3)(x)
    >>> x.shape, x.dtype, y.shape
    ((None, 10, 3), 'float32', (None, 8, 4))
    """

    __slots__ = ("_keras_history", "_keras_mask", "dtype", "name", "shape")
    __array_ufunc__ = None  # NumPy defers ``array + x`` to ``x.__radd__``

    def __init__(
        self,
        shape: tuple[int | None, ...],
        dtype: Any = None,
        name: str | None = None,
    ) -> None:
        self.shape = tuple(shape)
        self.dtype = _dtype(dtype)
        self.name = name
        self._keras_history: KerasHistory | None = None
        self._keras_mask: Any = None

    @property
    def ndim(self) -> int:
        """The rank, ``len(shape)``."""
        return len(self.shape)

    @property
    def node(self) -> Node | None:
        """The node that produced this tensor (``None`` for a detached placeholder)."""
        history = self._keras_history
        return None if history is None else history.layer._inbound_nodes[history.node_index]

    def __repr__(self) -> str:
        history = self._keras_history
        origin = f" (created by layer {history.layer.name!r})" if history else ""
        return f"<SymbolicTensor shape={self.shape} dtype={self.dtype}{origin}>"

    def __bool__(self) -> bool:
        raise TypeError(
            "A symbolic tensor has no value: it cannot be used as a Python bool. "
            f"Received: {self!r}"
        )

    def __iter__(self) -> Iterator[Any]:
        raise TypeError(f"A symbolic tensor cannot be iterated. Received: {self!r}")

    # Operators record a node (see ``set_operator_handler``); ``==`` keeps identity.
    def __add__(self, other: Any) -> Any:
        return _operate("add", self, other)

    def __radd__(self, other: Any) -> Any:
        return _operate("add", other, self)

    def __sub__(self, other: Any) -> Any:
        return _operate("sub", self, other)

    def __rsub__(self, other: Any) -> Any:
        return _operate("sub", other, self)

    def __mul__(self, other: Any) -> Any:
        return _operate("mul", self, other)

    def __rmul__(self, other: Any) -> Any:
        return _operate("mul", other, self)

    def __truediv__(self, other: Any) -> Any:
        return _operate("truediv", self, other)

    def __rtruediv__(self, other: Any) -> Any:
        return _operate("truediv", other, self)

    def __floordiv__(self, other: Any) -> Any:
        return _operate("floordiv", self, other)

    def __rfloordiv__(self, other: Any) -> Any:
        return _operate("floordiv", other, self)

    def __mod__(self, other: Any) -> Any:
        return _operate("mod", self, other)

    def __rmod__(self, other: Any) -> Any:
        return _operate("mod", other, self)

    def __pow__(self, other: Any) -> Any:
        return _operate("pow", self, other)

    def __rpow__(self, other: Any) -> Any:
        return _operate("pow", other, self)

    def __neg__(self) -> Any:
        return _operate("neg", self)

    def __abs__(self) -> Any:
        return _operate("abs", self)

    def __gt__(self, other: Any) -> Any:
        return _operate("gt", self, other)

    def __ge__(self, other: Any) -> Any:
        return _operate("ge", self, other)

    def __lt__(self, other: Any) -> Any:
        return _operate("lt", self, other)

    def __le__(self, other: Any) -> Any:
        return _operate("le", self, other)

    def __getitem__(self, key: Any) -> Any:
        return _operate("getitem", self, key)

    @classmethod
    def __torch_function__(
        cls, func: Any, types: Any, args: tuple[Any, ...] = (), kwargs: Any = None
    ) -> Any:
        """A torch function (or a plain ``torch.nn`` module) called on a symbolic tensor."""
        name = getattr(func, "__name__", repr(func))
        raise TypeError(
            f"The torch function `{name}` was called on a symbolic tensor, which has no "
            "value. In a model definition, wrap torch code in a `convlayers.layers.Lambda` "
            "layer, or in a Layer whose `call` runs it and whose `compute_output_shape` "
            f"gives its output shape. Received: {args[0] if args else kwargs!r}"
        )


def flatten(structure: Any) -> list[Any]:
    """The leaves of nested lists, tuples and dict values, in order."""
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    if isinstance(structure, dict):
        return [leaf for item in structure.values() for leaf in flatten(item)]
    return [structure]


def map_structure(fn: Callable[[Any], Any], structure: Any) -> Any:
    """``fn`` applied to every leaf, keeping the nesting (lists, tuples, dicts)."""
    if isinstance(structure, (list, tuple)):
        return type(structure)(map_structure(fn, item) for item in structure)
    if isinstance(structure, dict):
        return {key: map_structure(fn, item) for key, item in structure.items()}
    return fn(structure)


def is_symbolic(structure: Any) -> bool:
    """Whether ``structure`` is, or contains, a :class:`SymbolicTensor`."""
    if isinstance(structure, SymbolicTensor):
        return True
    if isinstance(structure, (list, tuple)):
        return any(is_symbolic(item) for item in structure)
    if isinstance(structure, dict):
        return any(is_symbolic(item) for item in structure.values())
    return False


def shape_structure(structure: Any) -> Any:
    """The shapes of the symbolic tensors in ``structure``: a tuple, or a list of them
    (``None`` for a constant, e.g. the 2.0 of ``2.0 - x``)."""
    if isinstance(structure, (list, tuple)):
        return [shape_structure(item) for item in structure]
    return getattr(structure, "shape", None)


class Node:
    """One call of ``layer`` on symbolic inputs.

    Attributes:
        layer: the layer called.
        input_tensors: the symbolic inputs, as passed (a tensor or a list).
        output_tensors: the symbolic outputs (a tensor or a list).
        call_args, call_kwargs: the other arguments of the call (may hold symbolic
            tensors, e.g. ``mask=``), replayed when a model runs.
    """

    def __init__(
        self,
        layer: Any,
        input_tensors: Any,
        output_tensors: Any,
        call_args: tuple[Any, ...] = (),
        call_kwargs: dict[str, Any] | None = None,
        record_history: bool = True,
    ) -> None:
        self.layer = layer
        self.input_tensors = input_tensors
        self.output_tensors = output_tensors
        self.call_args = call_args
        self.call_kwargs = dict(call_kwargs or {})
        self.is_input = False  # an InputLayer's node: shapes reported as lists, as Keras does
        node_index = len(layer._inbound_nodes)
        layer._inbound_nodes.append(self)
        for i, tensor in enumerate(flatten(output_tensors) if record_history else []):
            tensor._keras_history = KerasHistory(layer, node_index, i)
            if tensor.name is None:
                tensor.name = layer.name if i == 0 else f"{layer.name}_{i}"

    @property
    def inputs(self) -> list[SymbolicTensor]:
        """Every symbolic tensor this node depends on (inputs, then ones in call arguments)."""
        extra = flatten((self.call_args, self.call_kwargs))
        return [t for t in flatten(self.input_tensors) + extra if isinstance(t, SymbolicTensor)]

    @property
    def parent_nodes(self) -> list[Node]:
        """The nodes that produced this node's symbolic inputs."""
        return [t.node for t in self.inputs if t.node is not None and t.node is not self]

    @property
    def input_shapes(self) -> Any:
        """The input shape(s): a tuple, or a list of tuples for several inputs."""
        shapes = shape_structure(self.input_tensors)
        return [shapes] if self.is_input and not isinstance(shapes, list) else shapes

    @property
    def output_shapes(self) -> Any:
        """The output shape(s): a tuple, or a list of tuples for several outputs."""
        shapes = shape_structure(self.output_tensors)
        return [shapes] if self.is_input else shapes

    def __repr__(self) -> str:
        return f"<Node of layer {self.layer.name!r}: {self.input_shapes} -> {self.output_shapes}>"


def symbolic_call(layer: Any, inputs: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Call ``layer`` on symbolic ``inputs``: build it, infer the output shape, record a node.

    Nothing is computed: the shapes come from ``layer.compute_output_shape``.
    Returns a :class:`SymbolicTensor`, or a list of them for several outputs.
    """
    kwargs = dict(kwargs)
    scope = kwargs.pop("scope", None)
    if scope is not None and not layer._inbound_nodes and "_scope" not in layer.__dict__:
        layer._scope = str(scope)
    leaves = flatten(inputs)
    if not all(isinstance(leaf, SymbolicTensor) for leaf in leaves):
        raise ValueError(
            f"Layer {layer.name!r} was called on a mix of symbolic and concrete inputs; "
            f"a symbolic call takes only symbolic tensors. Received: inputs={inputs!r}"
        )
    shapes = shape_structure(inputs)
    if not layer.built:
        layer._maybe_build(shapes)
    if layer.input_spec is not None:
        for tensor in leaves:
            layer.input_spec.check(layer.name, tensor)
    try:
        output_shapes = layer.compute_output_shape(shapes)
    except NotImplementedError as error:
        if type(layer).compute_output_shape.__qualname__ != "Layer.compute_output_shape":
            raise  # the layer's own refusal (e.g. a Lambda whose shape cannot be inferred)
        raise NotImplementedError(
            f"Layer {layer.name!r} ({type(layer).__name__}) was called on a symbolic input, "
            "which needs its `compute_output_shape(input_shape)`; implement it."
        ) from error
    outputs = symbolic_outputs(output_shapes, layer.dtype)
    Node(layer, inputs, outputs, args, kwargs)
    return outputs


def _is_one_shape(value: Any) -> bool:
    return isinstance(value, (tuple, list)) and all(
        d is None or (isinstance(d, int) and not isinstance(d, bool)) for d in value
    )


def symbolic_outputs(shapes: Any, dtype: str) -> Any:
    """Symbolic tensors of ``dtype`` with the shape(s) ``compute_output_shape`` returned."""
    if _is_one_shape(shapes) or hasattr(shapes, "as_list"):
        return SymbolicTensor(tuple(shapes), dtype)
    if isinstance(shapes, (list, tuple)):
        return [symbolic_outputs(shape, dtype) for shape in shapes]
    raise TypeError(
        "`compute_output_shape` must return a shape tuple or a list of them. "
        f"Received: output_shape={shapes!r}"
    )
