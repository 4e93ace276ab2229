"""tf-keras's own Conv1D/Conv2D tests (``tf_keras/layers/convolutional/conv_test.py``), translated.

Each test names the reference test it translates. The expected shapes are the reference's
(hand-written there); where the reference compares numbers against TF's own convolution,
we compare against the float64 NumPy reference in ``tests/numpy_reference.py``.

Beyond the reference: ``test_float64`` (a float64 layer through layer_test).

Not translated, and why:
- ``run_all_keras_modes`` (graph, v1-session and eager runs of each case): we are eager only.
- ``Conv3DTest`` (6 tests), the Conv3D cases of ``GroupedConvTest`` and
  ``ConvSequentialTest``, ``test_dynamic_shape`` (Conv3D) and ``test_conv3d_zero_dim_output``
  (Conv3DTranspose): we have no 3-D or transposed convolutions.
- The ``tf.function(input_signature=...)`` of ``test_conv1d_recreate_conv_unknown_dims`` is
  TF tracing; its unknown length becomes a symbolic ``Input(shape=(None, 1))`` call here.
- The GPU-only guards (``data_format='channels_first'``, ``test_group_conv*``): TF lacks
  those kernels on CPU; ours run everywhere, so these cases run unconditionally.
"""

from __future__ import annotations

import numpy as np
import numpy_reference
import pytest
import separable_reference
import torch
from reference_tests.layer_test import check_constraints, check_regularization, layer_test

import convlayers

CONV1D_CASES = {
    "padding_valid": ({"padding": "valid"}, (None, 5, 2)),
    "padding_same": ({"padding": "same"}, (None, 7, 2)),
    "padding_same_dilation_2": ({"padding": "same", "dilation_rate": 2}, (None, 7, 2)),
    "padding_same_dilation_3": ({"padding": "same", "dilation_rate": 3}, (None, 7, 2)),
    "padding_causal": ({"padding": "causal"}, (None, 7, 2)),
    "strides": ({"strides": 2}, (None, 3, 2)),
    "dilation_rate": ({"dilation_rate": 2}, (None, 3, 2)),
    "group": ({"groups": 3, "filters": 6}, (None, 5, 6)),
}


@pytest.mark.parametrize("extra_batch_dim", [False, True], ids=["batch", "extra_batch_dim"])
@pytest.mark.parametrize("name", list(CONV1D_CASES))
def test_conv1d(name, extra_batch_dim):
    """Conv1DTest.test_conv1d: _run_test and _run_test_extra_batch_dim of each case."""
    kwargs, expected = CONV1D_CASES[name]
    kwargs = {"filters": 2, **kwargs, "kernel_size": 3}
    batch = (2, 11) if extra_batch_dim else (2,)
    if extra_batch_dim:
        expected = (None, *expected)
    layer_test(
        convlayers.Conv1D,
        kwargs=kwargs,
        input_shape=(*batch, 7, 3),
        expected_output_shape=expected,
    )


@pytest.mark.parametrize("cls", [convlayers.Conv1D, convlayers.Conv2D])
def test_regularizers(cls):
    """Conv1DTest/Conv2DTest.test_conv*d_regularizers: two weight losses once built, plus
    one activity loss per call."""
    layer = cls(
        filters=3,
        kernel_size=3,
        padding="valid",
        kernel_regularizer="l2",
        bias_regularizer="l2",
        activity_regularizer="l2",
        strides=1,
    )
    check_regularization(layer, (None, *(5,) * cls.rank, 2), weight_losses=2)


@pytest.mark.parametrize("cls", [convlayers.Conv1D, convlayers.Conv2D])
def test_constraints(cls):
    """Conv1DTest/Conv2DTest.test_conv*d_constraints: each weight carries its constraint."""
    check_constraints(
        cls,
        (None, *(5,) * cls.rank, 2),
        {"kernel_constraint": "kernel", "bias_constraint": "bias"},
        filters=3,
        kernel_size=3,
        padding="valid",
        strides=1,
    )


def test_conv1d_recreate_conv():
    """Conv1DTest.test_conv1d_recreate_conv: a causal dilated layer called on inputs shorter
    than its kernel keeps giving the same output shapes."""
    layer = convlayers.Conv1D(
        filters=1, kernel_size=3, strides=1, dilation_rate=2, padding="causal"
    )
    rng = np.random.default_rng(0)
    inpt1 = rng.normal(size=[1, 2, 1])
    inpt2 = rng.normal(size=[1, 1, 1])
    outp1_shape = layer(inpt1).shape
    assert tuple(outp1_shape) == (1, 2, 1)
    assert tuple(layer(inpt2).shape) == (1, 1, 1)
    assert layer(inpt1).shape == outp1_shape


def test_conv1d_recreate_conv_unknown_dims():
    """Conv1DTest.test_conv1d_recreate_conv_unknown_dims: a call with an unknown length
    between eager calls changes nothing."""
    layer = convlayers.Conv1D(
        filters=1, kernel_size=3, strides=1, dilation_rate=2, padding="causal"
    )
    rng = np.random.default_rng(0)
    inpt1 = rng.normal(size=[1, 9, 1]).astype(np.float32)
    inpt2 = rng.normal(size=[1, 2, 1]).astype(np.float32)
    outp1_shape = layer(inpt1).shape
    symbolic = layer(convlayers.Input(batch_shape=(1, None, 1)))
    assert symbolic.shape == (1, None, 1)
    assert tuple(layer(inpt2).shape) == (1, 2, 1)
    assert layer(inpt1).shape == outp1_shape


@pytest.mark.parametrize("cls", [convlayers.Conv1D, convlayers.Conv2D])
def test_invalid_output_shapes(cls):
    """Conv1DTest/Conv2DTest.test_conv*d_invalid_output_shapes."""
    layer = cls(filters=2, kernel_size=20)
    with pytest.raises(ValueError, match=r"^One of the dimensions in the output is <= 0"):
        layer.build((None, *(5,) * cls.rank, 2))


@pytest.mark.parametrize(
    ("cls", "kwargs"),
    [
        (convlayers.Conv1D, {"strides": 2, "dilation_rate": 2}),
        (convlayers.Conv2D, {"strides": [1, 2], "dilation_rate": [2, 1]}),
    ],
)
def test_invalid_strides_and_dilation_rate(cls, kwargs):
    """Conv1DTest/Conv2DTest.test_conv*d_invalid_strides_and_dilation_rate."""
    with pytest.raises(ValueError, match=r"^`strides > 1` not supported in conjunction"):
        cls(filters=1, kernel_size=2, **kwargs)


# (kwargs, expected output shape, spatial input shape). The reference gives no expected
# shape for channels_first (a GPU-only case there); ours is worked out by hand: the
# (2, 7, 6, 3) input is 7 channels of 6x3, which a valid 3x3 kernel makes 4x1.
CONV2D_CASES = {
    "padding_valid": ({"padding": "valid"}, (None, 5, 4, 2), (7, 6)),
    "padding_same": ({"padding": "same"}, (None, 7, 6, 2), (7, 6)),
    "padding_same_dilation_2": (
        {"padding": "same", "dilation_rate": 2},
        (None, 7, 6, 2),
        (7, 6),
    ),
    "strides": ({"strides": (2, 2)}, (None, 3, 2, 2), (7, 6)),
    "dilation_rate": ({"dilation_rate": (2, 2)}, (None, 3, 2, 2), (7, 6)),
    "data_format": ({"data_format": "channels_first"}, (None, 2, 4, 1), (7, 6)),
    "group": ({"groups": 3, "filters": 6}, (None, 5, 4, 6), (7, 6)),
    "dilation_2_unknown_width": ({"dilation_rate": (2, 2)}, (None, None, 2, 2), (None, 6)),
    "dilation_2_unknown_height": ({"dilation_rate": (2, 2)}, (None, 3, None, 2), (7, None)),
}


@pytest.mark.parametrize("extra_batch_dim", [False, True], ids=["batch", "extra_batch_dim"])
@pytest.mark.parametrize("name", list(CONV2D_CASES))
def test_conv2d(name, extra_batch_dim):
    """Conv2DTest.test_conv2d: _run_test and _run_test_extra_batch_dim of each case; an
    unknown spatial size gets data of size 7 (rows) or 6 (columns)."""
    kwargs, expected, (rows, cols) = CONV2D_CASES[name]
    kwargs = {"filters": 2, **kwargs, "kernel_size": (3, 3)}
    batch = (2, 11) if extra_batch_dim else (2,)
    if extra_batch_dim:
        expected = (None, *expected)
    input_data = None
    if rows is None or cols is None:
        rng = np.random.default_rng(1)
        input_data = (10 * rng.random((*batch, rows or 7, cols or 6, 3))).astype(np.float32)
    layer_test(
        convlayers.Conv2D,
        kwargs=kwargs,
        input_shape=(*batch, rows, cols, 3),
        input_data=input_data,
        expected_output_shape=expected,
    )


def test_conv2d_zero_kernel_size():
    """Conv2DTest.test_conv2d_zero_kernel_size (the wording is the reference's)."""
    with pytest.raises(
        ValueError, match=r"^The `kernel_size` argument must be a tuple of 2 integers"
    ):
        convlayers.Conv2D(filters=2, kernel_size=0)


@pytest.mark.parametrize("cls", [convlayers.Conv1D, convlayers.Conv2D])
def test_group_conv_incorrect_use(cls):
    """GroupedConvTest.test_group_conv_incorrect_use (the (32, 12, 12, 3) input is a Conv1D
    input with an extra batch axis)."""
    with pytest.raises(ValueError, match=r"^The number of filters"):
        cls(16, 3, groups=3)
    with pytest.raises(ValueError, match=r"^The number of input channels"):
        cls(16, 3, groups=4).build((32, 12, 12, 3))


@pytest.mark.parametrize(
    ("cls", "input_shape"),
    [(convlayers.Conv1D, (32, 12, 32)), (convlayers.Conv2D, (32, 12, 12, 32))],
)
def test_group_conv(cls, input_shape):
    """GroupedConvTest.test_group_conv: a 4-group convolution is the concatenation of four
    convolutions of the matching input and kernel slices (each by the NumPy reference)."""
    inputs = torch.rand(input_shape)
    layer = cls(16, 3, groups=4, use_bias=False)
    layer.build(input_shape)
    kernel = layer.kernel.detach().numpy()
    rank = cls.rank
    expected = np.concatenate(
        [
            numpy_reference.conv(x, w, None, (1,) * rank, "valid", (1,) * rank)
            for x, w in zip(
                np.split(inputs.numpy(), 4, axis=-1), np.split(kernel, 4, axis=-1), strict=True
            )
        ],
        axis=-1,
    )
    np.testing.assert_allclose(layer(inputs).detach().numpy(), expected, rtol=3e-5, atol=3e-5)


def test_group_conv_depthwise():
    """GroupedConvTest.test_group_conv_depthwise: Conv2D with groups == channels is a
    depthwise convolution with the kernel reshaped to (3, 3, 32, 1)."""
    inputs = torch.rand(3, 27, 27, 32)
    layer = convlayers.Conv2D(32, 3, groups=32, use_bias=False)
    layer.build((3, 27, 27, 32))
    weights_dw = layer.kernel.detach().numpy().reshape(3, 3, 32, 1)
    expected = separable_reference.depthwise(
        inputs.numpy(), weights_dw, None, (1, 1), "valid", (1, 1)
    )
    np.testing.assert_allclose(layer(inputs).detach().numpy(), expected, rtol=1e-5, atol=1e-6)


SEQUENTIAL_CASES = [
    (convlayers.Conv1D, "valid", (1, 8, 2), (1, 5, 2), (1, 4, 1), (1, 1, 1)),
    (convlayers.Conv1D, "same", (1, 8, 2), (1, 5, 2), (1, 8, 1), (1, 5, 1)),
    (convlayers.Conv1D, "causal", (1, 8, 2), (1, 5, 2), (1, 8, 1), (1, 5, 1)),
    (convlayers.Conv2D, "valid", (1, 7, 6, 2), (1, 6, 5, 2), (1, 3, 2, 1), (1, 2, 1, 1)),
    (convlayers.Conv2D, "same", (1, 7, 6, 2), (1, 6, 5, 2), (1, 7, 6, 1), (1, 6, 5, 1)),
]


@pytest.mark.parametrize(
    ("cls", "padding", "shape1", "shape2", "expected1", "expected2"),
    SEQUENTIAL_CASES,
    ids=[f"{c[0].__name__}-{c[1]}" for c in SEQUENTIAL_CASES],
)
def test_conv_sequential(cls, padding, shape1, shape2, expected1, expected2):
    """ConvSequentialTest.test_conv1d/test_conv2d: one dilated layer called on two input
    sizes in turn gives each its own output shape."""
    layer = cls(filters=1, kernel_size=3, dilation_rate=2, padding=padding)
    assert tuple(layer(np.zeros(shape1)).shape) == expected1
    assert tuple(layer(np.zeros(shape2)).shape) == expected2


@pytest.mark.parametrize(
    ("cls", "input_shape"), [(convlayers.Conv1D, (2, 7, 3)), (convlayers.Conv2D, (2, 7, 6, 3))]
)
def test_float64(cls, input_shape):
    """Not in the reference's file: layer_test of a float64 layer on float64 inputs (its
    output dtype, config round trip and training)."""
    out = layer_test(
        cls,
        kwargs={"filters": 2, "kernel_size": 3, "dtype": "float64"},
        input_shape=input_shape,
        input_dtype="float64",
    )
    assert out.dtype == np.float64
