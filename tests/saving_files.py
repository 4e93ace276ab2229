"""The model files of ``tests/fixtures/saving`` (made by tools/make_saving_fixtures.py with
tf-keras 2.21 and Keras 3) and the reference's predictions for them."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FOLDER = Path(__file__).resolve().parent / "fixtures" / "saving"
INDEX = json.loads((FOLDER / "saving.json").read_text())
MODELS = INDEX["models"]
RTOL = 1e-5  # relative error allowed against the reference's predictions


@dataclass
class Reference:
    name: str
    entry: dict
    xs: list[np.ndarray]
    ys: list[np.ndarray]

    @property
    def x(self):
        """The input as ``predict`` takes it (a list for several inputs)."""
        return self.xs[0] if len(self.xs) == 1 else self.xs


def reference(name: str) -> Reference:
    entry = MODELS[name]
    with np.load(FOLDER / "saving.npz", allow_pickle=False) as data:
        xs = [data[f"{name}/x{i}"] for i in range(len(entry["input_shapes"]))]
        ys = [data[f"{name}/y{i}"] for i in range(len(entry["output_shapes"]))]
    return Reference(name, entry, xs, ys)


def as_list(value):
    return list(value) if isinstance(value, list | tuple) else [value]


def relative_error(got, expected: list[np.ndarray]) -> float:
    got = as_list(got)
    assert len(got) == len(expected)
    return max(float(np.max(np.abs(g - e)) / np.max(np.abs(e))) for g, e in zip(got, expected))


def model_files() -> list[tuple[str, str]]:
    """``(model, file)`` for every whole-model file (.h5 models and .keras)."""
    return [
        (name, f)
        for name, entry in MODELS.items()
        for f in entry["files"]
        if f.endswith(".keras") or (f.endswith(".h5") and "weights" not in f)
    ]


def weight_files() -> list[tuple[str, str]]:
    """``(model, file)`` for every weights-only file (legacy .h5 and Keras 3 .weights.h5)."""
    return [(name, f) for name, entry in MODELS.items() for f in entry["files"] if "weights" in f]


def copy(file: str, folder: Path) -> Path:
    """A copy of a fixture file in ``folder`` (to damage it)."""
    target = folder / file
    shutil.copyfile(FOLDER / file, target)
    return target
