"""tf-keras's own LocallyConnected1D/2D tests (``tf_keras/layers/locally_connected/
locally_connected_test.py``), translated. Each test names the reference test it translates.

The reference's ``layer_test`` runs give no expected output shape; we add one per case,
worked out by hand (channels_first reads the same array with axis 1 as the channels).
Its weight copies between kernel layouts (``copy_lc_weights_2_to_1/3``, built on
implementation 2's ``kernel_mask``) are rewritten here in NumPy.

Beyond the reference: ``test_float64`` (a float64 layer of each implementation through
layer_test).

Not translated, and why:
- The ``graph`` half of ``combine(mode=["graph", "eager"])``: we are eager only.
- ``test_make_2d``: it tests ``locally_connected_utils.make_2d``, a tf-keras-internal helper
  (our layouts are pinned by the fixtures and ``tests/layers/test_locally_connected.py``).
- The files of ``test_locallyconnected_save`` (``model.save``/``load_model``): we have no
  model files yet; the test's round trip (same outputs after saving and reloading) goes
  through ``to_json``/``model_from_json`` and ``get_weights``/``set_weights`` here.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from reference_tests.layer_test import check_constraints, check_regularization, layer_test

import convlayers

DATA_FORMAT_PADDING_IMPLEMENTATION = [
    (data_format, padding, implementation)
    for implementation in (1, 2, 3)
    for data_format, padding in (
        ("channels_first", "valid"),
        ("channels_first", "same"),
        ("channels_last", "valid"),
        ("channels_last", "same"),
    )
]
# The reference's refusal of 'same' with implementation 1 (our message goes on from there).
BORDER_MODE = (
    r'^Invalid border mode for {} \(only "valid" is supported if implementation is 1\): same'
)
GRID = pytest.mark.parametrize(
    ("data_format", "padding", "implementation"), DATA_FORMAT_PADDING_IMPLEMENTATION
)


def _refused(cls, kwargs) -> bool:
    """'same' with implementation 1 is refused when the layer is made, in the reference's
    words (its tests assert the refusal, then skip the case)."""
    if kwargs["padding"] == "same" and kwargs["implementation"] == 1:
        with pytest.raises(ValueError, match=BORDER_MODE.format(cls.__name__)):
            cls(**kwargs)
        return True
    return False


def _layer_test_unless_refused(cls, kwargs, input_shape, expected_output_shape) -> None:
    if not _refused(cls, kwargs):
        layer_test(
            cls, kwargs=kwargs, input_shape=input_shape, expected_output_shape=expected_output_shape
        )


# Output shapes of LocallyConnected1D(4, 3) on a (2, 8, 5) input.
LC1D_SHAPES = {
    ("channels_last", "valid"): (None, 6, 4),
    ("channels_last", "same"): (None, 8, 4),
    ("channels_first", "valid"): (None, 4, 3),
    ("channels_first", "same"): (None, 4, 5),
}


@GRID
def test_locallyconnected_1d(data_format, padding, implementation):
    """LocallyConnected1DLayersTest.test_locallyconnected_1d ('same' with implementation 1
    is refused when the layer is made)."""
    kwargs = {
        "filters": 4,
        "kernel_size": 3,
        "padding": padding,
        "strides": 1,
        "data_format": data_format,
        "implementation": implementation,
    }
    _layer_test_unless_refused(
        convlayers.LocallyConnected1D, kwargs, (2, 8, 5), LC1D_SHAPES[data_format, padding]
    )


def _check_regularization(cls, kwargs, input_shape):
    """Two weight losses once built, a third (activity) after a call; then a layer made
    with max_norm(0.01) constraint objects carries them on its weights."""
    if _refused(cls, kwargs):
        return
    check_regularization(cls(**kwargs), input_shape, weight_losses=2)
    check_constraints(
        cls,
        input_shape,
        {"kernel_constraint": "kernel", "bias_constraint": "bias"},
        make=lambda: convlayers.constraints.max_norm(0.01),
        filters=kwargs["filters"],
        kernel_size=kwargs["kernel_size"],
    )


def _regularized(data_format, padding, implementation, filters):
    return {
        "filters": filters,
        "kernel_size": 3,
        "kernel_regularizer": "l2",
        "bias_regularizer": "l2",
        "activity_regularizer": "l2",
        "data_format": data_format,
        "implementation": implementation,
        "padding": padding,
    }


@GRID
def test_locallyconnected_1d_regularization(data_format, padding, implementation):
    """LocallyConnected1DLayersTest.test_locallyconnected_1d_regularization."""
    kwargs = _regularized(data_format, padding, implementation, filters=4)
    _check_regularization(convlayers.LocallyConnected1D, kwargs, (2, 8, 5))


@pytest.mark.parametrize(
    ("cls", "input_shape"),
    [
        (convlayers.LocallyConnected1D, (None, 5, 2)),
        (convlayers.LocallyConnected2D, (None, 5, 5, 2)),
    ],
)
def test_invalid_output_shapes(cls, input_shape):
    """LocallyConnected1D/2DLayersTest.test_locallyconnected*d_invalid_output_shapes."""
    layer = cls(filters=2, kernel_size=10)
    with pytest.raises(ValueError, match=r"^One of the dimensions in the output is <= 0 "):
        layer.build(input_shape)


# Output spatial shapes of a 3x3 LocallyConnected2D on a (8, 6, 10, 4) input.
LC2D_SPATIAL = {
    ("channels_last", "valid", (1, 1)): (4, 8),
    ("channels_last", "valid", (2, 2)): (2, 4),
    ("channels_last", "same", (1, 1)): (6, 10),
    ("channels_first", "valid", (1, 1)): (8, 2),
    ("channels_first", "valid", (2, 2)): (4, 1),
    ("channels_first", "same", (1, 1)): (10, 4),
}


def _lc2d_shape(data_format, padding, strides, filters=3):
    spatial = LC2D_SPATIAL[data_format, padding, strides]
    if data_format == "channels_last":
        return (None, *spatial, filters)
    return (None, filters, *spatial)


@pytest.mark.parametrize(
    ("data_format", "padding", "implementation", "strides"),
    [
        (*case, strides)
        for case in DATA_FORMAT_PADDING_IMPLEMENTATION
        for strides in ((1, 1), (2, 2))
        if case[1] == "valid" or strides == (1, 1)
    ],
)
def test_locallyconnected_2d(data_format, padding, implementation, strides):
    """LocallyConnected2DLayersTest.test_locallyconnected_2d (its loop over strides as a
    parameter; 'same' runs with strides (1, 1) only, as there)."""
    kwargs = {
        "filters": 3,
        "kernel_size": 3,
        "padding": padding,
        "kernel_regularizer": "l2",
        "bias_regularizer": "l2",
        "strides": strides,
        "data_format": data_format,
        "implementation": implementation,
    }
    _layer_test_unless_refused(
        convlayers.LocallyConnected2D,
        kwargs,
        (8, 6, 10, 4),
        _lc2d_shape(data_format, padding, strides),
    )


@GRID
def test_locallyconnected_2d_channels_first(data_format, padding, implementation):
    """LocallyConnected2DLayersTest.test_locallyconnected_2d_channels_first (default
    strides, no regularizers)."""
    kwargs = {
        "filters": 3,
        "kernel_size": 3,
        "data_format": data_format,
        "implementation": implementation,
        "padding": padding,
    }
    _layer_test_unless_refused(
        convlayers.LocallyConnected2D,
        kwargs,
        (8, 6, 10, 4),
        _lc2d_shape(data_format, padding, (1, 1)),
    )


@GRID
def test_locallyconnected_2d_regularization(data_format, padding, implementation):
    """LocallyConnected2DLayersTest.test_locallyconnected_2d_regularization."""
    kwargs = _regularized(data_format, padding, implementation, filters=3)
    _check_regularization(convlayers.LocallyConnected2D, kwargs, (2, 6, 7, 4))


# ------------------------------------------------- LocallyConnectedImplementationModeTest

WIDTH_DATA_FORMAT = [
    (width, data_format) for width in (1, 6) for data_format in ("channels_first", "channels_last")
]


def _inputs(data_format, channels, height, num_samples, width, rng):
    """The reference's get_inputs: 1-D samples when width is 1, else 2-D."""
    spatial = (height,) if width == 1 else (height, width)
    sample = (channels, *spatial) if data_format == "channels_first" else (*spatial, channels)
    return rng.normal(0, 1, (num_samples, *sample)).astype(np.float32)


def _model(implementation, filters, kernel_size, strides, layers, num_classes, data_format):
    """The reference's get_model/get_model_saveable: LC layers, Flatten, Dense, compiled
    with RMSprop at learning rate 0.01 (torch's default) and a from-logits cross-entropy."""
    lc_layer = {1: convlayers.LocallyConnected1D, 2: convlayers.LocallyConnected2D}[
        len(kernel_size)
    ]
    model = convlayers.Sequential()
    for _ in range(layers):
        model.add(
            lc_layer(
                padding="valid",
                kernel_initializer=convlayers.initializers.random_normal(),
                bias_initializer=convlayers.initializers.random_normal(),
                filters=filters,
                strides=strides,
                kernel_size=kernel_size,
                activation=convlayers.activations.relu,
                data_format=data_format,
                implementation=implementation,
            )
        )
    model.add(convlayers.layers.Flatten())
    model.add(convlayers.layers.Dense(num_classes))
    model.compile(
        optimizer=torch.optim.RMSprop,
        metrics=[convlayers.metrics.categorical_accuracy],
        loss=convlayers.losses.CategoricalCrossentropy(from_logits=True),
    )
    return model


def _connected(layer_2):
    """Implementation 2's kernel and its connectivity mask broadcast to the kernel's shape."""
    kernel = layer_2.get_weights()[0]
    return kernel, np.broadcast_to(np.asarray(layer_2.kernel_mask) != 0, kernel.shape)


def _kernel_2_to_1(layer_2, layer_1):
    """copy_lc_weights_2_to_1: move the output axes first (then the input axes, channels
    and filters as the data format orders them) and keep the connected entries."""
    kernel, mask = _connected(layer_2)
    rank = layer_2.rank
    if layer_2.data_format == "channels_first":  # (C, *S, F, *O) -> (*O, C, *S, F)
        order = (*range(rank + 2, 2 * rank + 2), *range(rank + 2))
    else:  # (*S, C, *O, F) -> (*O, *S, C, F)
        order = (*range(rank + 1, 2 * rank + 1), *range(rank + 1), 2 * rank + 1)
    flat = np.transpose(kernel, order)[np.transpose(mask, order)]
    return flat.reshape(layer_1.kernel.shape)


def _kernel_2_to_3(layer_2):
    """copy_lc_weights_2_to_3: the kernel as a (inputs, outputs) matrix, transposed, and its
    connected entries in row-major order."""
    kernel, mask = _connected(layer_2)
    rows = int(np.prod(kernel.shape[: kernel.ndim // 2]))
    return kernel.reshape(rows, -1).T[mask.reshape(rows, -1).T]


def _copy_model_weights(model_from, model_to):
    """copy_model_weights: implementation 2's layers into implementation 1's or 3's,
    Dense weights as they are."""
    for layer_from, layer_to in zip(model_from.layers, model_to.layers, strict=True):
        if isinstance(layer_from, convlayers.layers.Dense):
            layer_to.set_weights(layer_from.get_weights())
        elif hasattr(layer_from, "implementation"):
            assert layer_from.implementation == 2
            bias = layer_from.get_weights()[1]
            if layer_to.implementation == 1:
                layer_to.set_weights([_kernel_2_to_1(layer_from, layer_to), bias])
            else:
                layer_to.set_weights([_kernel_2_to_3(layer_from), bias])


def _setup(width, data_format):
    rng = np.random.default_rng(1)
    num_samples, num_classes = 4, 3
    targets = np.eye(num_classes, dtype=np.float32)[rng.integers(0, num_classes, num_samples)]
    inputs = _inputs(data_format, 2, 7, num_samples, width, rng)
    kwargs = {
        "layers": 2,
        "filters": 2,
        "kernel_size": (3,) if width == 1 else (3, 2),
        "strides": (1,) if width == 1 else (1, 3),
        "data_format": data_format,
        "num_classes": num_classes,
    }
    return inputs, targets, [_model(implementation=i, **kwargs) for i in (1, 2, 3)]


def _fit(model, inputs, targets, epochs):
    model.fit(x=inputs, y=targets, epochs=epochs, batch_size=len(inputs), shuffle=False, verbose=0)


@pytest.mark.parametrize(("width", "data_format"), WIDTH_DATA_FORMAT)
def test_locallyconnected_implementation(width, data_format):
    """LocallyConnectedImplementationModeTest.test_locallyconnected_implementation: with
    implementation 2's weights copied into 1's and 3's, the three models agree before and
    after two epochs of training. The reference builds the models with a train_on_batch
    before the copy; here a predict builds them, so that each model's optimizer starts
    at the copy: a step before it would leave RMSprop averages of different gradients
    (TF1's RMSPropOptimizer starts them at one, which hides that; torch's and Keras 2's
    RMSprop start them at zero)."""
    inputs, targets, models = _setup(width, data_format)
    for model in models:
        model.predict(inputs)
    model_1, model_2, model_3 = models
    _copy_model_weights(model_2, model_1)
    _copy_model_weights(model_2, model_3)
    out_1, out_2, out_3 = (m(inputs).detach().numpy() for m in models)
    np.testing.assert_allclose(out_1, out_2, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(out_3, out_2, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(out_1, out_3, rtol=1e-5, atol=1e-5)

    for model in models:
        _fit(model, inputs, targets, epochs=2)
    out_1, out_2, out_3 = (m(inputs).detach().numpy() for m in models)
    np.testing.assert_allclose(out_1, out_2, atol=2e-4)
    np.testing.assert_allclose(out_3, out_2, atol=2e-4)
    np.testing.assert_allclose(out_1, out_3, atol=2e-4)


@pytest.mark.parametrize(("width", "data_format"), WIDTH_DATA_FORMAT)
def test_locallyconnected_save(width, data_format):
    """LocallyConnectedImplementationModeTest.test_locallyconnected_save: each trained
    model, rebuilt from its JSON and given its weights, gives the same outputs."""
    inputs, targets, models = _setup(width, data_format)
    for model in models:
        _fit(model, inputs, targets, epochs=2)
        before = model(inputs).detach().numpy()
        reloaded = convlayers.models.model_from_json(model.to_json())
        reloaded.set_weights(model.get_weights())
        np.testing.assert_allclose(reloaded(inputs).detach().numpy(), before, atol=2e-4)


@pytest.mark.parametrize("implementation", [1, 2, 3])
@pytest.mark.parametrize(
    ("cls", "input_shape"),
    [(convlayers.LocallyConnected1D, (2, 7, 3)), (convlayers.LocallyConnected2D, (2, 7, 6, 3))],
)
def test_float64(cls, input_shape, implementation):
    """Not in the reference's file: layer_test of a float64 layer on float64 inputs."""
    kwargs = {"filters": 2, "kernel_size": 3, "dtype": "float64", "implementation": implementation}
    out = layer_test(cls, kwargs=kwargs, input_shape=input_shape, input_dtype="float64")
    assert out.dtype == np.float64
