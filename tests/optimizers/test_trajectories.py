"""Optimizer trajectories against tf-keras 2.21 (fixtures) and a float64 NumPy reference.

Every case of ``tests/fixtures/optimizers`` (made by ``tools/make_optimizer_fixtures.py``)
applies six fixed float32 gradients to four weights; ours must give the reference's
weights after every step to float32 round-off, torch style (``step``) and Keras style
(``apply_gradients``). The NumPy reference (``optimizer_reference.py``) checks the same
rules in float64, against the fixtures and against our optimizers run in float64.
"""

from __future__ import annotations

import numpy as np
import optimizer_reference
import pytest
import torch
from fixture_loader import load_fixtures, load_index

from convlayers import optimizers

CASES = {case.id: case for case in load_fixtures("optimizers")}
INDEX = load_index("optimizers")["cases"]
RTOL = 1e-6  # float32 round-off over six steps


def _inputs(case):
    count = len(case.weight_names)
    grads = [case.arrays[f"grads/{i}"] for i in range(count)]
    # (the npz writer stores a 0-d array as shape (1,): take the shape from the gradients)
    init = [case.arrays[f"init/{i}"].reshape(grads[i].shape[1:]) for i in range(count)]
    missing = {tuple(pair) for pair in INDEX[case.id]["actions"].get("none_grads", [])}
    steps = len(grads[0])
    sequence = [
        [None if (step, i) in missing else grads[i][step] for i in range(count)]
        for step in range(steps)
    ]
    return init, sequence


def _make(case, params=None):
    kwargs = dict(INDEX[case.id]["kwargs"])
    if isinstance(kwargs.get("learning_rate"), dict):
        kwargs["learning_rate"] = optimizers.schedules.deserialize(kwargs["learning_rate"])
    cls = getattr(optimizers, case.layer)
    return cls(**kwargs) if params is None else cls(params, **kwargs)


def run_ours(case, dtype=torch.float32, keras_style=False):
    """Our trajectory (weights after each step, then after finalize) and learning rates."""
    init, sequence = _inputs(case)
    actions = INDEX[case.id]["actions"]
    params = [torch.nn.Parameter(torch.tensor(w, dtype=dtype)) for w in init]
    opt = _make(case) if keras_style else _make(case, params)
    if "exclude" in actions:
        opt.exclude_from_weight_decay(var_list=[params[i] for i in actions["exclude"]])
    set_lr = dict(actions.get("set_lr", []))
    out, lrs = [], []
    for step, grads in enumerate(sequence):
        if step in set_lr:
            opt.learning_rate = set_lr[step]
        tensors = [None if g is None else torch.tensor(g, dtype=dtype) for g in grads]
        if keras_style:
            opt.apply_gradients(zip(tensors, params))
        else:
            for p, g in zip(params, tensors):
                p.grad = g
            opt.step()
        out.append([p.detach().numpy().copy() for p in params])
        lrs.append(float(opt.learning_rate))
    if actions.get("finalize"):
        opt.finalize_variable_values(params)
        out.append([p.detach().numpy().copy() for p in params])
    assert int(opt.iterations) == len(sequence)
    return out, lrs


def expected_steps(case):
    count, steps = len(case.weight_names), len(case.arrays["traj/0"])
    out = [[case.arrays[f"traj/{i}"][step] for i in range(count)] for step in range(steps)]
    if INDEX[case.id]["actions"].get("finalize"):
        shapes = [case.arrays[f"traj/{i}"].shape[1:] for i in range(count)]
        out.append([case.arrays[f"final/{i}"].reshape(shapes[i]) for i in range(count)])
    return out


def max_relative_error(got, want) -> float:
    """max over steps and weights of max|got - want| / max|want|."""
    worst = 0.0
    for got_step, want_step in zip(got, want, strict=True):
        for g, w in zip(got_step, want_step, strict=True):
            w = np.asarray(w, np.float64)
            scale = max(float(np.max(np.abs(w))), 1e-30)
            worst = max(worst, float(np.max(np.abs(np.asarray(g, np.float64) - w))) / scale)
    return worst


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_trajectory_matches_tf_keras(case_id):
    case = CASES[case_id]
    got, lrs = run_ours(case)
    assert max_relative_error(got, expected_steps(case)) <= RTOL
    np.testing.assert_allclose(lrs, case.arrays["lr"], rtol=1e-7)


@pytest.mark.parametrize(
    "case_id", ["adam_none_grad", "sgd_ema", "adamw_options", "nadam_none_grad"]
)
def test_apply_gradients_gives_the_same_trajectory(case_id):
    case = CASES[case_id]
    got, _ = run_ours(case, keras_style=True)
    assert max_relative_error(got, expected_steps(case)) <= RTOL


def _numpy_reference(case):
    init, sequence = _inputs(case)
    kwargs = dict(INDEX[case.id]["kwargs"])
    return optimizer_reference.run(case.layer, kwargs, init, sequence, INDEX[case.id]["actions"])


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_numpy_reference_matches_tf_keras(case_id):
    """The float64 reference is the same rule: it agrees with tf-keras' float32 result."""
    case = CASES[case_id]
    # float32 against float64: Adam's 1 - beta_2 ** t alone costs 1e-5 at t = 1
    assert max_relative_error(_numpy_reference(case), expected_steps(case)) <= 1e-4


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_float64_weights_follow_the_numpy_reference(case_id):
    case = CASES[case_id]
    got, _ = run_ours(case, dtype=torch.float64)
    schedule = isinstance(INDEX[case_id]["kwargs"].get("learning_rate"), dict)
    # A schedule is evaluated in float32 (tf-keras' dtype for it), the reference in float64.
    assert max_relative_error(got, _numpy_reference(case)) <= (1e-6 if schedule else 1e-12)


def test_nadam_advances_its_momentum_product_once_per_step():
    """As tf-keras does eagerly; inside a tf.function (how its ``fit`` runs) tf-keras 2.21
    advances the product once per variable after the first step, which we do not copy."""
    probe = load_index("optimizers")["nadam_under_tf_function"]
    params = [torch.nn.Parameter(torch.tensor(v, dtype=torch.float32)) for v in probe["init"]]
    opt = optimizers.Nadam(params, probe["learning_rate"])
    for grads in probe["grads"]:
        for p, g in zip(params, grads):
            p.grad = torch.tensor(g, dtype=torch.float32)
        opt.step()
    assert opt.state_dict()["u_product"] == pytest.approx(probe["eager_u_product"], rel=1e-6)
    assert abs(probe["tf_function_u_product"] - probe["eager_u_product"]) > 1e-3
