"""Merge layers: tf-keras fixtures (outputs, every input gradient, ties), a float64 NumPy
reference, the reference's shape rules and refusals, masks, functional forms and graphs."""

import json

import numpy as np
import pytest
import torch
from fixture_loader import FIXTURES, load_fixtures, load_index
from parity import reference_error, relative_l2

import convlayers
from convlayers import layers

CASES = load_fixtures("merging")
INDEX = load_index("merging")
CONFIGS = json.loads((FIXTURES / "merging_configs.json").read_text())["configs"]
NUMPY = {
    "Add": lambda xs: sum(xs[1:], xs[0]),
    "Subtract": lambda xs: xs[0] - xs[1],
    "Multiply": lambda xs: np.prod(np.broadcast_arrays(*xs), axis=0),
    "Average": lambda xs: sum(xs[1:], xs[0]) / len(xs),
    "Maximum": lambda xs: np.maximum.reduce(np.broadcast_arrays(*xs)),
    "Minimum": lambda xs: np.minimum.reduce(np.broadcast_arrays(*xs)),
}


def _inputs(case, dtype=None, grad=False):
    count = sum(1 for k in case.arrays if k.startswith("x"))
    return [
        torch.tensor(case.arrays[f"x{i}"], dtype=dtype, requires_grad=grad) for i in range(count)
    ]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_matches_tf_keras_fixture(case):
    layer = getattr(layers, case.layer).from_config(case.config)
    xs = _inputs(case, grad=True)
    y = layer(xs)
    assert relative_l2(y.detach(), case.arrays["y"]) <= 1e-6, "output"
    (y * torch.tensor(case.arrays["g"])).sum().backward()
    for i, x in enumerate(xs):
        # exact: ties route the whole gradient to the first input, as tf.maximum does
        np.testing.assert_allclose(x.grad.numpy(), case.arrays[f"dx{i}"], rtol=1e-6, atol=1e-6)
    assert json.loads(json.dumps(layer.get_config())) == case.config


@pytest.mark.parametrize("case", [c for c in CASES if c.layer in NUMPY], ids=lambda c: c.id)
def test_matches_numpy_in_float64(case):
    xs64 = [case.arrays[k].astype(np.float64) for k in sorted(case.arrays) if k[0] == "x"]
    rank = max(x.ndim for x in xs64)
    aligned = [x.reshape(x.shape[:1] + (1,) * (rank - x.ndim) + x.shape[1:]) for x in xs64]
    expected = NUMPY[case.layer](aligned)
    layer = getattr(layers, case.layer)(dtype="float64")
    out = layer([torch.tensor(x) for x in xs64]).numpy()
    np.testing.assert_allclose(out, expected, rtol=1e-13, atol=0)


def test_concatenate_matches_numpy(rng):
    xs = [rng.standard_normal((2, 4, k)) for k in (1, 3, 2)]
    for axis in (-1, 2):
        out = layers.Concatenate(axis=axis, dtype="float64")([torch.tensor(x) for x in xs])
        np.testing.assert_array_equal(out.numpy(), np.concatenate(xs, axis=axis))


def test_maximum_gradient_at_ties_goes_to_the_earlier_input():
    a = torch.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    b = torch.tensor([[1.0, 2.5, 3.0]], requires_grad=True)
    c = torch.tensor([[1.0, 0.0, 3.0]], requires_grad=True)
    layers.Maximum()([a, b, c]).sum().backward()
    assert a.grad.tolist() == [[1.0, 0.0, 1.0]]
    assert b.grad.tolist() == [[0.0, 1.0, 0.0]]
    assert c.grad.tolist() == [[0.0, 0.0, 0.0]]
    nan = layers.Minimum()([torch.tensor([[np.nan, 1.0]]), torch.tensor([[0.0, np.nan]])])
    assert torch.isnan(nan).all()  # NaN propagates both ways, as tf.minimum


@pytest.mark.parametrize("key", sorted(CONFIGS))
def test_config_equals_the_reference(key):
    entry = CONFIGS[key]
    layer = getattr(layers, key.split("(")[0])(**entry["kwargs"])
    assert json.loads(json.dumps(layer.get_config())) == entry["config"]


# -------------------------------------------------------------------------- shapes


@pytest.mark.parametrize(
    "row", INDEX["shape_table"], ids=lambda r: f"{r['layer']}-{r['kwargs']}-{r['input_shape']}"
)
def test_shapes_follow_the_reference_symbolic_call(row):
    """compute_output_shape and symbolic calls give what the reference's symbolic call
    gives (its own compute_output_shape is looser: see the module docstring)."""
    shapes = [tuple(s) for s in row["input_shape"]]
    expected = row["symbolic_call"]
    make = lambda: getattr(layers, row["layer"])(**row["kwargs"])  # noqa: E731
    if "error" in expected:
        _, message = reference_error(expected["error"])
        with pytest.raises(ValueError) as info:
            make()([convlayers.Input(batch_shape=s) for s in shapes])
        assert str(info.value).startswith(message)
        return
    assert make().compute_output_shape(shapes) == tuple(expected["result"])
    out = make()([convlayers.Input(batch_shape=s) for s in shapes])
    assert out.shape == tuple(expected["result"])


@pytest.mark.parametrize("probe", INDEX["probes"], ids=lambda p: f"{p['layer']}-{p['what']}")
def test_refusals_begin_with_the_reference_wording(probe):
    x = torch.zeros(2, 4, 3)
    calls = {
        "a tensor, not a list": lambda layer: layer(x),
        "incompatible shapes": lambda layer: layer([x, torch.zeros(2, 5, 3)]),
        "different batch sizes": lambda layer: layer([x, torch.zeros(3, 4, 3)]),
        "empty list": lambda layer: layer([]),
        "three inputs": lambda layer: layer([x, x, x]),
        "one input": lambda layer: layer([x]),
        "mismatched shapes": lambda layer: layer([x, torch.zeros(2, 5, 3)]),
        "different ranks": lambda layer: layer([x, torch.zeros(2, 4)]),
        "axis out of range": lambda layer: layer([x, x]),
    }
    layer = getattr(layers, probe["layer"])(**probe["kwargs"])
    kind, message = reference_error(probe["error"])
    if kind == "IndexError":  # the reference fails by accident; convlayers says why
        message = {
            "empty list": "A merge layer should be called on a list of at least 1 input",
            "axis out of range": "`axis` must be in [-3, 3) for inputs of rank 3",
        }[probe["what"]]
    with pytest.raises(ValueError) as info:
        calls[probe["what"]](layer)
    assert str(info.value).startswith(message), (str(info.value), message)


def test_batch_sizes_are_checked_on_every_call():
    layer = layers.Add()
    layer([torch.ones(2, 3), torch.ones(2, 3)])
    with pytest.raises(ValueError, match="Cannot merge tensors with different batch sizes"):
        layer([torch.ones(2, 3), torch.ones(1, 3)])


# --------------------------------------------------------------------------- masks


@pytest.mark.parametrize("row", INDEX["masks"], ids=lambda r: f"{r['layer']}-{r['kwargs']}")
def test_masks_match_the_reference(row):
    x = torch.zeros(row["input_shape"])
    masks = [None if m is None else torch.tensor(m) for m in row["masks"]]
    out = getattr(layers, row["layer"])(**row["kwargs"]).compute_mask([x, x], masks)
    if "error" in row:
        # The reference cannot concatenate an all-ones mask of the input's shape with an
        # expanded (N, L, 1) mask along axis 1; convlayers broadcasts and concatenates.
        expected = torch.cat([torch.ones(2, 4, dtype=torch.bool), masks[1]], dim=1)
        assert torch.equal(out, expected)
        return
    expected = row["result"]
    assert (None if out is None else out.tolist()) == expected


def test_masks_flow_through_an_eager_call():
    a, b = torch.ones(2, 4, 3), torch.ones(2, 4, 3)
    a._keras_mask = torch.tensor([[True, True, False, False]] * 2)
    b._keras_mask = torch.tensor([[True, False, True, False]] * 2)
    assert layers.Add()([a, b])._keras_mask.tolist() == [[True, False, False, False]] * 2
    assert layers.Concatenate(axis=1)([a, b])._keras_mask.shape == (2, 8)


# ------------------------------------------------------------------ functional forms


@pytest.mark.parametrize(
    ("function", "cls"),
    [
        (layers.add, layers.Add),
        (layers.subtract, layers.Subtract),
        (layers.multiply, layers.Multiply),
        (layers.average, layers.Average),
        (layers.maximum, layers.Maximum),
        (layers.minimum, layers.Minimum),
        (layers.concatenate, layers.Concatenate),
    ],
)
def test_functional_forms_build_the_layer_eagerly_and_symbolically(rng, function, cls):
    a, b = (torch.tensor(rng.standard_normal((2, 3)), dtype=torch.float32) for _ in range(2))
    torch.testing.assert_close(function([a, b]), cls()([a, b]), rtol=0, atol=0)
    x, y = convlayers.Input((3,)), convlayers.Input((3,))
    out = function([x, y], name="merged")
    assert isinstance(out.node.layer, cls) and out.node.layer.name == "merged"
    assert [t.node.layer for t in out.node.inputs] == [x.node.layer, y.node.layer]


def test_a_graph_of_merges_round_trips_through_its_config(rng):
    x = convlayers.Input((4, 3), name="x")
    y = convlayers.Input((1, 3), name="y")
    shared = layers.Maximum(name="shared")
    m1 = shared([x, y])
    m2 = shared([layers.add([x, m1]), x])  # a layer with two nodes
    out = layers.concatenate([m1, m2, layers.average([x, y, m2])], axis=1)
    model = convlayers.Model([x, y], out)
    config = model.get_config()
    entry = next(e for e in config["layers"] if e["name"] == "shared")
    assert entry["inbound_nodes"] == [
        [["x", 0, 0, {}], ["y", 0, 0, {}]],
        [["add", 0, 0, {}], ["x", 0, 0, {}]],
    ]
    clone = convlayers.Model.from_config(json.loads(json.dumps(config)))
    inputs = [
        torch.tensor(rng.standard_normal(s), dtype=torch.float32) for s in ((2, 4, 3), (2, 1, 3))
    ]
    torch.testing.assert_close(clone(inputs), model(inputs), rtol=0, atol=0)
    assert model.output_shape == (None, 12, 3)
