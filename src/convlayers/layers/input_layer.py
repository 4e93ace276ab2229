"""``Input`` and ``InputLayer``: the entry points of a model.

``Input(shape)`` makes an :class:`InputLayer` and returns its symbolic tensor;
calling layers on it records the graph a functional ``Model`` is made of.

>>> import convlayers
>>> x = convlayers.Input((10, 3), name="x")
>>> x
<SymbolicTensor shape=(None, 10, 3) dtype=float32 (created by layer 'x')>
>>> y = convlayers.Conv1D(4, 3, name="conv")(x)
>>> y.shape, y.node.layer.name, y.node.input_shapes
((None, 8, 4), 'conv', (None, 10, 3))
"""

from __future__ import annotations

from typing import Any

from ..dtypes import INTEGER_DTYPES, dtype_name
from ..naming import unique_name
from ..symbolic import Node, SymbolicTensor
from .base import Layer, as_shape

__all__ = ["Input", "InputLayer"]


class InputLayer(Layer):
    """The entry point of a model: holds the symbolic tensor that ``Input()`` returns.

    Args:
        input_shape: shape of one sample (without the batch axis).
        batch_size: optional fixed batch size.
        dtype: dtype name of the input, 'float32' by default; an integer or bool dtype
            ('int32', ...) for ids, as an ``Embedding`` takes.
        name: layer name; ``input_1``, ``input_2``, ... by default.
        batch_input_shape: the full shape, instead of ``input_shape``/``batch_size``.

    Shapes: input and output ``batch_input_shape``; no weights.

    >>> import convlayers
    >>> layer = convlayers.InputLayer(input_shape=(10, 3), name="x")
    >>> layer.output, layer.get_config()["batch_input_shape"]
    (<SymbolicTensor shape=(None, 10, 3) dtype=float32 (created by layer 'x')>, (None, 10, 3))
    """

    def __init__(
        self,
        input_shape: tuple[int | None, ...] | None = None,
        batch_size: int | None = None,
        dtype: Any = None,
        name: str | None = None,
        batch_input_shape: tuple[int | None, ...] | None = None,
        sparse: bool = False,
        ragged: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("optional", None)
        if sparse or ragged:
            raise ValueError(
                f"Sparse and ragged inputs are not supported. Received: sparse={sparse}, "
                f"ragged={ragged}"
            )
        if batch_input_shape is None:
            if input_shape is None:
                raise ValueError(
                    "`InputLayer` needs `input_shape` or `batch_input_shape`. "
                    f"Received: input_shape={input_shape}"
                )
            batch_input_shape = (batch_size, *as_shape(input_shape))
        if not name:
            name = unique_name("Input")
            name = "input_1" if name == "input" else f"input_{int(name[6:]) + 1}"
        ids = dtype is not None and dtype_name(dtype) in INTEGER_DTYPES  # e.g. token ids
        super().__init__(
            name=name, dtype=None if ids else dtype, batch_input_shape=batch_input_shape, **kwargs
        )
        self._input_dtype = dtype_name(dtype) if ids else self.dtype
        self.built = True
        tensor = SymbolicTensor(self._batch_input_shape, self._input_dtype, name=self.name)
        Node(self, tensor, tensor).is_input = True

    def call(self, inputs: Any) -> Any:
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {
            "batch_input_shape": self._batch_input_shape,
            "dtype": self._input_dtype,
            "sparse": False,
            "ragged": False,
            "name": self.name,
            "optional": False,
        }


def Input(
    shape: tuple[int | None, ...] | None = None,
    batch_size: int | None = None,
    dtype: Any = None,
    name: str | None = None,
    batch_shape: tuple[int | None, ...] | None = None,
) -> SymbolicTensor:
    """A symbolic placeholder for inputs of ``shape`` (without the batch axis).

    Calling layers on it records the graph a functional ``Model`` is made of.

    Args:
        shape: the shape of one sample, e.g. ``(length, channels)``; ``None`` for an
            unknown size.
        batch_size: a fixed batch size, or ``None`` (any).
        dtype: the dtype name, 'float32' by default ('int32' and the other integer
            dtypes for ids).
        name: the name of the :class:`~convlayers.layers.core.InputLayer` made for it.
        batch_shape: the full shape including the batch axis, instead of ``shape``.

    Returns:
        A :class:`SymbolicTensor` of shape ``(batch_size, *shape)``.

    >>> import convlayers
    >>> convlayers.Input((None, 8), batch_size=4).shape
    (4, None, 8)
    """
    layer = InputLayer(
        input_shape=shape,
        batch_size=batch_size,
        dtype=dtype,
        name=name,
        batch_input_shape=batch_shape,
    )
    return layer.output
