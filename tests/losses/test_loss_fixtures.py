"""Every loss class against tf-keras 2.21 (tests/fixtures/training_losses.*): each reduction
with and without sample weights, the lower-case functions, the gradients and configs."""

import numpy as np
import pytest
import torch
from training_fixtures import load, relative_error

from convlayers import losses

CASES = load("training_losses")
REDUCTIONS = ("auto", "sum_over_batch_size", "sum", "none")
RTOL = 1e-5


def _tensors(arrays):
    return torch.from_numpy(arrays["y_true"]), torch.from_numpy(arrays["y_pred"])


@pytest.mark.parametrize("case_id", list(CASES))
def test_loss_values_match_the_reference(case_id):
    entry, arrays = CASES[case_id]
    cls = getattr(losses, entry["class"])
    y_true, y_pred = _tensors(arrays)
    for variant in entry["variants"]:
        sw = arrays.get(f"sw/{variant}")
        sw = None if sw is None else torch.from_numpy(sw)
        for reduction in REDUCTIONS:
            loss = cls(reduction=reduction, **entry["kwargs"])
            if f"{reduction}/{variant}" in entry["errors"]:  # the reference refuses it too
                with pytest.raises(ValueError, match="Can not squeeze dim"):
                    loss(y_true, y_pred, sample_weight=sw)
                continue
            got = loss(y_true, y_pred, sample_weight=sw)
            expected = arrays[f"loss/{reduction}/{variant}"]
            if got.ndim == 0:
                expected = expected.reshape(())  # the npz stores scalars with one axis
            assert got.dtype == torch.float32
            assert relative_error(got, expected) <= RTOL, (variant, reduction)


@pytest.mark.parametrize("case_id", list(CASES))
def test_loss_functions_match_the_reference(case_id):
    entry, arrays = CASES[case_id]
    function = getattr(losses, entry["function"])
    got = function(*_tensors(arrays), **entry["fn_kwargs"])
    assert relative_error(got, arrays["fn"]) <= RTOL


@pytest.mark.parametrize("case_id", list(CASES))
def test_loss_gradients_match_the_reference(case_id):
    entry, arrays = CASES[case_id]
    y_true, y_pred = _tensors(arrays)
    y_pred.requires_grad_(True)
    sw = arrays.get("sw/sample") if entry["grad_sample_weight"] else None
    loss = getattr(losses, entry["class"])(**entry["kwargs"])
    loss(y_true, y_pred, sample_weight=None if sw is None else torch.from_numpy(sw)).backward()
    assert relative_error(y_pred.grad, arrays["grad"]) <= RTOL


@pytest.mark.parametrize("case_id", list(CASES))
def test_loss_configs_match_the_reference(case_id):
    entry, _ = CASES[case_id]
    loss = getattr(losses, entry["class"])(**entry["kwargs"])
    assert loss.get_config() == entry["config"]
    again = type(loss).from_config(loss.get_config())
    assert again.get_config() == entry["config"]
    config = losses.serialize(loss)
    assert config["class_name"] == entry["class"] and config["module"] == "keras.losses"
    assert losses.deserialize(config).get_config() == entry["config"]


def test_the_fixtures_cover_every_loss_class_and_reduction():
    classes = {entry["class"] for entry, _ in CASES.values()}
    public = {n for n in losses.__all__ if n[0].isupper() and n not in ("Loss", "Reduction")}
    public -= {"LossFunctionWrapper", "BCE", "KLD", "MAE", "MAPE", "MSE", "MSLE"}
    assert classes == public
    variants = {v for entry, _ in CASES.values() for v in entry["variants"]}
    assert variants == {"none", "sample", "column", "scalar", "element"}


def test_clipped_and_saturated_values_are_in_the_fixtures():
    _, arrays = CASES["bce"]
    assert {0.0, 1.0} <= set(np.unique(arrays["y_pred"]).tolist())
