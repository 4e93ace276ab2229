"""The merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate,
and their functional forms ``add``, ``subtract``, ... as tf-keras 2.21 has them.

A merge layer is called on a list of tensors (eager or symbolic). The elementwise ones
broadcast the per-sample shapes from the right (an input of lower rank gets unit axes
after its batch axis, as the reference inserts them); the batch sizes must agree. Masks
merge as the reference merges them (all of the given masks).

Deviations: ``compute_output_shape`` gives what the reference's *symbolic call* gives
(an unknown size against a known one is the known one; mismatches are refused), where the
reference's own ``compute_output_shape`` keeps ``None`` and checks nothing. An empty input
list and a Concatenate ``axis`` out of range are refused with a ValueError (the reference
fails with an IndexError). Concatenate's mask also works when some inputs have no mask.

>>> import torch, convlayers
>>> a, b = torch.ones(2, 4, 3), torch.full((2, 1, 3), 2.0)
>>> convlayers.layers.add([a, b]).shape, convlayers.Concatenate(axis=1)([a, b]).shape
(torch.Size([2, 4, 3]), torch.Size([2, 5, 3]))
"""

from __future__ import annotations

from typing import Any

import torch

from ..ops.elementwise import maximum as _maximum
from ..ops.elementwise import minimum as _minimum
from .base import Layer
from .layer_utils import is_shape

__all__ = [
    "Add",
    "Average",
    "Concatenate",
    "Maximum",
    "Minimum",
    "Multiply",
    "Subtract",
    "add",
    "average",
    "concatenate",
    "maximum",
    "minimum",
    "multiply",
    "subtract",
]

Shape = tuple[int | None, ...]


def _shape_list(input_shape: Any, what: str = "A merge layer") -> list[Shape]:
    """The input shapes as a list of tuples; the reference's error for a single shape."""
    if isinstance(input_shape, list) and not input_shape:
        return []  # no inputs (a list of no shapes): the callers refuse it
    if not isinstance(input_shape, (list, tuple)) or is_shape(input_shape):
        raise ValueError(
            f"{what} should be called on a list of inputs. Received: "
            f"input_shape={input_shape} (not a list of shapes)"
        )
    return [tuple(s) for s in input_shape]


def broadcast_shapes(shape1: Shape, shape2: Shape) -> Shape:
    """Per-sample shapes aligned on the right and broadcast (TF's static rule: an unknown
    size against a known size > 1 is that size)."""
    if len(shape1) < len(shape2):
        shape1, shape2 = shape2, shape1
    out = list(shape1[: len(shape1) - len(shape2)])
    for i, j in zip(shape1[len(shape1) - len(shape2) :], shape2):
        if i is None or j is None:
            known = j if i is None else i
            out.append(None if known is None or known == 1 else known)
        elif i == 1 or j == 1 or i == j:
            out.append(j if i == 1 else i)
        else:
            raise ValueError(
                f"Inputs have incompatible shapes. Received shapes {shape1} and {shape2}"
            )
    return tuple(out)


class _Merge(Layer):
    """Elementwise merge of a list of inputs: subclasses define ``_merge_function``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True

    def build(self, input_shape: Any) -> None:
        self.compute_output_shape(input_shape)
        self.built = True

    def call(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                "A merge layer should be called on a list of inputs. Received: "
                f"inputs={inputs} (not a list of tensors)"
            )
        if len({x.shape[0] for x in inputs if x.dim()}) > 1:
            raise ValueError(
                "Cannot merge tensors with different batch sizes. Got tensors with shapes "
                f"{[tuple(x.shape) for x in inputs]}"
            )
        rank = max(x.dim() for x in inputs)
        inputs = [
            x if x.dim() == rank else x.reshape(x.shape[:1] + (1,) * (rank - x.dim()) + x.shape[1:])
            for x in inputs
        ]
        return self._merge_function(inputs)

    def compute_output_shape(self, input_shape: Any) -> Shape:
        shapes = _shape_list(input_shape)
        if not shapes:
            raise ValueError(
                "A merge layer should be called on a list of at least 1 input. Got 0 inputs. "
                f"Full input_shape received: {input_shape}"
            )
        batch_sizes = {s[0] for s in shapes if s} - {None}
        if len(batch_sizes) > 1:
            raise ValueError(
                f"Cannot merge tensors with different batch sizes. Got tensors with shapes {shapes}"
            )
        output = shapes[0][1:]
        for shape in shapes[1:]:
            output = broadcast_shapes(output, shape[1:])
        return (batch_sizes.pop() if batch_sizes else None, *output)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        masks = _check_masks(inputs, mask)
        if masks is None:
            return None
        return torch.stack([m for m in masks if m is not None]).all(dim=0)

    def _merge_function(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        raise NotImplementedError


def _check_masks(inputs: Any, mask: Any) -> list[Any] | None:
    if mask is None:
        return None
    if not isinstance(mask, (list, tuple)):
        raise ValueError(f"`mask` should be a list. Received: mask={mask}")
    if not isinstance(inputs, (list, tuple)):
        raise ValueError(f"`inputs` should be a list. Received: inputs={inputs}")
    if len(mask) != len(inputs):
        raise ValueError(
            "The lists `inputs` and `mask` should have the same length. Received: inputs="
            f"{inputs} of length {len(inputs)}, and mask={mask} of length {len(mask)}"
        )
    return None if all(m is None for m in mask) else list(mask)


class Add(_Merge):
    """Sums a list of inputs elementwise.

    Shapes: inputs ``(N, ...)`` broadcastable per sample; output the broadcast shape.

    >>> import torch, convlayers
    >>> convlayers.Add()([torch.ones(2, 3), torch.ones(2, 3)]).tolist()
    [[2.0, 2.0, 2.0], [2.0, 2.0, 2.0]]
    """

    def _merge_function(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        output = inputs[0]
        for x in inputs[1:]:
            output = output + x
        return output


class Subtract(_Merge):
    """Subtracts the second of exactly two inputs from the first.

    Shapes: inputs ``(N, ...)`` broadcastable per sample; output the broadcast shape.

    >>> import torch, convlayers
    >>> convlayers.Subtract()([torch.ones(1, 2), torch.full((1, 2), 3.0)]).tolist()
    [[-2.0, -2.0]]
    """

    def compute_output_shape(self, input_shape: Any) -> Shape:
        shape = super().compute_output_shape(input_shape)
        if len(input_shape) != 2:
            raise ValueError(
                "A `Subtract` layer should be called on exactly 2 inputs. Received: "
                f"input_shape={_shape_list(input_shape)}"
            )
        return shape

    def _merge_function(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        if len(inputs) != 2:
            raise ValueError(
                "A `Subtract` layer should be called on exactly 2 inputs. Received: "
                f"inputs={inputs}"
            )
        return inputs[0] - inputs[1]


class Multiply(_Merge):
    """Multiplies a list of inputs elementwise.

    Shapes: inputs ``(N, ...)`` broadcastable per sample; output the broadcast shape.

    >>> import torch, convlayers
    >>> convlayers.Multiply()([torch.full((1, 2), 2.0), torch.full((1, 2), 3.0)]).tolist()
    [[6.0, 6.0]]
    """

    def _merge_function(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        output = inputs[0]
        for x in inputs[1:]:
            output = output * x
        return output


class Average(_Merge):
    """Averages a list of inputs elementwise (their sum divided by their count).

    Shapes: inputs ``(N, ...)`` broadcastable per sample; output the broadcast shape.

    >>> import torch, convlayers
    >>> convlayers.Average()([torch.zeros(1, 2), torch.full((1, 2), 3.0)]).tolist()
    [[1.5, 1.5]]
    """

    def _merge_function(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        output = inputs[0]
        for x in inputs[1:]:
            output = output + x
        return output / len(inputs)


class Maximum(_Merge):
    """The elementwise maximum of a list of inputs (at ties the gradient goes to the
    earlier input, as in TF).

    Shapes: inputs ``(N, ...)`` broadcastable per sample; output the broadcast shape.

    >>> import torch, convlayers
    >>> convlayers.Maximum()([torch.tensor([[1.0, 5.0]]), torch.tensor([[3.0, 2.0]])]).tolist()
    [[3.0, 5.0]]
    """

    def _merge_function(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        output = inputs[0]
        for x in inputs[1:]:
            output = _maximum(output, x)
        return output


class Minimum(_Merge):
    """The elementwise minimum of a list of inputs (at ties the gradient goes to the
    earlier input, as in TF).

    Shapes: inputs ``(N, ...)`` broadcastable per sample; output the broadcast shape.

    >>> import torch, convlayers
    >>> convlayers.Minimum()([torch.tensor([[1.0, 5.0]]), torch.tensor([[3.0, 2.0]])]).tolist()
    [[1.0, 2.0]]
    """

    def _merge_function(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        output = inputs[0]
        for x in inputs[1:]:
            output = _minimum(output, x)
        return output


class Concatenate(_Merge):
    """Concatenates a list of inputs along ``axis``.

    Args:
        axis: the concatenation axis (negative counts from the end; 0 is the batch axis).

    Shapes: inputs equal on every axis but ``axis``; output sums the sizes on ``axis``.

    >>> import torch, convlayers
    >>> convlayers.Concatenate()([torch.ones(2, 4, 3), torch.ones(2, 4, 5)]).shape
    torch.Size([2, 4, 8])
    """

    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise ValueError(f"`axis` must be an integer. Received: axis={axis!r}")
        self.axis = axis

    def build(self, input_shape: Any) -> None:
        if not isinstance(input_shape, (list, tuple)) or is_shape(input_shape) or not input_shape:
            raise ValueError(
                "A `Concatenate` layer should be called on a list of at least 1 input. "
                f"Received: input_shape={input_shape}"
            )
        self.compute_output_shape(input_shape)
        self.built = True

    def call(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                "A `Concatenate` layer should be called on a list of inputs. Received: "
                f"inputs={inputs} (not a list of tensors)"
            )
        return torch.cat(list(inputs), dim=self.axis)

    def compute_output_shape(self, input_shape: Any) -> Shape:
        shapes = _shape_list(input_shape, "A `Concatenate` layer")
        mismatch = ValueError(
            "A `Concatenate` layer requires inputs with matching shapes except for the "
            f"concatenation axis. Received: input_shape={shapes}"
        )
        rank = len(shapes[0])
        if any(len(s) != rank for s in shapes):
            raise mismatch
        if not -rank <= self.axis < rank:
            raise ValueError(
                f"`axis` must be in [-{rank}, {rank}) for inputs of rank {rank}. "
                f"Received: axis={self.axis}, input_shape={shapes}"
            )
        axis = self.axis % rank
        output: list[int | None] = []
        for i, sizes in enumerate(zip(*shapes)):
            if i == axis:
                output.append(None if None in sizes else sum(sizes))
                continue
            known = {d for d in sizes if d is not None}
            if len(known) > 1:
                raise mismatch
            output.append(known.pop() if known else None)
        return tuple(output)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        masks = _check_masks(inputs, mask)
        if masks is None:
            return None
        full = []  # as the reference: masks with a trailing axis, concatenated, all(-1)
        for x, m in zip(inputs, masks):
            if m is None:
                full.append(torch.ones(x.shape, dtype=torch.bool, device=x.device))
            else:
                full.append((m.unsqueeze(-1) if m.dim() < x.dim() else m).expand(x.shape))
        return torch.cat(full, dim=self.axis).all(dim=-1)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}


def add(inputs: list[Any], **kwargs: Any) -> Any:
    """``Add(**kwargs)(inputs)``: the sum of ``inputs``.

    >>> import torch, convlayers
    >>> convlayers.layers.add([torch.ones(1, 2), torch.ones(1, 2)]).tolist()
    [[2.0, 2.0]]
    """
    return Add(**kwargs)(inputs)


def subtract(inputs: list[Any], **kwargs: Any) -> Any:
    """``Subtract(**kwargs)(inputs)``: ``inputs[0] - inputs[1]``.

    >>> import torch, convlayers
    >>> convlayers.layers.subtract([torch.ones(1, 2), torch.full((1, 2), 3.0)]).tolist()
    [[-2.0, -2.0]]
    """
    return Subtract(**kwargs)(inputs)


def multiply(inputs: list[Any], **kwargs: Any) -> Any:
    """``Multiply(**kwargs)(inputs)``: the product of ``inputs``.

    >>> import torch, convlayers
    >>> convlayers.layers.multiply([torch.full((1, 2), 2.0), torch.full((1, 2), 3.0)]).tolist()
    [[6.0, 6.0]]
    """
    return Multiply(**kwargs)(inputs)


def average(inputs: list[Any], **kwargs: Any) -> Any:
    """``Average(**kwargs)(inputs)``: the mean of ``inputs``.

    >>> import torch, convlayers
    >>> convlayers.layers.average([torch.zeros(1, 2), torch.ones(1, 2)]).tolist()
    [[0.5, 0.5]]
    """
    return Average(**kwargs)(inputs)


def maximum(inputs: list[Any], **kwargs: Any) -> Any:
    """``Maximum(**kwargs)(inputs)``: the elementwise maximum of ``inputs``.

    >>> import torch, convlayers
    >>> convlayers.layers.maximum([torch.tensor([[1.0, 5.0]]), torch.tensor([[3.0, 2.0]])]).tolist()
    [[3.0, 5.0]]
    """
    return Maximum(**kwargs)(inputs)


def minimum(inputs: list[Any], **kwargs: Any) -> Any:
    """``Minimum(**kwargs)(inputs)``: the elementwise minimum of ``inputs``.

    >>> import torch, convlayers
    >>> convlayers.layers.minimum([torch.tensor([[1.0, 5.0]]), torch.tensor([[3.0, 2.0]])]).tolist()
    [[1.0, 2.0]]
    """
    return Minimum(**kwargs)(inputs)


def concatenate(inputs: list[Any], axis: int = -1, **kwargs: Any) -> Any:
    """``Concatenate(axis=axis, **kwargs)(inputs)``.

    >>> import torch, convlayers
    >>> convlayers.layers.concatenate([torch.ones(1, 2), torch.ones(1, 3)]).shape
    torch.Size([1, 5])
    """
    return Concatenate(axis=axis, **kwargs)(inputs)
