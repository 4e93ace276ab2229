"""Metrics against an independent NumPy reference (tests/metrics_reference.py) on random
data over several batches: AUC (ROC and PR), Precision/Recall at several thresholds,
weighted Mean and the accuracies."""

import metrics_reference as ref
import numpy as np
import pytest
import torch

from convlayers import metrics


def _batches(rng, n=3, size=40):
    """Labels, scores away from AUC's thresholds (k/199), weights."""
    for _ in range(n):
        labels = rng.integers(0, 2, (size, 1)).astype(np.float32)
        scores = (rng.integers(0, 199, (size, 1)) + rng.uniform(0.1, 0.9, (size, 1))) / 199
        yield labels, scores.astype(np.float32), rng.uniform(0, 2, size).astype(np.float32)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("curve", ["ROC", "PR"])
def test_auc_matches_direct_threshold_counts(rng, curve, weighted):
    batches = list(_batches(rng))
    metric = metrics.AUC(curve=curve)
    for labels, scores, weights in batches:
        metric.update_state(labels, scores, sample_weight=weights if weighted else None)
    labels, scores, weights = (np.concatenate(parts) for parts in zip(*batches))
    tp, fp, tn, fn = ref.confusion(labels, scores, ref.auc_thresholds(),
                                   weights if weighted else None)  # fmt: skip
    expected = (
        ref.roc_auc(tp, fp, tn, fn) if curve == "ROC" else ref.pr_auc_interpolated(tp, fp, fn)
    )
    assert float(metric.result()) == pytest.approx(expected, rel=1e-5)
    counts = [metric.true_positives, metric.false_positives, metric.true_negatives,
              metric.false_negatives]  # fmt: skip
    for got, want in zip(counts, (tp, fp, tn, fn)):  # float32 sums of ~100 weights
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-4)


def test_precision_and_recall_at_thresholds_match_direct_counts(rng):
    thresholds = [0.1, 0.35, 0.5, 0.9]
    precision = metrics.Precision(thresholds=thresholds)
    recall = metrics.Recall(thresholds=thresholds)
    batches = list(_batches(rng))
    for labels, scores, weights in batches:
        precision.update_state(labels, scores, sample_weight=weights)
        recall.update_state(labels, scores, sample_weight=weights)
    labels, scores, weights = (np.concatenate(parts) for parts in zip(*batches))
    tp, fp, _, fn = ref.confusion(labels, scores, thresholds, weights)
    np.testing.assert_allclose(precision.result().numpy(), tp / (tp + fp), rtol=1e-5)
    np.testing.assert_allclose(recall.result().numpy(), tp / (tp + fn), rtol=1e-5)


def test_weighted_mean_divides_by_the_weight_sum(rng):
    values, weights = rng.normal(size=(3, 7)), rng.uniform(0, 2, (3, 7))
    mean = metrics.Mean(dtype="float64")
    for v, w in zip(values, weights):
        mean.update_state(torch.from_numpy(v), sample_weight=torch.from_numpy(w))
    expected = (values * weights).sum() / weights.sum()
    assert float(mean.result()) == pytest.approx(expected, rel=1e-12)


def test_accuracies_match_their_definitions(rng):
    scores = rng.uniform(size=(50, 6))
    labels = rng.integers(0, 6, 50)
    onehot = np.eye(6)[labels]
    ranks = (scores > scores[np.arange(50), labels][:, None]).sum(1)  # classes scoring higher
    pairs = [
        (metrics.SparseCategoricalAccuracy(), labels, np.mean(scores.argmax(1) == labels)),
        (metrics.CategoricalAccuracy(), onehot, np.mean(scores.argmax(1) == labels)),
        (metrics.SparseTopKCategoricalAccuracy(k=3), labels, np.mean(ranks < 3)),
        (metrics.TopKCategoricalAccuracy(k=2), onehot, np.mean(ranks < 2)),
        (metrics.BinaryAccuracy(threshold=0.3), onehot, np.mean((scores > 0.3) == onehot)),
    ]
    for metric, y_true, expected in pairs:
        metric.update_state(torch.from_numpy(y_true), torch.from_numpy(scores))
        assert float(metric.result()) == pytest.approx(expected, rel=1e-6), metric.name
