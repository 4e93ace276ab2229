"""Argument normalisation at the layer boundary, and the one error-message form.

Every public constructor normalises its arguments here once (ints to tuples,
strings to lowercase canonical names); code after that trusts them. Errors read
"`<argument>` must be <expectation>. Received: <argument>=<value>".

>>> normalize_tuple(3, 2, "kernel_size")
(3, 3)
>>> normalize_padding("SAME", ("valid", "same"))
'same'
>>> normalize_tuple((1, 0), 2, "strides")
Traceback (most recent call last):
...
ValueError: `strides` must be an integer or a tuple of 2 integers, each >= 1. \
Received: strides=(1, 0)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import config

__all__ = [
    "argument_error",
    "check_axis_argument",
    "check_output_length",
    "normalize_axis",
    "normalize_data_format",
    "normalize_padding",
    "normalize_positive_int",
    "normalize_tuple",
]


def argument_error(name: str, expectation: str, value: Any) -> ValueError:
    """The project's one error form for a bad argument value."""
    return ValueError(f"`{name}` must be {expectation}. Received: {name}={value!r}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def normalize_tuple(value: Any, n: int, name: str, min_value: int = 1) -> tuple[int, ...]:
    """An int, or an iterable of ``n`` ints, as a tuple of ``n`` ints ``>= min_value``."""
    plural = "integer" if n == 1 else "integers"
    expectation = f"an integer or a tuple of {n} {plural}, each >= {min_value}"
    if _is_int(value):
        result = (value,) * n
    elif isinstance(value, Iterable) and not isinstance(value, str):
        result = tuple(value)
        if len(result) != n or not all(_is_int(v) for v in result):
            raise argument_error(name, expectation, value)
    else:
        raise argument_error(name, expectation, value)
    if any(v < min_value for v in result):
        raise argument_error(name, expectation, value)
    return result


def normalize_positive_int(value: Any, name: str) -> int:
    """A strictly positive integer (``filters``, ``depth_multiplier``, ``groups``)."""
    if not _is_int(value) or value <= 0:
        raise argument_error(name, "a strictly positive integer", value)
    return value


def normalize_padding(value: Any, allowed: tuple[str, ...]) -> str:
    """``padding`` as a lowercase string among ``allowed``."""
    if isinstance(value, str) and value.lower() in allowed:
        return value.lower()
    expectation = "one of " + ", ".join(repr(a) for a in allowed)
    raise argument_error("padding", expectation, value)


def normalize_data_format(value: Any) -> str:
    """``data_format`` as 'channels_last' or 'channels_first'; ``None`` is the global setting."""
    if value is None:
        return config.image_data_format()
    if isinstance(value, str) and value.lower() in ("channels_last", "channels_first"):
        return value.lower()
    raise argument_error("data_format", "'channels_last' or 'channels_first'", value)


def check_output_length(
    layer_name: str, input_shape: tuple, output_lengths: Iterable[int | None]
) -> None:
    """Refuse a configuration whose output would have a non-positive spatial length."""
    lengths = tuple(output_lengths)
    if any(n is not None and n <= 0 for n in lengths):
        raise ValueError(
            f"Layer {layer_name!r}: the input is too small for the kernel; the output "
            f"spatial shape would be {lengths}. Received: input_shape={tuple(input_shape)}"
        )


def check_axis_argument(axis: Any) -> int | list[int]:
    """An ``axis`` argument (an int, or a list/tuple of ints) as an int or a list;
    TypeError otherwise, with tf-keras' wording (normalization layers)."""
    if _is_int(axis):
        return axis
    if isinstance(axis, (list, tuple)) and all(_is_int(a) for a in axis):
        return list(axis)
    raise TypeError(
        f"Expected an int or a list/tuple of ints for the argument 'axis', but received: {axis!r}"
    )


def normalize_axis(axis: int | list[int], rank: int | None) -> list[int]:
    """``axis`` (int or list, negative counting from the end) as a list of axes in
    ``[0, rank)``, in the order given; ValueError with tf-keras' wording otherwise.

    >>> normalize_axis(-1, 4), normalize_axis([3, -3], 4)
    ([3], [3, 1])
    """
    if not rank:
        raise ValueError(f"Input has undefined rank. Received: input_shape rank={rank}")
    axes = [axis] if _is_int(axis) else list(axis)  # type: ignore[arg-type]
    axes = [a + rank if a < 0 else a for a in axes]
    if any(not 0 <= a < rank for a in axes):
        raise ValueError(
            "Invalid value for `axis` argument. Expected 0 <= axis < inputs.rank (with "
            f"inputs.rank={rank}). Received: axis={tuple(axes)}"
        )
    if len(set(axes)) != len(axes):
        raise ValueError(f"Duplicate axis: {tuple(axes)}. Received: axis={axis!r}")
    return axes
