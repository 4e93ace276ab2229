"""Conv2D: fixtures from tf-keras, NumPy reference, gradients, shapes, errors."""

import itertools
import json
import math

import numpy_reference
import pytest
import torch
from fixture_loader import FIXTURES, load_fixtures
from parity import check_against_fixture, relative_l2

import convlayers

CASES = load_fixtures("conv2d")
CONFIGS = json.loads((FIXTURES / "separable_configs.json").read_text())["configs"]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_matches_tf_keras_fixture(case):
    layer = convlayers.Conv2D.from_config(case.config)
    check_against_fixture(layer, case)
    assert tuple(layer.compute_output_shape(case.input_shape)) == tuple(case.arrays["y"].shape)


def test_fixtures_cover_the_grid():
    seen = {
        (c.config["padding"], c.config["data_format"], c.config["groups"], c.config["use_bias"])
        for c in CASES
    }
    grid = itertools.product(
        ("valid", "same"), ("channels_last", "channels_first"), (1, 2), (True, False)
    )
    assert set(grid) <= seen
    assert any(s[0] != s[1] for s in (c.config["strides"] for c in CASES))
    assert any(d[0] != d[1] for d in (c.config["dilation_rate"] for c in CASES))
    assert any(k[0] != k[1] for k in (c.config["kernel_size"] for c in CASES))


GRID = list(
    itertools.product(
        ("valid", "same"),
        ("channels_last", "channels_first"),
        (((1, 1), (1, 1)), ((2, 3), (1, 1)), ((3, 1), (1, 1)), ((1, 1), (2, 1)), ((1, 1), (1, 3))),
        (1, 2),
        ((1, 1), (3, 2), (2, 4)),
    )
)


@pytest.mark.parametrize(("padding", "data_format", "sd", "groups", "k"), GRID)
def test_matches_numpy_reference(rng, padding, data_format, sd, groups, k):
    strides, dilation = sd
    layer = convlayers.Conv2D(
        6, k, strides, padding, data_format, dilation, groups, dtype="float64"
    )
    shape = (2, 9, 10, 4) if data_format == "channels_last" else (2, 4, 9, 10)
    x = rng.standard_normal(shape)
    layer.build(shape)
    kernel = rng.standard_normal((*k, 4 // groups, 6))
    bias = rng.standard_normal(6)
    layer.set_weights([kernel, bias])
    y = layer(x)
    expected = numpy_reference.conv(
        x, kernel, bias, strides, padding, dilation, groups, data_format == "channels_last"
    )
    assert y.dtype == torch.float64
    assert relative_l2(y.detach(), expected) < 1e-12
    assert tuple(y.shape) == layer.compute_output_shape(shape)


@pytest.mark.parametrize(
    ("kwargs", "shape", "expected"),
    [
        (dict(kernel_size=3), (None, 7, 9, 2), (None, 5, 7, 5)),
        (dict(kernel_size=(3, 2), strides=(2, 3)), (None, 7, 9, 2), (None, 3, 3, 5)),
        (
            dict(kernel_size=(4, 4), strides=(2, 3), padding="same"),
            (None, 7, 9, 2),
            (None, 4, 3, 5),
        ),
        (dict(kernel_size=3, dilation_rate=(3, 1)), (None, 7, 9, 2), (None, 1, 7, 5)),
        (dict(kernel_size=3, data_format="channels_first"), (None, 2, 7, 9), (None, 5, 5, 7)),
    ],
)
def test_shape_table(kwargs, shape, expected):
    layer = convlayers.Conv2D(5, **kwargs)
    assert layer.compute_output_shape(shape) == expected
    assert tuple(layer(torch.zeros((1, *shape[1:]))).shape) == (1, *expected[1:])


@pytest.mark.parametrize("size", range(1, 12))
@pytest.mark.parametrize("stride", [1, 2, 3])
def test_same_size_is_ceil(size, stride):
    layer = convlayers.Conv2D(2, (2, 3), (1, stride), "same")
    assert layer(torch.zeros(1, 4, size, 3)).shape[1:3] == (4, math.ceil(size / stride))


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(padding="same", strides=(2, 1)),
        dict(padding="valid", dilation_rate=(1, 2), groups=2, data_format="channels_first"),
        dict(padding="same", kernel_size=(2, 4), use_bias=False),
    ],
)
def test_gradcheck(rng, kwargs):
    kwargs = {"kernel_size": 3, **kwargs}
    layer = convlayers.Conv2D(4, dtype="float64", **kwargs)
    shape = (2, 2, 6, 7) if kwargs.get("data_format") == "channels_first" else (2, 6, 7, 2)
    x = torch.tensor(rng.standard_normal(shape), requires_grad=True)
    layer.build(shape)
    names = [name for name, _ in layer.named_parameters()]

    def run(x, *weights):
        return torch.func.functional_call(layer, dict(zip(names, weights, strict=True)), (x,))

    weights = [w.detach().clone().requires_grad_() for w in layer.weights]
    assert torch.autograd.gradcheck(run, (x, *weights))


def test_config_equals_reference():
    entry = CONFIGS["default Conv2D(8, 3)"]
    layer = convlayers.Conv2D(**entry["kwargs"])
    assert json.loads(json.dumps(layer.get_config())) == entry["config"]
    clone = convlayers.Conv2D.from_config(entry["config"])
    assert json.loads(json.dumps(clone.get_config())) == entry["config"]


@pytest.mark.parametrize("case", CASES[::11], ids=[c.id for c in CASES[::11]])
def test_config_round_trip(case):
    layer = convlayers.Conv2D.from_config(case.config)
    assert json.loads(json.dumps(layer.get_config())) == case.config


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            dict(padding="causal"),
            r"Causal padding is only supported for `Conv1D`and .* padding='causal'",
        ),
        (dict(strides=(2, 1), dilation_rate=(1, 2)), r"strides=\(2, 1\) and dilation_rate"),
        (dict(groups=3), "The number of filters must be evenly divisible .* groups=3, filters=4"),
        (dict(filters=0), "Invalid value for argument `filters`. .* Received: filters=0"),
        (dict(kernel_size=(3,)), r"Received: kernel_size=\(3,\)"),
        (dict(data_format="NCHW"), "Received: data_format='NCHW'"),
    ],
)
def test_config_errors(kwargs, message):
    kwargs = {"filters": 4, "kernel_size": 3, **kwargs}
    with pytest.raises(ValueError, match=message):
        convlayers.Conv2D(**kwargs)


def test_input_errors():
    layer = convlayers.Conv2D(4, 3, groups=2)
    with pytest.raises(
        ValueError,
        match=r"groups=2, but the input has 3 channels \(full input shape is \(1, 8, 8, 3\)\)",
    ):
        layer(torch.zeros(1, 8, 8, 3))
    layer = convlayers.Conv2D(4, 3)
    with pytest.raises(ValueError, match=r"expected min_ndim=4, found ndim=3"):
        layer(torch.zeros(1, 8, 3))
    layer(torch.zeros(1, 8, 8, 3))
    with pytest.raises(ValueError, match=r"expected axis -1 of input shape to have value 3"):
        layer(torch.zeros(1, 8, 8, 4))
    with pytest.raises(ValueError, match=r"spatial output shape \(6, -1\)"):
        convlayers.Conv2D(4, (3, 10))(torch.zeros(1, 8, 8, 3))
