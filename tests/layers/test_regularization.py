"""SpatialDropout1D/2D: whole channels dropped in training (as the reference's outputs show),
identity in inference, Dropout's train/eval rule, seeds, configs."""

import json

import numpy as np
import pytest
import torch
from fixture_loader import load_fixtures, load_index

import convlayers
from convlayers import layers

CASES = load_fixtures("spatial_dropout")
KWARGS = {cid: entry["kwargs"] for cid, entry in load_index("spatial_dropout")["cases"].items()}


def _channel_axis(case):
    return 1 if KWARGS[case.id].get("data_format") == "channels_first" else -1


def _keep_mask(y, x, rate):
    """Which entries a training-mode output kept; checks the kept ones are x / (1 - rate)."""
    kept = y != 0
    scale = 1.0 / (1.0 - rate) if rate < 1 else 0.0
    np.testing.assert_allclose(y[kept], x[kept] * scale, rtol=1e-6)
    return kept


def _per_channel(mask, channel_axis):
    """True if the mask is constant over every axis but batch and channels."""
    moved = np.moveaxis(mask, channel_axis, 1)
    flat = moved.reshape(moved.shape[0], moved.shape[1], -1)
    return bool((flat == flat[:, :, :1]).all())


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_the_reference_drops_whole_channels_and_so_do_we(case):
    x, y, g, dx = (case.arrays[k] for k in ("x", "y", "g", "dx"))
    rate = case.config["rate"]
    kept = _keep_mask(y, x, rate)  # the fixture: zero or x / (1 - rate), per channel
    assert _per_channel(kept, _channel_axis(case))
    np.testing.assert_allclose(dx, np.where(kept, g / (1 - rate), 0.0), rtol=1e-6)
    np.testing.assert_array_equal(case.arrays["y_eval"], x)

    config = dict(case.config)  # the reference's config has no data_format (its bug)
    if case.layer == "SpatialDropout2D":
        config["data_format"] = KWARGS[case.id].get("data_format", "channels_last")
    layer = getattr(layers, case.layer).from_config(config)
    xt = torch.tensor(x, requires_grad=True)
    out = layer(xt, training=True)
    (out * torch.tensor(g)).sum().backward()
    ours = _keep_mask(out.detach().numpy(), x, rate)
    assert _per_channel(ours, _channel_axis(case))
    np.testing.assert_allclose(xt.grad.numpy(), np.where(ours, g / (1 - rate), 0.0), rtol=1e-6)
    assert torch.equal(layer(torch.tensor(x), training=False), torch.tensor(x))
    if 0 < rate < 1:
        assert 0 < ours.mean() < 1  # some channels dropped, some kept


def test_follows_train_and_eval_mode_as_dropout():
    layer = convlayers.SpatialDropout2D(0.5, seed=3)
    x = torch.ones(8, 3, 4, 16)
    assert layer.training
    assert not torch.equal(layer(x), x)
    layer.eval()
    assert torch.equal(layer(x), x)
    assert not torch.equal(layer(x, training=True), x)
    model = convlayers.Sequential([convlayers.SpatialDropout1D(0.5, input_shape=(5, 16))])
    model.eval()
    assert torch.equal(model(torch.ones(4, 5, 16)), torch.ones(4, 5, 16))


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_drops_channels_in_both_formats_with_a_seed(data_format):
    shape = (6, 3, 4, 32) if data_format == "channels_last" else (6, 32, 3, 4)
    x = torch.ones(shape)
    out = convlayers.SpatialDropout2D(0.5, data_format=data_format, seed=7)(x, training=True)
    again = convlayers.SpatialDropout2D(0.5, data_format=data_format, seed=7)(x, training=True)
    assert torch.equal(out, again)
    channel_axis = 1 if data_format == "channels_first" else -1
    assert _per_channel(out.numpy() != 0, channel_axis)
    assert set(out.unique().tolist()) == {0.0, 2.0}


def test_config_and_refusals():
    layer = convlayers.SpatialDropout2D(0.25, data_format="channels_first", seed=2)
    config = json.loads(json.dumps(layer.get_config()))
    assert set(config) == {
        "name",
        "trainable",
        "dtype",
        "rate",
        "noise_shape",
        "seed",
        "data_format",
    }
    assert convlayers.SpatialDropout2D.from_config(config).data_format == "channels_first"
    assert "data_format" not in convlayers.SpatialDropout1D(0.2).get_config()
    with pytest.raises(ValueError, match="`noise_shape` is not used by SpatialDropout1D"):
        convlayers.SpatialDropout1D(0.2, noise_shape=(None, 1, 3))
    with pytest.raises(ValueError, match=r"expected ndim=3, found ndim=4"):
        convlayers.SpatialDropout1D(0.2)(torch.ones(2, 3, 4, 5))
    assert convlayers.SpatialDropout1D(0.2).compute_output_shape((None, 5, 3)) == (None, 5, 3)
