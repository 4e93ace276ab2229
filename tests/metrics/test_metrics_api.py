"""convlayers.metrics as a Keras namespace: names, get/serialize, state, refusals."""

import pytest
import torch

from convlayers import metrics


def test_default_names_are_unique_per_session_as_layer_names():
    assert [metrics.Precision().name, metrics.Precision().name] == ["precision", "precision_1"]
    assert metrics.AUC().name == "auc" and metrics.Mean().name == metrics.Mean().name == "mean"
    assert metrics.SparseTopKCategoricalAccuracy(k=2).name == "sparse_top_k_categorical_accuracy"


def test_get_serialize_deserialize():
    assert isinstance(metrics.get("AUC"), metrics.AUC)
    assert metrics.get("mse") is metrics.mean_squared_error
    assert metrics.get("accuracy") is metrics.accuracy
    assert metrics.get(metrics.binary_accuracy) is metrics.binary_accuracy
    config = metrics.serialize(metrics.BinaryAccuracy(threshold=0.3))
    assert config["config"] == {"name": "binary_accuracy", "dtype": "float32", "threshold": 0.3}
    assert metrics.deserialize(config).get_config() == config["config"]
    with pytest.raises(ValueError, match=r"^Unknown metric function: 'auc'\."):
        metrics.get("auc")
    with pytest.raises(ValueError, match=r"^Could not interpret metric identifier: 4\."):
        metrics.get(4)


def test_update_state_keeps_no_gradient_history():
    y_pred = torch.tensor([[0.2], [0.9]], requires_grad=True)
    metric = metrics.MeanSquaredError()
    value = metric(torch.tensor([[0.0], [1.0]]), y_pred * 2)
    assert value.grad_fn is None and not any(v.requires_grad for v in metric.variables)


def test_merge_state_adds_the_counts():
    a, b = metrics.Mean(), metrics.Mean()
    a.update_state([1.0, 2.0])
    b.update_state([6.0])
    a.merge_state([b])
    assert float(a.result()) == 3.0
    with pytest.raises(ValueError, match="is not compatible with"):
        a.merge_state([metrics.Sum()])


def test_vector_results_and_weights():
    precision = metrics.Precision(thresholds=[0.3, 0.7])
    precision.update_state([[1], [0], [1]], [[0.5], [0.4], [0.9]])
    assert precision.result().tolist() == pytest.approx([2 / 3, 1.0])
    assert [w.shape for w in precision.get_weights()] == [(2,), (2,)]
    precision.set_weights([[1.0, 1.0], [1.0, 3.0]])
    assert precision.result().tolist() == [0.5, 0.25]


def test_refusals_begin_with_the_reference_wording():
    with pytest.raises(ValueError, match=r"^Threshold values must be in \[0, 1\]"):
        metrics.Precision(thresholds=[0.5, 1.5])
    with pytest.raises(ValueError, match=r"^Argument `num_thresholds` must be an integer > 1"):
        metrics.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match=r'^Invalid AUC curve value: "XY"'):
        metrics.AUC(curve="XY")
    with pytest.raises(ValueError, match=r'^Invalid AUC summation method value: "mid"'):
        metrics.AUC(summation_method="mid")
    with pytest.raises(ValueError, match=r"^`num_labels` is needed only when `multi_label`"):
        metrics.AUC(num_labels=3)
    with pytest.raises(ValueError, match=r"^`label_weights` must be non-negative"):
        metrics.AUC(label_weights=[1.0, -1.0])


def test_multi_label_auc_builds_on_its_first_batch():
    auc = metrics.AUC(multi_label=True)
    assert auc.variables == []
    auc.update_state([[1, 0], [0, 1]], [[0.9, 0.2], [0.1, 0.8]])
    assert auc.true_positives.shape == (200, 2) and float(auc.result()) == 1.0
    with pytest.raises(ValueError, match="`y_pred` must have rank 2 when `multi_label=True`"):
        metrics.AUC(multi_label=True).update_state([1, 0], [0.9, 0.1])
