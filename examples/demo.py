"""End-to-end demo: train a Conv1D stack on a synthetic task, then check tf-keras parity.

Run with ``bash scripts/demo.sh``. The task: each sequence (length 64, 4
channels of noise) carries a short sine burst in one channel; the model learns
which. Then one Conv1D of the library is compared with the golden output that
tools/make_conv_fixtures.py recorded from tf-keras 2.21.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import torch

import convlayers

ROOT = Path(__file__).resolve().parent.parent


def make_data(n: int, rng: np.random.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` sequences (n, 64, 4) of noise with a sine burst in channel ``label``."""
    x = rng.normal(0, 1, (n, 64, 4)).astype(np.float32)
    labels = rng.integers(0, 4, n)
    starts = rng.integers(0, 48, n)
    burst = 2.5 * np.sin(np.arange(16) * np.pi / 4).astype(np.float32)
    for i, (label, start) in enumerate(zip(labels, starts)):
        x[i, start : start + 16, label] += burst
    return torch.from_numpy(x), torch.from_numpy(labels)


class Classifier(torch.nn.Module):
    """Conv1D (causal) -> Conv1D (dilated, same) -> Conv1D (strided) -> mean -> logits."""

    def __init__(self) -> None:
        super().__init__()
        self.features = torch.nn.Sequential(
            convlayers.Conv1D(16, 5, padding="causal", activation="relu"),
            convlayers.Conv1D(
                16,
                3,
                padding="same",
                dilation_rate=2,
                activation="relu",
                kernel_regularizer=convlayers.regularizers.L2(1e-4),
            ),
            convlayers.Conv1D(
                4, 3, strides=2, padding="same", bias_constraint=convlayers.constraints.MaxNorm(1.0)
            ),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.features(x).mean(dim=1)


def progress(step: int, total: int, loss: float, acc: float, started: float) -> None:
    width = 30
    done = width * step // total
    bar = "=" * max(done - 1, 0) + (">" if done < width else "=") + "." * (width - done)
    elapsed = time.perf_counter() - started
    sys.stdout.write(
        f"\r{step:3d}/{total} [{bar}] {elapsed:4.1f}s - loss: {loss:.4f} - accuracy: {acc:.3f}"
    )
    sys.stdout.flush()


def train(steps: int = 150) -> float:
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    x_train, y_train = make_data(2048, rng)
    x_test, y_test = make_data(512, rng)
    model = Classifier()
    model(x_train[:1])  # build the layers so the optimizer sees their weights
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    started = time.perf_counter()
    first_loss = None
    for step in range(1, steps + 1):
        batch = torch.randint(0, len(x_train), (64,))
        logits = model(x_train[batch])
        loss = torch.nn.functional.cross_entropy(logits, y_train[batch])
        total = loss + convlayers.regularization_loss(model)
        optimizer.zero_grad()
        total.backward()
        optimizer.step()
        convlayers.apply_constraints(model)
        first_loss = first_loss if first_loss is not None else loss.item()
        if step % 5 == 0 or step == steps:
            acc = (logits.argmax(1) == y_train[batch]).float().mean().item()
            progress(step, steps, loss.item(), acc, started)
    with torch.no_grad():
        test_acc = float((model(x_test).argmax(1) == y_test).float().mean())
    print(f"\nloss {first_loss:.3f} -> {loss.item():.3f}; held-out accuracy {test_acc:.3f}")
    return test_acc


def check_parity() -> float:
    """Run one recorded tf-keras case through our Conv1D; return the relative L2 error."""
    import json

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
    if accuracy < 0.9 or error > 1e-5:
        sys.exit("demo failed: accuracy below 0.9 or parity error above 1e-5")
