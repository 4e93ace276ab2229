"""Lambda: calls, output shapes (given or inferred on meta tensors, against the reference's),
masks and arguments, and configs (by name only: no bytecode is written or loaded)."""

import json

import numpy as np
import pytest
import torch
from fixture_loader import FIXTURES

import convlayers
from convlayers.layers.registry import deserialize_layer, serialize_layer

REFERENCE = json.loads((FIXTURES / "lambda_layer.json").read_text())
CONFIGS = REFERENCE["configs"]


def double(t):
    return t * 2.0


def halve_shape(input_shape):
    return (input_shape[0], input_shape[1] // 2)


def keep_mask(inputs, mask=None):
    return mask


def test_builtin_function_config_equals_the_reference():
    layer = convlayers.Lambda(np.abs)
    assert json.loads(json.dumps(layer.get_config())) == CONFIGS["builtin (not a Python function)"]


@pytest.mark.parametrize(
    ("key", "kwargs"),
    [
        ("named function", dict(function=double)),
        ("tuple output_shape", dict(function=double, output_shape=(4, 3))),
        ("callable output_shape", dict(function=double, output_shape=halve_shape)),
        ("mask and arguments", dict(function=double, mask=keep_mask, arguments={"k": 2.0})),
    ],
)
def test_config_has_the_reference_keys_with_functions_by_name(key, kwargs):
    reference = CONFIGS[key]
    config = json.loads(json.dumps(convlayers.Lambda(**kwargs).get_config()))
    assert list(config) == list(reference)
    modules = {"function": "module", "output_shape": "output_shape_module", "mask": "mask_module"}
    for field, module in modules.items():
        if reference.get(f"{field}_type") == "lambda":  # the reference writes bytecode
            assert config[f"{field}_type"] == "function"
            assert config[field] == kwargs[field].__name__
            assert config[module] == __name__
        elif field in reference:
            assert config[field] == reference[field]
    assert config["arguments"] == reference["arguments"]


def test_the_reference_loads_the_by_name_form_we_write():
    loaded = REFERENCE["loads_by_name"]  # tf-keras rebuilt this config with custom_objects
    config = convlayers.Lambda(double, name="lam").get_config()
    assert {**config, "module": "__main__"} == loaded["config"]
    layer = convlayers.Lambda.from_config(config, custom_objects={"double": double})
    assert layer(torch.tensor(loaded["input"])).tolist() == loaded["output"]


def test_a_python_lambda_is_refused_when_serialized_and_when_loaded():
    with pytest.raises(ValueError, match=r"is a Python lambda.*define it with `def`"):
        convlayers.Lambda(lambda t: t + 1).get_config()
    with pytest.raises(ValueError, match=r"`output_shape`.*is a Python lambda"):
        convlayers.Lambda(double, output_shape=lambda s: s).get_config()
    config = {**convlayers.Lambda(double).get_config(), "function_type": "lambda"}
    with pytest.raises(
        ValueError,
        match=r"^Requested the deserialization of a Lambda layer with a Python `lambda` inside",
    ):
        convlayers.Lambda.from_config(config)
    with pytest.raises(ValueError, match="Unknown function in Lambda layer: 'double'"):
        convlayers.Lambda.from_config(convlayers.Lambda(double).get_config())
    config = {**convlayers.Lambda(double).get_config(), "function_type": "pickle"}
    with pytest.raises(TypeError, match=r"^Unsupported value for `function_type` argument"):
        convlayers.Lambda.from_config(config, custom_objects={"double": double})


def test_from_config_through_the_registry_and_a_model(rng):
    entry = serialize_layer(convlayers.Lambda(double, output_shape=halve_shape))
    objects = {"double": double, "halve_shape": halve_shape}
    layer = deserialize_layer(json.loads(json.dumps(entry)), custom_objects=objects)
    assert layer.compute_output_shape((None, 8)) == (None, 4)
    x = convlayers.Input((5, 3))
    y = convlayers.Dense(2)(convlayers.Lambda(double, name="twice")(x))
    model = convlayers.Model(x, y)
    clone = convlayers.Model.from_config(model.get_config(), custom_objects={"double": double})
    clone.set_weights(model.get_weights())
    data = torch.tensor(rng.standard_normal((2, 5, 3)), dtype=torch.float32)
    torch.testing.assert_close(clone(data), model(data), rtol=0, atol=0)


# ------------------------------------------------------------------------- shapes

FUNCTIONS = {  # the reference's functions, written with operators torch tensors take too
    "t[:, 1:] * 2.0": lambda t: t[:, 1:] * 2.0,
    "t[:, :, None]": lambda t: t[:, :, None],
    "t[..., ::2] + t[..., 1::2]": lambda t: t[..., ::2] + t[..., 1::2],
    "t[:, 0]": lambda t: t[:, 0],
    "-t[1:]": lambda t: -t[1:],
    "[t, t[:, :1]]": lambda t: [t, t[:, :1]],
}


@pytest.mark.parametrize("row", REFERENCE["inferred"], ids=lambda r: r["function"])
def test_inferred_output_shapes_equal_the_reference(row):
    layer = convlayers.Lambda(FUNCTIONS[row["function"]])
    out = layer(convlayers.Input(batch_shape=tuple(row["input_shape"])))
    shapes = [list(t.shape) for t in out] if isinstance(out, list) else list(out.shape)
    assert shapes == row["output_shape"]


def test_inference_runs_no_computation_and_keeps_unknown_sizes():
    calls = []

    def spy(t):
        calls.append(t.device.type)
        return t.reshape(t.shape[0], -1, 2).sum(-1)

    layer = convlayers.Lambda(spy)
    assert layer.compute_output_shape((None, 6, 4)) == (None, 12)
    assert layer.compute_output_shape((3, None, 4)) == (3, None)
    assert set(calls) == {"meta"}
    assert layer(torch.ones(3, 6, 4)).shape == (3, 12)


def test_given_output_shapes():
    x = convlayers.Input((6, 4), batch_size=5)
    assert convlayers.Lambda(double, output_shape=(6, 4))(x).shape == (5, 6, 4)
    assert convlayers.Lambda(double, output_shape=halve_shape).compute_output_shape((5, 6)) == (
        5,
        3,
    )
    pair = convlayers.Lambda(lambda t: [t, t], output_shape=[(6, 4), (2,)])(x)
    assert [t.shape for t in pair] == [(5, 6, 4), (5, 2)]


def test_failed_inference_asks_for_output_shape():
    layer = convlayers.Lambda(lambda t: t.nonzero())  # data-dependent: no meta kernel
    with pytest.raises(
        NotImplementedError,
        match=r"^We could not automatically infer the shape of the Lambda's output. Please "
        r"specify `output_shape` for this Lambda. \(Running",
    ):
        layer(convlayers.Input((3,)))


# ---------------------------------------------------------------------- behaviour


def test_arguments_mask_and_training_reach_the_function():
    seen = {}

    def fn(t, scale, mask=None, training=None):
        seen.update(mask=mask, training=training)
        return t * scale

    layer = convlayers.Lambda(fn, arguments={"scale": 3.0}, mask=keep_mask)
    x = torch.ones(2, 3)
    x._keras_mask = torch.tensor([True, False])
    out = layer(x)
    assert out.tolist() == [[3.0] * 3] * 2
    assert seen["mask"] is x._keras_mask and seen["training"] is True
    assert out._keras_mask is x._keras_mask
    layer.eval()
    layer(torch.ones(2, 3))
    assert seen["training"] is False
    layer(torch.ones(2, 3), training=True)
    assert seen["training"] is True
    constant = convlayers.Lambda(double, mask=torch.tensor([True, True]))
    assert constant.compute_mask(x, None).tolist() == [True, True]


def test_eager_on_numpy_and_symbolic_in_a_model(rng):
    layer = convlayers.Lambda(lambda t: t.sum(dim=-1, keepdim=True))
    data = rng.standard_normal((4, 3)).astype(np.float32)
    np.testing.assert_allclose(layer(data).numpy(), data.sum(-1, keepdims=True), rtol=1e-6)
    x = convlayers.Input((3,))
    model = convlayers.Model(x, convlayers.Lambda(lambda t: t[:, :2] * 2)(x))
    assert model.output_shape == (None, 2)
    torch.testing.assert_close(model(torch.tensor(data)), torch.tensor(data[:, :2] * 2))


def test_bad_arguments():
    with pytest.raises(TypeError, match=r"`function` must be callable\. Received: function=3"):
        convlayers.Lambda(3)
    with pytest.raises(TypeError, match="`arguments` must be a dict"):
        convlayers.Lambda(double, arguments=[1])


def test_a_layer_first_called_inside_a_lambda_keeps_real_weights():
    """Lambda infers shapes on meta tensors; a layer it calls is built with real weights
    (not moved to 'meta'), and the inference asks for ``output_shape`` instead."""
    dense = convlayers.Dense(3)
    x = convlayers.Input((4,))
    with pytest.raises(NotImplementedError, match="specify `output_shape`"):
        convlayers.layers.Lambda(lambda t: dense(t))(x)
    assert dense.kernel.device.type == "cpu"
    y = convlayers.layers.Lambda(lambda t: dense(t), output_shape=(3,))(x)
    assert y.shape == (None, 3)
    assert convlayers.Model(x, y)(torch.ones(2, 4)).shape == (2, 3)
