"""Regularizers: NumPy float64 formulas, tf-keras 2.21 goldens, configs and serialization."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from convlayers import regularizers as R

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CASES = [
    c
    for c in json.loads((FIXTURES / "initializers.json").read_text())["numeric_cases"]
    if c["kind"] == "regularizer"
]
SERIALIZED = json.loads((FIXTURES / "serialization.json").read_text())
F32 = float(np.float32(0.01))  # 0.009999999776482582: tf-keras stores penalties as float32


@pytest.fixture(scope="module")
def goldens():
    with np.load(FIXTURES / "initializers_goldens.npz") as npz:
        return {key: npz[key] for key in npz.files}


def plain(value):
    return json.loads(json.dumps(value))


# ------------------------------------------------------------- NumPy float64 formulas


def np_l1(x, l1):
    return l1 * np.abs(x).sum()


def np_l2(x, l2):
    return l2 * np.square(x).sum()


def np_orthogonal(x, factor, mode):
    v = x if mode == "rows" else x.T
    v = v / np.sqrt(np.maximum(np.square(v).sum(axis=1, keepdims=True), 1e-12))
    gram = v @ v.T
    n = gram.shape[0]
    off = np.abs(gram[~np.eye(n, dtype=bool)]).sum()
    return factor * 0.5 * off / (n * (n - 1) / 2)


@pytest.fixture
def weight():
    rng = np.random.default_rng(0)
    return rng.normal(size=(6, 4))


@pytest.mark.parametrize("l1", [0.01, 0.3, 2.0, 0.0, -0.5])
def test_l1(weight, l1):
    out = R.L1(l1)(torch.from_numpy(weight))
    assert out.shape == () and out.dtype == torch.float64
    np.testing.assert_allclose(out.item(), np_l1(weight, float(np.float32(l1))), rtol=1e-12)


@pytest.mark.parametrize("l2", [0.01, 0.3, 2.0])
def test_l2_has_no_half(weight, l2):
    out = R.L2(l2)(torch.from_numpy(weight))
    np.testing.assert_allclose(out.item(), np_l2(weight, float(np.float32(l2))), rtol=1e-12)


@pytest.mark.parametrize(("l1", "l2"), [(0.0, 0.0), (0.01, 0.0), (0.0, 0.02), (0.1, 0.2)])
def test_l1l2(weight, l1, l2):
    out = R.L1L2(l1, l2)(torch.from_numpy(weight))
    c1, c2 = float(np.float32(l1)), float(np.float32(l2))
    np.testing.assert_allclose(out.item(), np_l1(weight, c1) + np_l2(weight, c2), rtol=1e-12)
    assert out.dtype == torch.float64


@pytest.mark.parametrize("mode", ["rows", "columns"])
@pytest.mark.parametrize("factor", [0.01, 1.0])
def test_orthogonal_regularizer(weight, mode, factor):
    out = R.OrthogonalRegularizer(factor, mode)(torch.from_numpy(weight))
    expected = np_orthogonal(weight, float(np.float32(factor)), mode)
    np.testing.assert_allclose(out.item(), expected, rtol=1e-12)


def test_orthogonal_regularizer_hand_value():
    # rows (1, 0) and (1, 1)/sqrt(2): one pair with |cos| = 1/sqrt(2)
    x = torch.tensor([[1.0, 0.0], [1.0, 1.0]], dtype=torch.float64)
    np.testing.assert_allclose(
        R.OrthogonalRegularizer(1.0)(x).item(), 0.5 * 2 / np.sqrt(2), rtol=1e-12
    )


def test_regularizers_are_differentiable(weight):
    w = torch.from_numpy(weight).requires_grad_()
    R.L1L2(0.1, 0.2)(w).backward()
    expected = np.float32(0.1) * np.sign(weight) + 2 * np.float32(0.2) * weight
    np.testing.assert_allclose(w.grad.numpy(), expected, rtol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["key"])
def test_matches_reference(case, goldens):
    x = torch.from_numpy(goldens[case["input"]])
    out = getattr(R, case["name"])(**case["args"])(x)
    expected = goldens[case["key"]]
    assert out.dtype == x.dtype
    rtol = 1e-6 if x.dtype == torch.float32 else 1e-13
    np.testing.assert_allclose(out.numpy(), expected, rtol=rtol)


# -------------------------------------------------------------------- config


def test_float32_rounded_configs():
    assert R.L1().get_config() == {"l1": F32}
    assert R.L2(0.1).get_config() == {"l2": 0.10000000149011612}
    assert R.L1L2().get_config() == {"l1": 0.0, "l2": 0.0}
    assert R.l1_l2().get_config() == {"l1": F32, "l2": F32}
    assert R.L1L2(None, 0.5).get_config() == {"l1": 0.0, "l2": 0.5}
    assert R.L1(None).get_config() == {"l1": F32}
    assert R.L1(l=0.5).get_config() == {"l1": 0.5}
    assert R.OrthogonalRegularizer().get_config() == {"factor": F32, "mode": "rows"}
    assert type(R.L1(1).get_config()["l1"]) is float


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: R.L1("x"), ValueError, r"`l1` must be a finite number. Received: l1='x'"),
        (lambda: R.L2(float("nan")), ValueError, r"Received: l2=nan"),
        (lambda: R.L1L2(float("inf")), ValueError, r"Received: l1=inf"),
        (lambda: R.L1L2(0.1, "y"), ValueError, r"Received: l2='y'"),
        (lambda: R.OrthogonalRegularizer(None), ValueError, r"Received: factor=None"),
        (lambda: R.OrthogonalRegularizer(0.1, "foo"), ValueError, r"Received: mode='foo'"),
        (lambda: R.L1(foo=1), TypeError, r"foo"),
        (
            lambda: R.OrthogonalRegularizer()(torch.ones(3)),
            ValueError,
            r"rank 2. Received: x=\(3,\)",
        ),
        (lambda: R.get(5), TypeError, r"`regularizer` must be .* Received: regularizer=5"),
        (lambda: R.get("abcd"), ValueError, r"Received: regularizer='abcd'"),
        (lambda: R.get({"class_name": "L1", "config": {"l2": 1}}), TypeError, r"\['l2'\]"),
    ],
)
def test_errors(make, error, match):
    with pytest.raises(error, match=match):
        make()


@pytest.mark.parametrize(
    "case", SERIALIZED["regularizers"], ids=lambda c: f"{c['class_name']}{c['args']}"
)
def test_serialize_matches_reference(case):
    reg = getattr(R, case["class_name"])(**case["args"])
    assert plain(R.serialize(reg)) == case["serialized"]
    back = R.deserialize(R.serialize(reg))
    assert type(back) is type(reg) and back.get_config() == reg.get_config()
    legacy = {"class_name": case["class_name"], "config": reg.get_config()}
    assert R.get(legacy).get_config() == reg.get_config()


@pytest.mark.parametrize("name", sorted(SERIALIZED["regularizer_names"]))
def test_get_accepts_every_reference_name(name):
    expected = SERIALIZED["regularizer_names"][name]
    reg = R.get(name)
    assert type(reg).__name__ == expected["class_name"]
    assert reg.get_config() == expected["config"]


def test_get_other_identifiers():
    assert R.get({"class_name": "L1L2"}).get_config() == {"l1": 0.0, "l2": 0.0}
    assert R.get(None) is None
    assert R.serialize(None) is None
    reg = R.L2()
    assert R.get(reg) is reg
    assert isinstance(R.get(R.L1), R.L1)
    assert R.get({"class_name": "l1_l2", "config": {"l1": 0.5}}).get_config() == {
        "l1": 0.5,
        "l2": F32,
    }

    def my_penalty(x):
        return x.sum()

    assert R.get(my_penalty) is my_penalty
    assert R.serialize(my_penalty) == {
        "module": "builtins",
        "class_name": "function",
        "config": "my_penalty",
        "registered_name": "function",
    }
    with pytest.raises(ValueError, match="lambda"):
        R.serialize(lambda x: x)


@pytest.mark.parametrize("case", SERIALIZED["conv1d_configs"], ids=lambda c: str(c["args"]))
def test_layer_config_entries_match_reference(case):
    args, config = case["args"], case["config"]
    for key in ("kernel_regularizer", "bias_regularizer", "activity_regularizer"):
        assert plain(R.serialize(R.get(args.get(key)))) == config[key]
