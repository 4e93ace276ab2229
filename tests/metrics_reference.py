"""An independent float64 NumPy reference of the confusion-matrix metrics and AUC.

Counts at each threshold by direct comparison (``prediction > threshold``), then the
areas by the formulas Keras documents (trapezoids; Davis & Goadrich's interpolation for
the PR curve). Shares no code with the library (which counts by bucketing).
"""

from __future__ import annotations

import numpy as np


def confusion(labels, predictions, thresholds, weights=None):
    """tp, fp, tn, fn per threshold (labels positive when non-zero)."""
    labels = np.asarray(labels).reshape(-1) != 0
    predictions = np.asarray(predictions, np.float64).reshape(-1)
    w = np.ones_like(predictions) if weights is None else np.asarray(weights, np.float64)
    positive = predictions[None, :] > np.asarray(thresholds, np.float64)[:, None]
    return (
        (positive & labels).astype(float) @ w,
        (positive & ~labels).astype(float) @ w,
        (~positive & ~labels).astype(float) @ w,
        (~positive & labels).astype(float) @ w,
    )


def auc_thresholds(num_thresholds=200):
    eps = 1e-7
    inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return np.array([-eps, *inner, 1 + eps])


def _ratio(a, b):
    return np.divide(a, b, out=np.zeros_like(a), where=b != 0)


def roc_auc(tp, fp, tn, fn):
    recall, fpr = _ratio(tp, tp + fn), _ratio(fp, fp + tn)
    return float(np.sum((fpr[:-1] - fpr[1:]) * (recall[:-1] + recall[1:]) / 2))


def pr_auc_interpolated(tp, fp, fn):
    p = tp + fp
    dtp, dp = tp[:-1] - tp[1:], p[:-1] - p[1:]
    slope = _ratio(dtp, np.maximum(dp, 0))
    intercept = tp[1:] - slope * p[1:]
    both = (p[:-1] > 0) & (p[1:] > 0)
    ratio = np.where(both, _ratio(p[:-1], np.maximum(p[1:], 0)), 1.0)
    safe = np.where(ratio > 0, ratio, 1.0)
    increments = _ratio(slope * (dtp + intercept * np.log(safe)), np.maximum(tp[1:] + fn[1:], 0))
    return float(increments.sum())
