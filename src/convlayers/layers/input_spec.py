"""What a built layer accepts: rank bounds, dtype, a shape and the size of some axes.

As ``tf.keras.layers.InputSpec``: every layer's ``input_spec`` is checked against
its inputs at each call (eager or symbolic), with tf-keras's messages.
"""

from __future__ import annotations

from typing import Any

__all__ = ["InputSpec", "not_a_tensor"]


def not_a_tensor(inputs: Any, layer_name: str | None = None) -> TypeError:
    """tf-keras's refusal of an input without a shape (a string, None, a layer, ...)."""
    where = f" as input for layer '{layer_name}'" if layer_name else ""
    return TypeError(
        f"Inputs to a layer should be tensors. Got '{inputs}' (of type {type(inputs)}){where}."
    )


class InputSpec:
    """The rank, dtype, shape and axis sizes a layer's input must have.

    Args:
        dtype: expected dtype name, e.g. 'float32', or None.
        shape: expected shape (``None`` entries match anything), or None.
        ndim: expected rank, or None.
        max_ndim: upper bound on the rank, or None.
        min_ndim: lower bound on the rank, or None.
        axes: ``{axis: size}`` for axes whose size is fixed (negative axes count from
            the end).
        allow_last_axis_squeeze: accept a last axis of size 1 more or less than ``ndim``
            and ``shape`` say.
        name: the input's name in a dict of inputs.
        optional: whether the input may be None.

    >>> import torch
    >>> spec = InputSpec(min_ndim=3, axes={-1: 4})
    >>> spec.check("conv1d", torch.zeros(2, 5, 3))
    Traceback (most recent call last):
    ...
    ValueError: Input 0 of layer "conv1d" is incompatible with the layer: expected axis -1 \
of input shape to have value 4, but received input with shape (2, 5, 3)
    >>> spec
    InputSpec(min_ndim=3, axes={-1: 4})
    """

    def __init__(
        self,
        dtype: Any = None,
        shape: Any = None,
        ndim: int | None = None,
        max_ndim: int | None = None,
        min_ndim: int | None = None,
        axes: dict[int, int] | None = None,
        allow_last_axis_squeeze: bool = False,
        name: str | None = None,
        optional: bool = False,
    ) -> None:
        self.dtype = None if dtype is None else str(dtype).removeprefix("torch.")
        self.shape = None if shape is None else tuple(shape)
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.allow_last_axis_squeeze = bool(allow_last_axis_squeeze)
        self.name = name
        self.optional = bool(optional)
        try:
            self.axes = {int(k): v for k, v in (axes or {}).items()}
        except (ValueError, TypeError) as error:
            raise TypeError(
                f"Argument `axes` must be a dict with integer keys. Received: axes={axes}"
            ) from error
        bound = self.ndim if self.ndim is not None else self.min_ndim
        if self.axes and bound is not None:
            largest = max(self.axes)
            if largest > bound - 1:
                raise ValueError(
                    f"Axis {largest} is greater than the maximum allowed value: {bound - 1}"
                )

    def __repr__(self) -> str:
        fields = [f"{key}={value!r}" for key, value in self.get_config().items() if value]
        return f"InputSpec({', '.join(fields)})"

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, as tf-keras's ``InputSpec.get_config``."""
        return {
            "dtype": self.dtype,
            "shape": self.shape,
            "ndim": self.ndim,
            "max_ndim": self.max_ndim,
            "min_ndim": self.min_ndim,
            "axes": self.axes,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> InputSpec:
        return cls(**config)

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if name != "_passed":
            object.__setattr__(self, "_passed", None)  # a changed spec checks afresh

    def check(self, layer_name: str, inputs: Any, index: int = 0) -> None:
        """Raise ``ValueError`` if ``inputs`` (a tensor, or anything with ``shape``) does
        not fit this spec; ``None`` sizes of a symbolic shape match anything.

        The shape and dtype of the last input that passed are remembered: a layer
        called again on the same signature (the usual case) skips the checks."""
        if not hasattr(inputs, "shape"):
            raise not_a_tensor(inputs, layer_name)
        signature = (inputs.shape, getattr(inputs, "dtype", None))
        if signature == self._passed:
            return
        self._check(layer_name, inputs, index)
        self._passed = signature

    def _check(self, layer_name: str, inputs: Any, index: int) -> None:
        shape = tuple(inputs.shape)
        ndim = len(shape)
        where = f'Input {index} of layer "{layer_name}" is incompatible with the layer:'
        if self.ndim is not None and not self.allow_last_axis_squeeze and ndim != self.ndim:
            raise ValueError(
                f"{where} expected ndim={self.ndim}, found ndim={ndim}. "
                f"Full shape received: {shape}"
            )
        if self.max_ndim is not None and ndim > self.max_ndim:
            raise ValueError(f"{where} expected max_ndim={self.max_ndim}, found ndim={ndim}")
        if self.min_ndim is not None and ndim < self.min_ndim:
            raise ValueError(
                f"{where} expected min_ndim={self.min_ndim}, found ndim={ndim}. "
                f"Full shape received: {shape}"
            )
        dtype = getattr(inputs, "dtype", None)
        if self.dtype is not None and dtype is not None:
            found = str(dtype).removeprefix("torch.")
            if found != self.dtype:
                raise ValueError(f"{where} expected dtype={self.dtype}, found dtype={found}")
        for axis, size in self.axes.items():
            if size is not None and -ndim <= axis < ndim and shape[axis] not in (size, None):
                raise ValueError(
                    f"{where} expected axis {axis} of input shape to have value {size}, "
                    f"but received input with shape {shape}"
                )
        if self.shape is not None:
            got = shape
            if self.allow_last_axis_squeeze:
                got = got[:-1] if got and got[-1] == 1 else got
                want = self.shape[:-1] if self.shape and self.shape[-1] == 1 else self.shape
            else:
                want = self.shape
            if len(got) != len(want) or any(
                w is not None and g is not None and w != g for w, g in zip(want, got)
            ):
                raise ValueError(f"{where} expected shape={self.shape}, found shape={shape}")
