"""The optimizers as torch optimizers and as Keras optimizers: binding, the learning-rate
and iterations views, parameter groups, dtypes, state dicts, copies, torch LR schedulers,
apply_gradients/minimize, DDP."""

from __future__ import annotations

import copy
import datetime
import pickle

import numpy as np
import pytest
import torch
import torch.distributed as dist

from convlayers import optimizers

ALL = [
    optimizers.SGD,
    optimizers.RMSprop,
    optimizers.Adam,
    optimizers.AdamW,
    optimizers.Adagrad,
    optimizers.Adadelta,
    optimizers.Adamax,
    optimizers.Nadam,
    optimizers.Ftrl,
    optimizers.Lion,
]


def params_and_grads(rng, dtype=torch.float32):
    shapes = [(3, 2), (4,), ()]
    params = [torch.nn.Parameter(torch.tensor(rng.standard_normal(s), dtype=dtype)) for s in shapes]
    grads = [[torch.tensor(rng.standard_normal(s), dtype=dtype) for s in shapes] for _ in range(4)]
    return params, grads


def train(opt, params, grads):
    for step_grads in grads:
        for p, g in zip(params, step_grads):
            p.grad = g.clone()
        opt.step()
    return [p.detach().clone() for p in params]


def clone(params):
    return [torch.nn.Parameter(p.detach().clone()) for p in params]


# ----------------------------------------------------------------- binding


@pytest.mark.parametrize("cls", ALL)
def test_keras_style_and_torch_style_give_the_same_steps(cls, rng):
    params, grads = params_and_grads(rng)
    keras_style = cls(0.01)
    other = clone(params)
    keras_style.build(params)
    assert isinstance(keras_style, torch.optim.Optimizer) and keras_style.built
    got = train(keras_style, params, grads)
    torch_positional = train(cls(other, 0.01), other, grads)
    for a, b in zip(got, torch_positional):
        assert torch.equal(a, b)


def test_torch_style_keywords_and_groups(rng):
    params, _ = params_and_grads(rng)
    opt = optimizers.Adam(params=params[:2], lr=0.01)
    assert opt.param_groups[0]["lr"] == 0.01 and float(opt.lr) == pytest.approx(0.01)
    groups = optimizers.SGD([{"params": params[:1]}, {"params": params[1:], "lr": 0.5}], 0.1)
    assert [g["lr"] for g in groups.param_groups] == [0.1, 0.5]
    with pytest.raises(TypeError, match="multiple values for argument 'params'"):
        optimizers.SGD(params, params=params)


def test_build_binds_once_and_checks_later_calls(rng):
    params, _ = params_and_grads(rng)
    opt = optimizers.Adam()
    assert not opt.built and opt.param_groups[0]["params"] == []
    opt.build(params)
    opt.build(params[:2])  # a subset: fine (as a model whose layers were frozen)
    with pytest.raises(ValueError, match="The optimizer cannot recognize variable"):
        opt.build([torch.nn.Parameter(torch.zeros(2))])
    with pytest.raises(ValueError, match="not bound to any parameters"):
        optimizers.SGD().step()
    with pytest.raises(ValueError, match="`var_list` must be a non-empty list"):
        optimizers.SGD().build([])


def test_step_without_gradients_is_a_noop_and_closure_works(rng):
    params, _ = params_and_grads(rng)
    opt = optimizers.SGD(0.1, params=params)
    opt.step()
    assert int(opt.iterations) == 0

    def closure():
        opt.zero_grad()
        loss = sum((p**2).sum() for p in params)
        loss.backward()
        return loss

    before = params[0].detach().clone()
    loss = opt.step(closure)
    assert loss.item() > 0 and int(opt.iterations) == 1
    torch.testing.assert_close(params[0].detach(), before - 0.1 * 2 * before)


# ----------------------------------------------------------- learning rate


def test_learning_rate_view_reads_and_writes_param_groups(rng):
    params, _ = params_and_grads(rng)
    opt = optimizers.SGD([{"params": params[:1]}, {"params": params[1:]}], learning_rate=0.1)
    lr = opt.lr
    assert float(lr) == pytest.approx(0.1) and lr.numpy().dtype == np.float32
    assert lr.numpy() == np.float32(0.1) and lr * 2 == np.float32(0.2) and 0.5 * lr < 0.1
    assert f"{lr:.3f}" == "0.100" and np.asarray(lr).dtype == np.float32
    opt.learning_rate = 0.5
    assert [g["lr"] for g in opt.param_groups] == [0.5, 0.5] and opt.defaults["lr"] == 0.5
    lr.assign(0.25)  # what K.set_value(opt.lr, 0.25) does
    assert [g["lr"] for g in opt.param_groups] == [0.25, 0.25]
    opt.param_groups[0]["lr"] = 0.125  # what a torch scheduler or callback does
    assert float(opt.learning_rate) == 0.125 and opt.get_config()["learning_rate"] == 0.125
    opt.lr = np.float64(0.3)
    assert float(opt.lr) == pytest.approx(0.3)
    assert optimizers.Adam(learning_rate=lambda: 0.02).param_groups[0]["lr"] == 0.02
    from_tensor = optimizers.Adam(learning_rate=torch.tensor(0.02)).param_groups[0]["lr"]
    assert from_tensor == float(np.float32(0.02))


def test_keras_backend_get_and_set_value():
    from convlayers import backend as K

    model = torch.nn.Linear(2, 1)
    opt = optimizers.Adam(model.parameters(), learning_rate=0.01)
    assert K.get_value(opt.lr) == np.float32(0.01) and K.get_value(opt.iterations) == 0
    K.set_value(opt.lr, 0.5)  # what ReduceLROnPlateau and LearningRateScheduler do
    assert opt.param_groups[0]["lr"] == 0.5
    K.set_value(opt.lr, K.get_value(opt.lr) * 0.1)
    assert float(opt.lr) == pytest.approx(0.05)


def test_iterations_view(rng):
    params, grads = params_and_grads(rng)
    opt = optimizers.Adam(params=params)
    train(opt, params, grads[:3])
    it = opt.iterations
    assert int(it) == 3 and it.numpy().dtype == np.int64 and it == 3 and [0, 1, 2, 3][it] == 3
    it.assign(10)
    assert int(opt.iterations) == 10


def test_torch_lr_scheduler_drives_the_learning_rate(rng):
    params, grads = params_and_grads(rng)
    opt = optimizers.SGD(1.0)
    opt.build(params)
    scheduler = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    before = params[1].detach().clone()
    for step_grads, factor in zip(grads[:3], [1.0, 0.5, 0.25]):
        for p, g in zip(params, step_grads):
            p.grad = g.clone()
        opt.step()
        scheduler.step()
        torch.testing.assert_close(params[1].detach(), before - factor * step_grads[1])
        before = params[1].detach().clone()
    assert float(opt.lr) == 0.125


# ------------------------------------------------------- groups and dtypes


def test_each_group_uses_its_own_hyperparameters(rng):
    params, grads = params_and_grads(rng)
    a, b = clone(params), clone(params)
    grouped = optimizers.Adam(
        [{"params": params[:2], "weight_decay": 0.1}, {"params": params[2:], "beta_1": 0.5}],
        learning_rate=0.01,
    )
    got = train(grouped, params, grads)
    first = train(optimizers.Adam(a[:2], 0.01, weight_decay=0.1), a[:2], [g[:2] for g in grads])
    second = train(optimizers.Adam(b[2:], 0.01, beta_1=0.5), b[2:], [g[2:] for g in grads])
    for x, y in zip(got, first + second):
        assert torch.equal(x, y)
    grouped.beta_2 = 0.9  # a Keras attribute sets every group
    assert [g["beta_2"] for g in grouped.param_groups] == [0.9, 0.9]


@pytest.mark.parametrize("cls", ALL)
def test_splitting_into_groups_changes_nothing(cls, rng):
    """Per-optimizer quantities (iterations, Nadam's momentum product, the global norm)
    advance once per step however many groups the step visits."""
    params, grads = params_and_grads(rng)
    split = clone(params)
    whole = train(cls(params, 0.01, global_clipnorm=1.0), params, grads)
    groups = [{"params": split[:1]}, {"params": split[1:2]}, {"params": split[2:]}]
    parts = train(cls(groups, 0.01, global_clipnorm=1.0), split, grads)
    for a, b in zip(whole, parts):
        assert torch.equal(a, b)


# Nadam's running momentum product is one scalar per optimizer, in the first weight's
# dtype (as tf-keras keeps it, which refuses mixed dtypes outright).
@pytest.mark.parametrize("cls", [c for c in ALL if c is not optimizers.Nadam])
def test_mixed_dtypes_update_as_separate_optimizers(cls, rng):
    params32, grads32 = params_and_grads(rng)
    params64 = [torch.nn.Parameter(p.detach().double()) for p in params32]
    grads64 = [[g.double() for g in step] for step in grads32]
    a, b = clone(params32[:1]), clone(params64[1:2])
    mixed = [params32[0], params64[1]]
    got = train(cls(mixed, 0.01), mixed, [[s32[0], s64[1]] for s32, s64 in zip(grads32, grads64)])
    want32 = train(cls(a, 0.01), a, [s[:1] for s in grads32])
    want64 = train(cls(b, 0.01), b, [s[1:2] for s in grads64])
    assert torch.equal(got[0], want32[0]) and torch.equal(got[1], want64[0])
    assert got[1].dtype == torch.float64


# ------------------------------------------------- state, copies, pickling


@pytest.mark.parametrize("cls", ALL)
def test_state_dict_resumes_training_exactly(cls, rng):
    params, grads = params_and_grads(rng)
    opt = cls(0.01, params=params, use_ema=True)
    train(opt, params, grads[:2])
    saved = copy.deepcopy(opt.state_dict())
    assert saved["iterations"] == 2
    resumed_params = clone(params)
    resumed = cls(0.01, use_ema=True)
    resumed.build(resumed_params)
    resumed.load_state_dict(saved)
    assert int(resumed.iterations) == 2
    got = train(resumed, resumed_params, grads[2:])
    want = train(opt, params, grads[2:])
    for a, b in zip(got, want):
        assert torch.equal(a, b)


def test_state_uses_keras_slot_names(rng):
    params, grads = params_and_grads(rng)
    opt = optimizers.Adam(params=params, amsgrad=True, use_ema=True)
    train(opt, params, grads[:1])
    assert sorted(opt.state[params[0]]) == ["average", "m", "v", "vhat"]
    rms = optimizers.RMSprop(params=params, momentum=0.5, centered=True)
    train(rms, params, grads[:1])
    assert sorted(rms.state[params[0]]) == ["average_gradient", "momentum", "velocity"]


def test_deepcopy_and_pickle_keep_the_keras_side(rng):
    schedule = optimizers.schedules.ExponentialDecay(0.1, 2, 0.5)
    opt = optimizers.Nadam(schedule, name="mine", global_clipnorm=1.0)
    for twin in (copy.deepcopy(opt), pickle.loads(pickle.dumps(opt))):
        assert twin.get_config() == opt.get_config()
        assert float(twin.lr) == float(opt.lr)
    params, grads = params_and_grads(rng)
    bound = optimizers.Adam(params=params)
    train(bound, params, grads[:1])
    twin = copy.deepcopy(bound)
    assert int(twin.iterations) == 1 and len(twin.state) == len(params)


# -------------------------------------------------- Keras training-loop API


def test_apply_gradients_binds_skips_none_and_applies_constraints():
    w = torch.nn.Parameter(torch.tensor([3.0, 4.0]))
    b = torch.nn.Parameter(torch.tensor([1.0]))
    w.constraint = lambda x: x / x.norm()
    opt = optimizers.SGD(0.5)
    it = opt.apply_gradients([(np.array([2.0, 0.0]), w), (None, b)])
    assert int(it) == 1 and opt.built
    torch.testing.assert_close(w.detach(), torch.tensor([2.0, 4.0]) / np.sqrt(20.0))
    assert b.item() == 1.0
    with pytest.raises(ValueError, match="No gradients provided for any variable"):
        opt.apply_gradients([(None, w)])
    with pytest.raises(ValueError, match="cannot recognize variable"):
        opt.apply_gradients([(torch.ones(1), torch.nn.Parameter(torch.ones(1)))])


def test_minimize():
    w = torch.nn.Parameter(torch.tensor(1.0))
    opt = optimizers.SGD(learning_rate=0.1)
    opt.minimize(lambda: w**2 / 2, [w])
    assert w.item() == pytest.approx(0.9)  # tf-keras' SGD docstring example


def test_exclude_from_weight_decay_by_tensor_and_name():
    weights = [torch.nn.Parameter(torch.ones(2)) for _ in range(3)]
    opt = optimizers.AdamW(learning_rate=0.5, weight_decay=0.1)
    opt.exclude_from_weight_decay(var_list=[weights[0]], var_names=["bias"])
    opt.build([("dense/kernel:0", weights[0]), ("dense/bias:0", weights[1]), ("x", weights[2])])
    opt.apply_gradients([(torch.zeros(2), w) for w in weights])
    assert weights[0].tolist() == weights[1].tolist() == [1.0, 1.0]
    assert weights[2].tolist() == pytest.approx([0.95, 0.95])
    with pytest.raises(ValueError, match="can only be configued before"):
        opt.exclude_from_weight_decay(var_names=["kernel"])
    model = torch.nn.Linear(2, 1)
    torch_style = optimizers.AdamW(model.named_parameters(), learning_rate=0.5)
    torch_style.exclude_from_weight_decay(var_names=["bias"])
    bias = model.bias.detach().clone()
    torch_style.apply_gradients([(torch.zeros_like(p), p) for p in model.parameters()])
    assert torch.equal(model.bias.detach(), bias)
    unnamed = optimizers.SGD(weight_decay=0.1)
    unnamed.exclude_from_weight_decay(var_names=["bias"])
    unnamed.build(weights)
    with pytest.raises(ValueError, match="needs the weights' names"):
        unnamed.apply_gradients([(torch.zeros(2), weights[0])])


def test_sparse_gradients_are_refused():
    embedding = torch.nn.Embedding(4, 2, sparse=True)
    opt = optimizers.Adam(embedding.parameters())
    embedding(torch.tensor([1])).sum().backward()
    with pytest.raises(ValueError, match="does not support sparse gradients"):
        opt.step()


def test_global_clipnorm_of_an_infinite_norm_gives_nan():
    w = torch.nn.Parameter(torch.zeros(2))
    opt = optimizers.SGD([w], global_clipnorm=1.0)
    w.grad = torch.tensor([float("inf"), 1.0])
    opt.step()
    assert torch.isnan(w).all()  # tf.clip_by_global_norm's scale is NaN then


# ------------------------------------------------------------------- DDP


def test_ddp_model_with_a_keras_optimizer(tmp_path, rng):
    """A DistributedDataParallel model (one process) trains as the bare model does."""
    x = torch.tensor(rng.standard_normal((8, 3)), dtype=torch.float32)
    y = torch.tensor(rng.standard_normal((8, 1)), dtype=torch.float32)
    torch.manual_seed(0)
    bare = torch.nn.Linear(3, 1)
    wrapped_module = copy.deepcopy(bare)
    dist.init_process_group(
        "gloo",
        init_method=f"file://{tmp_path / 'store'}",
        rank=0,
        world_size=1,
        timeout=datetime.timedelta(seconds=60),
    )
    try:
        wrapped = torch.nn.parallel.DistributedDataParallel(wrapped_module)
        results = []
        for model in (bare, wrapped):
            opt = optimizers.Adam(0.1)
            opt.build(model.parameters())
            for _ in range(3):
                opt.zero_grad()
                torch.nn.functional.mse_loss(model(x), y).backward()
                opt.step()
            results.append([p.detach().clone() for p in model.parameters()])
        del wrapped  # DDP's reducer goes before the process group (gloo's teardown hangs)
    finally:
        dist.destroy_process_group()
    for a, b in zip(*results):
        torch.testing.assert_close(a, b)
