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


NEVER, ALWAYS = -1, 1 << 62
CONV_ROUTES = {  # (GEMM_MAX_WINDOW_ELEMENTS, HAND_BACKWARD_MIN_MACS) of ops.conv
    "hand": (
        dict.fromkeys(("forward", "training"), NEVER),
        dict.fromkeys(("hand", "hand_unit_width"), 0),
    ),
    "autograd": (
        dict.fromkeys(("forward", "training"), NEVER),
        dict.fromkeys(("hand", "hand_unit_width"), ALWAYS),
    ),
    "gemm": (
        dict.fromkeys(("forward", "training"), ALWAYS),
        dict.fromkeys(("hand", "hand_unit_width"), ALWAYS),
    ),
}


@pytest.fixture(params=sorted(CONV_ROUTES))
def conv_route(request, monkeypatch):
    """Runs a test with each route of ``ops.conv``, whatever the problem's size: 'gemm'
    (1-D ``groups=1`` convolutions as one GEMM, ``ops.conv_gemm``; others as 'autograd'),
    'autograd' (``conv2d`` on views, autograd's backward) and 'hand' (``conv2d`` with the
    hand-picked backward of separable/depthwise problems). Yields the route and the
    lists of hand-backward and GEMM calls, for the test to check."""
    import importlib

    conv_ops = importlib.import_module("convlayers.ops.conv")
    gemm_limits, hand_limits = CONV_ROUTES[request.param]
    monkeypatch.setattr(conv_ops, "GEMM_MAX_WINDOW_ELEMENTS", gemm_limits)
    monkeypatch.setattr(conv_ops, "HAND_BACKWARD_MIN_MACS", hand_limits)
    hand_calls: list[int] = []
    gemm_calls: list[int] = []
    apply, gemm = conv_ops.KerasConv.apply, conv_ops.conv_gemm

    def counting_hand(*args):
        hand_calls.append(1)
        return apply(*args)

    def counting_gemm(*args):
        gemm_calls.append(1)
        return gemm(*args)

    monkeypatch.setattr(conv_ops.KerasConv, "apply", counting_hand)
    monkeypatch.setattr(conv_ops, "conv_gemm", counting_gemm)
    yield request.param, hand_calls, gemm_calls
