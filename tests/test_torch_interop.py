"""The layers as plain PyTorch modules: torch.compile and ONNX export give the same numbers.

Every layer family runs in both, including the paths with their own autograd functions
(separable/depthwise gradients, the locally connected product) and the cached index maps
and masks of every LocallyConnected kernel layout.
"""

import numpy as np
import pytest
import torch

import convlayers

MODELS = {
    "conv1d": (
        lambda: [
            convlayers.Conv1D(8, 3, padding="causal", dilation_rate=2, activation="relu"),
            convlayers.Conv1D(4, 4, strides=2, padding="same"),
        ],
        (2, 17, 3),
    ),
    "separable1d+depthwise1d": (
        lambda: [
            convlayers.SeparableConv1D(6, 3, padding="causal", depth_multiplier=2),
            convlayers.DepthwiseConv1D(3, strides=2, padding="same", data_format="channels_last"),
        ],
        (2, 17, 3),
    ),
    "conv2d+separable2d+depthwise2d": (
        lambda: [
            convlayers.Conv2D(4, 3, strides=2, padding="same"),
            convlayers.SeparableConv2D(4, (3, 2), padding="same"),
            convlayers.DepthwiseConv2D(2, depth_multiplier=2),
        ],
        (2, 9, 8, 3),
    ),
    **{
        f"locally_connected1d-impl{impl}-{padding}-{fmt}": (
            lambda impl=impl, padding=padding, fmt=fmt: [
                convlayers.LocallyConnected1D(
                    4, 3, strides=2, padding=padding, data_format=fmt, implementation=impl
                )
            ],
            (2, 17, 3) if fmt == "channels_last" else (2, 3, 17),
        )
        for impl, padding in ((1, "valid"), (2, "same"), (3, "same"), (3, "valid"))
        for fmt in ("channels_last", "channels_first")
    },
    **{
        f"locally_connected2d-impl{impl}-{padding}": (
            lambda impl=impl, padding=padding: [
                convlayers.LocallyConnected2D(4, 3, padding=padding, implementation=impl)
            ],
            (2, 9, 8, 3),
        )
        for impl, padding in ((1, "valid"), (2, "same"), (3, "valid"), (3, "same"))
    },
}


def make_model(name: str) -> tuple[torch.nn.Module, tuple[int, ...]]:
    layers, shape = MODELS[name]
    model = torch.nn.Sequential(*layers())
    model(torch.zeros(shape))
    return model, shape


@pytest.fixture(autouse=True)
def fresh_dynamo():
    """Each model compiles from scratch (no recompile limits shared between tests)."""
    torch._dynamo.reset()
    yield
    torch._dynamo.reset()


@pytest.mark.parametrize("name", MODELS)
def test_torch_compile_fullgraph_forward_and_backward(rng, name):
    model, shape = make_model(name)
    x = torch.tensor(rng.standard_normal(shape), dtype=torch.float32)
    expected = model(x)
    expected.square().sum().backward()
    grads = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    compiled = torch.compile(model, backend="aot_eager", fullgraph=True)
    got = compiled(x)
    got.square().sum().backward()
    torch.testing.assert_close(got, expected)
    for param, grad in zip(model.parameters(), grads, strict=True):
        torch.testing.assert_close(param.grad, grad)


@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("name", MODELS)
def test_onnx_export_runs_in_onnxruntime(rng, name):
    import onnxruntime as ort

    model, shape = make_model(name)
    model.eval()
    x = torch.tensor(rng.standard_normal(shape), dtype=torch.float32)
    program = torch.onnx.export(model, (x,), dynamo=True, verbose=False)
    session = ort.InferenceSession(program.model_proto.SerializeToString())
    (got,) = session.run(None, {session.get_inputs()[0].name: x.numpy()})
    np.testing.assert_allclose(got, model(x).detach().numpy(), rtol=1e-5, atol=1e-5)


INDUCTOR_SCRIPT = """
import torch, convlayers
for impl, padding, fmt in {cases!r}:
    layer = convlayers.LocallyConnected2D(4, 3, padding=padding, data_format=fmt,
                                          implementation=impl)
    shape = (16, 32, 32, 8) if fmt == "channels_last" else (16, 8, 32, 32)
    x = torch.randn(shape, generator=torch.Generator().manual_seed(0), requires_grad=True)
    expected = layer(x)
    expected.square().sum().backward()
    grads = [x.grad.clone()] + [w.grad.clone() for w in layer.weights]
    compiled = torch.compile(layer, fullgraph=True)  # inductor: its generated code runs
    for _ in range(3):
        x.grad = None
        layer.zero_grad()
        got = compiled(x)
        got.square().sum().backward()
    torch.testing.assert_close(got, expected, rtol=1e-4, atol=1e-4)
    for got_grad, grad in zip([x.grad] + [w.grad for w in layer.weights], grads, strict=True):
        torch.testing.assert_close(got_grad, grad, rtol=1e-4, atol=1e-4)
print("ok")
"""


def test_locally_connected_2d_trains_under_inductor():
    """Inductor's own code, not only tracing: two `unfold` calls on one tensor make torch
    2.13's generated backward corrupt the heap (the process crashes), so under compile the
    2-D windows are one `as_strided` view. Run in a child process: a crash fails the test."""
    import subprocess
    import sys

    cases = [(1, "valid", "channels_last"), (3, "same", "channels_first")]
    script = INDUCTOR_SCRIPT.format(cases=cases)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-2000:]
