"""Our stand-in for tf-keras's ``testing_utils.layer_test``: one layer, one input, one output.

``layer_test(cls, kwargs, input_shape=...)`` walks a layer through what the reference's
helper checks, in the same order:

1. the layer is made from ``kwargs``; ``get_weights``/``set_weights`` round-trip while unbuilt;
2. functional use: called on ``Input(shape=input_shape[1:], dtype=input_dtype)``, the
   symbolic output has the expected dtype and (where given) the expected shape;
3. ``compute_output_shape(input_shape)`` and ``compute_output_signature`` agree with the
   shape of ``Model(x, y).predict(data)``, and the signature's dtype with its dtype;
4. ``Model.get_config`` -> ``Model.from_config`` + ``set_weights`` predicts the same;
5. one training step of ``Model(x, layer(x))`` compiled with 'rmsprop', 'mse' and 'acc'
   (the reference's ``train_on_batch``; here ``fit`` on one batch) gives a finite loss;
6. as the first layer of a ``Sequential``: ``from_config(get_config())`` with
   ``batch_input_shape``, the weights from before training, the output shape equal to the
   computed one and (beyond the reference) the output equal to step 3's;
   ``Sequential.get_config`` -> ``from_config`` predicts the same.

The output of step 3 is returned for further checks. ``None`` sizes in ``input_shape``
become random sizes 1-3 in the generated data, as in the reference (pass ``input_data``
when the layer needs larger ones).

``check_regularization`` and ``check_constraints`` are the reference's per-family
regularizer and constraint tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

import convlayers

__all__ = [
    "TensorSpec",
    "assert_shapes_match",
    "check_constraints",
    "check_regularization",
    "layer_test",
]


@dataclass(frozen=True)
class TensorSpec:
    """A shape and dtype, the role ``tf.TensorSpec`` plays for ``compute_output_signature``."""

    shape: tuple[int | None, ...]
    dtype: str


def assert_shapes_match(expected: Any, actual: Any, what: str) -> None:
    """Same rank, and equal sizes wherever ``expected`` gives one (``None`` matches any)."""
    expected, actual = tuple(expected), tuple(actual)
    mismatch = len(expected) != len(actual) or any(
        e is not None and e != a for e, a in zip(expected, actual)
    )
    assert not mismatch, f"{what}: found shape {actual}, expected {expected}"


def _data(input_shape: tuple, dtype: str, rng: np.random.Generator) -> np.ndarray:
    shape = [int(rng.integers(1, 4)) if n is None else n for n in input_shape]
    return (10 * rng.random(shape) - 0.5).astype(dtype)


def _close(actual: np.ndarray, expected: np.ndarray) -> None:
    np.testing.assert_allclose(actual, expected, rtol=1e-3, atol=1e-6)


def layer_test(
    layer_cls: type,
    kwargs: dict[str, Any] | None = None,
    input_shape: tuple[int | None, ...] | None = None,
    input_dtype: str = "float32",
    input_data: np.ndarray | None = None,
    expected_output_dtype: str | None = None,
    expected_output_shape: tuple[int | None, ...] | None = None,
    validate_training: bool = True,
    seed: int = 0,
) -> np.ndarray:
    """Run the checks listed in the module docstring; return the functional model's output."""
    rng = np.random.default_rng(seed)
    if input_data is None:
        assert input_shape is not None, "give input_shape or input_data"
        input_data = _data(tuple(input_shape), input_dtype, rng)
    input_shape = tuple(input_data.shape) if input_shape is None else tuple(input_shape)
    expected_output_dtype = expected_output_dtype or input_dtype
    kwargs = dict(kwargs or {})

    layer = layer_cls(**kwargs)
    layer.set_weights(layer.get_weights())

    x = convlayers.Input(shape=input_shape[1:], dtype=input_dtype)
    y = layer(x)
    assert y.dtype == expected_output_dtype, (y.dtype, expected_output_dtype, kwargs)
    if expected_output_shape is not None:
        assert_shapes_match(expected_output_shape, y.shape, "symbolic output")

    model = convlayers.Model(x, y)
    computed_shape = tuple(layer.compute_output_shape(input_shape))
    signature = layer.compute_output_signature(TensorSpec(input_shape, input_dtype))
    actual = model.predict(input_data)
    assert_shapes_match(computed_shape, actual.shape, "compute_output_shape vs predict")
    assert_shapes_match(signature.shape, actual.shape, "compute_output_signature vs predict")
    assert signature.dtype == str(actual.dtype), (signature.dtype, actual.dtype)

    recovered = convlayers.Model.from_config(model.get_config())
    if model.weights:
        recovered.set_weights(model.get_weights())
    _close(recovered.predict(input_data), actual)

    layer_weights = layer.get_weights()  # before training, as the reference takes them
    if validate_training:
        trained = convlayers.Model(x, layer(x))
        trained.compile("rmsprop", "mse", metrics=["acc"])
        history = trained.fit(
            input_data, actual, batch_size=len(input_data), epochs=1, shuffle=False, verbose=0
        )
        assert np.isfinite(history.history["loss"][0]), history.history

    config = layer.get_config()
    config["batch_input_shape"] = input_shape
    layer = type(layer).from_config(config)
    sequential = convlayers.Sequential()
    sequential.add(convlayers.Input(shape=input_shape[1:], dtype=input_dtype))
    sequential.add(layer)
    layer.set_weights(layer_weights)
    output = sequential.predict(input_data)
    assert_shapes_match(computed_shape, output.shape, "Sequential after from_config")
    _close(output, actual)  # the same weights as step 3 (beyond the reference's checks)

    recovered = convlayers.Sequential.from_config(sequential.get_config())
    if sequential.weights:
        recovered.set_weights(sequential.get_weights())
    _close(recovered.predict(input_data), output)
    return actual


def check_regularization(layer: Any, input_shape: tuple, weight_losses: int) -> None:
    """The reference's ``test_*_regularizers``: once built, one loss per regularized weight
    (each ``0.01 * sum(w**2)`` for 'l2'); a call adds the activity loss, ``0.01 *
    sum(y**2) / batch``."""
    layer.build(input_shape)
    assert len(layer.losses) == weight_losses
    values = sorted(float(v.detach()) for v in layer.losses)
    expected = sorted(0.01 * np.sum(w.astype(np.float64) ** 2) for w in layer.get_weights())
    np.testing.assert_allclose(values, expected, rtol=1e-5)
    batch = input_shape[0] or 1  # built for a batch of None, called on one sample
    y = layer(np.ones((batch, *input_shape[1:]), np.float32)).detach().numpy()
    assert len(layer.losses) == weight_losses + 1
    activity = 0.01 * np.sum(y.astype(np.float64) ** 2) / batch
    assert any(np.isclose(float(v.detach()), activity, rtol=1e-5) for v in layer.losses)


def check_constraints(
    layer_cls: type,
    build_shape: tuple,
    weights: dict[str, str],
    make: Callable[[], Any] = lambda: lambda x: x,
    **kwargs: Any,
) -> None:
    """The reference's ``test_*_constraints``: a layer given one constraint per weight
    (``weights`` maps the argument, e.g. 'bias_constraint', to the weight, e.g. 'bias';
    ``make()`` makes each constraint, an identity function by default) carries each one,
    the very object, as ``layer.<weight>.constraint``."""
    given = {argument: make() for argument in weights}
    layer = layer_cls(**kwargs, **given)
    layer.build(build_shape)
    for argument, weight in weights.items():
        assert getattr(layer, weight).constraint is given[argument], argument
