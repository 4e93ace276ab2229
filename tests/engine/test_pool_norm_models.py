"""Models with BatchNormalization and pooling around convolutions: fit, predict,
torch.compile and DistributedDataParallel."""

import copy

import ddp_bn_worker
import numpy as np
import pytest
import torch
import torch.multiprocessing as mp
from fixture_loader import FIXTURES, load_index
from parity import relative_l2

import convlayers
from convlayers.saving.weight_matching import keras_weight_names


def conv_bn_pool_model():
    return convlayers.Sequential(
        [
            convlayers.Conv2D(6, 3, padding="same", input_shape=(8, 8, 2)),
            convlayers.BatchNormalization(momentum=0.5),
            convlayers.MaxPooling2D(),
            convlayers.AveragePooling2D(3, strides=2, padding="same"),
            convlayers.GlobalAveragePooling2D(),
            convlayers.Dense(1),
        ]
    )


def test_fit_trains_and_moves_the_statistics_predict_leaves_them(rng):
    model = conv_bn_pool_model()
    bn = model.layers[1]
    x = rng.standard_normal((32, 8, 8, 2)).astype("float32") * 2 + 1
    y = x.mean(axis=(1, 2, 3))[:, None].astype("float32")
    model.compile("adam", "mse")
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(x, y, batch_size=8, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    after_fit = model.get_weights()
    assert all(not np.allclose(a, b) for a, b in zip(after_fit, before))  # every weight moved
    mean, var = bn.moving_mean.detach().clone(), bn.moving_variance.detach().clone()
    predicted = model.predict(x)
    model.evaluate(x, y, verbose=0)
    assert torch.equal(bn.moving_mean, mean) and torch.equal(bn.moving_variance, var)
    # predict normalizes with the moving statistics, as an explicit inference call does
    np.testing.assert_allclose(predicted, model.eval()(x).detach().numpy(), rtol=1e-6)
    inference = bn(torch.ones(1, 4, 4, 6), training=False)
    expected = (1 - mean) / torch.sqrt(var + 1e-3) * bn.gamma + bn.beta
    torch.testing.assert_close(inference, expected.expand(1, 4, 4, 6))


@pytest.mark.usefixtures("fresh_dynamo")
@pytest.mark.parametrize("dynamic", [False, True])
def test_moving_statistics_update_under_torch_compile(rng, dynamic):
    model = conv_bn_pool_model()
    eager = copy.deepcopy(model)
    compiled = torch.compile(model, backend="aot_eager", fullgraph=True, dynamic=dynamic)
    for batch in (4, 5):
        x = torch.tensor(rng.standard_normal((batch, 8, 8, 2)), dtype=torch.float32)
        torch.testing.assert_close(compiled(x), eager(x))
    for name in ("moving_mean", "moving_variance"):
        got, want = getattr(model.layers[1], name), getattr(eager.layers[1], name)
        assert not torch.equal(want, torch.full_like(want, float(name == "moving_variance")))
        torch.testing.assert_close(got, want)
    model.eval()
    eager.eval()
    x = torch.tensor(rng.standard_normal((3, 8, 8, 2)), dtype=torch.float32)
    torch.testing.assert_close(compiled(x), eager(x))


def test_ddp_ranks_keep_their_own_batch_statistics(rng, tmp_path):
    """2 gloo processes: gradients are averaged (trainable weights agree), each rank's
    moving statistics follow its own shard, exactly as two copies trained side by side."""
    x = torch.tensor(rng.standard_normal((16, 12, 2)), dtype=torch.float32)
    y = torch.tensor(rng.standard_normal((16, 1)), dtype=torch.float32)
    steps, out = 3, tmp_path / "ddp"
    store = str(tmp_path / "store")
    mp.spawn(ddp_bn_worker.run, args=(2, store, x, y, steps, str(out)), nprocs=2, join=True)

    copies = [ddp_bn_worker.make_model(), ddp_bn_worker.make_model()]
    optimizers = [torch.optim.SGD(m.parameters(), lr=0.1) for m in copies]
    for _ in range(steps):
        for rank, (model, optimizer) in enumerate(zip(copies, optimizers)):
            part = slice(rank * 8, (rank + 1) * 8)
            ddp_bn_worker.step(model, x[part], y[part], optimizer)
        for params in zip(*(m.parameters() for m in copies)):
            if params[0].grad is not None:
                mean = (params[0].grad + params[1].grad) / 2
                for p in params:
                    p.grad = mean.clone()
        for optimizer in optimizers:
            optimizer.step()
    ranks = []
    for rank in range(2):
        with np.load(f"{out}.{rank}") as saved:
            ranks.append(list(saved.values()))
    by_id = {id(p): n for n, p in copies[0].named_parameters()}
    names = [by_id[id(w)] for w in copies[0].weights]  # get_weights order
    for i, name in enumerate(names):
        for rank in range(2):
            np.testing.assert_allclose(
                ranks[rank][i], copies[rank].get_weights()[i], rtol=1e-5, atol=1e-6
            )
        if "moving" in name:
            assert not np.allclose(ranks[0][i], ranks[1][i]), name
        else:
            np.testing.assert_array_equal(ranks[0][i], ranks[1][i])


def test_a_tf_keras_model_file_predicts_and_fits_as_the_reference():
    """A tf-keras 2.21 .h5 model (Conv2D, BatchNormalization fused and not, both poolings,
    LayerNormalization, global pooling, Dense) with set moving statistics: predictions,
    then one fit step with the reference's settings (SGD 0.1, mse, one batch): loss,
    weights and moving statistics as tf-keras has them after loading the same file."""
    entry = load_index("batch_normalization")["model_file"]
    with np.load(FIXTURES / "pool_norm_model.npz") as saved:
        arrays = dict(saved)
    model = convlayers.load_model(FIXTURES / entry["file"], compile=False)
    assert [type(layer).__name__ for layer in model.layers] == entry["layers"]
    norms = [layer for layer in model.layers if isinstance(layer, convlayers.BatchNormalization)]
    assert [layer.fused for layer in norms] == entry["batch_normalization_fused"]
    assert relative_l2(model.predict(arrays["x"]), arrays["predict"]) <= 1e-5
    model.compile(convlayers.optimizers.SGD(0.1), "mse")
    history = model.fit(arrays["x"], arrays["y"], batch_size=6, shuffle=False, verbose=0)
    assert history.history["loss"][0] == pytest.approx(arrays["loss"].item(), rel=1e-5)
    ours = dict(keras_weight_names(model))  # tf-keras lists a model's weights layer by layer
    assert sorted(ours) == sorted(entry["weights_after_fit"])
    for i, name in enumerate(entry["weights_after_fit"]):
        assert relative_l2(ours[name].detach(), arrays[f"after_fit/{i}"]) <= 1e-5, name
