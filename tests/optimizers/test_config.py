"""Optimizer configs, names, round trips and refusals against tf-keras 2.21 (fixtures)."""

from __future__ import annotations

import json

import pytest
from fixture_loader import load_index

import convlayers
from convlayers import optimizers

INDEX = load_index("optimizers")


def _kwargs(entry):
    kwargs = dict(entry["kwargs"])
    if isinstance(kwargs.get("learning_rate"), dict):
        kwargs["learning_rate"] = optimizers.schedules.deserialize(kwargs["learning_rate"])
    return kwargs


def _case_optimizer(entry):
    """The case's optimizer, and the config tf-keras reported after its steps."""
    optimizer = getattr(optimizers, entry["layer"])(**_kwargs(entry))
    for _, value in entry["actions"].get("set_lr", []):
        optimizer.learning_rate = value
    expected = dict(entry["config"])
    if entry["kwargs"].get("adaptive_epsilon"):
        expected["adaptive_epsilon"] = True  # see test_adaptive_epsilon_survives_a_round_trip
    return optimizer, expected


@pytest.mark.parametrize("case_id", sorted(INDEX["cases"]))
def test_config_of_every_trajectory_case(case_id):
    optimizer, expected = _case_optimizer(INDEX["cases"][case_id])
    assert optimizer.get_config() == expected


@pytest.mark.parametrize("index", range(len(INDEX["configs"])))
def test_config_and_serialize(index):
    entry = INDEX["configs"][index]
    optimizer = getattr(optimizers, entry["class_name"])(**_kwargs(entry))
    assert optimizer.get_config() == entry["config"]
    assert optimizers.serialize(optimizer) == entry["serialized"]


@pytest.mark.parametrize("entry", INDEX["names"], ids=lambda e: e["name"])
def test_get_by_name(entry):
    for name in (entry["name"], entry["name"].upper(), entry["class_name"]):
        optimizer = optimizers.get(name)
        assert type(optimizer).__name__ == entry["class_name"]
        assert optimizer.get_config() == entry["config"]


@pytest.mark.parametrize("case_id", sorted(INDEX["cases"]))
def test_round_trips(case_id):
    optimizer, expected = _case_optimizer(INDEX["cases"][case_id])
    again = type(optimizer).from_config(optimizer.get_config())
    assert again.get_config() == expected
    restored = optimizers.deserialize(optimizers.serialize(optimizer))
    assert type(restored) is type(optimizer)
    assert restored.get_config() == expected
    assert optimizers.get(optimizers.serialize(optimizer)).get_config() == expected


def test_adaptive_epsilon_survives_a_round_trip():
    # tf-keras 2.21 leaves adaptive_epsilon out of Adam's config and loses it; we list it
    # when it is True (the default config stays the reference's).
    config = optimizers.Adam(adaptive_epsilon=True).get_config()
    assert config["adaptive_epsilon"] is True
    assert optimizers.Adam.from_config(config).adaptive_epsilon is True
    assert "adaptive_epsilon" not in optimizers.Adam().get_config()


def test_get_returns_instances_as_they_are():
    adam = optimizers.Adam()
    torch_sgd = convlayers.optimizers.get(adam)
    assert torch_sgd is adam


def test_legacy_configs():
    """A Keras 2 file's optimizer config (tf-keras 2.10's legacy Adam) gives our Adam."""
    config = {"name": "Adam", "learning_rate": 0.01, "decay": 0.0, "beta_1": 0.8}
    config.update({"beta_2": 0.999, "epsilon": 1e-07, "amsgrad": False})
    adam = optimizers.deserialize({"class_name": "Adam", "config": config})
    assert type(adam) is optimizers.Adam and adam.beta_1 == 0.8
    assert float(adam.lr) == pytest.approx(0.01)
    old = {"class_name": "SGD", "config": {"lr": 0.5, "decay": 0.1}}
    with pytest.raises(ValueError, match=r"decay is deprecated .*InverseTimeDecay"):
        optimizers.deserialize(old)


def test_bad_configs_are_refused():
    with pytest.raises(TypeError, match="`optimizer` must be a dict with a 'class_name'"):
        optimizers.deserialize({"config": {}})


def test_custom_objects():
    class MyAdam(optimizers.Adam):
        pass

    config = {"class_name": "MyAdam", "config": optimizers.Adam(0.5).get_config()}
    restored = optimizers.deserialize(config, custom_objects={"MyAdam": MyAdam})
    assert type(restored) is MyAdam and float(restored.lr) == 0.5


# --------------------------------------------------------------------- probes

# Probes where we deliberately differ from tf-keras 2.21 (see the README).
DIFFERENT = {
    # tf-keras warns and ignores `lr=`; old Keras code means the learning rate.
    "opt.Adam(lr=0.1).get_config()['learning_rate']": 0.10000000149011612,
    # tf-keras applies only clipnorm and drops clipvalue silently; we refuse the pair.
    "opt.SGD(clipnorm=1.0, clipvalue=0.5).get_config()['clipvalue']": ValueError,
}


@pytest.mark.parametrize("probe", INDEX["probes"], ids=lambda p: p["code"])
def test_probes_behave_as_tf_keras(probe):
    namespace = {"opt": optimizers}
    if probe["code"] in DIFFERENT:
        expected = DIFFERENT[probe["code"]]
        if expected is ValueError:
            with pytest.raises(ValueError, match="At most one of `clipnorm`, `global_clipnorm`"):
                eval(probe["code"], namespace)
        else:
            assert eval(probe["code"], namespace) == expected
        return
    if "error" not in probe:
        result = eval(probe["code"], namespace)
        if isinstance(probe["result"], str) and probe["result"].startswith("an instance of"):
            assert probe["result"] == f"an instance of {type(result).__name__}"
        else:
            assert result == probe["result"]
        return
    with pytest.raises(Exception) as info:  # the type is checked below
        eval(probe["code"], namespace)
    assert type(info.value).__name__ == probe["error"]
    assert str(info.value).startswith(probe["message"]), str(info.value)
    assert "Received" in str(info.value) or str(info.value) == probe["message"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"clipnorm": -1.0}, r"`clipnorm` must be None or a number >= 0\. Received: clipnorm=-1"),
        ({"beta_1": "0.9"}, r"`beta_1` must be a finite number\. Received: beta_1='0.9'"),
        ({"amsgrad": 1}, r"`amsgrad` must be a boolean\. Received: amsgrad=1"),
        ({"learning_rate": "fast"}, r"`learning_rate` must be a finite number, a Learn"),
        ({"learning_rate": float("nan")}, r"Received: learning_rate=nan"),
        ({"name": 3}, r"`name` must be a string\. Received: name=3"),
        ({"mesh": object()}, r"`mesh` \(DTensor\) is not supported"),
        ({"jit_compile": "yes"}, r"`jit_compile` must be a boolean"),
    ],
)
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        optimizers.Adam(**kwargs)


def test_namespace_has_tf_keras_names():
    """Every name ``convlayers.optimizers`` exports is one tf-keras 2.21 has there (the
    ``schedules`` submodule too); of tf-keras's, only ``Adafactor`` is missing."""
    from fixture_loader import FIXTURES

    keras = json.loads((FIXTURES / "keras_namespaces.json").read_text())["namespaces"]
    assert set(optimizers.__all__) - {"schedules"} <= set(keras["optimizers"])
    assert set(keras["optimizers"]) - set(optimizers.__all__) == {"Adafactor"}
    for name in optimizers.schedules.__all__:
        assert hasattr(optimizers.schedules, name)
