"""Extra leading batch axes, as tf-keras 2.21's convolutions take them (``min_ndim``).

Golden cases: Conv1D/Conv2D outputs and gradients on inputs such as ``(2, 3, L, C)``.
Probes: per layer family, what the reference does with such an input. Where the
reference's call and its own ``compute_output_shape`` agree we do the same; where they
disagree (SeparableConv fails or drops an axis; DepthwiseConv and LocallyConnected
refuse the call but return a wrong shape from compute_output_shape) we follow the
consistent side: separable layers take the extra axes like Conv, and the layers that
refuse the call refuse compute_output_shape too.
"""

from __future__ import annotations

import pytest
import torch
from fixture_loader import load_fixtures, load_index
from parity import check_against_fixture

import convlayers

CASES = load_fixtures("batch_axes")
PROBES = load_index("batch_axes")["probes"]
TAKES_EXTRA_AXES = {"Conv1D", "Conv2D", "SeparableConv1D", "SeparableConv2D"}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_matches_tf_keras_fixture(case):
    layer = getattr(convlayers, case.layer).from_config(case.config)
    check_against_fixture(layer, case)
    assert layer.compute_output_shape(tuple(case.arrays["x"].shape)) == case.arrays["y"].shape


@pytest.mark.parametrize("probe", PROBES, ids=[f"{p['layer']}-{p['input_shape']}" for p in PROBES])
def test_reference_probe(probe):
    def make():
        return getattr(convlayers, probe["layer"])(**probe["kwargs"])

    shape, declared = probe["input_shape"], probe["compute_output_shape"]
    if probe["call"]["result"] == "ok" and probe["layer"] in ("Conv1D", "Conv2D"):
        assert list(make()(torch.zeros(shape)).shape) == probe["call"]["shape"]
        assert (
            list(make().compute_output_shape(tuple(declared["input_shape"]))) == (declared["shape"])
        )
    elif probe["layer"] in TAKES_EXTRA_AXES and len(shape) > 3:
        y = make()(torch.zeros(shape))  # the reference fails here; its shape rule does not
        assert list(y.shape) == [shape[0], *declared["shape"][1:]]
        assert (
            list(make().compute_output_shape(tuple(declared["input_shape"]))) == (declared["shape"])
        )
    else:
        wording = probe["call"]["error"].partition(": ")[2].split("Received")[0].strip()
        with pytest.raises(ValueError) as raised:
            make()(torch.zeros(shape))
        assert str(raised.value).startswith(wording)
        with pytest.raises(ValueError):
            make().compute_output_shape(tuple(declared["input_shape"]))


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("name", sorted(TAKES_EXTRA_AXES))
def test_extra_axes_fold_into_the_batch(name, data_format):
    """Each sample of the extra axes gives what the layer gives it alone, in both formats."""
    rank = 2 if name.endswith("2D") else 1
    layer = getattr(convlayers, name)(3, 3, padding="same", data_format=data_format)
    sample = (4,) + (7,) * rank if data_format == "channels_first" else (7,) * rank + (4,)
    x = torch.randn(2, 3, *sample)
    y = layer(x)
    for i in range(2):
        torch.testing.assert_close(y[i], layer(x[i]))
    assert tuple(y.shape) == layer.compute_output_shape((2, 3, *sample))


def test_symbolic_extra_axes():
    x = convlayers.Input((5, 9, 3))
    y = convlayers.Conv1D(2, 3)(x)
    assert y.shape == (None, 5, 7, 2)
    model = convlayers.Model(x, y)
    assert model(torch.zeros(4, 5, 9, 3)).shape == (4, 5, 7, 2)
