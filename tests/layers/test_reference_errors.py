"""Refusals as the reference words them: every error probe recorded from tf-keras 2.21.

The generators in tools/ probed the reference with bad arguments and awkward shapes
and recorded what happened (``probes`` in each family's fixture json). For each probe:

- the reference refused with a ValueError/TypeError: we refuse at the same stage or
  earlier, and our message begins with the reference's wording (its message up to
  "Received"), so code that matches on tf-keras's message keeps working;
- the reference failed inside TensorFlow (InvalidArgumentError, ZeroDivisionError...)
  or returned an output that disagrees with its own ``compute_output_shape``: we refuse
  with a ValueError (the deviations the README lists);
- the reference succeeded: we give the same output shape.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import torch

import convlayers

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FAMILIES = [
    "conv1d",
    "conv2d",
    "separable_conv1d",
    "separable_conv2d",
    "depthwise_conv1d",
    "depthwise_conv2d",
    "locally_connected1d",
    "locally_connected2d",
]
# Reference messages we do not echo, and why.
NOT_ECHOED = {
    "Dimension -1 must be >= 0": "TF-internal; we refuse depth_multiplier=-1 in __init__",
}
# Reference outcomes we replace with a refusal (kwargs subset -> reason).
REFUSED_INSTEAD = [
    ({"layer": "LocallyConnected1D", "filters": 0}, "an empty output; we refuse filters=0"),
    ({"layer": "LocallyConnected2D", "filters": 0}, "an empty output; we refuse filters=0"),
]


def _probes():
    for family in FAMILIES:
        data = json.loads((FIXTURES / f"{family}.json").read_text())
        for i, probe in enumerate(data["probes"]):
            yield pytest.param(probe, id=f"{family}-{i}-{probe['layer']}")


def _wording(error: str) -> tuple[str, str]:
    """``(exception type, the reference's wording)`` of a recorded error."""
    kind, _, message = error.partition(": ")
    if message.startswith("("):  # tf-keras raised with a tuple: TypeError(('text:', 'x'))
        message = " ".join(str(part) for part in ast.literal_eval(message))
    return kind, re.split(r"\s*Received", message)[0].strip()


def _run(probe):
    layer = getattr(convlayers, probe["layer"])(**probe["kwargs"])
    return layer(torch.zeros(probe["input_shape"]))


def _refused_instead(probe) -> bool:
    return any(
        probe["layer"] == rule["layer"]
        and all(probe["kwargs"].get(k) == v for k, v in rule.items() if k != "layer")
        for rule, _ in REFUSED_INSTEAD
    )


@pytest.mark.parametrize("probe", list(_probes()))
def test_reference_probe(probe):
    if probe["result"] == "ok" and not _refused_instead(probe):
        assert tuple(_run(probe).shape) == tuple(probe["output_shape"])
        return
    if probe["result"] != "error" or _refused_instead(probe):  # an output we do not give
        with pytest.raises(ValueError):
            _run(probe)
        return
    kind, wording = _wording(probe["error"])
    expected = {"ValueError": ValueError, "TypeError": TypeError}.get(kind, ValueError)
    if probe["stage"] == "init":
        with pytest.raises(expected) as raised:
            getattr(convlayers, probe["layer"])(**probe["kwargs"])
    else:
        with pytest.raises(expected) as raised:
            _run(probe)
    if kind in ("ValueError", "TypeError", "NotImplementedError") and wording not in NOT_ECHOED:
        assert str(raised.value).startswith(wording), (str(raised.value), wording)
