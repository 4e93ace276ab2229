"""The small models of the saving fixtures, for any Keras-like API ``K``.

``K`` is ``tf_keras``, ``keras`` (Keras 3) or ``convlayers``: each offers ``K.layers.X``,
``K.Input``, ``K.Sequential`` and ``K.Model``. No TensorFlow import here, so both
``make_saving_fixtures.py`` (reference venv) and ``check_convlayers_files.py`` (our venv)
build the same architectures from this one definition.
"""

from __future__ import annotations

import zlib

import numpy as np

BATCH = 3


def conv1d_seq(K):
    """Sequential, compiled: Conv1D causal+dilation and groups, SeparableConv1D,
    DepthwiseConv1D, Activation, Flatten, Dropout, Dense."""
    L = K.layers
    model = K.Sequential(
        [
            K.Input((12, 4)),
            L.Conv1D(4, 3, padding="causal", dilation_rate=2, activation="relu"),
            L.Conv1D(4, 3, strides=2, padding="same", groups=2),
            L.SeparableConv1D(6, 3, padding="same", depth_multiplier=2),
            L.DepthwiseConv1D(3, depth_multiplier=2, use_bias=False),
            L.Activation("tanh"),
            L.Flatten(),
            L.Dropout(0.25),
            L.Dense(3, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def conv2d_functional(K):
    """Functional, two inputs and two outputs, one Conv2D shared by three calls."""
    L = K.layers
    a = K.Input((6, 6, 2), name="a")
    b = K.Input((6, 6, 2), name="b")
    shared = L.Conv2D(2, 3, padding="same", name="shared")
    ha, hb = shared(a), shared(shared(b))
    ya = L.SeparableConv2D(3, (2, 3), strides=(1, 2), depth_multiplier=2)(ha)
    ya = L.Dense(2, name="head_a")(L.Reshape((-1,))(ya))
    yb = L.DepthwiseConv2D(3, padding="same", depth_multiplier=2, activation="relu")(hb)
    yb = L.Dense(2, activation="sigmoid", name="head_b")(L.Flatten()(yb))
    return K.Model([a, b], [ya, yb], name="two_heads")


def nested(K):
    """A functional model calling a Sequential model as a layer."""
    L = K.layers
    inner = K.Sequential([K.Input((8, 2)), L.Conv1D(3, 3), L.Flatten()], name="inner")
    x = K.Input((8, 2))
    return K.Model(x, L.Dense(2)(inner(x)), name="outer")


# local models are compiled with each optimizer and loss compile knows by name
COMPILE = {
    (1, "channels_last"): ("sgd", "mse", ["mae"]),
    (1, "channels_first"): ("rmsprop", "mean_absolute_error", None),
    (2, "channels_last"): ("adagrad", "binary_crossentropy", ["accuracy"]),
    (2, "channels_first"): (None, None, None),
}


def local(K, rank, data_format):
    """LocallyConnected1D/2D of implementations 1, 2 ('same') and 3 ('same'); compiled
    (but for one) with the optimizer, loss and metrics of ``COMPILE``."""
    L = K.layers
    cls = L.LocallyConnected1D if rank == 1 else L.LocallyConnected2D
    k, one = (3, 2) if rank == 1 else ((2, 2), (2, 1))
    shape = (9, 3) if rank == 1 else (5, 5, 2)
    if data_format == "channels_first":
        shape = (shape[-1], *shape[:-1])
    kw = {"data_format": data_format}
    layers = [
        K.Input(shape),
        cls(4, k, implementation=1, activation="relu", **kw),
        cls(3, 2, strides=2, padding="same", implementation=2, **kw),
        cls(2, one, padding="same", implementation=3, use_bias=False, **kw),
        L.Flatten(),
        L.Dense(2),
    ]
    model = K.Sequential(layers)
    optimizer, loss, metrics = COMPILE[(rank, data_format)]
    if optimizer is not None:
        model.compile(optimizer=optimizer, loss=loss, metrics=metrics)
    return model


MODELS = {
    "conv1d_seq": conv1d_seq,
    "conv2d_functional": conv2d_functional,
    "nested": nested,
    "local1d_cl": lambda K: local(K, 1, "channels_last"),
    "local1d_cf": lambda K: local(K, 1, "channels_first"),
    "local2d_cl": lambda K: local(K, 2, "channels_last"),
    "local2d_cf": lambda K: local(K, 2, "channels_first"),
}
KERAS3 = ("conv1d_seq", "conv2d_functional", "nested")  # Keras 3 has no LocallyConnected


def seeded_weights(name, shapes, salt=""):
    """N(0, 0.5²) float32 arrays of ``shapes``, seeded by the model name."""
    rng = np.random.default_rng(zlib.crc32(f"{name}{salt}".encode()))
    return [(0.5 * rng.standard_normal(shape)).astype(np.float32) for shape in shapes]


def seeded_inputs(name, shapes):
    """N(0, 1) float32 inputs of ``BATCH`` samples for inputs of ``shapes`` (no batch)."""
    rng = np.random.default_rng(zlib.crc32(f"{name}/x".encode()))
    return [rng.standard_normal((BATCH, *shape)).astype(np.float32) for shape in shapes]
