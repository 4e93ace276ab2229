"""Learning-rate schedules against tf-keras 2.21 (fixtures) and float64 formulas."""

from __future__ import annotations

import numpy as np
import optimizer_reference
import pytest
import torch
from fixture_loader import load_index

from convlayers.optimizers import SGD, schedules

ENTRIES = load_index("optimizers")["schedules"]


def _name(entry):
    return f"{entry['class_name']}-{sorted(entry['kwargs'].items())}"


@pytest.mark.parametrize("entry", ENTRIES, ids=_name)
def test_values_match_tf_keras(entry):
    schedule = getattr(schedules, entry["class_name"])(**entry["kwargs"])
    got = [schedule(step) for step in entry["steps"]]
    np.testing.assert_allclose(got, entry["values"], rtol=3e-7, atol=1e-12)
    # The reference evaluates in float32: our values are float32 values too.
    assert all(float(np.float32(v)) == v for v in got)


@pytest.mark.parametrize("entry", ENTRIES, ids=_name)
def test_float64_formulas_match_tf_keras(entry):
    config = entry["config"]
    want = [
        optimizer_reference.schedule_value(entry["class_name"], config, s) for s in entry["steps"]
    ]
    np.testing.assert_allclose(entry["values"], want, rtol=2e-6, atol=1e-9)


@pytest.mark.parametrize("entry", ENTRIES, ids=_name)
def test_config_serialize_and_round_trip(entry):
    schedule = getattr(schedules, entry["class_name"])(**entry["kwargs"])
    assert schedule.get_config() == entry["config"]
    assert schedules.serialize(schedule) == entry["serialized"]
    restored = schedules.deserialize(entry["serialized"])
    assert type(restored) is type(schedule)
    assert [restored(s) for s in entry["steps"]] == [schedule(s) for s in entry["steps"]]
    legacy = {"class_name": entry["class_name"], "config": entry["config"]}
    assert schedules.deserialize(legacy).get_config() == entry["config"]


def test_optimizer_evaluates_the_schedule_before_each_step():
    schedule = schedules.PiecewiseConstantDecay([1, 2], [0.5, 0.25, 0.125])
    w = torch.nn.Parameter(torch.zeros(()))
    opt = SGD(schedule)
    opt.build([w])
    assert float(opt.learning_rate) == 0.5  # schedule(0), as tf-keras at creation
    seen = []
    for _ in range(4):
        w.grad = torch.tensor(1.0)
        opt.step()
        seen.append(opt.param_groups[0]["lr"])
    assert seen == [0.5, 0.5, 0.25, 0.125]  # schedule(iterations) at each step
    assert w.item() == -(0.5 + 0.5 + 0.25 + 0.125)
    assert repr(opt.learning_rate).startswith("<ScalarVariable 'current_learning_rate'")


def test_a_scheduled_learning_rate_is_not_settable():
    opt = SGD(schedules.ExponentialDecay(0.1, 2, 0.5))
    w = torch.nn.Parameter(torch.zeros(2))
    opt.build([w])
    with pytest.raises(TypeError, match="created with a `LearningRateSchedule`"):
        opt.learning_rate = 0.1
    with pytest.raises(TypeError, match="created with a `LearningRateSchedule`"):
        opt.lr.assign(0.1)
    opt.param_groups[0]["lr"] = 0.3  # e.g. a torch LR scheduler or callback
    w.grad = torch.ones(2)
    with pytest.raises(TypeError, match="changed param_groups"):
        opt.step()
    opt.learning_rate = schedules.ExponentialDecay(0.2, 2, 0.5)  # a new schedule is fine
    assert float(opt.learning_rate) == pytest.approx(0.2)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: schedules.ExponentialDecay(0.1, 0, 0.5), r"`decay_steps` must be a number > 0"),
        (lambda: schedules.CosineDecay("a", 10), r"`initial_learning_rate` must be a finite"),
        (
            lambda: schedules.PiecewiseConstantDecay([5, 2], [1.0, 0.5, 0.1]),
            r"`boundaries` must be non-decreasing\. Received: boundaries=\[5, 2\]",
        ),
        (lambda: schedules.CosineDecayRestarts(0.1, 3, t_mul=0), r"`t_mul` must be a number > 0"),
    ],
)
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_user_schedule_subclass():
    class Halving(schedules.LearningRateSchedule):
        def __call__(self, step):
            return 1.0 / 2 ** int(step)

        def get_config(self):
            return {}

    w = torch.nn.Parameter(torch.zeros(()))
    opt = SGD([w], learning_rate=Halving())
    for _ in range(3):
        w.grad = torch.tensor(1.0)
        opt.step()
    assert w.item() == -1.75
    assert schedules.serialize(Halving())["registered_name"] == "Halving"
