"""Argument normalisation at the layer boundary, and the one error-message form.

Every public constructor normalises its arguments here once (ints to tuples,
strings to lowercase canonical names); code after that trusts them. Errors read
"`<argument>` must be <expectation>. Received: <argument>=<value>"; where tf-keras
refuses the same thing, the message begins with tf-keras's own wording (so code that
matches on the reference's message keeps working) and ends with our
"Received: <argument>=<value>".

>>> normalize_tuple(3, 2, "kernel_size")
(3, 3)
>>> normalize_padding("SAME", ("valid", "same"))
'same'
>>> normalize_tuple((1, 0), 2, "strides")
Traceback (most recent call last):
...
ValueError: The `strides` argument must be a tuple of 2 integers. Received: strides=(1, 0) \
including {0} that does not satisfy the requirement `> 0`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import config

__all__ = [
    "argument_error",
    "check_axis_argument",
    "check_output_length",
    "keras_data_format",
    "keras_tuple",
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
    """An int, or an iterable of ``n`` ints, as a tuple of ``n`` ints ``>= min_value``
    (tf-keras's ``conv_utils.normalize_tuple``, with its messages)."""
    head = f"The `{name}` argument must be a tuple of {n} integers. Received: {name}={value!r}"
    if _is_int(value):
        result = (value,) * n
    elif isinstance(value, Iterable) and not isinstance(value, str):
        try:
            result = tuple(value)
        except TypeError:  # iterable by type only, e.g. a 0-d tensor
            raise ValueError(head) from None
        if len(result) != n:
            raise ValueError(head)
        for item in result:
            if not _is_int(item):
                raise ValueError(f"{head} including element {item!r} of type {type(item)}")
    else:
        raise ValueError(head)
    low = {v for v in result if v < min_value}
    if low:
        requirement = "> 0" if min_value == 1 else f">= {min_value}"
        raise ValueError(
            f"{head} including {low} that does not satisfy the requirement `{requirement}`."
        )
    return result


def normalize_positive_int(value: Any, name: str) -> int:
    """A strictly positive integer (``filters``, ``depth_multiplier``, ``groups``)."""
    if not _is_int(value) or value <= 0:
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected a strictly positive value. "
            f"Received: {name}={value!r}"
        )
    return value


def normalize_padding(value: Any, allowed: tuple[str, ...]) -> str:
    """``padding`` as a lowercase string among ``allowed`` (tf-keras's wording: 'causal' on
    a layer without it, then any other unknown value)."""
    lowered = value.lower() if isinstance(value, str) else None
    if lowered in allowed:
        return lowered
    if lowered == "causal":
        raise ValueError(
            "Causal padding is only supported for `Conv1D`and `SeparableConv1D`. "
            f"Received: padding={value!r}"
        )
    expectation = ", ".join(repr(a) for a in allowed)
    raise ValueError(
        'The `padding` argument must be a list/tuple or one of "valid", "same" (or "causal", '
        f"only for `Conv1D). Received: padding={value!r} (this layer takes {expectation})"
    )


def normalize_data_format(value: Any) -> str:
    """``data_format`` as 'channels_last' or 'channels_first'; ``None`` is the global setting."""
    if value is None:
        return config.image_data_format()
    if isinstance(value, str) and value.lower() in ("channels_last", "channels_first"):
        return value.lower()
    raise ValueError(
        'The `data_format` argument must be one of "channels_first", "channels_last". '
        f"Received: data_format={value!r}"
    )


def check_output_length(
    layer_name: str, input_shape: tuple, output_lengths: Iterable[int | None]
) -> None:
    """Refuse a configuration whose output would have a non-positive spatial length."""
    lengths = tuple(output_lengths)
    if any(n is not None and n <= 0 for n in lengths):
        raise ValueError(
            "One of the dimensions in the output is <= 0 due to downsampling in "
            f"{layer_name}. Consider increasing the input size. Received input shape "
            f"{list(input_shape)} which would produce output shape with a zero or negative "
            f"value in a dimension (spatial output shape {lengths})."
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


def keras_tuple(value: Any, n: int, name: str, min_value: int = 1, label: str = "") -> tuple:
    """``normalize_tuple`` with tf-keras's own refusal wording (``conv_utils.normalize_tuple``),
    for arguments whose message code matches on: "The `padding` argument must be a tuple of
    2 integers. Received: -1 including {-1} that does not satisfy the requirement `>= 0`."

    ``label`` replaces ``name`` in the message (tf-keras says "1st entry of padding").

    >>> keras_tuple(0, 2, "size")
    Traceback (most recent call last):
    ...
    ValueError: The `size` argument must be a tuple of 2 integers. Received: 0 including {0} \
that does not satisfy the requirement `> 0`.
    """
    try:
        return normalize_tuple(value, n, name, min_value)
    except ValueError:
        pass
    message = f"The `{label or name}` argument must be a tuple of {n} integers. Received: {value}"
    values = (value,) * n if _is_int(value) else value
    if isinstance(values, Iterable) and not isinstance(values, str):
        values = tuple(values)
        if len(values) == n and all(_is_int(v) for v in values):
            bad = {v for v in values if v < min_value}
            requirement = "> 0" if min_value == 1 else f">= {min_value}"
            message += f" including {bad} that does not satisfy the requirement `{requirement}`."
    raise ValueError(message)


def keras_data_format(value: Any) -> str:
    """``normalize_data_format`` with tf-keras's refusal wording (``conv_utils``):

    >>> keras_data_format("channels_middle")
    Traceback (most recent call last):
    ...
    ValueError: The `data_format` argument must be one of "channels_first", "channels_last". \
Received: channels_middle
    """
    try:
        return normalize_data_format(value)
    except ValueError:
        raise ValueError(
            'The `data_format` argument must be one of "channels_first", "channels_last". '
            f"Received: {value}"
        ) from None
