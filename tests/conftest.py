"""Shared test set-up: the tests folder on sys.path, one seeded generator, clean names."""

import sys
from pathlib import Path

import numpy as np
import pytest
import torch

sys.path.insert(0, str(Path(__file__).parent))

import convlayers


@pytest.fixture
def rng() -> np.random.Generator:
    """The one seeded NumPy generator tests draw data from."""
    return np.random.default_rng(1234)


@pytest.fixture(autouse=True)
def _fresh_session(monkeypatch, tmp_path):
    """Every test starts with fresh layer names, a seeded torch RNG and no Keras config file."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    convlayers.config.set_image_data_format(None)
    convlayers.clear_session()
    torch.manual_seed(0)
    yield
    convlayers.config.set_image_data_format(None)


@pytest.fixture
def fresh_dynamo():
    """Compile from scratch and leave nothing behind (dynamo's recompile limit is shared
    by every compilation in the session)."""
    torch._dynamo.reset()
    yield
    torch._dynamo.reset()


CONV_BACKWARDS = {
    "hand": dict.fromkeys(("hand", "hand_unit_width"), 0),
    "autograd": dict.fromkeys(("hand", "hand_unit_width"), 1 << 62),
}


@pytest.fixture(params=sorted(CONV_BACKWARDS))
def conv_backward(request, monkeypatch):
    """Runs a test with each backward of ``ops.conv`` (the hand-picked one of large
    separable/depthwise problems, autograd's of small ones, ``HAND_BACKWARD_MIN_MACS``
    either side); yields the list of hand-backward calls, for the test to check."""
    import importlib

    conv_ops = importlib.import_module("convlayers.ops.conv")
    monkeypatch.setattr(conv_ops, "HAND_BACKWARD_MIN_MACS", CONV_BACKWARDS[request.param])
    calls: list[int] = []
    apply = conv_ops.KerasConv.apply

    def counting(*args):
        calls.append(1)
        return apply(*args)

    monkeypatch.setattr(conv_ops.KerasConv, "apply", counting)
    yield request.param, calls
