"""Read the training fixtures written by ``tools/make_training_fixtures.py`` (no TF).

``load("training_losses")`` gives ``{case_id: (entry, arrays)}``: the json entry of the case
and its arrays (``"<field>" -> ndarray``), in generation order.
"""

from __future__ import annotations

import numpy as np
from fixture_loader import FIXTURES, load_index


def load(family: str) -> dict[str, tuple[dict, dict[str, np.ndarray]]]:
    index = load_index(family)
    cases = {}
    with np.load(FIXTURES / f"{family}.npz", allow_pickle=False) as npz:
        for case_id, entry in index["cases"].items():
            cases[case_id] = (entry, {f: npz[f"{case_id}/{f}"] for f in entry["fields"]})
    return cases


def relative_error(actual, expected) -> float:
    """``|actual - expected| / |expected|`` in the L2 norm (the absolute error when the
    expected value is 0)."""
    actual = np.asarray(actual, np.float64)
    expected = np.asarray(expected, np.float64)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    scale = np.linalg.norm(expected)
    error = np.linalg.norm(actual - expected)
    return float(error / scale) if scale > 0 else float(error)
