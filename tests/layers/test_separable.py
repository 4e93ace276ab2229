"""SeparableConv1D/2D: fixtures from tf-keras, NumPy reference, properties, gradients, errors."""

import itertools
import json
import math

import numpy as np
import pytest
import separable_reference
import torch
from fixture_loader import FIXTURES, load_fixtures
from parity import check_against_fixture, relative_l2

import convlayers

CASES = load_fixtures("separable_conv1d") + load_fixtures("separable_conv2d")
LAYERS = {
    "SeparableConv1D": convlayers.SeparableConv1D,
    "SeparableConv2D": convlayers.SeparableConv2D,
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
    assert [w.shape for w in layer.weights] == [
        case.arrays[f"w/{n}"].shape for n in case.weight_names
    ]


@pytest.mark.parametrize("layer_name", sorted(LAYERS))
def test_fixtures_cover_the_grid(layer_name):
    cases = [c for c in CASES if c.layer == layer_name]
    paddings = ("valid", "same", "causal") if layer_name == "SeparableConv1D" else ("valid", "same")
    seen = {
        (
            c.config["padding"],
            c.config["data_format"],
            c.config["depth_multiplier"],
            c.config["use_bias"],
        )
        for c in cases
    }
    assert (
        set(itertools.product(paddings, ("channels_last", "channels_first"), (1, 2), (True, False)))
        <= seen
    )
    assert len({tuple(c.config["strides"]) for c in cases}) >= 3
    assert len({tuple(c.config["dilation_rate"]) for c in cases}) >= 3
    if layer_name == "SeparableConv2D":
        assert any(k[0] != k[1] for k in (c.config["kernel_size"] for c in cases))
        assert any(s[0] != s[1] for s in (c.config["strides"] for c in cases))


GRID_1D = list(
    itertools.product(
        ("valid", "same", "causal"),
        ("channels_last", "channels_first"),
        ((1, 1), (2, 1), (3, 1), (1, 2)),
        (1, 3),
        (1, 2, 5),
    )
)


@pytest.mark.parametrize(("padding", "data_format", "sd", "multiplier", "k"), GRID_1D)
def test_1d_matches_numpy_reference(rng, padding, data_format, sd, multiplier, k):
    stride, dilation = sd
    layer = convlayers.SeparableConv1D(
        4, k, stride, padding, data_format, dilation, multiplier, dtype="float64"
    )
    shape = (2, 10, 3) if data_format == "channels_last" else (2, 3, 10)
    _check_reference(rng, layer, shape, (k,), 3, multiplier, 4, data_format)


GRID_2D = list(
    itertools.product(
        ("valid", "same"),
        ("channels_last", "channels_first"),
        (((1, 1), (1, 1)), ((2, 3), (1, 1)), ((1, 1), (2, 1)), ((3, 3), (1, 1))),
        (1, 2),
        ((3, 2), (1, 4), (3, 3)),
    )
)


@pytest.mark.parametrize(("padding", "data_format", "sd", "multiplier", "k"), GRID_2D)
def test_2d_matches_numpy_reference(rng, padding, data_format, sd, multiplier, k):
    strides, dilation = sd
    layer = convlayers.SeparableConv2D(
        3, k, strides, padding, data_format, dilation, multiplier, dtype="float64"
    )
    shape = (2, 8, 7, 2) if data_format == "channels_last" else (2, 2, 8, 7)
    _check_reference(rng, layer, shape, k, 2, multiplier, 3, data_format)


def _check_reference(rng, layer, shape, k, channels, multiplier, filters, data_format):
    x = rng.standard_normal(shape)
    layer.build(shape)
    rank = len(k)
    dk = rng.standard_normal((*k, channels, multiplier))
    pk = rng.standard_normal((1,) * rank + (channels * multiplier, filters))
    bias = rng.standard_normal(filters)
    layer.set_weights([dk, pk, bias])
    y = layer(x)
    expected = separable_reference.separable(
        x,
        dk,
        pk,
        bias,
        layer.strides,
        layer.padding,
        layer.dilation_rate,
        data_format == "channels_last",
    )
    assert y.dtype == torch.float64
    assert relative_l2(y.detach(), expected) < 1e-12
    assert tuple(y.shape) == layer.compute_output_shape(shape)


@pytest.mark.parametrize(
    ("rank", "kwargs"),
    [
        (1, dict(padding="same", depth_multiplier=2)),
        (1, dict(padding="causal", dilation_rate=2, data_format="channels_first")),
        (1, dict(padding="valid", strides=2, depth_multiplier=3, use_bias=False)),
        (2, dict(padding="same", depth_multiplier=2, data_format="channels_first")),
        (2, dict(padding="valid", kernel_size=(3, 2), strides=(2, 1))),
        (2, dict(padding="same", dilation_rate=(1, 2), use_bias=False)),
    ],
)
def test_equals_depthwise_then_pointwise(rng, rank, kwargs):
    """The separable layer is its depthwise step (no bias) followed by a 1x1 convolution."""
    kwargs = {"kernel_size": 3, **kwargs}
    sep = (convlayers.SeparableConv1D if rank == 1 else convlayers.SeparableConv2D)(5, **kwargs)
    channels_first = kwargs.get("data_format") == "channels_first"
    spatial = (11,) if rank == 1 else (8, 9)
    shape = (2, 3, *spatial) if channels_first else (2, *spatial, 3)
    x = torch.tensor(rng.standard_normal(shape), dtype=torch.float32)
    y = sep(x)
    dw_kwargs = {k: v for k, v in kwargs.items() if k != "use_bias"}
    if dw_kwargs.get("padding") == "causal":  # DepthwiseConv1D refuses causal: pad by hand
        left = dw_kwargs.get("dilation_rate", 1) * (dw_kwargs["kernel_size"] - 1)
        x = torch.nn.functional.pad(x, (left, 0) if channels_first else (0, 0, left, 0))
        dw_kwargs["padding"] = "valid"
    depthwise = (convlayers.DepthwiseConv1D if rank == 1 else convlayers.DepthwiseConv2D)(
        use_bias=False, **dw_kwargs
    )
    depthwise.build(tuple(x.shape))
    depthwise.set_weights([sep.depthwise_kernel.detach()])
    pointwise = (convlayers.Conv1D if rank == 1 else convlayers.Conv2D)(
        5, 1, data_format=kwargs.get("data_format"), use_bias=kwargs.get("use_bias", True)
    )
    pointwise.build(tuple(depthwise.compute_output_shape(tuple(x.shape))))
    pointwise.set_weights([w.detach() for w in sep.weights[1:]])
    assert relative_l2(y.detach(), pointwise(depthwise(x)).detach()) < 1e-6


@pytest.mark.parametrize(
    ("rank", "kwargs"),
    [
        (1, dict(padding="same", strides=2, depth_multiplier=2)),
        (1, dict(padding="causal", dilation_rate=2, data_format="channels_first")),
        (2, dict(padding="same", kernel_size=(2, 3), strides=(2, 1), use_bias=False)),
        (
            2,
            dict(
                padding="valid",
                dilation_rate=(2, 1),
                depth_multiplier=2,
                data_format="channels_first",
            ),
        ),
    ],
)
def test_gradcheck(rng, rank, kwargs, conv_route):
    kwargs = {"kernel_size": 3, **kwargs}
    cls = convlayers.SeparableConv1D if rank == 1 else convlayers.SeparableConv2D
    layer = cls(3, dtype="float64", **kwargs)
    spatial = (7,) if rank == 1 else (6, 5)
    shape = (2, 2, *spatial) if kwargs.get("data_format") == "channels_first" else (2, *spatial, 2)
    x = torch.tensor(rng.standard_normal(shape), requires_grad=True)
    layer.build(shape)

    names = [name for name, _ in layer.named_parameters()]

    def run(x, *weights):
        return torch.func.functional_call(layer, dict(zip(names, weights, strict=True)), (x,))

    weights = [w.detach().clone().requires_grad_() for w in layer.weights]
    assert torch.autograd.gradcheck(run, (x, *weights))


@pytest.mark.parametrize("rank", [1, 2])
def test_second_order_gradients(rng, rank, conv_route):
    """The hand-picked backward kernels keep double backward (create_graph=True) working."""
    cls = convlayers.SeparableConv1D if rank == 1 else convlayers.SeparableConv2D
    layer = cls(2, 3, padding="same", depth_multiplier=2, dtype="float64")
    shape = (1, 5, 2) if rank == 1 else (1, 4, 3, 2)
    x = torch.tensor(rng.standard_normal(shape), requires_grad=True)
    layer.build(shape)
    names = [name for name, _ in layer.named_parameters()]

    def run(x, *weights):
        return torch.func.functional_call(layer, dict(zip(names, weights, strict=True)), (x,))

    weights = [w.detach().clone().requires_grad_() for w in layer.weights]
    assert torch.autograd.gradgradcheck(run, (x, *weights))


@pytest.mark.parametrize(
    ("layer", "shape", "expected"),
    [
        (lambda: convlayers.SeparableConv1D(5, 3), (None, 10, 2), (None, 8, 5)),
        (lambda: convlayers.SeparableConv1D(5, 3, 3), (None, 10, 2), (None, 3, 5)),
        (lambda: convlayers.SeparableConv1D(5, 4, 3, "same"), (None, 10, 2), (None, 4, 5)),
        (lambda: convlayers.SeparableConv1D(5, 3, 2, "causal"), (None, 11, 2), (None, 6, 5)),
        (
            lambda: convlayers.SeparableConv1D(5, 3, data_format="channels_first"),
            (None, 2, 10),
            (None, 5, 8),
        ),
        (lambda: convlayers.SeparableConv2D(5, (3, 2)), (None, 7, 9, 2), (None, 5, 8, 5)),
        (
            lambda: convlayers.SeparableConv2D(5, 3, (2, 3), "same"),
            (None, 7, 9, 2),
            (None, 4, 3, 5),
        ),
        (
            lambda: convlayers.SeparableConv2D(5, 3, dilation_rate=(2, 1)),
            (None, 7, 9, 2),
            (None, 3, 7, 5),
        ),
        (
            lambda: convlayers.SeparableConv2D(5, 3, data_format="channels_first"),
            (None, 2, 7, 9),
            (None, 5, 5, 7),
        ),
    ],
)
def test_shape_table(layer, shape, expected):
    layer = layer()
    assert layer.compute_output_shape(shape) == expected
    assert tuple(layer(torch.zeros((1, *shape[1:]))).shape) == (1, *expected[1:])


@pytest.mark.parametrize("length", range(1, 14))
@pytest.mark.parametrize("stride", [1, 2, 3])
def test_same_length_is_ceil(length, stride):
    layer = convlayers.SeparableConv2D(2, (4, 3), (stride, 1), "same")
    assert layer(torch.zeros(1, length, 5, 3)).shape[1:3] == (math.ceil(length / stride), 5)


def test_causal_output_ignores_the_future(rng):
    layer = convlayers.SeparableConv1D(3, 3, padding="causal", dilation_rate=2, depth_multiplier=2)
    x = torch.tensor(rng.standard_normal((1, 12, 2)), dtype=torch.float32, requires_grad=True)
    layer(x)[0, 5].sum().backward()
    assert torch.all(x.grad[0, 6:] == 0) and torch.any(x.grad[0, :6] != 0)


def test_weights_in_keras_order_and_layout():
    layer = convlayers.SeparableConv2D(6, (3, 2), depth_multiplier=2)
    layer.build((None, 8, 8, 4))
    assert [name for name, _ in layer.named_parameters()] == [
        "depthwise_kernel",
        "pointwise_kernel",
        "bias",
    ]
    assert [tuple(w.shape) for w in layer.get_weights()] == [(3, 2, 4, 2), (1, 1, 8, 6), (6,)]
    assert layer.count_params() == 3 * 2 * 4 * 2 + 8 * 6 + 6
    no_bias = convlayers.SeparableConv1D(6, 3, use_bias=False)
    no_bias.build((None, 8, 4))
    assert [tuple(w.shape) for w in no_bias.weights] == [(3, 4, 1), (1, 4, 6)]


def test_default_initializers_follow_the_reference():
    layer = convlayers.SeparableConv1D(64, 5)
    layer.build((None, 16, 32))
    # glorot_uniform on (k, C, dm) = (5, 32, 1): fans k*C and k*dm
    limit = math.sqrt(6 / (5 * 32 + 5 * 1))
    assert 0.8 * limit < float(layer.depthwise_kernel.detach().abs().max()) <= limit
    limit = math.sqrt(6 / (32 + 64))
    assert 0.8 * limit < float(layer.pointwise_kernel.detach().abs().max()) <= limit
    assert not layer.bias.any()


@pytest.mark.parametrize("key", [k for k in CONFIGS if "Separable" in k])
def test_config_equals_reference(key):
    entry = CONFIGS[key]
    cls = LAYERS[key.split()[1 if key.startswith("default") else 0].split("(")[0]]
    layer = cls(**entry["kwargs"])
    ours = _jsonable(layer.get_config())
    assert ours.keys() == entry["config"].keys()
    _assert_close(ours, entry["config"])
    clone = cls.from_config(layer.get_config())
    assert _jsonable(clone.get_config()) == ours


@pytest.mark.parametrize("case", CASES[::17], ids=[c.id for c in CASES[::17]])
def test_config_round_trip(case):
    layer = LAYERS[case.layer].from_config(case.config)
    assert _jsonable(layer.get_config()) == case.config


def _jsonable(config):
    return json.loads(json.dumps(config))


def _assert_close(ours, reference):
    if isinstance(reference, dict):
        assert ours.keys() == reference.keys()
        for key in reference:
            _assert_close(ours[key], reference[key])
    elif isinstance(reference, float):
        assert ours == pytest.approx(reference, rel=1e-6)
    else:
        assert ours == reference


@pytest.mark.parametrize(
    ("cls", "kwargs", "message"),
    [
        (
            convlayers.SeparableConv2D,
            dict(padding="causal"),
            r"Causal padding is only supported for `Conv1D`and .* padding='causal'",
        ),
        (
            convlayers.SeparableConv1D,
            dict(padding="full"),
            r"The `padding` argument must be a list/tuple or one of .* Received: padding='full'",
        ),
        (
            convlayers.SeparableConv1D,
            dict(strides=2, dilation_rate=2),
            r"Received: strides=\(2,\) and dilation_rate=\(2,\)",
        ),
        (
            convlayers.SeparableConv2D,
            dict(strides=(1, 2), dilation_rate=(2, 1)),
            r"Received: strides=\(1, 2\) and dilation_rate=\(2, 1\)",
        ),
        (
            convlayers.SeparableConv1D,
            dict(depth_multiplier=0),
            "Invalid value for argument `depth_multiplier`. .* depth_multiplier=0",
        ),
        (convlayers.SeparableConv2D, dict(depth_multiplier=-1), "Received: depth_multiplier=-1"),
        (convlayers.SeparableConv1D, dict(depth_multiplier=1.5), "Received: depth_multiplier=1.5"),
        (
            convlayers.SeparableConv1D,
            dict(filters=0),
            "Invalid value for argument `filters`. .* Received: filters=0",
        ),
        (
            convlayers.SeparableConv2D,
            dict(kernel_size=(3, 3, 3)),
            r"Received: kernel_size=\(3, 3, 3\)",
        ),
        (convlayers.SeparableConv2D, dict(strides=0), "Received: strides=0"),
        (
            convlayers.SeparableConv1D,
            dict(groups=2),
            "`groups` must be 1 for depthwise and separable layers. Received: groups=2",
        ),
        (convlayers.SeparableConv1D, dict(data_format="NHWC"), "Received: data_format='NHWC'"),
    ],
)
def test_config_errors(cls, kwargs, message):
    kwargs = {"filters": 4, "kernel_size": 3, **kwargs}
    with pytest.raises(ValueError, match=message):
        cls(**kwargs)


def test_input_errors():
    layer = convlayers.SeparableConv1D(4, 3)
    with pytest.raises(
        ValueError, match=r"expected min_ndim=3, found ndim=2. Full shape received: \(1, 8\)"
    ):
        layer(torch.zeros(1, 8))
    layer(torch.zeros(1, 8, 2))
    with pytest.raises(
        ValueError,
        match=r"expected axis -1 of input shape to have value 2, "
        r"but received input with shape \(1, 8, 3\)",
    ):
        layer(torch.zeros(1, 8, 3))
    layer = convlayers.SeparableConv2D(4, 3, data_format="channels_first")
    with pytest.raises(ValueError, match=r"expected min_ndim=4, found ndim=3"):
        layer(torch.zeros(1, 8, 8))
    layer(torch.zeros(1, 2, 8, 8))
    with pytest.raises(ValueError, match=r"expected axis -3 of input shape to have value 2"):
        layer(torch.zeros(1, 3, 8, 8))
    with pytest.raises(
        ValueError,
        match=r"channel dimension of the inputs should be defined. .* where axis -1",
    ):
        convlayers.SeparableConv1D(4, 3).build((None, 8, None))


def test_kernel_longer_than_input_is_a_clear_error():
    # tf-keras returns a wrongly shaped output here (see the fixture probes); we refuse.
    with pytest.raises(
        ValueError,
        match=r"Received input shape \[2, 11, 3\] .* \(spatial output shape \(0,\)\)",
    ):
        convlayers.SeparableConv1D(4, 12)(torch.zeros(2, 11, 3))
    with pytest.raises(ValueError, match=r"spatial output shape \(0, 8\)"):
        convlayers.SeparableConv2D(4, (8, 2))(torch.zeros(2, 7, 9, 2))


def test_regularizers_and_activity_loss():
    layer = convlayers.SeparableConv1D(
        3,
        2,
        depthwise_regularizer="l2",
        pointwise_regularizer="l2",
        bias_regularizer="l2",
        activity_regularizer="l2",
        bias_initializer="ones",
    )
    x = torch.ones(2, 5, 2)
    y = layer(x)
    expected = [0.01 * float(w.detach().square().sum()) for w in layer.weights]
    expected.append(0.01 * float(y.detach().square().sum()) / 2)
    assert sorted(float(v.detach()) for v in layer.losses) == pytest.approx(
        sorted(expected), rel=1e-5
    )


def test_data_format_none_follows_keras_json(tmp_path, monkeypatch):
    home = tmp_path / "keras"
    home.mkdir()
    (home / "keras.json").write_text('{"image_data_format": "channels_first"}')
    monkeypatch.setenv("KERAS_HOME", str(home))
    convlayers.config.set_image_data_format(None)
    layer = convlayers.SeparableConv2D(4, 3)
    assert layer.data_format == "channels_first"
    assert layer(torch.zeros(2, 3, 8, 8)).shape == (2, 4, 6, 6)


def test_numpy_input_and_activation():
    layer = convlayers.SeparableConv1D(
        2, 1, activation="relu", depthwise_initializer="ones", pointwise_initializer="ones"
    )
    y = layer(np.array([[[1.0, -3.0], [2.0, 0.5]]], np.float32))
    assert y.tolist() == [[[0.0, 0.0], [2.5, 2.5]]]


@pytest.mark.parametrize("rank", [1, 2])
def test_torch_compile_fullgraph_matches_eager(rng, rank):
    """Under torch.compile the ops fall back to plain conv(): same values and gradients."""
    if rank == 1:
        first = convlayers.SeparableConv1D(6, 3, padding="causal", depth_multiplier=2)
        second = convlayers.DepthwiseConv1D(3, strides=2, padding="same", activation="relu")
        shape = (2, 17, 3)
    else:
        first = convlayers.SeparableConv2D(6, (3, 2), padding="same", data_format="channels_first")
        second = convlayers.DepthwiseConv2D(2, padding="same", data_format="channels_first")
        shape = (2, 3, 9, 8)
    model = torch.nn.Sequential(first, second)
    x = torch.tensor(rng.standard_normal(shape), dtype=torch.float32)
    expected = model(x)
    expected.square().sum().backward()
    grads = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    got = torch.compile(model, backend="aot_eager", fullgraph=True)(x)
    got.square().sum().backward()
    torch.testing.assert_close(got, expected)
    for param, grad in zip(model.parameters(), grads, strict=True):
        torch.testing.assert_close(param.grad, grad)


def test_constraints_project_each_weight_after_a_step():
    layer = convlayers.SeparableConv1D(
        3,
        2,
        depthwise_constraint="non_neg",
        pointwise_constraint="non_neg",
        bias_constraint="non_neg",
        bias_initializer="ones",
    )
    layer.build((None, 6, 2))
    with torch.no_grad():
        for weight in layer.weights:
            weight.copy_(torch.linspace(-1, 1, weight.numel()).reshape(weight.shape))
    convlayers.apply_constraints(layer)
    for weight in layer.weights:
        assert float(weight.detach().min()) == 0.0
        assert float(weight.detach().max()) == 1.0


def test_output_takes_in_place_ops(rng, conv_route):
    """The hand-backward node returns no view: ``relu_`` on the output (as
    ``nn.ReLU(inplace=True)`` does) works and gives the out-of-place gradients."""
    layer = convlayers.SeparableConv1D(4, 3, padding="causal", dilation_rate=2)
    data = rng.standard_normal((2, 9, 3))
    grads = {}
    for in_place in (True, False):
        x = torch.tensor(data, dtype=torch.float32, requires_grad=True)
        y = layer(x)
        (y.relu_() if in_place else y.relu()).sum().backward()
        grads[in_place] = [x.grad, *(w.grad.clone() for w in layer.weights)]
        layer.zero_grad()
    for got, want in zip(grads[True], grads[False], strict=True):
        assert torch.equal(got, want)
