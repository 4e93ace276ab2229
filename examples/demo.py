"""End-to-end demo: a Keras-style model of Conv1D, SeparableConv1D and LocallyConnected1D
trained with ``fit`` on a synthetic sequence task, then a tf-keras parity check.

Run with ``bash scripts/demo.sh``. The task (made here, no download): each
sequence (length 64, 4 channels of noise) carries a short sine burst in one
channel; the model learns which. Then one Conv1D is compared with the golden
output that tools/make_conv_fixtures.py recorded from tf-keras 2.21.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

import convlayers

ROOT = Path(__file__).resolve().parent.parent


def make_data(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` sequences (n, 64, 4) of noise with a sine burst in channel ``label``."""
    x = rng.normal(0, 1, (n, 64, 4)).astype(np.float32)
    labels = rng.integers(0, 4, n)
    starts = rng.integers(0, 48, n)
    burst = 2.5 * np.sin(np.arange(16) * np.pi / 4).astype(np.float32)
    for i, (label, start) in enumerate(zip(labels, starts)):
        x[i, start : start + 16, label] += burst
    return x, labels


def build_model() -> convlayers.Sequential:
    """Conv1D (causal) -> SeparableConv1D (dilated) -> LocallyConnected1D -> Dense."""
    return convlayers.Sequential(
        [
            convlayers.Conv1D(
                16,
                5,
                padding="causal",
                activation="relu",
                input_shape=(64, 4),
                kernel_regularizer=convlayers.regularizers.L2(1e-4),
            ),
            convlayers.SeparableConv1D(
                16,
                3,
                padding="same",
                dilation_rate=2,
                activation="relu",
                pointwise_constraint=convlayers.constraints.MaxNorm(3.0),
            ),
            convlayers.Conv1D(8, 4, strides=4, activation="relu"),
            convlayers.LocallyConnected1D(8, 3, strides=2, activation="relu", implementation=3),
            convlayers.Flatten(),
            convlayers.Dropout(0.1),
            convlayers.Dense(4, activation="softmax"),
        ],
        name="burst_classifier",
    )


def train(epochs: int = 8) -> float:
    torch.set_num_threads(1)  # a small model: one thread beats two competing ones
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    x_train, y_train = make_data(8192, rng)
    x_test, y_test = make_data(1024, rng)
    model = build_model()
    model.summary()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)  # or a Keras name: "adam"
    model.compile(optimizer, "sparse_categorical_crossentropy", metrics=["accuracy"])
    started = time.perf_counter()
    model.fit(x_train, y_train, batch_size=64, epochs=epochs, validation_split=0.1)
    seconds = time.perf_counter() - started
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"trained in {seconds:.1f}s; held-out accuracy {accuracy:.3f}")
    return accuracy


def check_parity() -> float:
    """Run one recorded tf-keras case through our Conv1D; return the relative L2 error."""
    index = json.loads((ROOT / "tests/fixtures/conv1d.json").read_text())
    case_id = next(c for c in index["cases"] if c.startswith("causal_cl_s1_d2"))
    case = index["cases"][case_id]
    with np.load(ROOT / "tests/fixtures/conv1d.npz") as arrays:
        x, expected = arrays[f"{case_id}/x"], arrays[f"{case_id}/y"]
        weights = [arrays[f"{case_id}/w/{name}"] for name in case["weight_names"]]
    layer = convlayers.Conv1D.from_config(case["config"])
    layer.build(x.shape)
    layer.set_weights(weights)
    y = layer(x).detach().numpy()
    error = float(np.linalg.norm(y - expected) / np.linalg.norm(expected))
    print(f"tf-keras 2.21 fixture {case_id!r}: relative L2 error {error:.2e}")
    return error


if __name__ == "__main__":
    accuracy = train()
    error = check_parity()
    if accuracy < 0.95 or error > 1e-5:
        sys.exit("demo failed: accuracy below 0.95 or parity error above 1e-5")
