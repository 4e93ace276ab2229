"""Property tests: invalid arguments and incompatible inputs of the convolution layers
raise ValueError or TypeError that names the argument (and the value received), never
another exception, never a crash inside torch, never an output of the wrong shape.

Each case starts from a valid configuration (``fuzz_strategies.layer_cases``) and breaks
exactly one thing.
"""

from __future__ import annotations

import math

import pytest
import torch
from fuzz_strategies import Case, layer_cases, make_case
from hypothesis import example, given
from hypothesis import strategies as st

import convlayers

ERRORS = (ValueError, TypeError)

# ----------------------------------------------------------------- invalid values

NOT_A_NUMBER = st.one_of(
    st.none(),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=4),
    st.just(object()),
    st.just(torch.tensor(2)),
)
NON_POSITIVE = st.integers(max_value=0)


def bad_positive_int():
    """Anything but an int >= 1 (``filters``, ``depth_multiplier``, ``groups``)."""
    return st.one_of(NON_POSITIVE, NOT_A_NUMBER, st.tuples(st.integers(1, 3)))


def bad_int_tuple(rank: int, min_value: int = 1):
    """Anything but an int >= min_value or ``rank`` of them (kernel_size, strides, ...)."""
    bad_item = st.one_of(st.integers(max_value=min_value - 1), NOT_A_NUMBER)
    wrong_length = st.lists(st.integers(1, 3), max_size=4).filter(lambda v: len(v) != rank)
    one_bad = st.tuples(
        st.lists(st.integers(1, 3), min_size=rank - 1, max_size=rank - 1),
        bad_item,
        st.integers(0, rank - 1),
    ).map(lambda t: (*t[0][: t[2]], t[1], *t[0][t[2] :]))
    return st.one_of(
        st.integers(max_value=min_value - 1),
        NOT_A_NUMBER,
        wrong_length,
        wrong_length.map(tuple),
        one_bad,
        one_bad.map(list),
    )


def bad_string(allowed: tuple[str, ...]):
    """Anything but one of ``allowed`` in any letter case."""
    words = st.text(max_size=12).filter(lambda s: s.lower() not in allowed)
    return st.one_of(
        words,
        st.sampled_from(["causal", "full", "SAME ", "channels_middle", "none"]).filter(
            lambda s: s.lower() not in allowed
        ),
        st.none() if "none" not in allowed else st.nothing(),
        st.integers(),
        st.booleans(),
        st.lists(st.sampled_from(allowed), min_size=1, max_size=2),
    )


def invalid_arguments(case: Case) -> dict:
    """Per argument of ``case``'s layer, a strategy for invalid values."""
    rank, family = case.rank, case.family
    paddings = ("valid", "same")
    if family in ("conv", "separable") and rank == 1:
        paddings = ("valid", "same", "causal")
    if family == "local" and case.extras["implementation"] == 1:
        paddings = ("valid",)
    bad = {
        "kernel_size": bad_int_tuple(rank),
        "strides": bad_int_tuple(rank),
        "padding": bad_string(paddings),
        "data_format": bad_string(("channels_last", "channels_first", "none")).filter(
            lambda v: v is not None
        ),
        "name": st.one_of(st.integers(), st.booleans(), st.lists(st.text(max_size=2))),
        "dtype": st.one_of(
            st.sampled_from(["int32", "float8", "double4", "complex64"]), st.integers()
        ),
    }
    if family != "local":
        bad["dilation_rate"] = bad_int_tuple(rank)
    if family in ("conv", "separable", "local"):
        bad["filters"] = bad_positive_int()
    if family in ("depthwise", "separable"):
        bad["depth_multiplier"] = bad_positive_int()
        bad["groups"] = st.one_of(st.integers().filter(lambda g: g != 1), NOT_A_NUMBER)
    if family == "conv":
        bad["groups"] = bad_positive_int()
    if family == "local":
        bad["implementation"] = st.one_of(
            st.integers().filter(lambda i: i not in (1, 2, 3)), NOT_A_NUMBER
        )
    return bad


def mentions(message: str, value) -> bool:
    return repr(value) in message


@st.composite
def broken_cases(draw):
    """A valid case with one argument replaced by an invalid value."""
    case = draw(layer_cases())
    bad = invalid_arguments(case)
    name = draw(st.sampled_from(sorted(bad)))
    value = draw(bad[name])
    return case, name, value


@given(broken_cases())
@example(  # a float implementation (1.0 == 1) was accepted and kept as a float
    (make_case("local", 1, (1, 3, 1), filters=1, kernel_size=1), "implementation", 2.0)
)
@example(  # 'iteration over a 0-d tensor', a TypeError that did not name the argument
    (make_case("depthwise", 1, (1, 1, 1), kernel_size=1), "dilation_rate", torch.tensor(2))
)
def test_invalid_argument_names_itself_and_the_value(broken):
    case, name, value = broken
    kwargs = {**case.kwargs, name: value}
    with pytest.raises(ERRORS) as info:
        case.cls(**kwargs)
    message = str(info.value)
    assert name in message, message
    assert mentions(message, value), message


def test_activation_initializer_regularizer_constraint_errors_name_the_kind():
    """Unknown names given to activation/initializer/regularizer/constraint arguments are
    refused with the value; the message names the kind ('initializer'), not the argument
    (``kernel_initializer``): see tests/fuzz/README.md, 'Left alone'."""
    for argument, kind in [
        ("activation", "activation"),
        ("kernel_initializer", "initializer"),
        ("bias_regularizer", "regularizer"),
        ("kernel_constraint", "constraint"),
    ]:
        with pytest.raises(ValueError, match=f"`{kind}`.*Received: {kind}='nope'"):
            convlayers.Conv1D(2, 3, **{argument: "nope"})


@given(layer_cases(), st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True))
def test_unknown_keyword_is_refused_by_name(case, suffix):
    key = f"unknown_{suffix}"  # no layer argument starts so
    with pytest.raises(TypeError, match=f"{key}.*Received: {key}=1"):
        case.cls(**case.kwargs, **{key: 1})


@given(layer_cases(family=("conv", "depthwise", "separable")), st.data())
def test_strides_with_dilation_are_refused(case, data):
    axis = data.draw(st.integers(0, case.rank - 1))
    strides = tuple(data.draw(st.integers(2, 3)) if a == axis else 1 for a in range(case.rank))
    dilation = tuple(data.draw(st.integers(2, 3)) for _ in range(case.rank))
    kwargs = {**case.kwargs, "strides": strides, "dilation_rate": dilation}
    with pytest.raises(ValueError, match="strides") as info:
        case.cls(**kwargs)
    assert "dilation_rate" in str(info.value) and str(strides) in str(info.value)


@given(layer_cases(family="conv"), st.integers(2, 4), st.data())
def test_filters_not_divisible_by_groups(case, groups, data):
    filters = groups * data.draw(st.integers(0, 2)) + data.draw(st.integers(1, groups - 1))
    with pytest.raises(ValueError, match=f"groups={groups}, filters={filters}"):
        case.cls(**{**case.kwargs, "groups": groups, "filters": filters})


@given(layer_cases(family="local"))
def test_local_same_needs_implementation_2_or_3(case):
    with pytest.raises(ValueError, match="implementation") as info:
        case.cls(**{**case.kwargs, "padding": "same", "implementation": 1})
    assert "padding='same'" in str(info.value)


# ----------------------------------------------------------------- incompatible inputs


def names_shape(message: str, shape) -> bool:
    shape = tuple(shape)
    return str(shape) in message or str(list(shape)) in message


def channel_axis(case: Case, ndim: int) -> int:
    return ndim - 1 if case.channels_last else ndim - case.rank - 1


@given(layer_cases(), st.integers(1, 3))
def test_wrong_channel_count_after_build(case, delta):
    layer = case.layer()
    layer.build(case.input_shape)
    shape = list(case.input_shape)
    shape[channel_axis(case, len(shape))] += delta
    x = torch.zeros(shape, dtype=torch.float64)
    with pytest.raises(ValueError) as info:
        layer(x)
    assert names_shape(str(info.value), shape), str(info.value)
    with pytest.raises(ValueError) as info:  # it gave a shape for inputs the call refuses
        layer.compute_output_shape(tuple(shape))
    assert names_shape(str(info.value), shape), str(info.value)


@given(
    st.one_of(
        layer_cases().map(lambda c: (c, c.input_shape[c.batch_axes :])),  # no batch axis
        # Conv and SeparableConv take extra batch axes: the others must refuse one
        layer_cases(family=("depthwise", "local")).map(lambda c: (c, (1, *c.input_shape))),
    )
)
def test_wrong_rank(drawn):
    case, shape = drawn
    layer = case.layer()
    with pytest.raises(ValueError) as info:
        layer.compute_output_shape(shape)
    assert names_shape(str(info.value), shape), str(info.value)
    with pytest.raises(ValueError) as info:
        layer(torch.zeros(shape, dtype=torch.float64))
    assert names_shape(str(info.value), shape), str(info.value)


@given(layer_cases(), st.data())
def test_any_input_shape_gives_the_computed_shape_or_a_clear_error(case, data):
    """Random spatial lengths (0 and too short included) and channel counts: the call and
    ``compute_output_shape`` of a fresh layer either agree on the shape or both raise
    ValueError."""
    shape = list(case.input_shape)
    r = case.rank
    first = len(shape) - r - 1 if case.channels_last else len(shape) - r
    for axis in range(first, first + r):
        shape[axis] = data.draw(st.integers(0, 9))
    shape[channel_axis(case, len(shape))] = data.draw(st.integers(1, 4))
    shape = tuple(shape)
    try:
        expected = case.layer().compute_output_shape(shape)
    except ValueError as error:
        expected = error
    try:
        got = tuple(case.layer()(torch.zeros(shape, dtype=torch.float64)).shape)
    except ValueError as error:
        got = error
    if isinstance(expected, tuple) or isinstance(got, tuple):
        assert got == expected
    else:
        assert names_shape(str(got), shape), str(got)
        assert math.prod(shape) >= 0


def test_compute_output_shape_refuses_channels_not_divisible_by_groups():
    """Regression: ``compute_output_shape`` gave ``(1, 1, 2)`` where the call raises."""
    layer = convlayers.Conv1D(2, 1, groups=2)
    with pytest.raises(ValueError, match=r"groups=2, but the input has 1 channels"):
        layer.compute_output_shape((1, 1, 1))


@given(layer_cases(family="local"), st.integers(1, 3), st.data())
def test_local_kernel_fixes_the_input_lengths(case, delta, data):
    """A built LocallyConnected layer refuses other spatial lengths (its kernel depends
    on them)."""
    layer = case.layer()
    layer.build(case.input_shape)
    shape = list(case.input_shape)
    axis = len(shape) - 2 if case.channels_last else len(shape) - 1
    shorter = shape[axis] > delta and data.draw(st.booleans())
    shape[axis] += -delta if shorter else delta
    with pytest.raises(ValueError) as info:
        layer(torch.zeros(shape, dtype=torch.float64))
    assert names_shape(str(info.value), shape), str(info.value)
    with pytest.raises(ValueError) as info:  # it gave a shape for inputs the call refuses
        layer.compute_output_shape(tuple(shape))
    assert names_shape(str(info.value), shape), str(info.value)


@given(
    layer_cases(),
    st.one_of(st.none(), st.text(max_size=3), st.just(object()), st.integers(), st.just({})),
    st.booleans(),
)
# an AttributeError ('str' object has no attribute 'shape') before the fix, built or not
@example(make_case("conv", 1, (1, 3, 1), filters=1, kernel_size=1), "abc", False)
@example(make_case("local", 2, (1, 1, 1, 1), filters=1, kernel_size=1), None, True)
def test_non_tensor_input_is_a_type_error(case, value, built):
    layer = case.layer()
    if built:
        layer.build(case.input_shape)
    with pytest.raises(TypeError, match="tensor"):
        layer(value)


@given(layer_cases(), st.sampled_from([torch.int64, torch.int32, torch.bool, torch.uint8]))
# a RuntimeError from torch ('Input type (long int) and bias type (float) should be the
# same') before the fix
@example(make_case("conv", 1, (1, 3, 1), filters=1, kernel_size=1), torch.int64)
@example(make_case("depthwise", 2, (1, 2, 2, 1), kernel_size=1), torch.bool)
@example(make_case("local", 1, (1, 3, 1), filters=1, kernel_size=1), torch.int32)
def test_integer_input_is_a_type_error(case, dtype):
    layer = case.layer()
    with pytest.raises(TypeError, match="dtype"):
        layer(torch.zeros(case.input_shape, dtype=dtype))
