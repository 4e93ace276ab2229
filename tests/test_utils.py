"""``convlayers.utils``: ``pad_sequences`` against tf-keras 2.21's (tests/fixtures/utils.json)."""

import json
import re

import numpy as np
import pytest
from fixture_loader import FIXTURES

import convlayers

CASES = json.loads((FIXTURES / "utils.json").read_text())["pad_sequences"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_tf_keras(name):
    case = CASES[name]
    if "error" in case:
        _, _, message = case["error"].partition(": ")
        with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
            convlayers.utils.pad_sequences(**case["kwargs"])
        return
    out = convlayers.utils.pad_sequences(**case["kwargs"])
    assert str(out.dtype) == case["dtype"] and list(out.shape) == case["shape"]
    np.testing.assert_array_equal(out, np.asarray(case["values"], dtype=case["dtype"]))
