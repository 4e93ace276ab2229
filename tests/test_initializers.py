"""Initializers: fans, formulas (sample statistics), goldens from tf-keras 2.21, configs."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch

from convlayers import initializers as I

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REFERENCE = json.loads((FIXTURES / "initializers.json").read_text())
SERIALIZED = json.loads((FIXTURES / "serialization.json").read_text())
TRUNC_STD = 0.87962566103423978  # std of N(0, 1) truncated to [-2, 2]


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(1234)


def plain(value):
    """As the reference fixture stores it (JSON: tuples become lists)."""
    return json.loads(json.dumps(value))


# ---------------------------------------------------------------------------- fans


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ((), (1, 1)),
        ((7,), (7, 7)),
        ((3, 5), (3, 5)),
        ((3, 4, 5), (12, 15)),  # Conv1D kernel: k=3 -> 3*4, 3*5
        ((2, 3, 4, 5), (24, 30)),  # rf = 2*3
        ((2, 3, 4, 5, 6), (120, 144)),  # rf = 2*3*4
        ((1, 1, 8, 16), (8, 16)),
        ((5, 0, 3), (0, 15)),
    ],
)
def test_compute_fans_hand_computed(shape, expected):
    assert I.compute_fans(shape) == expected
    assert all(type(f) is int for f in I.compute_fans(shape))


@pytest.mark.parametrize("case", REFERENCE["fans"], ids=lambda c: str(c["shape"]))
def test_compute_fans_matches_reference(case):
    assert list(I.compute_fans(tuple(case["shape"]))) == case["fans"]


# ------------------------------------------------------------- deterministic values


@pytest.mark.parametrize(
    "case",
    REFERENCE["deterministic"],
    ids=lambda c: f"{c['class_name']}{c['args']}-{c['shape']}-{c['dtype']}",
)
def test_deterministic_initializers_match_reference(case):
    out = getattr(I, case["class_name"])(**case["args"])(tuple(case["shape"]), case["dtype"])
    assert out.dtype == getattr(torch, case["dtype"])
    assert tuple(out.shape) == tuple(case["shape"])
    expected = np.asarray(case["value"], dtype=case["dtype"])
    np.testing.assert_array_equal(out.numpy(), expected)


@pytest.mark.parametrize("case", REFERENCE["refused_dtypes"], ids=lambda c: str(c))
def test_dtypes_the_reference_refuses(case):
    assert case["refused"]
    with pytest.raises(ValueError, match=r"dtype|minval"):
        getattr(I, case["class_name"])()((2, 2), dtype=case["dtype"])


def test_identity_non_square_and_gain():
    out = I.Identity(gain=3.0)((2, 4), dtype=torch.float64)
    expected = np.zeros((2, 4))
    expected[0, 0] = expected[1, 1] = 3.0
    np.testing.assert_array_equal(out.numpy(), expected)


def test_constant_from_array_and_tensor():
    value = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(I.Constant(value)((2, 3)).numpy(), value)
    np.testing.assert_array_equal(I.Constant(torch.ones(4))((2, 2)).numpy(), np.ones((2, 2)))


# --------------------------------------------------------------- sample statistics

N_SHAPE = (300, 400)  # 120,000 samples


def check_moments(x: torch.Tensor, mean: float, std: float) -> None:
    x = x.double()
    n = x.numel()
    assert abs(x.mean().item() - mean) < 5 * std / math.sqrt(n) + 1e-12
    assert x.std().item() == pytest.approx(std, rel=0.02)


@pytest.mark.parametrize(("low", "high"), [(-0.05, 0.05), (-0.3, 0.7), (2.0, 5.0)])
def test_random_uniform_statistics(low, high):
    x = I.RandomUniform(low, high)(N_SHAPE)
    assert x.min().item() >= low
    assert x.max().item() < high
    check_moments(x, (low + high) / 2, (high - low) / math.sqrt(12))


@pytest.mark.parametrize(("mean", "std"), [(0.0, 0.05), (1.0, 2.0)])
def test_random_normal_statistics(mean, std):
    x = I.RandomNormal(mean, std)(N_SHAPE, dtype="float64")
    check_moments(x, mean, std)
    # a normal sample of this size reaches beyond 2 stddev (unlike TruncatedNormal)
    assert (x - mean).abs().max().item() > 3 * std


@pytest.mark.parametrize(("mean", "std"), [(0.0, 0.05), (0.5, 0.1), (-2.0, 3.0)])
def test_truncated_normal_statistics(mean, std):
    x = I.TruncatedNormal(mean, std)(N_SHAPE, dtype="float64")
    assert x.min().item() >= mean - 2 * std
    assert x.max().item() <= mean + 2 * std
    assert x.min().item() < mean - 1.95 * std  # the tails reach the cut
    check_moments(x, mean, std * TRUNC_STD)


def variance_scaling_std(scale, mode, fan_in, fan_out):
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    return math.sqrt(scale / max(1.0, n))


VS_SHAPE = (3, 4, 50, 200)  # rf 12: fan_in 600, fan_out 2400; 120,000 samples


@pytest.mark.parametrize("scale", [1.0, 2.0, 0.3])
@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg"])
@pytest.mark.parametrize("distribution", ["truncated_normal", "untruncated_normal", "uniform"])
def test_variance_scaling_statistics(scale, mode, distribution):
    x = I.VarianceScaling(scale, mode, distribution)(VS_SHAPE).double()
    std = variance_scaling_std(scale, mode, 600, 2400)
    if distribution == "uniform":
        limit = math.sqrt(3) * std
        assert x.abs().max().item() <= limit
        assert x.abs().max().item() > 0.99 * limit
    if distribution == "truncated_normal":
        # stddev std / 0.8796..., cut at 2 of those: the sample std is std itself
        assert x.abs().max().item() <= 2 * std / TRUNC_STD
    check_moments(x, 0.0, std)


@pytest.mark.parametrize(
    ("cls", "limit"),
    [
        (I.GlorotUniform, lambda fi, fo: math.sqrt(6 / (fi + fo))),
        (I.HeUniform, lambda fi, fo: math.sqrt(6 / fi)),
        (I.LecunUniform, lambda fi, fo: math.sqrt(3 / fi)),
    ],
)
@pytest.mark.parametrize("shape", [(300, 400), (5, 40, 600)])
def test_uniform_presets_limits(cls, limit, shape):
    fan_in, fan_out = I.compute_fans(shape)
    x = cls()(shape).double()
    bound = limit(fan_in, fan_out)
    assert x.abs().max().item() <= bound
    assert x.abs().max().item() > 0.99 * bound
    check_moments(x, 0.0, bound / math.sqrt(3))


@pytest.mark.parametrize(
    ("cls", "std"),
    [
        (I.GlorotNormal, lambda fi, fo: math.sqrt(2 / (fi + fo))),
        (I.HeNormal, lambda fi, fo: math.sqrt(2 / fi)),
        (I.LecunNormal, lambda fi, fo: math.sqrt(1 / fi)),
    ],
)
@pytest.mark.parametrize("shape", [(300, 400), (5, 40, 600)])
def test_normal_presets_std(cls, std, shape):
    fan_in, fan_out = I.compute_fans(shape)
    x = cls()(shape).double()
    expected = std(fan_in, fan_out)
    assert x.abs().max().item() <= 2 * expected / TRUNC_STD
    check_moments(x, 0.0, expected)


def test_fan_below_one_is_clamped():
    # Keras divides by max(1, fan): an empty-fan shape keeps the raw scale
    x = I.VarianceScaling(1.0, "fan_in", "uniform")((0, 5))
    assert x.shape == (0, 5)
    y = I.VarianceScaling(0.25, "fan_in", "uniform")((1,))
    assert y.abs().item() <= math.sqrt(3 * 0.25)


# ------------------------------------------------------------------- orthogonal


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (6, 6), (2, 3, 5), (3, 2, 2, 4)])
@pytest.mark.parametrize("gain", [1.0, 2.0])
def test_orthogonal_is_orthogonal(shape, gain):
    q = I.Orthogonal(gain=gain, seed=3)(shape, dtype="float64")
    assert q.shape == shape
    flat = q.reshape(-1, shape[-1]).numpy()
    rows, cols = flat.shape
    gram = flat.T @ flat if rows >= cols else flat @ flat.T
    np.testing.assert_allclose(gram, gain**2 * np.eye(min(rows, cols)), atol=1e-12)


def test_orthogonal_float32_and_half_precision():
    q = I.Orthogonal()((5, 5))
    np.testing.assert_allclose((q.T @ q).numpy(), np.eye(5), atol=1e-5)
    assert I.Orthogonal()((4, 4), dtype="bfloat16").dtype == torch.bfloat16


# --------------------------------------------------------------- seeds and dtypes

RANDOM = [
    I.RandomUniform,
    I.RandomNormal,
    I.TruncatedNormal,
    I.VarianceScaling,
    I.GlorotUniform,
    I.GlorotNormal,
    I.HeUniform,
    I.HeNormal,
    I.LecunUniform,
    I.LecunNormal,
    I.Orthogonal,
]


@pytest.mark.parametrize("cls", RANDOM)
def test_seeded_instance_repeats_itself(cls):
    init = cls(seed=42)
    first = init((6, 5))
    torch.manual_seed(999)  # a seeded initializer ignores the global generator
    np.testing.assert_array_equal(first.numpy(), init((6, 5)).numpy())
    np.testing.assert_array_equal(first.numpy(), cls(seed=42)((6, 5)).numpy())
    assert not torch.equal(first, cls(seed=43)((6, 5)))


@pytest.mark.parametrize("cls", RANDOM)
def test_unseeded_uses_global_generator(cls):
    torch.manual_seed(7)
    a = cls()((6, 5))
    b = cls()((6, 5))
    torch.manual_seed(7)
    np.testing.assert_array_equal(a.numpy(), cls()((6, 5)).numpy())
    assert not torch.equal(a, b)


@pytest.mark.parametrize(
    ("dtype", "expected"),
    [
        (None, torch.float32),
        ("float32", torch.float32),
        ("float64", torch.float64),
        (torch.float64, torch.float64),
        ("bfloat16", torch.bfloat16),
        ("float16", torch.float16),
        (np.float64, torch.float64),
    ],
)
@pytest.mark.parametrize("cls", RANDOM)
def test_dtypes(cls, dtype, expected):
    assert cls(seed=1)((4, 4), dtype=dtype).dtype == expected


def test_random_uniform_integer_dtype():
    x = I.RandomUniform(0, 10)((1000,), dtype="int32")
    assert x.dtype == torch.int32
    assert x.min().item() >= 0 and x.max().item() <= 9


# ----------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: I.VarianceScaling(0.0), ValueError, r"`scale` must be .* Received: scale=0.0"),
        (lambda: I.VarianceScaling(-1), ValueError, r"Received: scale=-1"),
        (lambda: I.VarianceScaling(1, "FAN_IN"), ValueError, r"Received: mode='FAN_IN'"),
        (lambda: I.VarianceScaling(1, "fan_in", "foo"), ValueError, r"distribution='foo'"),
        (lambda: I.GlorotUniform(seed=1.5), TypeError, r"`seed` must be .* Received: seed=1.5"),
        (lambda: I.GlorotUniform(seed="a"), TypeError, r"Received: seed='a'"),
        (lambda: I.RandomNormal(stddev=-1.0), ValueError, r"Received: stddev=-1.0"),
        (lambda: I.RandomUniform(1.0, 0.0), ValueError, r"Received: maxval=0.0"),
        (lambda: I.Constant("abc"), TypeError, r"Received: value='abc'"),
        (lambda: I.Identity()((3,)), ValueError, r"`shape` must be .* Received: shape=\(3,\)"),
        (lambda: I.Identity()((2, 2, 2)), ValueError, r"Received: shape=\(2, 2, 2\)"),
        (lambda: I.Orthogonal()((3,)), ValueError, r"Received: shape=\(3,\)"),
        (lambda: I.Constant([1, 2, 3])((2, 2)), ValueError, r"Received: value=\[1, 2, 3\]"),
        (lambda: I.Constant(2.5)((2,), dtype="int32"), ValueError, r"value=2.5"),
        (lambda: I.Zeros()((2,), dtype="string"), ValueError, r"Received: dtype='string'"),
        (lambda: I.Zeros()((-1, 2)), ValueError, r"Received: shape=\(-1, 2\)"),
        (lambda: I.Zeros()("ab"), TypeError, r"Received: shape='ab'"),
        (lambda: I.RandomUniform()((2,), dtype="int32"), ValueError, r"minval=-0.05"),
        (lambda: I.get(5), TypeError, r"`initializer` must be .* Received: initializer=5"),
        (lambda: I.get("abcd"), ValueError, r"Received: initializer='abcd'"),
        (lambda: I.get("GLOROT_UNIFORM"), ValueError, r"'GLOROT_UNIFORM'"),
        (lambda: I.get({"class_name": "Foo", "config": {}}), ValueError, r"'Foo'"),
        (lambda: I.get({"config": {}}), ValueError, r"class_name"),
        (
            lambda: I.get({"class_name": "GlorotUniform", "config": {"foo": 1}}),
            TypeError,
            r"initializer config",
        ),
    ],
)
def test_errors(make, error, match):
    with pytest.raises(error, match=match):
        make()


# ------------------------------------------------------ get / serialize / deserialize


@pytest.mark.parametrize(
    "case", SERIALIZED["initializers"], ids=lambda c: f"{c['class_name']}{c['args']}"
)
def test_serialize_matches_reference(case):
    init = getattr(I, case["class_name"])(**case["args"])
    assert plain(I.serialize(init)) == case["serialized"]


@pytest.mark.parametrize(
    "case", SERIALIZED["initializers"], ids=lambda c: f"{c['class_name']}{c['args']}"
)
def test_round_trip(case):
    init = getattr(I, case["class_name"])(**case["args"])
    for form in (I.serialize(init), {k: v for k, v in I.serialize(init).items() if k != "module"}):
        back = I.deserialize(form)
        assert type(back) is type(init)
        assert back.get_config() == init.get_config()
        assert I.get(form).get_config() == init.get_config()
    assert type(I.get(case["class_name"])) is type(init)


@pytest.mark.parametrize("name", sorted(SERIALIZED["initializer_names"]))
def test_get_accepts_every_reference_name(name):
    expected = SERIALIZED["initializer_names"][name]
    init = I.get(name)
    assert type(init).__name__ == expected["class_name"]
    assert plain(init.get_config()) == expected["config"]


def test_get_other_identifiers():
    assert I.get(None) is None
    assert isinstance(I.get(I.HeNormal), I.HeNormal)
    init = I.Ones()
    assert I.get(init) is init

    def custom(shape, dtype=None):
        return torch.zeros(shape)

    assert I.get(custom) is custom
    legacy = {"class_name": "VarianceScaling", "config": {"scale": 2, "dtype": "float32"}}
    assert I.get(legacy).get_config()["scale"] == 2


def test_constant_array_value_serialization():
    value = np.array([1.0, 2.0])
    form = I.serialize(I.Constant(value))
    assert form["config"]["value"] == {
        "class_name": "__numpy__",
        "config": {"value": [1.0, 2.0], "dtype": "float64"},
    }
    back = I.deserialize(form)
    np.testing.assert_array_equal(back((2,), dtype="float64").numpy(), value)
    tensor_form = I.serialize(I.Constant(torch.tensor([1.0, 2.0])))
    assert tensor_form["config"]["value"] == {
        "class_name": "__tensor__",
        "config": {"value": [1.0, 2.0], "dtype": "float32"},
    }


def test_serialize_custom_objects():
    assert I.serialize(None) is None

    class MyInit:
        def __call__(self, shape, dtype=None):
            return torch.zeros(shape)

        def get_config(self):
            return {"a": 1}

    assert I.serialize(MyInit()) == {
        "module": __name__,
        "class_name": "MyInit",
        "config": {"a": 1},
        "registered_name": "MyInit",
    }


@pytest.mark.parametrize("case", SERIALIZED["conv1d_configs"], ids=lambda c: str(c["args"]))
def test_layer_config_entries_match_reference(case):
    # what a Conv1D built with these arguments must write into its config
    args, config = case["args"], case["config"]
    for key, default in (("kernel_initializer", "glorot_uniform"), ("bias_initializer", "zeros")):
        got = I.serialize(I.get(args.get(key, default)))
        assert plain(got) == config[key]
