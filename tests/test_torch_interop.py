"""The layers as plain PyTorch modules: torch.compile and ONNX export give the same numbers."""

import numpy as np
import pytest
import torch

import convlayers


def make_model() -> torch.nn.Module:
    model = torch.nn.Sequential(
        convlayers.Conv1D(8, 3, padding="causal", dilation_rate=2, activation="relu"),
        convlayers.Conv1D(4, 4, strides=2, padding="same", data_format="channels_last"),
    )
    model(torch.zeros(1, 17, 3))
    return model


def test_torch_compile_fullgraph_forward_and_backward(rng):
    model = make_model()
    x = torch.tensor(rng.standard_normal((2, 17, 3)), dtype=torch.float32)
    expected = model(x)
    expected.square().sum().backward()
    grads = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    compiled = torch.compile(model, backend="aot_eager", fullgraph=True)
    got = compiled(x)
    got.square().sum().backward()
    torch.testing.assert_close(got, expected)
    for param, grad in zip(model.parameters(), grads):
        torch.testing.assert_close(param.grad, grad)


@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_onnx_export_runs_in_onnxruntime(rng):
    import onnxruntime as ort

    model = make_model().eval()
    x = torch.tensor(rng.standard_normal((2, 17, 3)), dtype=torch.float32)
    program = torch.onnx.export(model, (x,), dynamo=True, verbose=False)
    session = ort.InferenceSession(program.model_proto.SerializeToString())
    (got,) = session.run(None, {session.get_inputs()[0].name: x.numpy()})
    np.testing.assert_allclose(got, model(x).detach().numpy(), rtol=1e-5, atol=1e-5)
