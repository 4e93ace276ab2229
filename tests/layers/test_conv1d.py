"""Conv1D: shapes, NumPy reference, golden fixtures from tf-keras, gradients, errors."""

import itertools
import json
import math

import numpy_reference
import pytest
import torch
from fixture_loader import FIXTURES, load_fixtures
from parity import check_against_fixture, relative_l2

import convlayers

CASES = load_fixtures("conv1d")


ROUTES = pytest.mark.parametrize("conv_route", ["autograd", "gemm"], indirect=True)


@ROUTES
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_matches_tf_keras_fixture(case, conv_route):
    """Both routes (conv2d, and one GEMM for small problems) give the reference's outputs
    and gradients: the switch point between them is invisible."""
    route, _, gemm_calls = conv_route
    layer = convlayers.Conv1D.from_config(case.config)
    check_against_fixture(layer, case)
    assert bool(gemm_calls) == (route == "gemm" and case.config["groups"] == 1)


def test_fixtures_cover_the_grid():
    seen = {
        (c.config["padding"], c.config["data_format"], c.config["groups"], c.config["use_bias"])
        for c in CASES
    }
    grid = itertools.product(
        ("valid", "same", "causal"), ("channels_last", "channels_first"), (1, 2), (True, False)
    )
    assert set(grid) <= seen
    assert {tuple(c.config["strides"]) for c in CASES} >= {(1,), (2,), (3,)}
    assert {tuple(c.config["dilation_rate"]) for c in CASES} >= {(1,), (2,), (3,)}
    kernels = {c.config["kernel_size"][0] for c in CASES}
    assert any(k % 2 == 0 for k in kernels) and any(k % 2 for k in kernels)


REFERENCE_CONFIGS = json.loads((FIXTURES / "conv1d_configs.json").read_text())["configs"]


@pytest.mark.parametrize("description", list(REFERENCE_CONFIGS))
def test_get_config_equals_the_reference(description):
    entry = REFERENCE_CONFIGS[description]
    layer = convlayers.Conv1D(**entry["kwargs"])
    assert json.loads(json.dumps(layer.get_config())) == entry["config"]
    clone = convlayers.Conv1D.from_config(entry["config"])
    assert json.loads(json.dumps(clone.get_config())) == entry["config"]


GRID = list(
    itertools.product(
        ("valid", "same", "causal"),
        ("channels_last", "channels_first"),
        ((1, 1), (2, 1), (3, 1), (1, 2), (1, 3)),
        (1, 2),
        (1, 2, 4, 5),
        (9, 10),
    )
)


# kernels longer than the input under 'valid' are refused: see test_kernel_longer_than_input
GRID = [g for g in GRID if g[0] != "valid" or g[2][1] * (g[4] - 1) + 1 <= g[5]]


@ROUTES
@pytest.mark.parametrize(("padding", "data_format", "sd", "groups", "k", "length"), GRID)
def test_matches_numpy_reference(rng, padding, data_format, sd, groups, k, length, conv_route):
    stride, dilation = sd
    layer = convlayers.Conv1D(6, k, stride, padding, data_format, dilation, groups, dtype="float64")
    shape = (2, length, 4) if data_format == "channels_last" else (2, 4, length)
    x = rng.standard_normal(shape)
    layer.build(shape)
    kernel = rng.standard_normal((k, 4 // groups, 6))
    bias = rng.standard_normal(6)
    layer.set_weights([kernel, bias])
    y = layer(x)
    expected = numpy_reference.conv(
        x, kernel, bias, (stride,), padding, (dilation,), groups, data_format == "channels_last"
    )
    assert y.dtype == torch.float64
    assert relative_l2(y.detach(), expected) < 1e-12
    assert tuple(y.shape) == layer.compute_output_shape(shape)


@pytest.mark.parametrize(
    ("padding", "length", "stride", "expected"),
    [
        ("valid", 10, 1, 8),
        ("valid", 10, 3, 3),
        ("same", 10, 1, 10),
        ("same", 10, 3, 4),
        ("causal", 10, 1, 10),
        ("causal", 11, 2, 6),
    ],
)
def test_shape_table(padding, length, stride, expected):
    layer = convlayers.Conv1D(5, 3, stride, padding)
    assert layer.compute_output_shape((None, length, 2)) == (None, expected, 5)
    assert layer(torch.zeros(1, length, 2)).shape == (1, expected, 5)


@pytest.mark.parametrize("length", range(1, 20))
@pytest.mark.parametrize("stride", [1, 2, 3])
def test_same_length_is_ceil(length, stride):
    layer = convlayers.Conv1D(2, 4, stride, "same")
    assert layer(torch.zeros(1, length, 3)).shape[1] == math.ceil(length / stride)


def test_causal_output_ignores_the_future(rng):
    layer = convlayers.Conv1D(3, 3, padding="causal", dilation_rate=2)
    x = torch.tensor(rng.standard_normal((1, 12, 2)), dtype=torch.float32, requires_grad=True)
    layer(x)[0, 5].sum().backward()
    assert torch.all(x.grad[0, 6:] == 0) and torch.any(x.grad[0, :6] != 0)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(padding="same", strides=2),
        dict(padding="causal", dilation_rate=3, groups=2),
        dict(padding="valid", data_format="channels_first", use_bias=False),
        dict(padding="same", kernel_size=4, dilation_rate=2),
    ],
)
@ROUTES
def test_gradcheck(rng, kwargs, conv_route):
    kwargs = {"kernel_size": 3, **kwargs}
    layer = convlayers.Conv1D(4, dtype="float64", **kwargs)
    shape = (2, 4, 7) if kwargs.get("data_format") == "channels_first" else (2, 7, 4)
    x = torch.tensor(rng.standard_normal(shape), requires_grad=True)
    layer.build(shape)
    names = [name for name, _ in layer.named_parameters()]

    def run(x, *weights):
        return torch.func.functional_call(layer, dict(zip(names, weights)), (x,))

    weights = [w.detach().clone().requires_grad_() for w in layer.weights]
    assert torch.autograd.gradcheck(run, (x, *weights))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            dict(filters=0, kernel_size=3),
            "Invalid value for argument `filters`. .* Received: filters=0",
        ),
        (dict(filters=-2, kernel_size=3), "Received: filters=-2"),
        (
            dict(filters=6, kernel_size=3, groups=4),
            "The number of filters must be evenly divisible .* Received: groups=4, filters=6",
        ),
        (
            dict(filters=6, kernel_size=0),
            r"The `kernel_size` argument must be .* Received: kernel_size=0",
        ),
        (dict(filters=6, kernel_size=3, strides=0), r"Received: strides=0"),
        (
            dict(filters=6, kernel_size=3, strides=2, dilation_rate=2),
            r"Received: strides=\(2,\) and dilation_rate=\(2,\)",
        ),
        (
            dict(filters=6, kernel_size=3, padding="full"),
            r"The `padding` argument must be a list/tuple or one of .* Received: padding='full'",
        ),
        (
            dict(filters=6, kernel_size=3, data_format="channels_middle"),
            r"Received: data_format='channels_middle'",
        ),
        (dict(filters=6, kernel_size=(3, 3)), r"Received: kernel_size=\(3, 3\)"),
    ],
)
def test_config_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        convlayers.Conv1D(**kwargs)


def test_input_errors():
    layer = convlayers.Conv1D(4, 3, groups=2)
    with pytest.raises(
        ValueError,
        match=r"groups=2, but the input has 3 channels \(full input shape is \(1, 8, 3\)\)",
    ):
        layer(torch.zeros(1, 8, 3))
    layer = convlayers.Conv1D(4, 3)
    with pytest.raises(
        ValueError, match=r"expected min_ndim=3, found ndim=2. Full shape received: \(8, 3\)"
    ):
        layer(torch.zeros(8, 3))
    layer(torch.zeros(1, 8, 3))
    with pytest.raises(
        ValueError,
        match=r"expected axis -1 of input shape to have value 3, "
        r"but received input with shape \(1, 8, 5\)",
    ):
        layer(torch.zeros(1, 8, 5))
    with pytest.raises(ValueError, match=r"expected axis -1 of input shape to have value 3"):
        layer(torch.zeros(1, 8, 3, 1))  # extra batch axes are fine, but the channels must fit


def test_kernel_longer_than_input_is_a_clear_error():
    # tf-keras fails deep inside TF here (a bias error); we refuse with the shapes.
    layer = convlayers.Conv1D(4, 5)
    with pytest.raises(
        ValueError,
        match=r"Received input shape \[1, 3, 2\] .* \(spatial output shape \(-1,\)\)",
    ):
        layer(torch.zeros(1, 3, 2))
    built = convlayers.Conv1D(4, 5)
    built(torch.zeros(1, 9, 2))
    with pytest.raises(ValueError, match=r"spatial output shape \(0,\)"):
        built(torch.zeros(1, 4, 2))
    with pytest.raises(
        ValueError, match=r"shape \[None, 5, 2\] .* \(spatial output shape \(-1,\)\)"
    ):
        convlayers.Conv1D(4, 3, dilation_rate=3).compute_output_shape((None, 5, 2))


def test_data_format_none_follows_keras_json(tmp_path, monkeypatch):
    home = tmp_path / "keras"
    home.mkdir()
    (home / "keras.json").write_text('{"image_data_format": "channels_first"}')
    monkeypatch.setenv("KERAS_HOME", str(home))
    convlayers.config.set_image_data_format(None)
    layer = convlayers.Conv1D(4, 3, data_format=None)
    assert layer.data_format == "channels_first"
    assert layer(torch.zeros(2, 3, 8)).shape == (2, 4, 6)
    assert convlayers.Conv1D(4, 3).data_format == "channels_last"  # Conv1D's own default
    convlayers.config.set_image_data_format("channels_last")
    assert convlayers.Conv1D(4, 3, data_format=None).data_format == "channels_last"


def test_activation_and_no_bias():
    layer = convlayers.Conv1D(3, 1, activation="relu", use_bias=False, kernel_initializer="ones")
    x = torch.tensor([[[1.0, -3.0], [2.0, 0.5]]])
    assert layer(x).tolist() == [[[0.0, 0.0, 0.0], [2.5, 2.5, 2.5]]]
    assert [name for name, _ in layer.named_parameters()] == ["kernel"]
