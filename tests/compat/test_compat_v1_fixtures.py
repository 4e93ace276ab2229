"""The TF1 scenarios of ``compat_v1_scenarios.py`` on convlayers.compat.v1 against the
fixtures ``tools/make_compat_v1_fixtures.py`` recorded from ``tf.compat.v1`` (graph mode).

Each scenario compares: the global variables in creation order (names, shapes, shard
shapes, membership of TRAINABLE_VARIABLES), the REGULARIZATION_LOSSES count and values,
each returned layer's name, scope name, weight names and loss count, every expected
error (type and message) and the outputs computed with the same weights (the
reference's seeded values, put in place as each variable is created).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from compat_v1_scenarios import INIT_SCENARIOS, SCENARIOS
from fixture_loader import FIXTURES

import convlayers
from convlayers.compat import v1 as tf
from convlayers.layers import variables as variables_module

INDEX = json.loads((FIXTURES / "compat_v1.json").read_text())
with np.load(FIXTURES / "compat_v1.npz", allow_pickle=False) as _npz:
    ARRAYS = {key: _npz[key] for key in _npz.files}
X1, X2 = ARRAYS["inputs/x1"], ARRAYS["inputs/x2"]

# Where we deliberately differ (README "Where we deliberately differ"):
# a partitioner axis beyond a weight's rank is a ValueError naming the axis (TF: IndexError).
ERROR_DEVIATIONS = {
    ("variable_axis_size_partitioner", "axis_beyond_bias_rank"): (
        "ValueError",
        "Cannot partition variable along axis 2 when shape is only (10,)",
    ),
}
# tf-keras' own Keras layers ignore `partitioner` in graph mode; ours partition.
KERAS_STYLE = "keras_style_add_weight_partitioner"


class Kit:
    KerasLayer = convlayers.Layer

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    @staticmethod
    def l1(scale):
        return convlayers.regularizers.L1(scale)

    @staticmethod
    def l2(scale):
        return convlayers.regularizers.L2(scale)

    @staticmethod
    def matmul(a, b):
        return torch.matmul(a, b)

    @staticmethod
    def max_norm(value):
        return convlayers.constraints.MaxNorm(value)

    @staticmethod
    def non_neg():
        return convlayers.constraints.NonNeg()

    @staticmethod
    def reduce_sum(x):
        return x.sum()

    @staticmethod
    def sgd_step(loss, learning_rate, layers):
        loss.backward()
        with torch.no_grad():
            for variable in tf.trainable_variables():
                variable -= learning_rate * variable.grad
        for layer in layers:
            convlayers.apply_constraints(layer)

    def attempt(self, label, fn):
        try:
            fn()
        except Exception as error:
            self.errors[label] = [type(error).__name__, str(error)]
        else:
            self.errors[label] = ["no error", ""]


def _case(case_id):
    case = INDEX["cases"][case_id]
    arrays = {field: ARRAYS[f"{case_id}/{field}"] for field in case["fields"]}
    return case, arrays


def _seed_from(weights, monkeypatch):
    """New variables take the reference's values (by TF name; a shard of a weight the
    reference kept whole takes its next rows)."""
    original = variables_module._named
    taken: dict[str, int] = {}

    def seeded(value, name, trainable, constraint):
        key = f"{name}:0"
        if key in weights:
            value = torch.tensor(weights[key], dtype=value.dtype).reshape(value.shape)
        elif "/part_" in name and (whole := f"{name.rsplit('/part_', 1)[0]}:0") in weights:
            start = taken.get(whole, 0)
            taken[whole] = start + value.shape[0]
            value = torch.tensor(weights[whole][start : start + value.shape[0]])
        return original(value, name, trainable, constraint)

    monkeypatch.setattr(variables_module, "_named", seeded)


def _run(case_id, arrays, monkeypatch):
    weights = {key[2:]: value for key, value in arrays.items() if key.startswith("w/")}
    if case_id not in INIT_SCENARIOS:
        _seed_from(weights, monkeypatch)
    kit = Kit()
    result = SCENARIOS[case_id](tf, kit, torch.tensor(X1), torch.tensor(X2))
    return kit, result


def _layer_entry(layer):
    try:
        scope_name = layer.scope_name
    except ValueError as error:
        scope_name = f"ValueError: {error}"
    return {
        "name": layer.name,
        "scope_name": scope_name,
        "weights": [w.name for w in layer.weights],
        "trainable_weights": [w.name for w in layer.trainable_weights],
        "losses": len(layer.losses),
    }


SCENARIO_IDS = [cid for cid in INDEX["cases"] if cid != "inputs"]


def test_every_scenario_has_a_fixture():
    assert sorted(SCENARIO_IDS) == sorted(SCENARIOS)


@pytest.mark.parametrize("case_id", SCENARIO_IDS)
def test_variables_collections_and_errors(case_id, monkeypatch):
    case, arrays = _case(case_id)
    kit, _ = _run(case_id, arrays, monkeypatch)
    trainable = {id(v) for v in tf.trainable_variables()}
    ours = [[v.name, list(v.shape), id(v) in trainable] for v in tf.global_variables()]
    if case_id != KERAS_STYLE:  # tf-keras' Keras layers keep no graph collections here
        assert ours == case["variables"]
        assert len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)) == len(arrays["losses"])
    expected_errors = {
        label: list(ERROR_DEVIATIONS.get((case_id, label), error))
        for label, error in case["errors"].items()
    }
    assert kit.errors == expected_errors


@pytest.mark.parametrize("case_id", SCENARIO_IDS)
def test_layers_as_the_reference(case_id, monkeypatch):
    case, arrays = _case(case_id)
    _, result = _run(case_id, arrays, monkeypatch)
    trainable_collection = {name for name, _, trainable in case["variables"] if trainable}
    for label, expected in case["layers"].items():
        ours = _layer_entry(result["layers"][label])
        if case_id == KERAS_STYLE:
            # ours: two shards, each regularized; the reference: one unpartitioned kernel
            assert ours["weights"] == ["project/kernel/part_0:0", "project/kernel/part_1:0"]
            assert ours["name"] == expected["name"] and expected["losses"] == 1
            continue
        if any("/part_" in name for name in expected["weights"]):
            # tf-keras lists a partitioned weight's shards as non-trainable (it looks for
            # the PartitionedVariable itself in TRAINABLE_VARIABLES); the collection and
            # TF1 optimizers train them, and so do we.
            expected = {
                **expected,
                "trainable_weights": [n for n in expected["weights"] if n in trainable_collection],
            }
        assert ours == expected


@pytest.mark.parametrize("case_id", [c for c in SCENARIO_IDS if c not in INIT_SCENARIOS])
def test_outputs_and_losses_with_the_same_weights(case_id, monkeypatch):
    case, arrays = _case(case_id)
    _, result = _run(case_id, arrays, monkeypatch)
    for label in case["outputs"]:
        output = result["outputs"][label]
        value = output.as_tensor() if isinstance(output, tf.PartitionedVariable) else output
        np.testing.assert_allclose(
            value.detach().numpy(), arrays[f"y/{label}"], rtol=1e-5, atol=1e-5, err_msg=label
        )
    if case_id == KERAS_STYLE:
        layer = result["layers"]["project"]
        expected = 0.5 * np.square(arrays["w/project/kernel:0"]).sum()
        assert float(sum(layer.losses).detach()) == pytest.approx(expected, rel=1e-5)
        return
    losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    np.testing.assert_allclose(
        np.array([float(loss.detach()) for loss in losses], np.float32),
        arrays["losses"],
        rtol=1e-5,
        atol=1e-6,
    )


@pytest.mark.parametrize("case_id", INIT_SCENARIOS)
def test_initial_values_as_the_reference(case_id, monkeypatch):
    _, arrays = _case(case_id)
    _run(case_id, arrays, monkeypatch)
    ours = {v.name: v.detach().numpy() for v in tf.global_variables()}
    for name, value in ((k[5:], v) for k, v in arrays.items() if k.startswith("init/")):
        if np.all(value == value.flat[0]):  # a constant initializer: the same values
            np.testing.assert_array_equal(ours[name], value, err_msg=name)
        elif value.size >= 300:  # the same distribution bound (glorot fans of the whole)
            ratio = np.abs(ours[name]).max() / np.abs(value).max()
            assert 0.95 < ratio < 1.05, (name, ratio)
        else:
            assert np.abs(ours[name]).max() <= 1.5 * np.abs(value).max(), name


@pytest.mark.parametrize(
    "case_id",
    [c for c in SCENARIO_IDS if any(f.startswith("after/") for f in INDEX["cases"][c]["fields"])],
)
def test_constraints_after_a_step_as_the_reference(case_id, monkeypatch):
    _, arrays = _case(case_id)
    _run(case_id, arrays, monkeypatch)
    for variable in tf.global_variables():
        np.testing.assert_allclose(
            variable.detach().numpy(),
            arrays[f"after/{variable.name}"],
            rtol=1e-5,
            atol=1e-6,
            err_msg=variable.name,
        )
