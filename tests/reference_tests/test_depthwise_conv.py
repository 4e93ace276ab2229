"""tf-keras's own DepthwiseConv1D/2D tests (``tf_keras/layers/convolutional/
depthwise_conv_test.py``), translated. Each test names the reference test it translates.

The reference gives an expected output shape for its dilation cases only; we add one per
case, worked out by hand from the 7-step (1-D) or 7x6 (2-D) input with 3 channels and
the 3-tap kernel (channels_first reads the same array as 7 channels).

Beyond the reference: ``test_float64`` (a float64 layer through layer_test).

Not translated, and why:
- ``run_all_keras_modes`` (graph, v1-session and eager runs of each case): we are eager only.
- The GPU-only guard of the ``data_format='channels_first'`` cases: TF lacks those kernels
  on CPU; ours run everywhere, so the cases run unconditionally.
"""

from __future__ import annotations

import numpy as np
import pytest
from reference_tests.layer_test import layer_test

import convlayers

CONV1D_CASES = {
    "padding_valid": ({"padding": "valid"}, (None, 5, 3)),
    "padding_same": ({"padding": "same"}, (None, 7, 3)),
    "strides": ({"strides": 2}, (None, 3, 3)),
    "data_format": ({"data_format": "channels_first"}, (None, 7, 1)),
    "depth_multiplier_1": ({"depth_multiplier": 1}, (None, 5, 3)),
    "depth_multiplier_2": ({"depth_multiplier": 2}, (None, 5, 6)),
    "dilation_rate": ({"dilation_rate": 2}, (None, 3, 3)),
}


CONV2D_CASES = {
    "padding_valid": ({"padding": "valid"}, (None, 5, 4, 3)),
    "padding_same": ({"padding": "same"}, (None, 7, 6, 3)),
    "strides": ({"strides": (2, 2)}, (None, 3, 2, 3)),
    "data_format": ({"data_format": "channels_first"}, (None, 7, 4, 1)),
    "depth_multiplier_1": ({"depth_multiplier": 1}, (None, 5, 4, 3)),
    "depth_multiplier_2": ({"depth_multiplier": 2}, (None, 5, 4, 6)),
    "dilation_rate": ({"dilation_rate": (2, 2)}, (None, 3, 2, 3)),
}


# (class, input shape, cases) per rank.
FAMILY = {
    "DepthwiseConv1D": (convlayers.DepthwiseConv1D, (2, 7, 3), CONV1D_CASES),
    "DepthwiseConv2D": (convlayers.DepthwiseConv2D, (2, 7, 6, 3), CONV2D_CASES),
}


@pytest.mark.parametrize(
    ("layer", "name"), [(layer, name) for layer, entry in FAMILY.items() for name in entry[2]]
)
def test_depthwise_conv(layer, name):
    """DepthwiseConv1DTest.test_depthwise_conv1d and DepthwiseConv2DTest.test_depthwise_conv2d
    (kernel_size 3, or (3, 3) there: the same layer)."""
    cls, input_shape, cases = FAMILY[layer]
    kwargs, expected = cases[name]
    layer_test(
        cls,
        kwargs={**kwargs, "kernel_size": 3},
        input_shape=input_shape,
        expected_output_shape=expected,
    )


FULL_CASES = [
    (convlayers.DepthwiseConv1D, 1, 2, (2, 7, 3), (None, 3, 3)),
    (convlayers.DepthwiseConv2D, (1, 1), (2, 2), (2, 7, 6, 3), (None, 3, 2, 3)),
]


@pytest.mark.parametrize(
    ("cls", "dilation_rate", "strides", "input_shape", "expected"),
    FULL_CASES,
    ids=[c[0].__name__ for c in FULL_CASES],
)
def test_depthwise_conv_full(cls, dilation_rate, strides, input_shape, expected):
    """DepthwiseConv1DTest/DepthwiseConv2DTest.test_depthwise_conv*d_full: every argument
    given, regularizers and a unit_norm constraint included; after the layer_test run the
    layer carries the constraint and has two weight losses and one activity loss."""
    kwargs = {
        "kernel_size": 3,
        "padding": "valid",
        "data_format": "channels_last",
        "dilation_rate": dilation_rate,
        "activation": None,
        "depthwise_regularizer": "l2",
        "bias_regularizer": "l2",
        "activity_regularizer": "l2",
        "depthwise_constraint": "unit_norm",
        "use_bias": True,
        "strides": strides,
        "depth_multiplier": 1,
    }
    layer_test(cls, kwargs=kwargs, input_shape=input_shape, expected_output_shape=expected)
    layer = cls(**kwargs)
    layer(convlayers.backend.ones(input_shape))
    assert type(layer.depthwise_kernel.constraint).__name__ == "UnitNorm"
    assert len(layer.losses) == 3


@pytest.mark.parametrize(
    ("cls", "kwargs"),
    [
        (convlayers.DepthwiseConv1D, {"strides": 2, "dilation_rate": 2}),
        (convlayers.DepthwiseConv2D, {"strides": [2, 1], "dilation_rate": [2, 1]}),
    ],
)
def test_invalid_strides_and_dilation_rate(cls, kwargs):
    """DepthwiseConv1DTest/DepthwiseConv2DTest.test_depthwise_conv*d_invalid_strides_and_
    dilation_rate."""
    with pytest.raises(ValueError, match=r"^`strides > 1` not supported in conjunction"):
        cls(kernel_size=2, **kwargs)


@pytest.mark.parametrize(
    ("cls", "input_shape"),
    [(convlayers.DepthwiseConv1D, (2, 7, 3)), (convlayers.DepthwiseConv2D, (2, 7, 6, 3))],
)
def test_float64(cls, input_shape):
    """Not in the reference's file: layer_test of a float64 layer on float64 inputs."""
    out = layer_test(
        cls,
        kwargs={"kernel_size": 3, "dtype": "float64"},
        input_shape=input_shape,
        input_dtype="float64",
    )
    assert out.dtype == np.float64
