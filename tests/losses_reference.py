"""An independent float64 NumPy reference of the Keras loss formulas and reductions.

Written from the Keras documentation of each loss, sharing no code with the library.
Every function returns per-sample values (one axis reduced), as the Keras functions do.
"""

from __future__ import annotations

import numpy as np

EPS = 1e-7


def _smooth_binary(t, s):
    return t * (1 - s) + 0.5 * s


def _smooth_categorical(t, s, axis):
    return t * (1 - s) + s / t.shape[axis]


def _log_softmax(z, axis=-1):
    m = z.max(axis=axis, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=axis, keepdims=True))


def _bce_elements(t, p, from_logits):
    if from_logits:  # -t log(sigmoid z) - (1 - t) log(1 - sigmoid z)
        return np.logaddexp(0, -p) * t + np.logaddexp(0, p) * (1 - t)
    p = np.clip(p, EPS, 1 - EPS)
    return -(t * np.log(p + EPS) + (1 - t) * np.log(1 - p + EPS))


def mean_squared_error(t, p):
    return ((p - t) ** 2).mean(-1)


def mean_absolute_error(t, p):
    return np.abs(p - t).mean(-1)


def mean_absolute_percentage_error(t, p):
    return 100 * (np.abs(t - p) / np.maximum(np.abs(t), EPS)).mean(-1)


def mean_squared_logarithmic_error(t, p):
    return ((np.log1p(np.maximum(p, EPS)) - np.log1p(np.maximum(t, EPS))) ** 2).mean(-1)


def binary_crossentropy(t, p, from_logits=False, label_smoothing=0.0, axis=-1):
    return _bce_elements(_smooth_binary(t, label_smoothing), p, from_logits).mean(axis)


def binary_focal_crossentropy(t, p, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                              from_logits=False, label_smoothing=0.0, axis=-1):  # fmt: skip
    t = _smooth_binary(t, label_smoothing)
    prob = 1 / (1 + np.exp(-p)) if from_logits else p
    p_t = t * prob + (1 - t) * (1 - prob)
    focal = (1 - p_t) ** gamma * _bce_elements(t, p, from_logits)
    if apply_class_balancing:
        focal = (t * alpha + (1 - t) * (1 - alpha)) * focal
    return focal.mean(axis)


def _probabilities(p, from_logits, axis):
    if from_logits:
        return np.exp(_log_softmax(p, axis))
    return np.clip(p / p.sum(axis=axis, keepdims=True), EPS, 1 - EPS)


def categorical_crossentropy(t, p, from_logits=False, label_smoothing=0.0, axis=-1):
    t = _smooth_categorical(t, label_smoothing, axis)
    if from_logits:
        return -(t * _log_softmax(p, axis)).sum(axis)
    return -(t * np.log(_probabilities(p, False, axis))).sum(axis)


def categorical_focal_crossentropy(t, p, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):  # fmt: skip
    t = _smooth_categorical(t, label_smoothing, -1)
    q = np.exp(_log_softmax(p, axis)) if from_logits else p
    q = np.clip(q / q.sum(axis=axis, keepdims=True), EPS, 1 - EPS)
    return (alpha * (1 - q) ** gamma * -t * np.log(q)).sum(axis)


def sparse_categorical_crossentropy(t, p, from_logits=False, axis=-1, ignore_class=None):
    labels = np.asarray(t).astype(np.int64).reshape(p.shape[:-1])
    log_p = _log_softmax(p if from_logits else np.log(np.clip(p, EPS, 1 - EPS)))
    safe = np.where(labels == ignore_class, 0, labels) if ignore_class is not None else labels
    values = -np.take_along_axis(log_p, safe[..., None], -1)[..., 0]
    return np.where(labels == ignore_class, 0.0, values) if ignore_class is not None else values


def _signed(t):
    return 2 * t - 1 if np.isin(t, (0, 1)).all() else t


def hinge(t, p):
    return np.maximum(1 - _signed(t) * p, 0).mean(-1)


def squared_hinge(t, p):
    return (np.maximum(1 - _signed(t) * p, 0) ** 2).mean(-1)


def categorical_hinge(t, p):
    return np.maximum(((1 - t) * p).max(-1) - (t * p).sum(-1) + 1, 0)


def kl_divergence(t, p):
    t, p = np.clip(t, EPS, 1), np.clip(p, EPS, 1)
    return (t * np.log(t / p)).sum(-1)


def poisson(t, p):
    return (p - t * np.log(p + EPS)).mean(-1)


def log_cosh(t, p):
    return np.log(np.cosh(p - t)).mean(-1)


def huber(t, p, delta=1.0):
    e = np.abs(p - t)
    return np.where(e <= delta, 0.5 * e**2, delta * e - 0.5 * delta**2).mean(-1)


def cosine_similarity(t, p, axis=-1):
    def unit(v):
        return v / np.sqrt(np.maximum((v**2).sum(axis, keepdims=True), 1e-12))

    return -(unit(t) * unit(p)).sum(axis)


def reduce(losses, sample_weight, reduction):
    """Weighted losses reduced: per-sample weights apply to every value of their sample;
    'sum_over_batch_size' divides by the number of values, not by the weights."""
    losses = np.asarray(losses, np.float64)
    w = np.ones(()) if sample_weight is None else np.asarray(sample_weight, np.float64)
    if w.ndim and w.ndim < losses.ndim:
        w = w.reshape(w.shape + (1,) * (losses.ndim - w.ndim))
    elif w.ndim > losses.ndim:
        w = w.reshape(w.shape[: losses.ndim])
    weighted = losses * w
    if reduction == "none":
        return weighted
    if reduction == "sum":
        return weighted.sum()
    return weighted.sum() / weighted.size
