"""Property tests of the layers around the convolutions: Dense, Flatten, Reshape, the merge
layers, ZeroPadding/Cropping/UpSampling 1D/2D and Permute.

For random valid configurations and inputs: the output equals a NumPy computation of the
Keras definition (``reshaping_reference`` for padding, cropping, upsampling and Permute),
its shape equals ``compute_output_shape`` (also with an unknown batch size), and the
config survives a JSON round trip through the layer registry. Random invalid arguments
raise ValueError/TypeError naming the argument and the value.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import reshaping_reference as ref
import torch
from hypothesis import example, given
from hypothesis import strategies as st
from parity import relative_l2

import convlayers
from convlayers.layers.registry import deserialize_layer, serialize_layer

ERRORS = (ValueError, TypeError)
SIZES = st.integers(1, 4)


def per_sample(min_rank: int = 1, max_rank: int = 3):
    return st.lists(SIZES, min_size=min_rank, max_size=max_rank).map(tuple)


def check_layer(layer, inputs, expected) -> None:
    """Output against ``expected``, shape against ``compute_output_shape``, config round
    trip through JSON and the registry (same config, same output)."""
    many = isinstance(inputs, list)
    tensors = [torch.from_numpy(x) for x in inputs] if many else torch.from_numpy(inputs)
    y = layer(tensors)
    assert tuple(y.shape) == expected.shape
    assert relative_l2(y.detach(), expected) <= 1e-12
    shapes = [x.shape for x in inputs] if many else inputs.shape
    assert layer.compute_output_shape(shapes) == expected.shape
    unknown = [(None, *s[1:]) for s in shapes] if many else (None, *shapes[1:])
    assert layer.compute_output_shape(unknown) == (None, *expected.shape[1:])
    config = layer.get_config()
    entry = json.loads(json.dumps(serialize_layer(layer)))
    clone = deserialize_layer(entry)
    assert json.dumps(clone.get_config()) == json.dumps(config)
    assert type(clone).from_config(config).get_config() == config
    if layer.weights:
        clone.build(shapes)
        clone.set_weights(layer.get_weights())
    assert torch.equal(clone(tensors), y)


@given(per_sample(), SIZES, st.integers(0, 3), st.booleans(), st.integers(0, 2**32 - 1))
def test_dense(sample, units, batch, use_bias, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, *sample))
    layer = convlayers.Dense(units, use_bias=use_bias, dtype="float64")
    layer.build(x.shape)
    kernel = rng.standard_normal((sample[-1], units))
    bias = rng.standard_normal(units)
    layer.set_weights([kernel, bias] if use_bias else [kernel])
    check_layer(layer, x, x @ kernel + (bias if use_bias else 0))


@given(per_sample(0, 4), st.sampled_from([None, "channels_last", "channels_first"]))
def test_flatten(sample, data_format):
    x = np.random.default_rng(0).standard_normal((2, *sample))
    if data_format == "channels_first" and x.ndim > 2:
        expected = np.moveaxis(x, 1, -1).reshape(2, -1)
    else:
        expected = x.reshape(2, -1)
    check_layer(convlayers.Flatten(data_format, dtype="float64"), x, expected)


@st.composite
def reshape_targets(draw):
    sample = draw(per_sample(1, 4))
    size = math.prod(sample)
    factors = []
    rest = size
    for _ in range(draw(st.integers(0, 3))):
        divisors = [d for d in range(1, rest + 1) if rest % d == 0]
        factor = draw(st.sampled_from(divisors))
        factors.append(factor)
        rest //= factor
    target = [*factors, rest]
    if draw(st.booleans()):
        target[draw(st.integers(0, len(target) - 1))] = -1
    return sample, tuple(target)


@given(reshape_targets())
def test_reshape(drawn):
    sample, target = drawn
    x = np.random.default_rng(0).standard_normal((3, *sample))
    check_layer(convlayers.Reshape(target, dtype="float64"), x, x.reshape(3, *target))


MERGES = {
    "Add": lambda xs: sum(xs[1:], xs[0]),
    "Subtract": lambda xs: xs[0] - xs[1],
    "Multiply": lambda xs: math.prod(xs[1:], start=xs[0]),
    "Average": lambda xs: sum(xs[1:], xs[0]) / len(xs),
    "Maximum": lambda xs: np.maximum.reduce(np.broadcast_arrays(*xs)),
    "Minimum": lambda xs: np.minimum.reduce(np.broadcast_arrays(*xs)),
}


@st.composite
def broadcastable(draw, count: int):
    """``count`` per-sample shapes that broadcast together (aligned on the right)."""
    full = draw(per_sample(1, 3))
    shapes = []
    for _ in range(count):
        drop = draw(st.integers(0, len(full) - 1))
        shapes.append(tuple(1 if draw(st.booleans()) else d for d in full[drop:]))
    return shapes


@given(st.sampled_from(sorted(MERGES)), st.data())
def test_elementwise_merges(name, data):
    count = 2 if name == "Subtract" else data.draw(st.integers(1, 4))
    shapes = data.draw(broadcastable(count))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    inputs = [rng.standard_normal((2, *s)) for s in shapes]
    rank = max(len(s) for s in shapes)
    aligned = [x.reshape(2, *(1,) * (rank - x.ndim + 1), *x.shape[1:]) for x in inputs]
    expected = MERGES[name](aligned)
    check_layer(getattr(convlayers.layers, name)(dtype="float64"), inputs, expected)


@given(per_sample(1, 3), st.data())
def test_concatenate(sample, data):
    rank = len(sample) + 1
    axis = data.draw(st.integers(1, rank - 1)) - (rank if data.draw(st.booleans()) else 0)
    count = data.draw(st.integers(1, 4))
    sizes = [data.draw(SIZES) for _ in range(count)]
    shapes = [tuple(n if a == axis % rank - 1 else d for a, d in enumerate(sample)) for n in sizes]
    inputs = [np.random.default_rng(i).standard_normal((2, *s)) for i, s in enumerate(shapes)]
    layer = convlayers.Concatenate(axis=axis, dtype="float64")
    check_layer(layer, inputs, np.concatenate(inputs, axis=axis))


EDGE_LAYERS = {
    ("pad", 1): convlayers.ZeroPadding1D,
    ("pad", 2): convlayers.ZeroPadding2D,
    ("crop", 1): convlayers.Cropping1D,
    ("crop", 2): convlayers.Cropping2D,
}


@given(st.sampled_from(sorted(EDGE_LAYERS)), st.sampled_from([None, "channels_first"]), st.data())
def test_padding_and_cropping(key, data_format, data):
    kind, rank = key
    pairs = [(data.draw(st.integers(0, 3)), data.draw(st.integers(0, 3))) for _ in range(rank)]
    spelling = data.draw(st.sampled_from(["pairs", "symmetric", "int"]))
    if spelling == "int" or (rank == 1 and spelling == "symmetric"):
        pairs = [(pairs[0][0], pairs[0][0])] * rank
        argument = pairs[0][0]
    elif spelling == "symmetric":
        pairs = [(a, a) for a, _ in pairs]
        argument = tuple(a for a, _ in pairs)
    else:
        argument = pairs[0] if rank == 1 else tuple(pairs)
    channels_first = data_format == "channels_first" and rank == 2
    spatial = [
        data.draw(st.integers(a + b + 1 if kind == "crop" else 1, a + b + 5)) for a, b in pairs
    ]
    shape = (2, 3, *spatial) if channels_first else (2, *spatial, 3)
    x = np.random.default_rng(0).standard_normal(shape)
    axes = ref.spatial_axes(rank, channels_first)
    kwargs = {"data_format": data_format} if rank == 2 else {}
    layer = EDGE_LAYERS[key](argument, dtype="float64", **kwargs)
    expected = ref.zero_pad(x, pairs, axes) if kind == "pad" else ref.crop(x, pairs, axes)
    check_layer(layer, x, expected)


@given(
    st.sampled_from([1, 2]),
    st.sampled_from([None, "channels_first"]),
    st.sampled_from(["nearest", "bilinear", "NEAREST"]),
    st.data(),
)
def test_upsampling(rank, data_format, interpolation, data):
    factors = tuple(data.draw(st.integers(1, 3)) for _ in range(rank))
    spatial = tuple(data.draw(SIZES) for _ in range(rank))
    channels_first = data_format == "channels_first" and rank == 2
    shape = (2, 3, *spatial) if channels_first else (2, *spatial, 3)
    x = np.random.default_rng(0).standard_normal(shape)
    axes = ref.spatial_axes(rank, channels_first)
    if rank == 1:
        layer = convlayers.UpSampling1D(factors[0], dtype="float64")
        interpolation = "nearest"
    else:
        size = factors[0] if len(set(factors)) == 1 and data.draw(st.booleans()) else factors
        layer = convlayers.UpSampling2D(size, data_format, interpolation, dtype="float64")
    if interpolation.lower() == "nearest":
        expected = ref.upsample_nearest(x, factors, axes)
    else:
        expected = ref.upsample_bilinear(x, factors, axes)
    check_layer(layer, x, expected)


@given(st.integers(1, 4).flatmap(lambda n: st.permutations(range(1, n + 1))))
def test_permute(dims):
    dims = tuple(dims)
    x = np.random.default_rng(0).standard_normal((2, *range(2, 2 + len(dims))))
    check_layer(convlayers.Permute(dims, dtype="float64"), x, ref.permute(x, dims))


# ----------------------------------------------------------------- invalid arguments

BAD_NUMBER = st.one_of(
    st.integers(max_value=0), st.floats(), st.booleans(), st.none(), st.text(max_size=3)
)


def bad_pairs(rank: int):
    negative = st.integers(max_value=-1)
    return st.one_of(
        negative,
        st.floats(),
        st.text(min_size=1, max_size=3),
        st.tuples(negative, st.integers(0, 2)),
        st.tuples(st.integers(0, 2), st.floats()),
        st.lists(st.integers(0, 2), min_size=3, max_size=4).map(tuple),
        *(
            [st.tuples(st.tuples(st.integers(0, 2), negative), st.tuples(SIZES, SIZES))]
            if rank == 2
            else []
        ),
    )


INVALID = {
    "Dense/units": (lambda v: convlayers.Dense(v), "units", BAD_NUMBER),
    "Reshape/target_shape": (
        lambda v: convlayers.Reshape(v),
        "target_shape",
        st.one_of(
            BAD_NUMBER,
            st.tuples(SIZES, st.integers(max_value=-2)),
            st.tuples(st.just(-1), st.just(-1)),
            st.tuples(SIZES, st.floats()),
        ),
    ),
    "Concatenate/axis": (
        lambda v: convlayers.Concatenate(v),
        "axis",
        st.one_of(st.floats(), st.booleans(), st.none(), st.text(max_size=3)),
    ),
    "UpSampling1D/size": (lambda v: convlayers.UpSampling1D(v), "size", BAD_NUMBER),
    "UpSampling2D/size": (
        lambda v: convlayers.UpSampling2D(v),
        "size",
        st.one_of(BAD_NUMBER, st.tuples(SIZES, st.integers(max_value=0)), st.tuples(SIZES)),
    ),
    "ZeroPadding1D/padding": (lambda v: convlayers.ZeroPadding1D(v), "padding", bad_pairs(1)),
    "ZeroPadding2D/padding": (lambda v: convlayers.ZeroPadding2D(v), "padding", bad_pairs(2)),
    "Cropping1D/cropping": (lambda v: convlayers.Cropping1D(v), "cropping", bad_pairs(1)),
    "Cropping2D/cropping": (lambda v: convlayers.Cropping2D(v), "cropping", bad_pairs(2)),
    "Permute/dims": (
        lambda v: convlayers.Permute(v),
        "dims",
        st.one_of(  # (an empty dims, even '', is the identity on (N,) inputs, as in tf-keras)
            BAD_NUMBER.filter(lambda v: v != ""),
            st.tuples(st.integers(0, 3), st.integers(0, 3)).filter(lambda d: sorted(d) != [1, 2]),
            st.tuples(st.just(1), st.floats()),
        ),
    ),
    "Flatten/data_format": (
        lambda v: convlayers.Flatten(v),
        "data_format",
        st.one_of(st.text(max_size=5), st.integers(), st.booleans()),
    ),
}


@given(st.sampled_from(sorted(INVALID)), st.data())
def test_invalid_glue_arguments(key, data):
    make, name, values = INVALID[key]
    value = data.draw(values)
    with pytest.raises(ERRORS) as info:
        make(value)
    message = str(info.value)
    assert name in message, message
    assert repr(value) in message or str(value) in message, message


def test_cropping2d_entry_error_names_the_whole_value():
    """Regression: the reference's words name only the entry ('Received: -1')."""
    with pytest.raises(ValueError, match=r"^The `1st entry of cropping`.*cropping=\(-1, 0\)$"):
        convlayers.Cropping2D((-1, 0))
    with pytest.raises(ValueError, match=r"^The `2nd entry of padding`.*padding=\(1, 2.5\)$"):
        convlayers.ZeroPadding2D((1, 2.5))


# ----------------------------------------------------------------- any input

GLUE = st.one_of(
    SIZES.map(lambda u: convlayers.Dense(u)),
    st.sampled_from([None, "channels_first"]).map(convlayers.Flatten),
    reshape_targets().map(lambda drawn: convlayers.Reshape(drawn[1])),
    st.integers(0, 2).map(convlayers.ZeroPadding1D),
    st.integers(0, 2).map(convlayers.ZeroPadding2D),
    st.integers(0, 2).map(convlayers.Cropping1D),
    st.integers(0, 2).map(convlayers.Cropping2D),
    SIZES.map(convlayers.UpSampling1D),
    SIZES.map(convlayers.UpSampling2D),
    st.integers(1, 3)
    .flatmap(lambda n: st.permutations(range(1, n + 1)))
    .map(lambda dims: convlayers.Permute(tuple(dims))),
)
MERGE_LAYERS_TYPES = tuple(getattr(convlayers.layers, name) for name in [*MERGES, "Concatenate"])
MERGE_LAYERS = st.sampled_from(sorted(MERGE_LAYERS_TYPES, key=lambda cls: cls.__name__)).map(
    lambda cls: cls()
)


def outcome(run):
    try:
        return tuple(run())
    except ERRORS as error:
        return type(error)


@given(GLUE, st.lists(st.integers(0, 4), max_size=5).map(tuple), st.booleans())
# Flatten on an empty batch: RuntimeError (a reshape with an ambiguous -1)
@example(convlayers.Flatten(), (0, 3, 2), False)
# a built Dense: compute_output_shape gave (0, 1) for inputs the call refuses
@example(convlayers.Dense(1), (0, 2), True)
# Reshape of a scalar: IndexError
@example(convlayers.Reshape((1,)), (), False)
def test_any_input_shape_gives_the_computed_shape_or_a_clear_error(layer, shape, built):
    """Random ranks and sizes (0 included): the call and ``compute_output_shape`` agree on
    the shape or both refuse with ValueError/TypeError."""
    if built:
        other = [d + 1 for d in shape]
        try:
            layer(torch.zeros(other))
        except ERRORS:
            built = False
    called = outcome(lambda: layer(torch.zeros(shape)).shape)
    computed = outcome(lambda: layer.compute_output_shape(shape))
    if isinstance(called, tuple) or isinstance(computed, tuple):
        assert called == computed


@given(MERGE_LAYERS, st.lists(st.lists(st.integers(1, 3), max_size=3), min_size=1, max_size=3))
def test_merges_on_any_shapes(layer, shapes):
    shapes = [(2, *s) for s in shapes]
    called = outcome(lambda: layer([torch.zeros(s) for s in shapes]).shape)
    computed = outcome(lambda: layer.compute_output_shape(shapes))
    if isinstance(called, tuple) or isinstance(computed, tuple):
        assert called == computed


@given(st.one_of(GLUE, MERGE_LAYERS), st.one_of(st.none(), st.text(max_size=3)), st.booleans())
# a built Dense raised AttributeError ('str' object has no attribute 'shape')
@example(convlayers.Dense(2), "abc", True)
def test_non_tensor_input_is_a_type_error(layer, value, built):
    if built and isinstance(layer, convlayers.Dense):
        layer(torch.zeros(1, 3))
    with pytest.raises(TypeError, match="tensor"):
        layer([value, value] if isinstance(layer, MERGE_LAYERS_TYPES) else value)


@given(st.sampled_from([torch.int64, torch.int32, torch.bool]), per_sample(), SIZES)
# integer inputs raised RuntimeError (mat1 and mat2 must have the same dtype)
@example(torch.int64, (3,), 2)
def test_dense_casts_integer_inputs_as_tf_keras(dtype, sample, units):
    """tf-keras's Dense casts inputs of another dtype to its own."""
    layer = convlayers.Dense(units, dtype="float64")
    x = torch.randint(0, 2, (2, *sample)).to(dtype)
    y = layer(x)
    assert y.dtype == torch.float64
    assert torch.equal(y, layer(x.to(torch.float64)))


@pytest.mark.parametrize("make", [convlayers.Flatten, lambda: convlayers.Reshape((1,))])
def test_flatten_and_reshape_refuse_a_scalar(make):
    """Regression: an IndexError, and Flatten's ``compute_output_shape(())`` gave ``(1,)``."""
    with pytest.raises(ValueError, match="expected min_ndim=1, found ndim=0"):
        make()(torch.zeros(()))
    with pytest.raises(ValueError, match="expected min_ndim=1, found ndim=0"):
        make().compute_output_shape(())
