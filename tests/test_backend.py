"""convlayers.backend and convlayers.utils against tf.keras.backend/utils (golden values)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from fixture_loader import load_fixtures, load_index

import convlayers
from convlayers import backend as K
from convlayers import utils

CASES = load_fixtures("backend")
OUTPUT_SHAPES = {cid: tuple(e["output_shape"]) for cid, e in load_index("backend")["cases"].items()}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_matches_tf_keras_backend(case):
    args = [case.arrays[f"x{i}"] for i in range(len(case.input_shape))]
    kwargs = {
        k: tuple(v) if isinstance(v, list) and k != "axis" else v for k, v in case.config.items()
    }
    if case.layer.startswith("utils."):
        result = torch.from_numpy(getattr(utils, case.layer[6:])(*args, **kwargs))
    else:
        result = getattr(K, case.layer)(*map(torch.from_numpy, args), **kwargs)
    expected = case.arrays["y"].reshape(OUTPUT_SHAPES[case.id])
    assert isinstance(result, torch.Tensor)
    assert tuple(result.shape) == expected.shape
    assert result.numpy().dtype == expected.dtype
    if expected.dtype.kind in "iub":
        np.testing.assert_array_equal(result.numpy(), expected)
    else:
        np.testing.assert_allclose(result.numpy(), expected, rtol=2e-6, atol=1e-7)


def test_every_fixture_function_is_public():
    names = {c.layer for c in CASES}
    assert {n for n in names if "." not in n} <= set(K.__all__)
    assert {n[6:] for n in names if n.startswith("utils.")} <= set(utils.__all__)


def test_defaults_match_the_reference():
    defaults = load_index("backend")["defaults"]
    assert K.epsilon() == defaults["epsilon"]
    assert K.floatx() == defaults["floatx"]
    assert K.image_data_format() == defaults["image_data_format"]


def test_settings_round_trip_and_floatx_sets_the_layer_dtype():
    K.set_epsilon(1e-5)
    try:
        assert K.epsilon() == 1e-5
    finally:
        K.set_epsilon(1e-7)
    K.set_floatx("float64")
    try:
        assert convlayers.Conv1D(2, 3).dtype == "float64"
    finally:
        K.set_floatx("float32")
    assert convlayers.Conv1D(2, 3).dtype == "float32"
    with pytest.raises(ValueError, match="Unknown `floatx` value: int8"):
        K.set_floatx("int8")


def test_symbolic_shapes_and_values():
    x = convlayers.Input((5, None))
    assert K.int_shape(x) == (None, 5, None) and K.ndim(x) == 3 and K.dtype(x) == "float32"
    assert K.is_keras_tensor(x) and not K.is_keras_tensor(torch.zeros(1))
    t = torch.zeros(2, 3)
    K.set_value(t, np.ones((2, 3)))
    assert K.get_value(t).tolist() == [[1.0] * 3] * 2
    assert K.get_value(torch.tensor(2.5)) == 2.5
    with pytest.raises(TypeError, match="`set_value` takes a tensor"):
        K.set_value(3.0, 1.0)


def test_numpy_inputs_become_floatx_tensors():
    y = K.square(np.array([1.0, 2.0]))
    assert y.dtype == torch.float32 and y.tolist() == [1.0, 4.0]


def test_to_categorical_refuses_labels_out_of_range():
    with pytest.raises(ValueError, match="labels outside"):
        utils.to_categorical([0, 3], num_classes=3)


def test_set_random_seed_repeats_torch_and_numpy():
    utils.set_random_seed(7)
    first = (torch.rand(2).tolist(), np.random.rand())
    utils.set_random_seed(7)
    assert (torch.rand(2).tolist(), np.random.rand()) == first
    with pytest.raises(ValueError, match="Expected `seed` argument to be an integer"):
        utils.set_random_seed(1.5)
