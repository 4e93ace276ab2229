"""DepthwiseConv1D/2D: fixtures from tf-keras, NumPy reference, gradients, shapes, errors."""

import itertools
import json

import pytest
import separable_reference
import torch
from fixture_loader import FIXTURES, load_fixtures
from parity import check_against_fixture, relative_l2

import convlayers

CASES = load_fixtures("depthwise_conv1d") + load_fixtures("depthwise_conv2d")
LAYERS = {
    "DepthwiseConv1D": convlayers.DepthwiseConv1D,
    "DepthwiseConv2D": convlayers.DepthwiseConv2D,
}
CONFIGS = json.loads((FIXTURES / "separable_configs.json").read_text())["configs"]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.layer}-{c.id}" for c in CASES])
def test_matches_tf_keras_fixture(case, conv_route):
    """Every route gives the reference's outputs and gradients: the switch points between
    them are invisible."""
    route, hand_calls, gemm_calls = conv_route
    layer = LAYERS[case.layer].from_config(case.config)
    check_against_fixture(layer, case)
    assert bool(hand_calls) == (route == "hand")
    assert bool(gemm_calls) == (route == "gemm" and case.layer == "SeparableConv1D")
    assert tuple(layer.compute_output_shape(case.input_shape)) == tuple(case.arrays["y"].shape)


@pytest.mark.parametrize("layer_name", sorted(LAYERS))
def test_fixtures_cover_the_grid(layer_name):
    cases = [c for c in CASES if c.layer == layer_name]
    seen = {
        (c.config["padding"], c.config["data_format"], c.config["depth_multiplier"]) for c in cases
    }
    formats = ("channels_last", "channels_first")
    assert set(itertools.product(("valid", "same"), formats, (1, 2))) <= seen
    assert {c.config["use_bias"] for c in cases} == {True, False}
    assert len({tuple(c.config["strides"]) for c in cases}) >= 3
    assert len({tuple(c.config["dilation_rate"]) for c in cases}) >= 3


GRID = list(
    itertools.product(
        (1, 2),
        ("valid", "same"),
        ("channels_last", "channels_first"),
        ((1, 1), (2, 1), (3, 1), (1, 2)),
        (1, 3),
        (1, 2, 4),
    )
)


@pytest.mark.parametrize(("rank", "padding", "data_format", "sd", "multiplier", "k"), GRID)
def test_matches_numpy_reference(rng, rank, padding, data_format, sd, multiplier, k):
    stride, dilation = sd
    cls = convlayers.DepthwiseConv1D if rank == 1 else convlayers.DepthwiseConv2D
    kernel_size = (k,) if rank == 1 else (k, 3)
    strides = (stride,) * rank
    dilations = (dilation,) * rank
    layer = cls(kernel_size, strides, padding, multiplier, data_format, dilations, dtype="float64")
    spatial = (10,) if rank == 1 else (9, 8)
    shape = (2, *spatial, 3) if data_format == "channels_last" else (2, 3, *spatial)
    x = rng.standard_normal(shape)
    layer.build(shape)
    kernel = rng.standard_normal((*kernel_size, 3, multiplier))
    bias = rng.standard_normal(3 * multiplier)
    layer.set_weights([kernel, bias])
    y = layer(x)
    expected = separable_reference.depthwise(
        x, kernel, bias, strides, padding, dilations, data_format == "channels_last"
    )
    assert y.dtype == torch.float64
    assert relative_l2(y.detach(), expected) < 1e-12
    assert tuple(y.shape) == layer.compute_output_shape(shape)


def test_output_channel_order_is_keras():
    """Channel c*dm + m of the output is input channel c under kernel[..., c, m]."""
    layer = convlayers.DepthwiseConv1D(1, depth_multiplier=3, use_bias=False)
    layer.build((None, 1, 2))
    layer.set_weights([torch.tensor([[[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]]])])
    y = layer(torch.tensor([[[1.0, 100.0]]]))
    assert y.tolist() == [[[1.0, 2.0, 3.0, 1000.0, 2000.0, 3000.0]]]


@pytest.mark.parametrize(
    ("rank", "kwargs"),
    [
        (1, dict(padding="same", strides=2, depth_multiplier=2)),
        (1, dict(padding="valid", dilation_rate=2, data_format="channels_first")),
        (2, dict(padding="same", kernel_size=(2, 3), strides=(2, 1), use_bias=False)),
        (2, dict(padding="valid", dilation_rate=(1, 2), depth_multiplier=2)),
    ],
)
def test_gradcheck(rng, rank, kwargs, conv_route):
    kwargs = {"kernel_size": 3, **kwargs}
    cls = convlayers.DepthwiseConv1D if rank == 1 else convlayers.DepthwiseConv2D
    layer = cls(dtype="float64", **kwargs)
    spatial = (7,) if rank == 1 else (6, 5)
    channels_first = kwargs.get("data_format") == "channels_first"
    shape = (2, 2, *spatial) if channels_first else (2, *spatial, 2)
    x = torch.tensor(rng.standard_normal(shape), requires_grad=True)
    layer.build(shape)
    names = [name for name, _ in layer.named_parameters()]

    def run(x, *weights):
        return torch.func.functional_call(layer, dict(zip(names, weights, strict=True)), (x,))

    weights = [w.detach().clone().requires_grad_() for w in layer.weights]
    assert torch.autograd.gradcheck(run, (x, *weights))


@pytest.mark.parametrize(
    ("make", "shape", "expected"),
    [
        (lambda: convlayers.DepthwiseConv1D(3), (None, 10, 4), (None, 8, 4)),
        (lambda: convlayers.DepthwiseConv1D(3, 2, "same", 3), (None, 9, 4), (None, 5, 12)),
        (
            lambda: convlayers.DepthwiseConv1D(4, data_format="channels_first"),
            (None, 4, 10),
            (None, 4, 7),
        ),
        (lambda: convlayers.DepthwiseConv2D((3, 2)), (None, 7, 9, 2), (None, 5, 8, 2)),
        (
            lambda: convlayers.DepthwiseConv2D(3, (2, 3), "same", 2),
            (None, 7, 9, 2),
            (None, 4, 3, 4),
        ),
        (
            lambda: convlayers.DepthwiseConv2D(
                3, dilation_rate=(1, 3), data_format="channels_first"
            ),
            (None, 2, 7, 9),
            (None, 2, 5, 3),
        ),
    ],
)
def test_shape_table(make, shape, expected):
    layer = make()
    assert layer.compute_output_shape(shape) == expected
    assert tuple(layer(torch.zeros((1, *shape[1:]))).shape) == (1, *expected[1:])


def test_weights_in_keras_order_and_layout():
    layer = convlayers.DepthwiseConv2D((3, 2), depth_multiplier=2)
    layer.build((None, 8, 8, 4))
    assert [name for name, _ in layer.named_parameters()] == ["depthwise_kernel", "bias"]
    assert [tuple(w.shape) for w in layer.get_weights()] == [(3, 2, 4, 2), (8,)]
    no_bias = convlayers.DepthwiseConv1D(3, use_bias=False)
    no_bias.build((None, 8, 4))
    assert [tuple(w.shape) for w in no_bias.weights] == [(3, 4, 1)]


@pytest.mark.parametrize("key", [k for k in CONFIGS if "Depthwise" in k])
def test_config_equals_reference(key):
    entry = CONFIGS[key]
    cls = LAYERS[key.split()[1].split("(")[0]]
    layer = cls(**entry["kwargs"])
    assert json.loads(json.dumps(layer.get_config())) == entry["config"]
    clone = cls.from_config(entry["config"])
    assert json.loads(json.dumps(clone.get_config())) == entry["config"]


@pytest.mark.parametrize("case", CASES[::13], ids=[c.id for c in CASES[::13]])
def test_config_round_trip(case):
    layer = LAYERS[case.layer].from_config(case.config)
    assert json.loads(json.dumps(layer.get_config())) == case.config


@pytest.mark.parametrize(
    ("cls", "kwargs", "message"),
    [
        (
            convlayers.DepthwiseConv1D,
            dict(padding="causal"),
            r"Causal padding is only supported for `Conv1D`and .* padding='causal'",
        ),
        (
            convlayers.DepthwiseConv2D,
            dict(padding="causal"),
            r"Causal padding is only supported for `Conv1D`and .* padding='causal'",
        ),
        (
            convlayers.DepthwiseConv1D,
            dict(strides=2, dilation_rate=3),
            r"Received: strides=\(2,\) and dilation_rate=\(3,\)",
        ),
        (
            convlayers.DepthwiseConv2D,
            dict(depth_multiplier=0),
            "Invalid value for argument `depth_multiplier`. .* depth_multiplier=0",
        ),
        (convlayers.DepthwiseConv1D, dict(depth_multiplier=-1), "Received: depth_multiplier=-1"),
        (convlayers.DepthwiseConv1D, dict(depth_multiplier="2"), "Received: depth_multiplier='2'"),
        (convlayers.DepthwiseConv2D, dict(kernel_size=(3, 0)), r"Received: kernel_size=\(3, 0\)"),
        (convlayers.DepthwiseConv2D, dict(strides=(1, 2, 1)), r"Received: strides=\(1, 2, 1\)"),
        (
            convlayers.DepthwiseConv2D,
            dict(groups=3),
            "`groups` must be 1 for depthwise and separable layers. Received: groups=3",
        ),
    ],
)
def test_config_errors(cls, kwargs, message):
    kwargs = {"kernel_size": 3, **kwargs}
    with pytest.raises(ValueError, match=message):
        cls(**kwargs)


def test_input_errors():
    layer = convlayers.DepthwiseConv2D(3)
    with pytest.raises(
        ValueError, match=r"Inputs to `DepthwiseConv` should have rank 4. .*=\(1, 8, 8\)"
    ):
        layer(torch.zeros(1, 8, 8))
    layer(torch.zeros(1, 8, 8, 2))
    with pytest.raises(ValueError, match=r"expected axis -1 of input shape to have value 2"):
        layer(torch.zeros(1, 8, 8, 5))
    with pytest.raises(ValueError, match=r"spatial output shape \(0, 6\)"):
        convlayers.DepthwiseConv2D((9, 3))(torch.zeros(1, 8, 8, 2))
