"""Read the golden fixtures written by ``tools/fixture_io.py`` (NumPy + json only, no TF).

``load_fixtures("conv1d")`` returns one :class:`FixtureCase` per case of
``tests/fixtures/conv1d.{json,npz}``. Arrays: ``x`` input, ``g`` cotangent (loss is
``sum(y * g)``), ``y`` output, ``dx`` input gradient, ``w/<name>`` / ``dw/<name>`` weight values
and gradients in Keras order (``weight_names``), optional ``aux/<name>`` extras.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class FixtureCase:
    id: str
    layer: str
    config: dict
    input_shape: list
    arrays: dict = field(repr=False)
    weight_names: list = field(default_factory=list)
    trainable_weight_names: list = field(default_factory=list)
    notes: str = ""

    @property
    def weights(self) -> list[np.ndarray]:
        """Weight values in Keras order, ready for ``set_weights``."""
        return [self.arrays[f"w/{name}"] for name in self.weight_names]


def load_index(family: str) -> dict:
    """The parsed ``<family>.json`` index (generator, versions, notes, cases, ...)."""
    return json.loads((FIXTURES / f"{family}.json").read_text())


def load_fixtures(family: str) -> list[FixtureCase]:
    """All cases of ``family`` in generation order, arrays loaded eagerly."""
    index = load_index(family)
    cases = []
    with np.load(FIXTURES / f"{family}.npz", allow_pickle=False) as npz:
        for cid, entry in index["cases"].items():
            arrays = {f: npz[f"{cid}/{f}"] for f in entry["fields"]}
            cases.append(
                FixtureCase(
                    id=cid,
                    layer=entry["layer"],
                    config=entry["config"],
                    input_shape=entry["input_shape"],
                    arrays=arrays,
                    weight_names=entry.get("weight_names", []),
                    trainable_weight_names=entry.get("trainable_weight_names", []),
                    notes=entry.get("notes", ""),
                )
            )
    return cases
