"""Property tests: random valid configurations of every convolution layer family against
the independent float64 NumPy references (outputs, input and weight gradients, shapes).

Gradients are checked against the references by the adjoint identity: the layers are
affine in their input and in each weight separately (no activation), so for a random
cotangent ``g`` and a random direction ``v`` of argument ``a``,
``<dL/da, v> = <g, f(a=v) - f(a=0)>`` with ``L = <g, y>`` and ``f`` the NumPy reference.
A wrong gradient entry makes the two sides differ for almost every ``v``; two
directions per argument are drawn.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import math
from unittest import mock

import local_reference
import numpy as np
import numpy_reference
import separable_reference
import torch
from fuzz_strategies import Case, layer_cases, make_case
from hypothesis import event, example, given
from parity import relative_l2

import convlayers
from convlayers.layers.registry import deserialize_layer, serialize_layer
from convlayers.ops import local as local_ops

conv_ops = importlib.import_module("convlayers.ops.conv")  # the module, not its function

OUTPUT_RTOL = 1e-10
GRADIENT_RTOL = 1e-9


def reference_fn(case: Case):
    """``f(x, **weights)`` of ``case``'s layer on rank + 2 inputs (NumPy, float64)."""
    s, p, d, cl = case.strides, case.padding, case.dilation, case.channels_last
    if case.family == "conv":
        groups = case.extras["groups"]
        return lambda x, kernel, bias=None: numpy_reference.conv(
            x, kernel, bias, s, p, d, groups, cl
        )
    if case.family == "depthwise":
        return lambda x, depthwise_kernel, bias=None: separable_reference.depthwise(
            x, depthwise_kernel, bias, s, p, d, cl
        )
    if case.family == "separable":
        return lambda x, depthwise_kernel, pointwise_kernel, bias=None: (
            separable_reference.separable(x, depthwise_kernel, pointwise_kernel, bias, s, p, d, cl)
        )
    impl = case.extras["implementation"]
    return lambda x, kernel, bias=None: local_reference.local(
        x, kernel, bias, case.filters, case.kernel_size, s, p, cl, impl
    )


def folded(fn, rank: int):
    """``fn`` on inputs with any number of leading batch axes (folded into one)."""

    def run(x, **weights):
        batch = x.shape[: x.ndim - rank - 1]
        y = fn(x.reshape(-1, *x.shape[len(batch) :]), **weights)
        return y.reshape(*batch, *y.shape[1:])

    return run


def spatial_of(case: Case, shape: tuple[int, ...]) -> tuple[int, ...]:
    r = case.rank
    return tuple(shape[-r - 1 : -1] if case.channels_last else shape[-r:])


def expected_weight_shapes(case: Case, out_spatial: tuple[int, ...]) -> dict:
    """Weight names and shapes as SPEC.md states them (Keras layout)."""
    k, c, f, r = case.kernel_size, case.channels, case.filters, case.rank
    if case.family == "conv":
        shapes = {"kernel": (*k, c // case.extras["groups"], f)}
    elif case.family == "depthwise":
        shapes = {"depthwise_kernel": (*k, c, case.extras["depth_multiplier"])}
    elif case.family == "separable":
        dm = case.extras["depth_multiplier"]
        shapes = {"depthwise_kernel": (*k, c, dm), "pointwise_kernel": (*(1,) * r, c * dm, f)}
    else:
        spatial = spatial_of(case, case.input_shape)
        impl = case.extras["implementation"]
        if impl == 1:
            kernel = (math.prod(out_spatial), math.prod(k) * c, f)
        elif impl == 2:
            kernel = (
                (*spatial, c, *out_spatial, f) if case.channels_last
                else (c, *spatial, f, *out_spatial)
            )  # fmt: skip
        else:
            args = (spatial, c, f, k, case.strides, case.padding)
            kernel = (local_reference.kernel_length(*args),)
        shapes = {"kernel": kernel}
    if case.kwargs["use_bias"]:
        shapes["bias"] = (*out_spatial, f) if case.family == "local" else (f,)
    return shapes


def record_events(case: Case, out_spatial: tuple[int, ...]) -> None:
    """Coverage of the drawn cases, shown by ``--hypothesis-show-statistics``."""
    event(f"{case.rank}-D, padding {case.padding}")
    event("channels_last" if case.channels_last else "channels_first")
    spatial = spatial_of(case, case.input_shape)
    spans = [d * (k - 1) + 1 for k, d in zip(case.kernel_size, case.dilation)]
    if any(n == 1 for n in out_spatial):
        event("an output length of 1")
    if any(k == n for k, n in zip(spans, spatial)):
        event("a kernel span equal to the input length")
    if any(k > n for k, n in zip(spans, spatial)):
        event("a kernel span longer than the input")
    if max(case.strides) > 1:
        event(f"strides > 1 with padding {case.padding}")
    if max(case.dilation) > 1:
        event("dilation > 1")
    for key, value in case.extras.items():
        if key in ("groups", "depth_multiplier") and value > 1:
            event(f"{key} > 1")
        if key == "implementation":
            event(f"implementation {value}")
    if case.batch_axes > 1:
        event("extra leading batch axes")


def check_gradients(reference, args: dict, grads: dict, g: np.ndarray, rng) -> None:
    """Each ``grads[name]`` against the reference by the adjoint identity (module doc)."""
    for name, value in args.items():
        grad = grads[name]
        assert grad is not None, f"no gradient for {name}"
        grad = grad.detach().numpy()
        assert grad.shape == value.shape, name
        zero = reference(**{**args, name: np.zeros_like(value)})
        for _ in range(2):
            v = rng.standard_normal(value.shape)
            jvp = reference(**{**args, name: v}) - zero
            expected, actual = float(np.sum(g * jvp)), float(np.sum(grad * v))
            norm = np.linalg.norm
            scale = norm(g) * norm(jvp) + norm(grad) * norm(v)
            assert abs(actual - expected) <= GRADIENT_RTOL * scale + 1e-300, (
                f"gradient of {name}: <grad, v> = {actual}, reference {expected}"
            )


@contextlib.contextmanager
def op_paths(case: Case):
    """The op paths as drawn: the hand-written backward (else autograd's) of
    LocallyConnected and of the separable/depthwise convolutions; LocallyConnected's
    no-grad forward in one-row pieces (else whole); 1-D ``groups=1`` convolutions as one
    GEMM (else ``conv2d``)."""
    with contextlib.ExitStack() as stack:
        if "gemm" in case.extras:
            limit = (1 << 62) if case.extras["gemm"] else -1
            limits = dict.fromkeys(conv_ops.GEMM_MAX_WINDOW_ELEMENTS, limit)
            stack.enter_context(mock.patch.object(conv_ops, "GEMM_MAX_WINDOW_ELEMENTS", limits))
        if case.extras.get("hand_written_backward"):
            stack.enter_context(mock.patch.object(local_ops, "CUSTOM_BACKWARD_MIN_MACS", 0))
            always = dict.fromkeys(conv_ops.HAND_BACKWARD_MIN_MACS, 0)
            stack.enter_context(mock.patch.object(conv_ops, "HAND_BACKWARD_MIN_MACS", always))
        if case.extras.get("pieces"):
            stack.enter_context(mock.patch.object(local_ops, "_MIN_PIECE", 1))
            stack.enter_context(mock.patch.object(local_ops, "_MAX_PIECES", 10**6))
        yield


def run_case(case: Case) -> None:
    with op_paths(case):
        _run_case(case)


def _run_case(case: Case) -> None:
    rng = np.random.default_rng(case.seed)
    layer = case.layer()
    shape = case.input_shape
    layer.build(shape)
    reference = folded(reference_fn(case), case.rank)
    x = rng.standard_normal(shape)
    names = [name for name, _ in layer.named_parameters()]
    shapes = {name: tuple(w.shape) for name, w in layer.named_parameters()}
    weights = {name: rng.standard_normal(shapes[name]) for name in names}
    expected = reference(x, **weights)
    out_spatial = spatial_of(case, expected.shape)
    record_events(case, out_spatial)
    assert shapes == expected_weight_shapes(case, out_spatial)
    layer.set_weights([weights[n] for n in names])

    xt = torch.tensor(x, requires_grad=True)
    y = layer(xt)
    assert y.dtype == torch.float64
    assert tuple(y.shape) == expected.shape
    assert layer.compute_output_shape(shape) == expected.shape
    assert relative_l2(y.detach(), expected) <= OUTPUT_RTOL
    with torch.no_grad():
        assert relative_l2(layer(x), expected) <= OUTPUT_RTOL

    g = rng.standard_normal(expected.shape)
    (y * torch.from_numpy(g)).sum().backward()
    grads = {"x": xt.grad, **dict(layer.named_parameters())}
    grads = {k: (v if k == "x" else v.grad) for k, v in grads.items()}
    check_gradients(reference, {"x": x, **weights}, grads, g, rng)


@given(layer_cases(family="conv"))
# one filter on channels_last input: torch's slow_conv2d backward raised RuntimeError
# ("grad_weight must be contiguous") on the permuted kernel view (fixed in ops/conv.py)
@example(make_case("conv", 1, (1, 2, 2), filters=1, kernel_size=2, use_bias=False))
@example(make_case("conv", 2, (1, 2, 2, 3), filters=1, kernel_size=(1, 2), groups=1))
# always in CI: 'same' with strides (odd and even lengths), causal with strides
@example(make_case("conv", 2, (2, 7, 6, 2), filters=2, kernel_size=(4, 3), strides=(2, 3),
                   padding="same", data_format="channels_last"))  # fmt: skip
@example(make_case("conv", 1, (1, 3, 8), filters=3, kernel_size=5, strides=3, padding="causal",
                   data_format="channels_first", groups=3))  # fmt: skip
def test_conv_matches_reference(case):
    run_case(case)


@given(layer_cases(family="depthwise"))
@example(make_case("depthwise", 2, (1, 2, 5, 4), kernel_size=(2, 3), strides=2, padding="same",
                   depth_multiplier=2, data_format="channels_first"))  # fmt: skip
def test_depthwise_matches_reference(case):
    run_case(case)


@given(layer_cases(family="separable"))
@example(make_case("separable", 1, (2, 6, 3), filters=2, kernel_size=4, strides=2,
                   padding="causal", depth_multiplier=2))  # fmt: skip
@example(make_case("separable", 2, (1, 5, 4, 2), filters=3, kernel_size=2, strides=(3, 2),
                   padding="same"))  # fmt: skip
def test_separable_matches_reference(case):
    run_case(case)


@given(layer_cases(family="local"))
@example(make_case("local", 2, (2, 5, 6, 2), filters=2, kernel_size=(4, 3), strides=(2, 3),
                   padding="same", implementation=3))  # fmt: skip
@example(make_case("local", 1, (1, 3, 7), filters=2, kernel_size=4, strides=2, padding="same",
                   implementation=2, data_format="channels_first"))  # fmt: skip
def test_locally_connected_matches_reference(case):
    run_case(case)


@given(layer_cases())
def test_shapes_agree_on_every_path(case):
    """``compute_output_shape`` (known and unknown batch and lengths), the symbolic call
    and the eager call give one shape; the config round trip makes the same layer."""
    layer = case.layer()
    shape = case.input_shape
    y = layer(torch.zeros(shape, dtype=torch.float64))
    assert layer.compute_output_shape(shape) == tuple(y.shape)
    batch = case.batch_axes
    unknown_batch = (None,) * batch + shape[batch:]
    assert layer.compute_output_shape(unknown_batch) == (None,) * batch + tuple(y.shape)[batch:]
    symbolic = layer(convlayers.Input(batch_shape=unknown_batch, dtype="float64"))
    assert tuple(symbolic.shape) == (None,) * batch + tuple(y.shape)[batch:]
    if case.family != "local":  # a LocallyConnected kernel is built for its lengths
        r = case.rank
        unknown = list(shape)
        spatial = (
            range(len(shape) - r - 1, len(shape) - 1)
            if case.channels_last
            else range(len(shape) - r, len(shape))
        )
        for axis in spatial:
            unknown[axis] = None
        out = list(y.shape)
        for axis in spatial:
            out[axis] = None
        assert case.layer().compute_output_shape(tuple(unknown)) == tuple(out)
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == config
    clone = deserialize_layer(json.loads(json.dumps(serialize_layer(layer))))
    assert json.dumps(clone.get_config()) == json.dumps(config)
    x = torch.randn(shape, dtype=torch.float64)
    clone.build(shape)
    clone.set_weights(layer.get_weights())
    assert torch.equal(clone(x), layer(x))


@given(layer_cases())
# LocallyConnected on an empty batch raised RuntimeError (a reshape with -1 of a tensor
# of 0 elements) in forward and backward (fixed in ops/local.py)
@example(make_case("local", 1, (1, 1, 1), filters=1, kernel_size=1))
@example(make_case("local", 2, (1, 2, 3, 1), filters=2, kernel_size=2, padding="same",
                   implementation=3, data_format="channels_first"))  # fmt: skip
def test_empty_batch(case):
    """A batch of zero samples gives an empty output of the computed shape, and zero
    gradients."""
    shape = (0, *case.input_shape[1:])
    layer = case.layer()
    x = torch.zeros(shape, dtype=torch.float64, requires_grad=True)
    with op_paths(case):
        y = layer(x)
        assert tuple(y.shape) == layer.compute_output_shape(shape)
        y.sum().backward()
    assert x.grad.shape == x.shape
    for weight in layer.weights:
        assert weight.grad is None or not weight.grad.any()
