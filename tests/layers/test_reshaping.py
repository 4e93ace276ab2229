"""ZeroPadding1D/2D, Cropping1D/2D, UpSampling1D/2D, Permute: tf-keras fixtures, a float64
NumPy reference, shapes, configs and the reference's refusals."""

import json

import numpy as np
import pytest
import reshaping_reference as ref
import torch
from fixture_loader import FIXTURES, load_fixtures, load_index
from parity import check_against_fixture, reference_error, to_tuples

import convlayers
from convlayers import layers

CASES = load_fixtures("reshaping")
PROBES = load_index("reshaping")["probes"]
CONFIGS = json.loads((FIXTURES / "reshaping_configs.json").read_text())["configs"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_matches_tf_keras_fixture(case):
    layer = getattr(layers, case.layer).from_config(case.config)
    check_against_fixture(layer, case)
    assert json.loads(json.dumps(layer.get_config())) == case.config


def test_fixtures_cover_every_layer_and_both_formats():
    seen = {(c.layer, c.config.get("data_format"), c.config.get("interpolation")) for c in CASES}
    for name in ("ZeroPadding2D", "Cropping2D"):
        assert {(name, "channels_last", None), (name, "channels_first", None)} <= seen
    for fmt in ("channels_last", "channels_first"):
        for method in ("nearest", "bilinear"):
            assert ("UpSampling2D", fmt, method) in seen
    assert {"ZeroPadding1D", "Cropping1D", "UpSampling1D", "Permute"} <= {c.layer for c in CASES}


@pytest.mark.parametrize("key", sorted(CONFIGS))
def test_config_equals_the_reference(key):
    entry = CONFIGS[key]
    layer = getattr(layers, key.split("(")[0])(**to_tuples(entry["kwargs"]))
    config = json.loads(json.dumps(layer.get_config()))
    if key.startswith("SpatialDropout2D"):  # the reference forgets data_format (see module)
        assert config.pop("data_format") == entry["kwargs"]["data_format"]
    assert config == entry["config"]
    clone = type(layer).from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()


# ------------------------------------------------------------------ NumPy reference

FORMATS = ("channels_last", "channels_first")


def _image(rng, data_format, rows=4, cols=5, channels=3):
    shape = (
        (2, rows, cols, channels) if data_format == "channels_last" else (2, channels, rows, cols)
    )
    return rng.standard_normal(shape)


def _run(layer, x):
    return layer.to(torch.float64)(torch.tensor(x)).detach().numpy()


@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("padding", [0, 2, (1, 3), ((0, 2), (3, 1))])
def test_zero_padding2d_matches_numpy(rng, data_format, padding):
    x = _image(rng, data_format)
    layer = convlayers.ZeroPadding2D(padding, data_format=data_format)
    axes = ref.spatial_axes(2, data_format == "channels_first")
    expected = ref.zero_pad(x, layer.padding, axes)
    np.testing.assert_array_equal(_run(layer, x), expected)


@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("cropping", [0, 1, (1, 2), ((0, 3), (2, 1))])
def test_cropping2d_matches_numpy(rng, data_format, cropping):
    x = _image(rng, data_format, rows=6, cols=7)
    layer = convlayers.Cropping2D(cropping, data_format=data_format)
    axes = ref.spatial_axes(2, data_format == "channels_first")
    np.testing.assert_array_equal(_run(layer, x), ref.crop(x, layer.cropping, axes))


@pytest.mark.parametrize("pair", [(0, 0), (2, 0), (1, 3)])
def test_padding_and_cropping_1d_match_numpy(rng, pair):
    x = rng.standard_normal((2, 7, 3))
    padded = _run(convlayers.ZeroPadding1D(pair), x)
    np.testing.assert_array_equal(padded, ref.zero_pad(x, [pair], [1]))
    np.testing.assert_array_equal(_run(convlayers.Cropping1D(pair), x), ref.crop(x, [pair], [1]))


@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
@pytest.mark.parametrize("size", [1, 2, (2, 3), (3, 1), (5, 4)])
def test_upsampling2d_matches_numpy(rng, data_format, interpolation, size):
    x = _image(rng, data_format)
    layer = convlayers.UpSampling2D(size, data_format=data_format, interpolation=interpolation)
    axes = ref.spatial_axes(2, data_format == "channels_first")
    resize = ref.upsample_bilinear if interpolation == "bilinear" else ref.upsample_nearest
    expected = resize(x, layer.size, axes)
    np.testing.assert_allclose(_run(layer, x), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("size", [1, 2, 3])
def test_upsampling1d_matches_numpy(rng, size):
    x = rng.standard_normal((2, 5, 3))
    out = _run(convlayers.UpSampling1D(size), x)
    np.testing.assert_array_equal(out, ref.upsample_nearest(x, [size], [1]))


@pytest.mark.parametrize(
    ("dims", "shape"),
    [
        ((2, 1), (2, 4, 3)),
        ((1, 2), (2, 4, 3)),
        ((3, 1, 2), (2, 3, 4, 5)),
        ((2, 3, 1), (2, 3, 4, 5)),
    ],
)
def test_permute_matches_numpy(rng, dims, shape):
    x = rng.standard_normal(shape)
    np.testing.assert_array_equal(_run(convlayers.Permute(dims), x), ref.permute(x, dims))


@pytest.mark.parametrize(
    "make",
    [
        lambda: convlayers.UpSampling2D((2, 3), interpolation="bilinear"),
        lambda: convlayers.UpSampling2D(3, data_format="channels_first", interpolation="bilinear"),
        lambda: convlayers.UpSampling2D((2, 1)),
        lambda: convlayers.ZeroPadding2D(((1, 0), (0, 2))),
        lambda: convlayers.Cropping2D(((1, 0), (0, 2))),
        lambda: convlayers.Permute((3, 1, 2)),
    ],
)
def test_gradcheck(rng, make):
    layer = make().to(torch.float64)
    x = torch.tensor(rng.standard_normal((2, 4, 5, 3)), requires_grad=True)
    assert torch.autograd.gradcheck(layer, (x,))


# ------------------------------------------------------------------------- shapes

SHAPES = [
    (lambda: convlayers.ZeroPadding1D((1, 2)), (None, 5, 3), (None, 8, 3)),
    (lambda: convlayers.ZeroPadding1D(1), (None, None, 3), (None, None, 3)),
    (lambda: convlayers.ZeroPadding2D(((1, 0), (2, 3))), (None, 4, None, 3), (None, 5, None, 3)),
    (
        lambda: convlayers.ZeroPadding2D(1, data_format="channels_first"),
        (None, 3, 4, 5),
        (None, 3, 6, 7),
    ),
    (lambda: convlayers.Cropping1D((1, 2)), (4, 7, 3), (4, 4, 3)),
    (lambda: convlayers.Cropping2D(((1, 0), (2, 3))), (None, 6, 7, 3), (None, 5, 2, 3)),
    (
        lambda: convlayers.Cropping2D(1, data_format="channels_first"),
        (None, 3, None, 5),
        (None, 3, None, 3),
    ),
    (lambda: convlayers.UpSampling1D(3), (None, 5, 2), (None, 15, 2)),
    (lambda: convlayers.UpSampling2D((2, 3)), (None, 4, None, 3), (None, 8, None, 3)),
    (lambda: convlayers.UpSampling2D(2, data_format="channels_first"), (2, 3, 4, 5), (2, 3, 8, 10)),
    (lambda: convlayers.Permute((3, 1, 2)), (None, 3, None, 5), (None, 5, 3, None)),
]


@pytest.mark.parametrize(("make", "shape", "expected"), SHAPES)
def test_shape_table_eager_and_symbolic(make, shape, expected):
    layer = make()
    assert layer.compute_output_shape(shape) == expected
    assert make()(convlayers.Input(batch_shape=shape)).shape == expected
    concrete = tuple(7 if d is None else d for d in shape)
    out = make()(torch.zeros(concrete)).shape
    assert out == layer.compute_output_shape(concrete)


def test_cropping_beyond_the_input_is_refused_symbolically():
    with pytest.raises(ValueError, match=r"^Argument `cropping` must be greater than the input"):
        convlayers.Cropping2D(((2, 2), (0, 0)))(convlayers.Input((4, 5, 3)))
    with pytest.raises(ValueError, match=r"^cropping parameter of Cropping layer must be"):
        convlayers.Cropping1D((2, 2)).compute_output_shape((None, 4, 3))


# ---------------------------------------------------------------- reference refusals

# Where convlayers deliberately differs from the reference's behaviour (see the layer docs):
# (probe index) -> (exception type, message start).
DEVIATIONS = {
    ("ZeroPadding2D", "{'padding': -1}"): (
        ValueError,
        "The `padding` argument must be a tuple of 2 integers. Received: -1 including {-1}",
    ),  # the reference accepts it and fails inside TF's Pad op at the call
    ("UpSampling1D", "{'size': 0}"): (ValueError, "`size` must be a positive integer"),
    ("UpSampling2D", "{'interpolation': 'foo'}"): (
        NotImplementedError,
        "Value not recognized for `interpolation`: foo. Supported values are:",
    ),  # the same words; the list of values is convlayers'
    ("SpatialDropout2D", "{'rate': 0.5, 'data_format': 'CHANNELS_LAST'}"): None,  # accepted
}
for method in ("bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic"):
    DEVIATIONS[("UpSampling2D", f"{{'size': 2, 'interpolation': '{method}'}}")] = (
        NotImplementedError,
        f"`interpolation` '{method}' is accepted by tf-keras but not implemented",
    )


def _probe_id(probe):
    return f"{probe['layer']}-{probe['kwargs']}-{probe['input_shape']}"


@pytest.mark.parametrize("probe", PROBES, ids=_probe_id)
def test_refusals_begin_with_the_reference_wording(probe):
    key = (probe["layer"], str(probe["kwargs"]))
    kwargs = to_tuples(probe["kwargs"])
    convlayers.clear_session()

    def run():
        layer = getattr(layers, probe["layer"])(**kwargs)
        return layer(torch.zeros(probe["input_shape"]))

    if key in DEVIATIONS:
        expected = DEVIATIONS[key]
        if expected is None:
            run()
            return
        kind, message = expected
    elif probe["result"] == "ok":
        assert tuple(run().shape) == tuple(probe["output_shape"])
        return
    else:
        kind_name, message = reference_error(probe["error"])
        kind = {"ValueError": ValueError, "NotImplementedError": NotImplementedError}[kind_name]
    with pytest.raises(kind) as info:
        run()
    assert str(info.value).startswith(message), (str(info.value), message)


def test_errors_name_argument_and_value():
    with pytest.raises(ValueError, match=r"`dims` for Permute Layer.*Received dims=\(1, 1\)"):
        convlayers.Permute((1, 1))
    with pytest.raises(ValueError, match="`data_format` argument must be one of"):
        convlayers.UpSampling2D(data_format="nchw")
    with pytest.raises(ValueError, match=r"`padding` should have two elements. Received: \(1,\)"):
        convlayers.ZeroPadding2D((1,))
    with pytest.raises(ValueError, match=r"expected ndim=4, found ndim=3"):
        convlayers.UpSampling2D().compute_output_shape((None, 4, 3))


def test_interpolation_is_case_insensitive_and_kept_lowercase():
    layer = convlayers.UpSampling2D(interpolation="Bilinear")
    assert layer.get_config()["interpolation"] == "bilinear"


def test_inside_a_model_config_round_trip(rng):
    model = convlayers.Sequential(
        [
            convlayers.ZeroPadding2D(((1, 0), (0, 1)), input_shape=(4, 5, 3)),
            convlayers.Cropping2D(((0, 1), (1, 0))),
            convlayers.UpSampling2D((2, 1), interpolation="bilinear"),
            convlayers.Permute((3, 1, 2)),
        ]
    )
    assert model.output_shape == (None, 3, 8, 5)
    clone = convlayers.Sequential.from_config(model.get_config())
    x = torch.tensor(rng.standard_normal((2, 4, 5, 3)), dtype=torch.float32)
    torch.testing.assert_close(clone(x), model(x), rtol=0, atol=0)
