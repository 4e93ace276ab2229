"""The loss functions and reductions in float64 against an independent NumPy reference
(tests/losses_reference.py), on the fixture inputs and on wider random data."""

import losses_reference as ref
import numpy as np
import pytest
import torch
from training_fixtures import load

from convlayers import losses

CASES = load("training_losses")


@pytest.mark.parametrize("case_id", list(CASES))
def test_functions_match_the_float64_reference(case_id):
    entry, arrays = CASES[case_id]
    y_true, y_pred = arrays["y_true"], arrays["y_pred"].astype(np.float64)
    if y_true.dtype == np.float32:
        y_true = y_true.astype(np.float64)
    got = getattr(losses, entry["function"])(
        torch.from_numpy(y_true), torch.from_numpy(y_pred), **entry["fn_kwargs"]
    )
    assert got.dtype == torch.float64
    expected = getattr(ref, entry["function"])(y_true, y_pred, **entry["fn_kwargs"])
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("reduction", ["auto", "sum_over_batch_size", "sum", "none"])
@pytest.mark.parametrize("weights", ["none", "sample", "column", "element", "scalar"])
def test_reductions_match_the_float64_reference(rng, reduction, weights):
    y_true, y_pred = rng.normal(size=(4, 3, 2)), rng.normal(size=(4, 3, 2))
    sw = {
        "none": None,
        "sample": rng.uniform(0, 2, 4),
        "column": rng.uniform(0, 2, (4, 1)),
        "element": rng.uniform(0, 2, (4, 3)),
        "scalar": np.float64(2.5),
    }[weights]
    loss = losses.MeanAbsoluteError(reduction=reduction)
    got = loss(torch.from_numpy(y_true), torch.from_numpy(y_pred),
               sample_weight=None if sw is None else torch.from_numpy(np.asarray(sw)))  # fmt: skip
    expected = ref.reduce(ref.mean_absolute_error(y_true, y_pred), sw, reduction)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-12)


def test_the_mean_reduction_divides_by_the_batch_size_not_the_weight_sum():
    y_true, y_pred = torch.zeros(4, 1, dtype=torch.float64), torch.ones(4, 1, dtype=torch.float64)
    sw = torch.tensor([1.0, 0.0, 0.0, 0.0], dtype=torch.float64)
    assert float(losses.MeanSquaredError()(y_true, y_pred, sample_weight=sw)) == 0.25


def test_ignore_class_leaves_entries_out_of_the_divisor():
    logits = torch.tensor([[2.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 3.0]], dtype=torch.float64)
    labels = torch.tensor([0, 1, 1])
    loss = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=1)
    kept = ref.sparse_categorical_crossentropy(np.array([0]), logits[:1].numpy(), True)
    assert float(loss(labels, logits)) == pytest.approx(float(kept[0]), rel=1e-12)
    assert float(losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=1,
                 reduction="sum")(labels, logits)) == pytest.approx(float(kept[0]))  # fmt: skip
