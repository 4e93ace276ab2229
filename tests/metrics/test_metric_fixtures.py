"""Every metric against tf-keras 2.21 (tests/fixtures/training_metrics.*): the result after
each of three ``update_state`` calls, without and with sample weights, and the configs."""

import pytest
import torch
from training_fixtures import load, relative_error

from convlayers import metrics

CASES = load("training_metrics")
RTOL = 1e-5


def _batches(arrays):
    i = 0
    while f"y_pred/{i}" in arrays:
        args = [torch.from_numpy(arrays[f"y_pred/{i}"])]
        if f"y_true/{i}" in arrays:
            args.insert(0, torch.from_numpy(arrays[f"y_true/{i}"]))
        yield args, torch.from_numpy(arrays[f"sw/{i}"])
        i += 1


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("case_id", list(CASES))
def test_metric_results_match_the_reference(case_id, weighted):
    entry, arrays = CASES[case_id]
    metric = getattr(metrics, entry["class"])(**entry["kwargs"])
    expected = arrays["weighted" if weighted else "unweighted"]
    for i, (args, sw) in enumerate(_batches(arrays)):
        metric.update_state(*args, sample_weight=sw if weighted else None)
        got = metric.result()
        assert got.dtype == torch.float32
        assert relative_error(got, expected[i].reshape(got.shape)) <= RTOL, i
        assert got.numel() == expected[i].size


@pytest.mark.parametrize("case_id", list(CASES))
def test_metric_reset_and_call(case_id):
    entry, arrays = CASES[case_id]
    metric = getattr(metrics, entry["class"])(**entry["kwargs"])
    batches = list(_batches(arrays))
    for args, sw in batches:
        metric.update_state(*args, sample_weight=sw)
    metric.reset_state()
    args, sw = batches[0]
    got = metric(*args, sample_weight=sw)  # update, then result: the first batch alone
    expected = arrays["weighted"][0]
    assert relative_error(got, expected.reshape(got.shape)) <= RTOL


@pytest.mark.parametrize("case_id", list(CASES))
def test_metric_configs_match_the_reference(case_id):
    entry, _ = CASES[case_id]
    metric = getattr(metrics, entry["class"])(**entry["kwargs"])
    config = metric.get_config()
    assert config == entry["config"]
    assert type(metric).from_config(config).get_config() == config
    serialized = metrics.serialize(metric)
    assert serialized["class_name"] == entry["class"] and serialized["module"] == "keras.metrics"
    assert metrics.deserialize(serialized).get_config() == config


def test_the_fixtures_cover_every_metric_class():
    classes = {entry["class"] for entry, _ in CASES.values()}
    public = {n for n in metrics.__all__ if n[0].isupper()}
    public -= {"KLD", "MAE", "MAPE", "MSE", "MSLE", "Metric", "MeanMetricWrapper"}
    assert classes == public
