"""Constraints: NumPy float64 projections, tf-keras 2.21 goldens, configs and serialization."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest
import torch

import convlayers
from convlayers import constraints as C

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CASES = [
    c
    for c in json.loads((FIXTURES / "initializers.json").read_text())["numeric_cases"]
    if c["kind"] == "constraint"
]
SERIALIZED = json.loads((FIXTURES / "serialization.json").read_text())
EPS = 1e-7


@pytest.fixture(scope="module")
def goldens():
    with np.load(FIXTURES / "initializers_goldens.npz") as npz:
        return {key: npz[key] for key in npz.files}


def plain(value):
    return json.loads(json.dumps(value))


# ------------------------------------------------------------- NumPy float64 formulas


def np_norms(w, axis):
    axis = tuple(axis) if isinstance(axis, list) else axis
    return np.sqrt(np.square(w).sum(axis=axis, keepdims=True))


def np_max_norm(w, max_value, axis):
    n = np_norms(w, axis)
    return w * (np.clip(n, 0, max_value) / (EPS + n))


def np_min_max_norm(w, lo, hi, rate, axis):
    n = np_norms(w, axis)
    desired = rate * np.clip(n, lo, hi) + (1 - rate) * n
    return w * (desired / (EPS + n))


def np_radial(w):
    """Ring by ring, as tf-keras builds it (see constraints._radial_index)."""
    n = w.shape[0]
    s = n // 2
    out = np.empty_like(w)
    for i in range(n):
        for j in range(n):
            if n % 2:
                ring = max(abs(i - s), abs(j - s))
                src = s - 1 + ring
            else:
                di = s - 1 - i if i <= s - 1 else i - s
                dj = s - 1 - j if j <= s - 1 else j - s
                ring = max(di, dj)
                src = s - 1 if ring == 0 else s + ring
            out[i, j] = w[src, src]
    return out


@pytest.fixture
def kernel():
    rng = np.random.default_rng(1)
    return rng.normal(size=(3, 4, 5)) * rng.uniform(0.05, 3, size=(1, 1, 5))


@pytest.mark.parametrize("axis", [0, 1, -1, [0, 1], (0, 1), None])
@pytest.mark.parametrize("max_value", [0.0, 0.5, 2, 10.0])
def test_max_norm(kernel, max_value, axis):
    w = torch.from_numpy(kernel)
    out = C.MaxNorm(max_value, axis)(w)
    np.testing.assert_allclose(out.numpy(), np_max_norm(kernel, max_value, axis), rtol=1e-12)
    assert np.array_equal(w.numpy(), kernel)  # pure: the input is untouched


@pytest.mark.parametrize("axis", [0, [0, 1], -1])
def test_unit_norm(kernel, axis):
    out = C.UnitNorm(axis)(torch.from_numpy(kernel)).numpy()
    np.testing.assert_allclose(out, kernel / (EPS + np_norms(kernel, axis)), rtol=1e-12)
    np.testing.assert_allclose(np_norms(out, axis), 1.0, rtol=1e-5)  # eps 1e-7 on small norms


@pytest.mark.parametrize(
    ("lo", "hi", "rate", "axis"),
    [(0.0, 1.0, 1.0, 0), (0.5, 1.5, 0.7, [0, 1]), (1.0, 1.0, 0.0, -1), (0.2, 3.0, 0.5, 1)],
)
def test_min_max_norm(kernel, lo, hi, rate, axis):
    out = C.MinMaxNorm(lo, hi, rate, axis)(torch.from_numpy(kernel)).numpy()
    np.testing.assert_allclose(out, np_min_max_norm(kernel, lo, hi, rate, axis), rtol=1e-12)


def test_non_neg(kernel):
    out = C.NonNeg()(torch.from_numpy(kernel)).numpy()
    np.testing.assert_array_equal(out, np.where(kernel >= 0, kernel, 0.0))


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
def test_radial_constraint(n):
    w = np.random.default_rng(n).normal(size=(n, n, 2, 3))
    out = C.RadialConstraint()(torch.from_numpy(w)).numpy()
    np.testing.assert_array_equal(out, np_radial(w))


def test_radial_constraint_hand_computed():
    # 4x4: centre 2x2 block takes k[1, 1], the outer ring k[3, 3]
    k = np.arange(16.0).reshape(4, 4)
    out = C.RadialConstraint()(torch.from_numpy(k).reshape(4, 4, 1, 1))[..., 0, 0].numpy()
    expected = np.full((4, 4), 15.0)
    expected[1:3, 1:3] = 5.0
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["key"])
def test_matches_reference(case, goldens):
    x = torch.from_numpy(goldens[case["input"]])
    out = getattr(C, case["name"])(**case["args"])(x)
    assert out.dtype == x.dtype
    rtol = 1e-6 if x.dtype == torch.float32 else 1e-13
    np.testing.assert_allclose(out.numpy(), goldens[case["key"]], rtol=rtol, atol=1e-7)


def test_gradients_flow(kernel):
    w = torch.from_numpy(kernel).requires_grad_()
    assert torch.autograd.gradcheck(C.MaxNorm(0.5, [0, 1]), (w,))
    assert torch.autograd.gradcheck(C.MinMaxNorm(0.5, 1.0, 0.5), (w,))


# -------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: C.MaxNorm(-1), ValueError, r"`max_value` must be .* Received: max_value=-1"),
        (lambda: C.MaxNorm("x"), TypeError, r"Received: max_value='x'"),
        (lambda: C.MaxNorm(2, axis="0"), TypeError, r"`axis` must be .* Received: axis='0'"),
        (lambda: C.UnitNorm(axis=1.5), TypeError, r"Received: axis=1.5"),
        (lambda: C.MinMaxNorm(2.0, 1.0), ValueError, r"Received: max_value=1.0"),
        (lambda: C.MinMaxNorm(rate=1.5), ValueError, r"Received: rate=1.5"),
        (
            lambda: C.RadialConstraint()(torch.zeros(3, 3, 1)),
            ValueError,
            r"rank 4.* Received: w=\(3, 3, 1\)",
        ),
        (lambda: C.RadialConstraint()(torch.zeros(3, 4, 1, 1)), ValueError, r"square"),
        (lambda: C.RadialConstraint()(torch.zeros(1, 1, 1, 1)), ValueError, r"size >= 2"),
        (lambda: C.get(5), TypeError, r"`constraint` must be .* Received: constraint=5"),
        (lambda: C.get("abcd"), ValueError, r"Received: constraint='abcd'"),
        (lambda: C.get("constraint"), ValueError, r"'constraint'"),
        (lambda: C.get({"class_name": "MaxNorm", "config": {"foo": 1}}), TypeError, r"config"),
    ],
)
def test_errors(make, error, match):
    with pytest.raises(error, match=match):
        make()


# ------------------------------------------------------- serialize / get round trips


@pytest.mark.parametrize(
    "case", SERIALIZED["constraints"], ids=lambda c: f"{c['class_name']}{c['args']}"
)
def test_serialize_matches_reference(case):
    con = getattr(C, case["class_name"])(**case["args"])
    assert plain(C.serialize(con)) == case["serialized"]
    back = C.deserialize(C.serialize(con))
    assert type(back) is type(con) and back.get_config() == con.get_config()
    legacy = {"class_name": case["class_name"], "config": con.get_config()}
    assert C.get(legacy).get_config() == con.get_config()


def test_tuple_axis_stays_a_tuple():
    # tf-keras keeps tuples in serialize() output (JSON writers turn them into lists)
    assert C.serialize(C.MaxNorm(axis=(0, 1)))["config"] == {"max_value": 2, "axis": (0, 1)}


@pytest.mark.parametrize("name", sorted(SERIALIZED["constraint_names"]))
def test_get_accepts_every_reference_name(name):
    expected = SERIALIZED["constraint_names"][name]
    con = C.get(name)
    assert type(con).__name__ == expected["class_name"]
    assert plain(con.get_config()) == expected["config"]


def test_get_other_identifiers():
    assert C.get(None) is None
    assert C.serialize(None) is None
    con = C.NonNeg()
    assert C.get(con) is con
    assert isinstance(C.get(C.UnitNorm), C.UnitNorm)

    def clip(w):
        return w.clamp(-1, 1)

    assert C.get(clip) is clip
    assert C.serialize(clip)["config"] == "clip"


@pytest.mark.parametrize("case", SERIALIZED["conv1d_configs"], ids=lambda c: str(c["args"]))
def test_layer_config_entries_match_reference(case):
    args, config = case["args"], case["config"]
    for key in ("kernel_constraint", "bias_constraint"):
        assert plain(C.serialize(C.get(args.get(key)))) == config[key]


CONSTRAINED_LAYERS = {
    "Conv1D": lambda c: convlayers.Conv1D(2, 3, kernel_constraint=c, bias_constraint=c),
    "Conv2D": lambda c: convlayers.Conv2D(2, 3, kernel_constraint=c, bias_constraint=c),
    "SeparableConv1D": lambda c: convlayers.SeparableConv1D(
        2, 3, depthwise_constraint=c, pointwise_constraint=c, bias_constraint=c
    ),
    "SeparableConv2D": lambda c: convlayers.SeparableConv2D(
        2, 3, depthwise_constraint=c, pointwise_constraint=c, bias_constraint=c
    ),
    "DepthwiseConv1D": lambda c: convlayers.DepthwiseConv1D(
        3, depthwise_constraint=c, bias_constraint=c
    ),
    "DepthwiseConv2D": lambda c: convlayers.DepthwiseConv2D(
        3, depthwise_constraint=c, bias_constraint=c
    ),
    "LocallyConnected1D": lambda c: convlayers.LocallyConnected1D(
        2, 3, kernel_constraint=c, bias_constraint=c
    ),
    "LocallyConnected2D": lambda c: convlayers.LocallyConnected2D(
        2, 3, kernel_constraint=c, bias_constraint=c
    ),
    "Dense": lambda c: convlayers.Dense(2, kernel_constraint=c, bias_constraint=c),
}
CONSTRAINED_INPUTS = {"Conv2D": 4, "SeparableConv2D": 4, "DepthwiseConv2D": 4}
CONSTRAINED_INPUTS["LocallyConnected2D"] = 4  # input rank; the others take rank 3


@pytest.mark.parametrize("name", sorted(CONSTRAINED_LAYERS))
def test_every_constrained_weight_carries_its_constraint(name):
    """As tf-keras' tests read it: ``layer.kernel.constraint`` is the constraint object,
    and ``apply_constraints`` applies whatever that attribute holds."""
    layer = CONSTRAINED_LAYERS[name](C.NonNeg())
    rank = CONSTRAINED_INPUTS.get(name, 3)
    layer(torch.randn((2,) + (6,) * (rank - 2) + (3,)))
    assert layer.weights
    for weight in layer.weights:
        assert isinstance(weight.constraint, C.NonNeg)
    for weight in layer.weights:
        weight.constraint = C.MaxNorm(1e-3, axis=None)  # replaced by the user
        with torch.no_grad():
            weight.fill_(-1.0)
    convlayers.apply_constraints(layer)
    for weight in layer.weights:
        assert float(weight.detach().norm()) <= 1e-3 * 1.0001  # the new one ran, not NonNeg
        assert float(weight.detach().min()) < 0
    assert copy.deepcopy(layer).weights[0].constraint is not None


def test_unconstrained_weight_has_none():
    layer = convlayers.Conv1D(2, 3)
    layer(torch.randn(1, 5, 2))
    assert layer.kernel.constraint is None and layer.bias.constraint is None
