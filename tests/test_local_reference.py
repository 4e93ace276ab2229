"""The LocallyConnected NumPy reference (tests/local_reference.py) reproduces tf-keras.

The fuzz tests trust this reference, so it is checked here against every golden case
generated from tf-keras (all implementations, paddings and data formats), independently
of the library.
"""

import local_reference
import numpy as np
import pytest
from fixture_loader import load_fixtures
from parity import relative_l2

ACTIVATIONS = {"linear": lambda v: v, "relu": lambda v: np.maximum(v, 0), "tanh": np.tanh}
CASES = [c for rank in (1, 2) for c in load_fixtures(f"locally_connected{rank}d")]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_reference_reproduces_the_tf_keras_fixture(case):
    config, arrays = case.config, case.arrays
    channels_last = config["data_format"] == "channels_last"
    args = (
        config["filters"], tuple(config["kernel_size"]), tuple(config["strides"]),
        config["padding"], channels_last, config["implementation"],
    )  # fmt: skip
    bias = arrays.get("w/bias")
    y = local_reference.local(arrays["x"], arrays["w/kernel"], bias, *args)
    y = ACTIVATIONS[config["activation"]](y)
    assert relative_l2(y, arrays["y"]) < 1e-5
    if config["implementation"] == 3:
        rank = len(config["kernel_size"])
        x = arrays["x"]
        spatial = x.shape[1 : rank + 1] if channels_last else x.shape[2:]
        channels = x.shape[-1] if channels_last else x.shape[1]
        length = local_reference.kernel_length(spatial, channels, config["filters"], *args[1:4])
        assert arrays["w/kernel"].shape == (length,)
