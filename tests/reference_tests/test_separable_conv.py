"""tf-keras's own SeparableConv1D/2D tests (``tf_keras/layers/convolutional/
separable_conv_test.py``), translated. Each test names the reference test it translates.

The reference's ``layer_test`` runs give no expected output shape; we add one per case,
worked out by hand from the 7-step (1-D) or 7x6 (2-D) input and the 3-tap kernel.

Beyond the reference: ``test_separable_extra_batch_dim`` (Conv's extra-batch-axes run on
these layers, a deviation the README lists) and ``test_float64`` (a float64 layer through
layer_test).

Not translated, and why:
- ``run_all_keras_modes`` (graph, v1-session and eager runs of each case): we are eager only.
- The GPU-only guard of SeparableConv2D's ``data_format='channels_first'`` case: TF lacks
  that kernel on CPU; ours runs everywhere, so the case runs unconditionally.
"""

from __future__ import annotations

import numpy as np
import pytest
from reference_tests.layer_test import check_constraints, check_regularization, layer_test

import convlayers

CONV1D_CASES = {
    "padding_valid": ({"padding": "valid"}, (None, 5, 2)),
    "padding_same": ({"padding": "same"}, (None, 7, 2)),
    "padding_same_dilation_2": ({"padding": "same", "dilation_rate": 2}, (None, 7, 2)),
    "padding_causal": ({"padding": "causal"}, (None, 7, 2)),
    "strides": ({"strides": 2}, (None, 3, 2)),
    "dilation_rate": ({"dilation_rate": 2}, (None, 3, 2)),
    "depth_multiplier": ({"depth_multiplier": 2}, (None, 5, 2)),
}


CONV2D_CASES = {
    "padding_valid": ({"padding": "valid"}, (None, 5, 4, 2)),
    "padding_same": ({"padding": "same"}, (None, 7, 6, 2)),
    "padding_same_dilation_2": ({"padding": "same", "dilation_rate": 2}, (None, 7, 6, 2)),
    "strides": ({"strides": 2}, (None, 3, 2, 2)),
    # 7 channels of 6x3: a valid 3x3 kernel gives 4x1
    "data_format": ({"data_format": "channels_first"}, (None, 2, 4, 1)),
    "dilation_rate": ({"dilation_rate": 2}, (None, 3, 2, 2)),
    "depth_multiplier": ({"depth_multiplier": 2}, (None, 5, 4, 2)),
}


# (class, input shape, cases) per rank.
FAMILY = {
    "SeparableConv1D": (convlayers.SeparableConv1D, (2, 7, 3), CONV1D_CASES),
    "SeparableConv2D": (convlayers.SeparableConv2D, (2, 7, 6, 3), CONV2D_CASES),
}


@pytest.mark.parametrize(
    ("layer", "name"), [(layer, name) for layer, entry in FAMILY.items() for name in entry[2]]
)
def test_separable_conv(layer, name):
    """SeparableConv1DTest.test_separable_conv1d and SeparableConv2DTest.test_separable_conv2d."""
    cls, input_shape, cases = FAMILY[layer]
    kwargs, expected = cases[name]
    layer_test(
        cls,
        kwargs={**kwargs, "filters": 2, "kernel_size": 3},
        input_shape=input_shape,
        expected_output_shape=expected,
    )


@pytest.mark.parametrize("cls", [convlayers.SeparableConv1D, convlayers.SeparableConv2D])
def test_regularizers(cls):
    """SeparableConv1DTest/SeparableConv2DTest.test_separable_conv*d_regularizers: three
    weight losses once built, plus one activity loss per call."""
    layer = cls(
        filters=3,
        kernel_size=3,
        padding="valid",
        depthwise_regularizer="l2",
        pointwise_regularizer="l2",
        bias_regularizer="l2",
        activity_regularizer="l2",
        strides=1,
    )
    check_regularization(layer, (None, *(5,) * cls.rank, 2), weight_losses=3)


@pytest.mark.parametrize("cls", [convlayers.SeparableConv1D, convlayers.SeparableConv2D])
def test_constraints(cls):
    """SeparableConv1DTest/SeparableConv2DTest.test_separable_conv*d_constraints."""
    weights = {
        "depthwise_constraint": "depthwise_kernel",
        "pointwise_constraint": "pointwise_kernel",
        "bias_constraint": "bias",
    }
    build_shape = (None, *(5,) * cls.rank, 2)
    check_constraints(
        cls, build_shape, weights, filters=3, kernel_size=3, padding="valid", strides=1
    )


@pytest.mark.parametrize(
    ("cls", "kwargs"),
    [
        (convlayers.SeparableConv1D, {"strides": 2, "dilation_rate": 2}),
        (convlayers.SeparableConv2D, {"strides": [2, 1], "dilation_rate": [2, 1]}),
    ],
)
def test_invalid_strides_and_dilation_rate(cls, kwargs):
    """SeparableConv1DTest/SeparableConv2DTest.test_separable_conv*d_invalid_strides_and_
    dilation_rate."""
    with pytest.raises(ValueError, match=r"^`strides > 1` not supported in conjunction"):
        cls(filters=1, kernel_size=2, **kwargs)


@pytest.mark.parametrize(
    ("cls", "sample", "expected"),
    [
        (convlayers.SeparableConv1D, (7, 3), (None, None, 5, 2)),
        (convlayers.SeparableConv2D, (7, 6, 3), (None, None, 5, 4, 2)),
    ],
)
def test_separable_extra_batch_dim(cls, sample, expected):
    """Not in the reference's file: Conv's _run_test_extra_batch_dim on the separable layers,
    which take extra batch axes by the reference's own compute_output_shape (its call fails;
    see the README's deviations)."""
    layer_test(
        cls,
        kwargs={"filters": 2, "kernel_size": 3},
        input_shape=(2, 11, *sample),
        expected_output_shape=expected,
    )


@pytest.mark.parametrize(
    ("cls", "input_shape"),
    [(convlayers.SeparableConv1D, (2, 7, 3)), (convlayers.SeparableConv2D, (2, 7, 6, 3))],
)
def test_float64(cls, input_shape):
    """Not in the reference's file: layer_test of a float64 layer on float64 inputs."""
    out = layer_test(
        cls,
        kwargs={"filters": 2, "kernel_size": 3, "dtype": "float64"},
        input_shape=input_shape,
        input_dtype="float64",
    )
    assert out.dtype == np.float64
