"""Optimizer trajectories, configs, schedules and refusals from tf-keras 2.21:
``tests/fixtures/optimizers.{json,npz}``.

Each case makes a ``tf_keras.optimizers`` optimizer (the v2.11+ classes, not ``legacy``)
and applies ``STEPS`` fixed float32 gradients to four small variables with
``apply_gradients`` (eagerly); it records the initial values (``init/<i>``), the gradients
(``grads/<i>``, shape ``(STEPS, *shape)``; a step listed in ``none_grads`` passes
``None`` for that variable and stores zeros), the values after every step
(``traj/<i>``), the learning rate the optimizer reports after every step (``lr``) and its
``get_config()``. ``actions`` may set the learning rate before a step
(``opt.learning_rate = value``), start from zero weights (``zero_init``), exclude
variables from weight decay
(``exclude_from_weight_decay(var_list=...)``) and call ``finalize_variable_values`` at
the end (the weights after it are ``final/<i>``).

The json also holds ``configs`` (``get_config()`` and ``serialize()`` of instances, and of
``get(name)`` for every name), ``schedules`` (each schedule's value at steps 0..N, its
config and serialized form) and ``probes`` (code run against the reference with
``opt = tf_keras.optimizers``: the error it raised, or the value it returned).

Run: ``TF_USE_LEGACY_KERAS=1 tools/.venv/bin/python tools/make_optimizer_fixtures.py``.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf
import tf_keras
from fixture_io import write_fixtures
from tf_reference import jsonify, meta, seed_for

FAMILY = "optimizers"
opt = tf_keras.optimizers
sched = tf_keras.optimizers.schedules

STEPS = 6
SHAPES = [(3, 4), (5,), (2, 3, 2), ()]
# Gradient scale per step: small and large steps, so clipping acts on some and not others.
GRAD_SCALE = [1.0, 0.1, 3.0, 0.5, 2.0, 0.05]


def exp_decay():
    return sched.ExponentialDecay(0.05, decay_steps=2, decay_rate=0.5)


# (case id, class, kwargs, actions)
CASES = [
    ("sgd_default", opt.SGD, {}, {}),
    ("sgd_lr", opt.SGD, dict(learning_rate=0.1), {}),
    ("sgd_momentum", opt.SGD, dict(learning_rate=0.1, momentum=0.9), {}),
    ("sgd_nesterov", opt.SGD, dict(learning_rate=0.1, momentum=0.9, nesterov=True), {}),
    ("sgd_clipvalue", opt.SGD, dict(learning_rate=0.1, clipvalue=0.5), {}),
    ("sgd_clipnorm", opt.SGD, dict(learning_rate=0.1, momentum=0.5, clipnorm=1.0), {}),
    ("sgd_weight_decay", opt.SGD, dict(learning_rate=0.1, weight_decay=0.05), {}),
    ("sgd_piecewise", opt.SGD,
     dict(learning_rate=sched.PiecewiseConstantDecay([1, 3], [0.1, 0.05, 0.01]), momentum=0.5),
     {}),
    ("sgd_none_grad", opt.SGD, dict(learning_rate=0.1, momentum=0.9),
     {"none_grads": [[1, 0], [2, 0], [4, 3]]}),
    ("sgd_ema", opt.SGD,
     dict(learning_rate=0.1, use_ema=True, ema_momentum=0.8, ema_overwrite_frequency=4),
     {"finalize": True}),
    ("rmsprop_default", opt.RMSprop, {}, {}),
    ("rmsprop_momentum", opt.RMSprop, dict(learning_rate=0.01, rho=0.8, momentum=0.5), {}),
    ("rmsprop_centered", opt.RMSprop, dict(learning_rate=0.01, centered=True), {}),
    ("rmsprop_centered_momentum", opt.RMSprop,
     dict(learning_rate=0.01, momentum=0.9, centered=True, epsilon=1e-3, clipnorm=0.5), {}),
    ("adam_default", opt.Adam, {}, {}),
    ("adam_lr", opt.Adam, dict(learning_rate=0.01, beta_1=0.8, beta_2=0.99), {}),
    ("adam_amsgrad", opt.Adam, dict(learning_rate=0.01, amsgrad=True), {}),
    ("adam_clipnorm", opt.Adam, dict(learning_rate=0.01, clipnorm=0.5), {}),
    ("adam_global_clipnorm", opt.Adam, dict(learning_rate=0.01, global_clipnorm=1.0), {}),
    ("adam_clipvalue", opt.Adam, dict(learning_rate=0.01, clipvalue=0.3), {}),
    ("adam_weight_decay", opt.Adam, dict(learning_rate=0.01, weight_decay=0.1), {}),
    ("adam_adaptive_epsilon", opt.Adam,
     dict(learning_rate=0.01, epsilon=0.01, adaptive_epsilon=True), {}),
    ("adam_schedule", opt.Adam, dict(learning_rate=exp_decay()), {}),
    ("adam_cosine", opt.Adam,
     dict(learning_rate=sched.CosineDecay(0.01, 4, alpha=0.1, warmup_target=0.02,
                                          warmup_steps=2)), {}),
    ("adam_set_lr", opt.Adam, dict(learning_rate=0.01), {"set_lr": [[2, 0.05], [4, 0.002]]}),
    ("adam_none_grad", opt.Adam, dict(learning_rate=0.01), {"none_grads": [[0, 1], [3, 1]]}),
    ("adam_ema", opt.Adam,
     dict(learning_rate=0.01, use_ema=True, ema_momentum=0.9, ema_overwrite_frequency=3), {}),
    ("adamw_default", opt.AdamW, {}, {}),
    ("adamw_options", opt.AdamW,
     dict(learning_rate=0.01, weight_decay=0.1, amsgrad=True, global_clipnorm=2.0), {}),
    ("adamw_exclude", opt.AdamW, dict(learning_rate=0.01, weight_decay=0.1),
     {"exclude": [1, 3]}),
    ("adagrad_default", opt.Adagrad, {}, {}),
    ("adagrad_options", opt.Adagrad,
     dict(learning_rate=0.1, initial_accumulator_value=0.5, epsilon=1e-3), {}),
    ("adadelta_default", opt.Adadelta, {}, {}),
    ("adadelta_options", opt.Adadelta, dict(learning_rate=1.0, rho=0.9, epsilon=1e-4), {}),
    ("adamax_default", opt.Adamax, {}, {}),
    ("adamax_options", opt.Adamax,
     dict(learning_rate=0.01, beta_1=0.8, beta_2=0.99, weight_decay=0.01), {}),
    ("nadam_default", opt.Nadam, {}, {}),
    ("nadam_options", opt.Nadam, dict(learning_rate=0.01, beta_1=0.8, beta_2=0.99), {}),
    ("nadam_none_grad", opt.Nadam, dict(learning_rate=0.01), {"none_grads": [[2, 0]]}),
    ("ftrl_default", opt.Ftrl, {}, {}),
    ("ftrl_options", opt.Ftrl,
     dict(learning_rate=0.1, learning_rate_power=-0.7, initial_accumulator_value=0.3,
          l1_regularization_strength=0.01, l2_regularization_strength=0.02,
          l2_shrinkage_regularization_strength=0.03, beta=0.1), {}),
    ("lion_default", opt.Lion, {}, {}),
    ("lion_options", opt.Lion,
     dict(learning_rate=0.01, beta_1=0.8, beta_2=0.95, weight_decay=0.1), {}),
    # From zero weights the trajectory is the sum of the updates, so the float32 arithmetic
    # of the update's scalars (bias corrections, ...) shows at full relative size.
    ("sgd_momentum_zero", opt.SGD, dict(learning_rate=0.1, momentum=0.9), {"zero_init": True}),
    ("rmsprop_zero", opt.RMSprop, dict(momentum=0.5, centered=True), {"zero_init": True}),
    ("adam_zero", opt.Adam, {}, {"zero_init": True}),
    ("adam_amsgrad_zero", opt.Adam, dict(amsgrad=True, epsilon=1e-3), {"zero_init": True}),
    ("adagrad_zero", opt.Adagrad, {}, {"zero_init": True}),
    ("adadelta_zero", opt.Adadelta, dict(learning_rate=1.0), {"zero_init": True}),
    ("adamax_zero", opt.Adamax, {}, {"zero_init": True}),
    ("nadam_zero", opt.Nadam, {}, {"zero_init": True}),
    ("ftrl_zero", opt.Ftrl, dict(learning_rate=0.1, beta=0.1), {"zero_init": True}),
    ("lion_zero", opt.Lion, {}, {"zero_init": True}),
]  # fmt: skip

# get_config()/serialize() of instances that no case above makes.
CONFIGS = [
    (opt.SGD, dict(learning_rate=0.2, momentum=0.3, nesterov=True, name="my_sgd")),
    (opt.RMSprop, dict(centered=True, clipvalue=1.0, use_ema=True)),
    (opt.Adam, dict(learning_rate=sched.InverseTimeDecay(0.1, 10, 0.5, staircase=True))),
    (opt.Nadam, dict(learning_rate=np.float32(0.002), epsilon=1e-5, global_clipnorm=0.1)),
]

# (class, kwargs, steps at which to evaluate)
SCHEDULES = [
    (sched.ExponentialDecay, dict(initial_learning_rate=0.1, decay_steps=3, decay_rate=0.7)),
    (sched.ExponentialDecay,
     dict(initial_learning_rate=0.5, decay_steps=4, decay_rate=0.5, staircase=True)),
    (sched.PiecewiseConstantDecay, dict(boundaries=[2, 5, 9], values=[1.0, 0.5, 0.1, 0.01])),
    (sched.PiecewiseConstantDecay, dict(boundaries=[3], values=[0.3, 0.03], name="two")),
    (sched.InverseTimeDecay, dict(initial_learning_rate=0.1, decay_steps=2, decay_rate=0.5)),
    (sched.InverseTimeDecay,
     dict(initial_learning_rate=0.1, decay_steps=3, decay_rate=2.0, staircase=True)),
    (sched.PolynomialDecay, dict(initial_learning_rate=0.1, decay_steps=7)),
    (sched.PolynomialDecay,
     dict(initial_learning_rate=0.1, decay_steps=4, end_learning_rate=0.01, power=0.5,
          cycle=True)),
    (sched.PolynomialDecay,
     dict(initial_learning_rate=1.0, decay_steps=5, end_learning_rate=0.2, power=2.0)),
    (sched.CosineDecay, dict(initial_learning_rate=0.1, decay_steps=9)),
    (sched.CosineDecay, dict(initial_learning_rate=0.1, decay_steps=6, alpha=0.2)),
    (sched.CosineDecay,
     dict(initial_learning_rate=0.0, decay_steps=8, warmup_target=0.1, warmup_steps=4,
          alpha=0.1)),
    (sched.CosineDecayRestarts, dict(initial_learning_rate=0.1, first_decay_steps=3)),
    (sched.CosineDecayRestarts,
     dict(initial_learning_rate=0.1, first_decay_steps=4, t_mul=1.0, m_mul=0.5, alpha=0.1)),
    (sched.CosineDecayRestarts,
     dict(initial_learning_rate=0.2, first_decay_steps=2, t_mul=3.0, m_mul=0.8)),
]  # fmt: skip
SCHEDULE_STEPS = [*range(25), 40, 100, 1000]

# Code run with ``opt`` bound to the optimizers module; the tests run the same code on ours.
PROBES = [
    "opt.SGD(momentum=1.5)",
    "opt.SGD(momentum=-0.1)",
    "opt.Adam(clipnorm=1.0, global_clipnorm=1.0)",
    "opt.AdamW(weight_decay=None)",
    "opt.Adam(decay=0.1)",
    "opt.SGD(gradient_aggregator=None)",
    "opt.Adam(foo=1)",
    "opt.SGD(use_ema=True, ema_momentum=1.5)",
    "opt.SGD(use_ema=True, ema_overwrite_frequency=0)",
    "opt.SGD(use_ema=True, ema_overwrite_frequency=2.5)",
    "opt.Ftrl(initial_accumulator_value=-1.0)",
    "opt.Ftrl(learning_rate_power=0.5)",
    "opt.Ftrl(l1_regularization_strength=-1.0)",
    "opt.Ftrl(l2_regularization_strength=-1.0)",
    "opt.Ftrl(l2_shrinkage_regularization_strength=-1.0)",
    "opt.Lion(beta_1=0.0)",
    "opt.Lion(beta_1=1.5)",
    "opt.get('foo')",
    "opt.get(42)",
    "opt.schedules.PiecewiseConstantDecay([1, 2], [0.1, 0.2])",
    "setattr(opt.SGD(opt.schedules.ExponentialDecay(0.1, 2, 0.5)), 'learning_rate', 0.1)",
    # Accepted by the reference; we differ (see the README): recorded to show what it does.
    "opt.Adam(lr=0.1).get_config()['learning_rate']",
    "opt.SGD(clipnorm=1.0, clipvalue=0.5).get_config()['clipvalue']",
]


def grad_sequence(rng, none_grads):
    """``STEPS`` lists of float32 gradients (None where ``none_grads`` says)."""
    missing = {tuple(pair) for pair in none_grads}
    steps = []
    for step, scale in enumerate(GRAD_SCALE[:STEPS]):
        grads = []
        for i, shape in enumerate(SHAPES):
            g = (rng.standard_normal(shape) * scale).astype(np.float32)
            grads.append(None if (step, i) in missing else g)
        steps.append(grads)
    return steps


def schedule_kwargs(kwargs):
    """Constructor kwargs in JSON form: a schedule as its ``serialize()`` dict."""
    out = {}
    for key, value in kwargs.items():
        if isinstance(value, sched.LearningRateSchedule):
            value = sched.serialize(value)
        out[key] = value
    return jsonify(out)


def run_case(case_id, cls, kwargs, actions):
    tf_keras.backend.clear_session()
    rng = np.random.default_rng(seed_for(FAMILY, case_id))
    init = [rng.standard_normal(shape).astype(np.float32) for shape in SHAPES]
    if actions.get("zero_init"):
        init = [np.zeros(shape, np.float32) for shape in SHAPES]
    variables = [tf.Variable(value) for value in init]
    grads = grad_sequence(rng, actions.get("none_grads", []))
    optimizer = cls(**kwargs)
    if "exclude" in actions:
        optimizer.exclude_from_weight_decay(var_list=[variables[i] for i in actions["exclude"]])
    set_lr = dict((step, value) for step, value in actions.get("set_lr", []))
    traj = [[] for _ in SHAPES]
    lrs = []
    for step, step_grads in enumerate(grads):
        if step in set_lr:
            optimizer.learning_rate = set_lr[step]
        pairs = [(None if g is None else tf.constant(g), v) for g, v in zip(step_grads, variables)]
        optimizer.apply_gradients(pairs)
        for i, v in enumerate(variables):
            traj[i].append(v.numpy())
        lrs.append(float(optimizer.learning_rate.numpy()))
    arrays = {}
    for i, shape in enumerate(SHAPES):
        arrays[f"init/{i}"] = init[i]
        zeros = np.zeros(shape, np.float32)
        arrays[f"grads/{i}"] = np.stack([zeros if s[i] is None else s[i] for s in grads])
        arrays[f"traj/{i}"] = np.stack(traj[i])
    arrays["lr"] = np.asarray(lrs, np.float32)
    if actions.get("finalize"):
        optimizer.finalize_variable_values(variables)
        for i, v in enumerate(variables):
            arrays[f"final/{i}"] = v.numpy()
    if int(optimizer.iterations.numpy()) != STEPS:
        raise RuntimeError(f"{case_id}: iterations {optimizer.iterations.numpy()}")
    return {
        "id": case_id,
        "layer": cls.__name__,
        "config": jsonify(optimizer.get_config()),
        "input_shape": None,
        "kwargs": schedule_kwargs(kwargs),
        "actions": actions,
        "weight_names": [str(i) for i in range(len(SHAPES))],
        "trainable_weight_names": [str(i) for i in range(len(SHAPES))],
        "notes": "",
        "arrays": arrays,
    }


def config_entry(cls, kwargs):
    instance = cls(**kwargs)
    return {
        "class_name": cls.__name__,
        "kwargs": schedule_kwargs(kwargs),
        "config": jsonify(instance.get_config()),
        "serialized": jsonify(opt.serialize(instance)),
    }


def name_entry(name):
    instance = opt.get(name)
    return {
        "name": name,
        "class_name": type(instance).__name__,
        "config": jsonify(instance.get_config()),
    }


def schedule_entry(cls, kwargs):
    schedule = cls(**kwargs)
    values = [float(schedule(tf.constant(step, tf.int64)).numpy()) for step in SCHEDULE_STEPS]
    return {
        "class_name": cls.__name__,
        "kwargs": jsonify(kwargs),
        "config": jsonify(schedule.get_config()),
        "serialized": jsonify(sched.serialize(schedule)),
        "steps": SCHEDULE_STEPS,
        "values": values,
    }


def probe(code):
    tf_keras.backend.clear_session()
    try:
        value = eval(code, {"opt": opt, "np": np})  # our own probe strings, above
    except Exception as exc:  # the point is to record whatever the reference raises
        return {"code": code, "error": type(exc).__name__, "message": str(exc).strip()}
    if isinstance(value, (opt.Optimizer, sched.LearningRateSchedule)):
        return {"code": code, "result": f"an instance of {type(value).__name__}"}
    return {"code": code, "result": jsonify(value)}


def nadam_under_tf_function():
    """Nadam's momentum product after 4 steps on 3 variables, eagerly and inside a
    tf.function (as ``fit`` runs it): tf-keras 2.21 advances the product once per step
    eagerly but once per variable after the first step under tf.function."""
    rng = np.random.default_rng(seed_for(FAMILY, "nadam_under_tf_function"))
    init = [rng.standard_normal((3,)).astype(np.float32) for _ in range(3)]
    grads = [[rng.standard_normal((3,)).astype(np.float32) for _ in range(3)] for _ in range(4)]

    def run(graph):
        tf_keras.backend.clear_session()
        variables = [tf.Variable(v) for v in init]
        optimizer = opt.Nadam(0.1)

        def step(gs):
            optimizer.apply_gradients(zip(gs, variables))

        step = tf.function(step) if graph else step
        for gs in grads:
            step([tf.constant(g) for g in gs])
        return float(optimizer._u_product.numpy())

    return {
        "init": [v.tolist() for v in init],
        "grads": [[g.tolist() for g in gs] for gs in grads],
        "learning_rate": 0.1,
        "eager_u_product": run(False),
        "tf_function_u_product": run(True),
    }


def main():
    cases = [run_case(*spec) for spec in CASES]
    names = ["sgd", "rmsprop", "adam", "adamw", "adagrad", "adadelta", "adamax", "nadam", "ftrl"]
    extra = {
        "notes": (
            "apply_gradients run eagerly on CPU (jit_compile is reported False without a GPU). "
            f"Variable shapes {SHAPES}; gradients N(0, 1) times {GRAD_SCALE} per step, float32."
        ),
        "configs": [config_entry(cls, kwargs) for cls, kwargs in CONFIGS],
        "names": [name_entry(name) for name in names],
        "schedules": [schedule_entry(cls, kwargs) for cls, kwargs in SCHEDULES],
        "probes": [probe(code) for code in PROBES],
        "nadam_under_tf_function": nadam_under_tf_function(),
    }
    write_fixtures(FAMILY, cases, meta("tools/make_optimizer_fixtures.py", **extra))


if __name__ == "__main__":
    main()
