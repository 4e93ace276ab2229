"""Arithmetic on symbolic tensors and the op layers (TFOpLambda, SlicingOpLambda): a tf-keras
model config rebuilt with our classes gives the reference's outputs and input gradients;
our operators write the nodes the reference writes; the whitelist against NumPy."""

import json

import numpy as np
import pytest
import torch
from fixture_loader import load_fixtures, load_index

import convlayers
from convlayers import layers, symbolic
from convlayers.layers.op_layers import SlicingOpLambda, TFOpLambda
from convlayers.ops.tf_functions import WHITELIST, tf_function

CASE = load_fixtures("symbolic_ops")[0]
ENTRY = load_index("symbolic_ops")["cases"]["model"]
REFERENCE = CASE.config["config"]
NAMES = ENTRY["output_names"]


def _reference_inputs(grad=False):
    return [torch.tensor(CASE.arrays[f"in/{k}"], requires_grad=grad) for k in "xyzp"]


def test_the_reference_model_rebuilt_from_its_config_gives_its_outputs_and_gradients():
    model = convlayers.Model.from_config(json.loads(json.dumps(REFERENCE)))
    inputs = _reference_inputs(grad=True)
    outputs = model(inputs)
    loss = 0.0
    for name, out in zip(NAMES, outputs, strict=True):
        expected = CASE.arrays[f"out/{name}"]
        assert out.shape == expected.shape, name
        assert str(out.dtype).removeprefix("torch.") == str(expected.dtype), name
        np.testing.assert_allclose(
            out.detach().numpy(), expected, rtol=2e-6, atol=1e-6, err_msg=name
        )
        if name not in ENTRY["no_grad"]:
            loss = loss + (out * torch.tensor(CASE.arrays[f"g/{name}"])).sum()
    loss.backward()
    for key, tensor in zip("xyzp", inputs, strict=True):
        expected = CASE.arrays[f"d/{key}"]
        np.testing.assert_allclose(tensor.grad.numpy(), expected, rtol=1e-5, atol=1e-5)


def test_the_reference_config_uses_only_whitelisted_functions_and_every_one_is_exercised():
    used = {e["config"]["function"] for e in REFERENCE["layers"] if "function" in e["config"]}
    assert used <= set(WHITELIST)
    assert set(WHITELIST) == used


def test_the_rebuilt_model_writes_the_reference_config_back():
    model = convlayers.Model.from_config(REFERENCE)
    ours = {e["name"]: e for e in json.loads(json.dumps(model.get_config()))["layers"]}
    for entry in REFERENCE["layers"]:
        mine = ours[entry["name"]]
        assert mine["class_name"] == entry["class_name"]
        assert mine["config"] == entry["config"]
        assert mine["inbound_nodes"] == entry["inbound_nodes"], entry["name"]
    assert json.loads(json.dumps(model.get_config()))["output_layers"] == REFERENCE["output_layers"]


# ------------------------------------------------ our operators write the reference's nodes

OPERATORS = {
    "add": lambda x, y, z, p: x + y,
    "sub": lambda x, y, z, p: x - y,
    "mul": lambda x, y, z, p: x * y,
    "truediv": lambda x, y, z, p: x / (y * y + 1.0),
    "add_const": lambda x, y, z, p: x + 1.5,
    "radd_const": lambda x, y, z, p: 1.5 + x,
    "sub_const": lambda x, y, z, p: x - 0.5,
    "rsub_const": lambda x, y, z, p: 2.0 - x,
    "mul_const": lambda x, y, z, p: x * 2.0,
    "rmul_const": lambda x, y, z, p: 3.0 * x,
    "div_const": lambda x, y, z, p: x / 4.0,
    "rdiv_const": lambda x, y, z, p: 2.0 / (x * x + 1.0),
    "neg": lambda x, y, z, p: -x,
    "pow_int": lambda x, y, z, p: x**2,
    "pow_float": lambda x, y, z, p: p**1.5,
    "rpow": lambda x, y, z, p: 2.0**x,
    "abs": lambda x, y, z, p: abs(x),
    "floormod": lambda x, y, z, p: x % 0.75,
    "bcast_add": lambda x, y, z, p: x + z,
    "bcast_mul": lambda x, y, z, p: z * x,
    "slice_range": lambda x, y, z, p: x[:, 1:3],
    "slice_index": lambda x, y, z, p: x[:, :, 0],
    "slice_ellipsis_step": lambda x, y, z, p: x[..., ::2],
    "slice_newaxis": lambda x, y, z, p: x[:, None, 1],
    "slice_negative": lambda x, y, z, p: x[:, -1],
    "slice_reverse": lambda x, y, z, p: x[:, ::-1],
    "slice_reverse_step": lambda x, y, z, p: x[:, 3:0:-2],
    "slice_batch": lambda x, y, z, p: x[1:],
    "floordiv": lambda x, y, z, p: x // 0.75,
    "greater": lambda x, y, z, p: x > y,
    "greater_equal": lambda x, y, z, p: x >= 0.0,
    "less": lambda x, y, z, p: x < y,
    "less_equal": lambda x, y, z, p: x <= 0.0,
}
MERGES = {"add": "Add", "sub": "Subtract", "mul": "Multiply"}  # same-shape tensor pairs


def _build_ours():
    inputs = [
        convlayers.Input(shape, name=name)
        for name, shape in zip("xyzp", [(4, 3), (4, 3), (1, 3), (4, 3)])
    ]
    outputs = {name: fn(*inputs) for name, fn in OPERATORS.items()}
    return convlayers.Model(inputs, list(outputs.values())), outputs


def _producers(config, names):
    """Output name -> (config entry of its layer, its node index)."""
    by_name = {e["name"]: e for e in config["layers"]}
    refs = config["output_layers"]
    return {name: (by_name[ref[0]], ref[1]) for name, ref in zip(names, refs, strict=True)}


def _canonical(value, inputs):
    """Node data with references to op layers replaced by '<op>' (names of op layers depend
    on creation order; model inputs keep their names)."""
    if isinstance(value, list) and len(value) in (3, 4) and isinstance(value[0], str):
        head = value[0] if value[0] in inputs or value[0] == "_CONSTANT_VALUE" else "<op>"
        return [head, *(_canonical(v, inputs) for v in value[1:])]
    if isinstance(value, list):
        return [_canonical(v, inputs) for v in value]
    if isinstance(value, dict):
        return {k: _canonical(v, inputs) for k, v in value.items()}
    return value


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_our_operators_write_the_node_the_reference_writes(name):
    model, _ = _build_ours()
    ours = json.loads(json.dumps(model.get_config()))
    our_entry, our_node = _producers(ours, list(OPERATORS))[name]
    ref_entry, ref_node = _producers(REFERENCE, NAMES)[name]
    if name in MERGES:  # a deliberate difference: same-shape x + y is an Add node
        assert ref_entry["config"]["function"] in (
            "__operators__.add",
            "math.subtract",
            "math.multiply",
        )
        assert our_entry["class_name"] == MERGES[name]
        assert our_entry["inbound_nodes"][our_node] == [["x", 0, 0, {}], ["y", 0, 0, {}]]
        return
    assert our_entry["class_name"] == ref_entry["class_name"]
    assert our_entry["config"]["function"] == ref_entry["config"]["function"]
    inputs = set("xyzp")
    mine = _canonical(our_entry["inbound_nodes"][our_node], inputs)
    assert mine == _canonical(ref_entry["inbound_nodes"][ref_node], inputs)


def test_our_operator_model_computes_the_reference_outputs():
    model, outputs = _build_ours()
    results = model(_reference_inputs())
    for name, value in zip(outputs, results, strict=True):
        expected = CASE.arrays[f"out/{name}"]
        np.testing.assert_allclose(value.numpy(), expected, rtol=2e-6, atol=1e-6, err_msg=name)
        assert outputs[name].shape[1:] == expected.shape[1:]


def test_our_operator_model_round_trips_through_json():
    model, _ = _build_ours()
    clone = convlayers.Model.from_config(json.loads(json.dumps(model.get_config())))
    for a, b in zip(clone(_reference_inputs()), model(_reference_inputs()), strict=True):
        assert torch.equal(a, b)


# ---------------------------------------------------------------------- semantics


def test_shapes_dtypes_and_layer_kinds():
    x, y = convlayers.Input((4, 3)), convlayers.Input((4, 3))
    z = convlayers.Input((None, 3))
    assert (x > y).dtype == "bool" and (x * 2).dtype == "float32"
    assert (x + convlayers.Input((1, 3))).shape == (None, 4, 3)
    assert (x + z).shape == (None, 4, 3)  # unknown size against 4 (TF's static rule)
    assert (z * 2.0)[:, 1:].shape == (None, None, 3)
    assert x[0].shape == (4, 3) and x[..., None].shape == (None, 4, 3, 1)
    assert type((x + y).node.layer) is layers.Add
    assert type((x + z).node.layer) is TFOpLambda
    assert type(x[:, 1].node.layer) is SlicingOpLambda


def test_constants_of_numpy_and_torch_on_either_side():
    x = convlayers.Input((3,), name="x")
    left = np.array([1.0, 2.0, 3.0]) + x
    right = x * torch.tensor([1.0, 0.0, 2.0])
    model = convlayers.Model(x, [left, right])
    nodes = {e["name"]: e["inbound_nodes"] for e in model.get_config()["layers"]}
    assert nodes[left.node.layer.name] == [
        ["_CONSTANT_VALUE", -1, [1.0, 2.0, 3.0], {"y": ["x", 0, 0], "name": None}]
    ]
    data = torch.tensor([[1.0, 1.0, 1.0]])
    out_left, out_right = model(data)
    assert out_left.tolist() == [[2.0, 3.0, 4.0]] and out_right.tolist() == [[1.0, 0.0, 2.0]]
    clone = convlayers.Model.from_config(json.loads(json.dumps(model.get_config())))
    assert [t.tolist() for t in clone(data)] == [[[2.0, 3.0, 4.0]], [[1.0, 0.0, 2.0]]]
    torch_left = torch.tensor([1.0, 2.0, 3.0]) - x  # torch defers to x.__rsub__
    assert torch_left.node.input_tensors.tolist() == [1.0, 2.0, 3.0]
    assert convlayers.Model(x, torch_left)(data).tolist() == [[0.0, 1.0, 2.0]]


def test_refusals():
    x = convlayers.Input((3,))
    with pytest.raises(TypeError, match="Only integers, slices"):
        x[x]
    with pytest.raises(ValueError, match=r"^TF symbol `math.einsum` could not be found"):
        TFOpLambda("math.einsum")
    with pytest.raises(ValueError, match=r"^TF symbol `os.system` could not be found"):
        convlayers.Model.from_config(
            {
                "name": "m",
                "layers": [
                    {
                        "class_name": "InputLayer",
                        "name": "x",
                        "inbound_nodes": [],
                        "config": {"batch_input_shape": [None, 3], "name": "x"},
                    },
                    {
                        "class_name": "TFOpLambda",
                        "name": "bad",
                        "inbound_nodes": [["x", 0, 0, {}]],
                        "config": {"name": "bad", "function": "os.system"},
                    },
                ],
                "input_layers": [["x", 0, 0]],
                "output_layers": [["bad", 0, 0]],
            }
        )
    with pytest.raises(ValueError, match="cannot be applied to these arguments"):
        x + convlayers.Input((4,))
    with pytest.raises(TypeError, match="cannot be used as a Python bool"):
        bool(x > 0)


def test_without_the_layers_package_operators_say_what_is_missing(monkeypatch):
    monkeypatch.setattr(symbolic, "_operator_handler", None)
    with pytest.raises(TypeError, match="needs the layers of convlayers"):
        convlayers.Input((3,)) + 1.0


def test_an_op_layer_replays_on_another_batch_and_in_a_nested_model():
    x = convlayers.Input((4, 3))
    inner = convlayers.Model(x, (x * 2.0)[:, ::-1] + 1.0)
    outer_input = convlayers.Input((4, 3), batch_size=5)
    assert inner(outer_input).shape == (5, 4, 3)
    data = torch.randn(5, 4, 3)
    torch.testing.assert_close(inner(data), (data * 2.0).flip(1) + 1.0)
    a, b = convlayers.Input((4, 3)), convlayers.Input((1, 3))
    pair = convlayers.Model([a, b], [a + b, 2.0 - b * a])  # tensors in the op's arguments
    fixed = [convlayers.Input((4, 3), batch_size=5), convlayers.Input((1, 3), batch_size=5)]
    assert [t.shape for t in pair(fixed)] == [(5, 4, 3), (5, 4, 3)]


# ------------------------------------------------------------- the whitelist in float64


def _numpy_softmax(a, axis=-1):
    e = np.exp(a - a.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


WHITELIST_CASES = [
    ("__operators__.add", dict(y=1.5), lambda a: a + 1.5),
    ("math.add", dict(y="b"), lambda a, b: a + b),
    ("math.subtract", dict(y="b"), lambda a, b: a - b),
    ("math.multiply", dict(y="b"), lambda a, b: a * b),
    ("math.truediv", dict(y="b"), lambda a, b: a / b),
    ("math.pow", dict(y=3), lambda a: a**3),
    ("math.floormod", dict(y=0.7), lambda a: np.mod(a, 0.7)),
    ("compat.v1.floor_div", dict(y=0.7), lambda a: np.floor(a / 0.7)),
    ("compat.v1.floor_div", dict(y="b"), lambda a, b: np.floor(a / b)),
    ("math.maximum", dict(y="b"), np.maximum),
    ("math.minimum", dict(y=0.1), lambda a: np.minimum(a, 0.1)),
    ("math.greater", dict(y="b"), np.greater),
    ("math.greater_equal", dict(y=0.0), lambda a: a >= 0),
    ("math.less", dict(y="b"), np.less),
    ("math.less_equal", dict(y=0.0), lambda a: a <= 0),
    ("math.negative", {}, np.negative),
    ("math.abs", {}, np.abs),
    ("math.sqrt", {}, lambda a: np.sqrt(np.abs(a)), "abs"),
    ("math.rsqrt", {}, lambda a: 1 / np.sqrt(np.abs(a)), "abs"),
    ("math.square", {}, np.square),
    ("math.exp", {}, np.exp),
    ("math.log", {}, lambda a: np.log(np.abs(a)), "abs"),
    ("math.sigmoid", {}, lambda a: 1 / (1 + np.exp(-a))),
    ("math.tanh", {}, np.tanh),
    ("nn.relu", {}, lambda a: np.maximum(a, 0)),
    ("nn.relu6", {}, lambda a: np.clip(a, 0, 6)),
    ("nn.elu", {}, lambda a: np.where(a > 0, a, np.expm1(a))),
    ("nn.silu", dict(beta=2.0), lambda a: a / (1 + np.exp(-2 * a))),
    ("nn.gelu", {}, lambda a: 0.5 * a * (1 + np.vectorize(__import__("math").erf)(a / 2**0.5))),
    ("nn.softmax", dict(axis=1), lambda a: _numpy_softmax(a, 1)),
    (
        "clip_by_value",
        dict(clip_value_min=-0.5, clip_value_max=0.5),
        lambda a: np.clip(a, -0.5, 0.5),
    ),
    ("math.l2_normalize", dict(axis=-1), lambda a: a / np.linalg.norm(a, axis=-1, keepdims=True)),
    ("math.reduce_mean", dict(axis=[1, 2]), lambda a: a.mean(axis=(1, 2))),
    ("math.reduce_sum", dict(axis=-1, keepdims=True), lambda a: a.sum(-1, keepdims=True)),
    ("math.reduce_max", {}, np.max),
    ("math.reduce_min", dict(axis=0), lambda a: a.min(0)),
    ("reshape", dict(shape=[-1, 6]), lambda a: a.reshape(-1, 6)),
    ("expand_dims", dict(axis=-1), lambda a: a[..., None]),
    ("compat.v1.squeeze", dict(axis=[2]), lambda a: a[:, :, :1].squeeze(2), "first"),
    ("compat.v1.transpose", dict(perm=[2, 0, 1]), lambda a: a.transpose(2, 0, 1)),
    ("concat", dict(axis=1), lambda a, b: np.concatenate([a, b], 1), "list"),
    ("stack", dict(axis=-1), lambda a, b: np.stack([a, b], -1), "list"),
    ("split", dict(num_or_size_splits=[1, -1], axis=1), lambda a: np.split(a, [1], 1)),
    ("tile", dict(multiples=[1, 2, 3]), lambda a: np.tile(a, (1, 2, 3))),
    ("cast", dict(dtype="int32"), lambda a: (a * 3).astype(np.int32), "scale"),
    (
        "__operators__.getitem",
        dict(slice_spec=[{"class_name": "__ellipsis__"}, {"start": 3, "stop": None, "step": -2}]),
        lambda a: a[..., 3::-2],
    ),
]


@pytest.mark.parametrize("case", WHITELIST_CASES, ids=lambda c: c[0])
def test_whitelisted_functions_match_numpy_in_float64(rng, case):
    symbol, kwargs, numpy_fn, *prepare = case
    a = rng.standard_normal((2, 3, 4))
    b = np.where(rng.random(a.shape) < 0.3, a, rng.standard_normal(a.shape))  # with ties
    a[0, 0, :2] = 0.0  # and zeros for the comparisons with 0
    if prepare == ["abs"]:
        a = np.abs(a) + 0.1
    uses_b = "b" in kwargs.values() or prepare == ["list"]
    call = {k: torch.tensor(b) if v == "b" else v for k, v in kwargs.items()}
    first = [torch.tensor(a), torch.tensor(b)] if prepare == ["list"] else torch.tensor(a)
    if prepare == ["first"]:
        first = torch.tensor(a[:, :, :1])
    if prepare == ["scale"]:
        first = torch.tensor(a * 3)
    out = tf_function(symbol)(first, **call)
    expected = numpy_fn(a, b) if uses_b else numpy_fn(a)
    if isinstance(expected, list):
        assert len(out) == len(expected)
        for o, e in zip(out, expected):
            np.testing.assert_allclose(o.numpy(), e, rtol=1e-12, atol=1e-14)
        return
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-14)
