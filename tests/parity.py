"""Comparison of a layer against golden fixtures generated from tf-keras."""

from __future__ import annotations

import numpy as np
import torch

RTOL_FLOAT32 = 1e-5


def relative_l2(actual, expected) -> float:
    """||actual - expected|| / ||expected|| (or the absolute error when expected is 0)."""
    actual = np.asarray(actual, np.float64)
    expected = np.asarray(expected, np.float64)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    scale = np.linalg.norm(expected)
    error = np.linalg.norm(actual - expected)
    return float(error / scale) if scale > 0 else float(error)


def check_against_fixture(layer, case, rtol: float = RTOL_FLOAT32) -> None:
    """Build ``layer``, load the fixture's weights, and compare outputs and every gradient."""
    arrays = case.arrays
    x = torch.tensor(arrays["x"], requires_grad=True)
    layer.build(tuple(x.shape))
    layer.set_weights([arrays[f"w/{name}"] for name in case.weight_names])
    y = layer(x)
    assert relative_l2(y.detach(), arrays["y"]) <= rtol, "output"
    (y * torch.tensor(arrays["g"])).sum().backward()
    assert relative_l2(x.grad, arrays["dx"]) <= rtol, "input gradient"
    for name, weight in zip(case.weight_names, layer.weights):
        if f"dw/{name}" in arrays:
            grad = weight.grad if weight.grad is not None else torch.zeros_like(weight)
            assert relative_l2(grad, arrays[f"dw/{name}"]) <= rtol, f"gradient of {name}"


def reference_error(recorded: str) -> tuple[str, str]:
    """``(exception type, message)`` of an error a fixture recorded as ``"Type: message"``,
    without tf-keras' "Exception encountered when calling layer ..." wrapping."""
    kind, _, message = recorded.partition(": ")
    if message.startswith("Exception encountered when calling layer"):
        message = message.split("\n\n")[1]
    return kind, message.strip()


def to_tuples(value):
    """JSON lists back to the tuples a reference call was made with."""
    if isinstance(value, list):
        return tuple(to_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: to_tuples(v) for k, v in value.items()}
    return value
