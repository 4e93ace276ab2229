"""Pooling layers: golden fixtures from tf-keras, a NumPy reference, shapes, gradients, errors."""

import itertools
import json
import math

import pool_norm_reference as ref
import pytest
import torch
from fixture_loader import load_fixtures, load_index
from parity import check_against_fixture, relative_l2

import convlayers
from convlayers.layers.registry import layer_class
from convlayers.ops.pooling import pool_plan

FAMILIES = ("pooling1d", "pooling2d", "global_pooling")
CASES = [case for family in FAMILIES for case in load_fixtures(family)]
WINDOW_CASES = [c for c in CASES if not c.layer.startswith("Global")]
RTOL = 1e-6


def _json(config):
    return json.loads(json.dumps(config))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_matches_tf_keras_fixture(case):
    layer = getattr(convlayers, case.layer).from_config(case.config)
    if "call/mask" not in case.arrays:
        check_against_fixture(layer, case, rtol=RTOL)
        return
    x = torch.tensor(case.arrays["x"], requires_grad=True)
    y = layer(x, mask=torch.tensor(case.arrays["call/mask"]))
    assert relative_l2(y.detach(), case.arrays["y"]) <= RTOL
    (y * torch.tensor(case.arrays["g"])).sum().backward()
    assert relative_l2(x.grad, case.arrays["dx"]) <= RTOL


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_config_round_trip_with_the_reference_keys(case):
    layer = getattr(convlayers, case.layer).from_config(case.config)
    assert _json(layer.get_config()) == case.config
    shape = tuple(case.input_shape)
    assert layer.compute_output_shape(shape) == tuple(load_index_entry(case)["output_shape"])


def load_index_entry(case):
    family = next(f for f in FAMILIES if case.id in load_index(f)["cases"])
    return load_index(family)["cases"][case.id]


CONFIGS = [
    (family, description, entry)
    for family in FAMILIES
    for description, entry in load_index(family)["configs"].items()
]


@pytest.mark.parametrize(("family", "description", "entry"), CONFIGS)
def test_get_config_of_unbuilt_layers_equals_the_reference(family, description, entry):
    layer = getattr(convlayers, entry["layer"])(**entry["kwargs"])
    assert _json(layer.get_config()) == entry["config"]


def _split(spatial, config):
    """Whether any axis has TF's extra 'same' padding element on the right: (0, 1) if so."""
    if config["padding"] != "same":
        return 0, 0
    extra = any(
        max((math.ceil(n / s) - 1) * s + k - n, 0) % 2
        for n, k, s in zip(spatial, config["pool_size"], config["strides"])
    )
    return 0, int(extra)


def test_fixtures_cover_every_window_path():
    """The fixtures reach each way torch runs TF's windows (``ops.pooling.pool_plan``):
    plain padding, padding plus ``ceil_mode`` and padding plus a one-output shift, for
    each window layer and both data formats."""
    seen = set()
    for case in WINDOW_CASES:
        config = case.config
        rank = len(config["pool_size"])
        first = config["data_format"] == "channels_first"
        spatial = case.input_shape[2:] if first else case.input_shape[1 : rank + 1]
        plan = pool_plan(
            tuple(spatial), tuple(config["pool_size"]), tuple(config["strides"]), config["padding"]
        )
        shifted = plan.crop is not None and any(c.start == 1 for c in plan.crop[1:])
        left, right = _split(spatial, config)
        path = "shift" if shifted else ("ceil" if right > left else "plain")
        seen.add((case.layer, path, config["data_format"]))
    for layer in ("MaxPooling1D", "AveragePooling1D", "MaxPooling2D", "AveragePooling2D"):
        for fmt in ("channels_last", "channels_first"):
            assert {(layer, p, fmt) for p in ("shift", "ceil", "plain")} <= seen, (layer, fmt)


GRID_1D = list(
    itertools.product(
        ("max", "avg"),
        ("valid", "same"),
        (True, False),
        ((1, 1), (2, 1), (2, 2), (3, 2), (4, 3), (2, 3), (5, 1)),
        (5, 6, 9),
    )
)


@pytest.mark.parametrize(("mode", "padding", "last", "ks", "length"), GRID_1D)
def test_1d_matches_numpy_reference(rng, mode, padding, last, ks, length):
    k, s = ks
    cls = convlayers.MaxPooling1D if mode == "max" else convlayers.AveragePooling1D
    fmt = "channels_last" if last else "channels_first"
    layer = cls(k, s, padding, fmt, dtype="float64")
    shape = (2, length, 3) if last else (2, 3, length)
    x = rng.standard_normal(shape)
    y = layer(x)
    expected = ref.pool(x, mode, (k,), (s,), padding, last)
    assert tuple(y.shape) == expected.shape == layer.compute_output_shape(shape)
    assert relative_l2(y, expected) < 1e-14


GRID_2D = list(
    itertools.product(
        ("max", "avg"),
        ("valid", "same"),
        (True, False),
        (((2, 2), (2, 2)), ((3, 3), (2, 2)), ((3, 2), (2, 3)), ((4, 1), (3, 1)), ((2, 3), (1, 1))),
        ((7, 6), (5, 8)),
    )
)


@pytest.mark.parametrize(("mode", "padding", "last", "ks", "size"), GRID_2D)
def test_2d_matches_numpy_reference(rng, mode, padding, last, ks, size):
    k, s = ks
    cls = convlayers.MaxPooling2D if mode == "max" else convlayers.AveragePooling2D
    fmt = "channels_last" if last else "channels_first"
    layer = cls(k, s, padding, fmt, dtype="float64")
    shape = (2, *size, 3) if last else (2, 3, *size)
    x = rng.standard_normal(shape)
    y = layer(x)
    expected = ref.pool(x, mode, k, s, padding, last)
    assert tuple(y.shape) == expected.shape == layer.compute_output_shape(shape)
    assert relative_l2(y, expected) < 1e-14


@pytest.mark.parametrize("length", range(1, 14))
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_same_average_excludes_padding(length, stride, k):
    """A constant input stays constant under 'same' average pooling: no zero is counted."""
    layer = convlayers.AveragePooling1D(k, stride, "same")
    y = layer(torch.full((1, length, 2), 3.0))
    assert y.shape[1] == math.ceil(length / stride)
    assert torch.equal(y, torch.full_like(y, 3.0))


def test_same_max_never_takes_padding():
    layer = convlayers.MaxPooling2D(3, 2, "same")
    y = layer(torch.full((1, 6, 5, 1), -5.0))
    assert torch.equal(y, torch.full((1, 3, 3, 1), -5.0))


@pytest.mark.parametrize(
    ("cls", "kwargs", "shape", "expected"),
    [
        (convlayers.MaxPooling1D, {}, (None, 9, 4), (None, 4, 4)),
        (convlayers.MaxPooling1D, dict(padding="same"), (None, 9, 4), (None, 5, 4)),
        (convlayers.AveragePooling1D, dict(pool_size=3, strides=1), (2, 9, 4), (2, 7, 4)),
        (
            convlayers.AveragePooling1D,
            dict(data_format="channels_first"),
            (None, 4, None),
            (None, 4, None),
        ),
        (convlayers.MaxPooling2D, {}, (None, 7, 8, 3), (None, 3, 4, 3)),
        (
            convlayers.AveragePooling2D,
            dict(pool_size=3, strides=2, padding="same", data_format="channels_first"),
            (None, 3, 7, 8),
            (None, 3, 4, 4),
        ),
        (convlayers.GlobalMaxPooling1D, {}, (None, 9, 4), (None, 4)),
        (convlayers.GlobalAveragePooling1D, dict(keepdims=True), (None, 9, 4), (None, 1, 4)),
        (
            convlayers.GlobalAveragePooling1D,
            dict(keepdims=True, data_format="channels_first"),
            (None, 4, 9),
            (None, 4, 1),
        ),
        (convlayers.GlobalAveragePooling2D, {}, (None, 5, 6, 4), (None, 4)),
        (convlayers.GlobalMaxPooling2D, dict(keepdims=True), (None, 5, 6, 4), (None, 1, 1, 4)),
        (
            convlayers.GlobalMaxPooling2D,
            dict(keepdims=True, data_format="channels_first"),
            (None, 4, 5, 6),
            (None, 4, 1, 1),
        ),
    ],
)
def test_shape_table_and_symbolic_use(cls, kwargs, shape, expected):
    layer = cls(**kwargs)
    assert layer.compute_output_shape(shape) == expected
    assert layer(convlayers.Input(batch_shape=shape)).shape == expected


def test_sequential_model_with_pooling(rng):
    model = convlayers.Sequential(
        [
            convlayers.Conv2D(4, 3, padding="same", input_shape=(8, 8, 2)),
            convlayers.MaxPooling2D(),
            convlayers.AveragePooling2D(3, 2, "same"),
            convlayers.GlobalMaxPooling2D(),
        ]
    )
    assert model.output_shape == (None, 4)
    x = rng.standard_normal((2, 8, 8, 2)).astype("float32")
    assert model.predict(x).shape == (2, 4)


@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize(
    ("k", "s", "padding", "last"),
    [
        (3, 2, "same", True),
        (2, 1, "same", False),
        ((3, 2), (2, 3), "same", True),
        (2, 2, "valid", True),
    ],
)
def test_gradcheck(rng, mode, k, s, padding, last):
    rank = 2 if isinstance(k, tuple) else 1
    cls = {
        ("max", 1): convlayers.MaxPooling1D,
        ("avg", 1): convlayers.AveragePooling1D,
        ("max", 2): convlayers.MaxPooling2D,
        ("avg", 2): convlayers.AveragePooling2D,
    }[mode, rank]
    layer = cls(k, s, padding, "channels_last" if last else "channels_first", dtype="float64")
    shape = (2, *(7,) * rank, 3) if last else (2, 3, *(7,) * rank)
    x = torch.tensor(rng.permutation(math.prod(shape)).reshape(shape) / 7.0, requires_grad=True)
    assert torch.autograd.gradcheck(layer, (x,))


def test_masked_global_average_from_a_carried_mask():
    x = torch.tensor([[[1.0, 2.0], [3.0, 4.0], [100.0, 100.0]]])
    x._keras_mask = torch.tensor([[True, True, False]])
    layer = convlayers.GlobalAveragePooling1D()
    y = layer(x)
    assert y.tolist() == [[2.0, 3.0]]
    assert getattr(y, "_keras_mask", None) is None
    assert convlayers.GlobalAveragePooling1D(keepdims=True)(x).shape == (1, 1, 2)


def test_global_max_shares_the_gradient_of_ties():
    x = torch.tensor([[[2.0], [2.0], [1.0]]], requires_grad=True)
    convlayers.GlobalMaxPooling1D()(x).sum().backward()
    assert x.grad.flatten().tolist() == [0.5, 0.5, 0.0]  # as TF's reduce_max gradient


def test_aliases_are_the_same_classes_and_deserialize():
    assert convlayers.MaxPool1D is convlayers.MaxPooling1D
    assert convlayers.AvgPool2D is convlayers.AveragePooling2D
    assert convlayers.GlobalAvgPool1D is convlayers.GlobalAveragePooling1D
    assert convlayers.GlobalMaxPool2D is convlayers.GlobalMaxPooling2D
    assert layer_class("MaxPool2D") is convlayers.MaxPooling2D
    assert convlayers.layers.GlobalMaxPool1D is convlayers.GlobalMaxPooling1D


@pytest.mark.parametrize(
    ("cls", "kwargs", "message"),
    [
        (convlayers.MaxPooling1D, dict(pool_size=0), r"Received: pool_size=0"),
        (convlayers.MaxPooling1D, dict(pool_size=(2, 2)), r"Received: pool_size=\(2, 2\)"),
        (convlayers.MaxPooling1D, dict(strides=0), r"Received: strides=0"),
        (convlayers.MaxPooling2D, dict(strides=(1, 0)), r"Received: strides=\(1, 0\)"),
        (
            convlayers.AveragePooling1D,
            dict(padding="causal"),
            r"Causal padding is only supported for .*Received: padding='causal'",
        ),
        (convlayers.AveragePooling2D, dict(padding="full"), r"Received: padding='full'"),
        (
            convlayers.MaxPooling2D,
            dict(data_format="channels_middle"),
            r"Received: data_format='channels_middle'",
        ),
        (convlayers.GlobalMaxPooling1D, dict(keepdims=1), r"Received: keepdims=1"),
    ],
)
def test_config_errors(cls, kwargs, message):
    # tf-keras accepts strides=0 and padding='causal' here and fails at the first call.
    with pytest.raises(ValueError, match=message):
        cls(**kwargs)


def test_window_longer_than_input_is_a_clear_error():
    # tf-keras fails in the MaxPool kernel, or returns an empty output for average pooling.
    for cls in (convlayers.MaxPooling1D, convlayers.AveragePooling1D):
        layer = cls(6)
        with pytest.raises(ValueError, match=r"One of the dimensions in the output is <= 0"):
            layer(torch.zeros(1, 5, 2))
        with pytest.raises(ValueError, match=r"One of the dimensions in the output is <= 0"):
            layer.compute_output_shape((None, 5, 2))
    assert convlayers.MaxPooling1D(5)(torch.zeros(1, 5, 2)).shape == (1, 1, 2)


# Every refusal the reference words itself is checked in test_reference_errors.py.


@pytest.mark.usefixtures("fresh_dynamo")
def test_pooling_under_torch_compile(rng):
    model = convlayers.Sequential(
        [
            convlayers.AveragePooling1D(3, 2, "same", input_shape=(None, 2)),
            convlayers.MaxPooling1D(2, 1, "same"),
            convlayers.GlobalAveragePooling1D(),
        ]
    )
    x = torch.tensor(rng.standard_normal((2, 8, 2)), dtype=torch.float32)
    for dynamic in (False, True):
        torch._dynamo.reset()
        compiled = torch.compile(model, backend="aot_eager", fullgraph=True, dynamic=dynamic)
        torch.testing.assert_close(compiled(x), model(x))
        torch.testing.assert_close(compiled(x[:, :7]), model(x[:, :7]))
