"""Loss and metric cases for ``make_training_fixtures.py``: inputs and the reference calls.

Imports TensorFlow (through ``tf_reference``); only the training fixture generator uses it.
Every input comes from a NumPy generator seeded by the case id, so a rerun writes the
same files.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf
import tf_keras
from tf_reference import jsonify, seed_for

LOSSES = tf_keras.losses
METRICS = tf_keras.metrics
REDUCTIONS = ("auto", "sum_over_batch_size", "sum", "none")
B = 5  # samples per batch


def _one_hot(rng, shape, classes):
    return np.eye(classes, dtype=np.float32)[rng.integers(0, classes, shape)]


def _probabilities(rng, shape, exact=True):
    p = rng.uniform(0.0, 1.0, shape).astype(np.float32)
    if exact:  # values the clipping must handle
        p.flat[0], p.flat[1] = 0.0, 1.0
    return p


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)


def loss_inputs(kind: str, rng) -> tuple[np.ndarray, np.ndarray]:
    """``(y_true, y_pred)`` of one kind of data."""
    normal = lambda shape, scale=1.0: rng.normal(0.0, scale, shape).astype(np.float32)  # noqa: E731
    if kind == "regression":
        return normal((B, 3)), normal((B, 3))
    if kind == "positive":
        return rng.uniform(0, 2, (B, 3)).astype(np.float32), rng.uniform(0.05, 2, (B, 3)).astype(
            np.float32
        )
    if kind == "msle":
        return rng.uniform(-0.5, 2, (B, 3)).astype(np.float32), normal((B, 3))
    if kind == "mape":
        y_true = normal((B, 3))
        y_true[0, 0], y_true[1, 1] = 0.0, 1e-9
        return y_true, normal((B, 3))
    if kind == "binary_prob":
        return rng.integers(0, 2, (B, 3)).astype(np.float32), _probabilities(rng, (B, 3))
    if kind == "binary_logits":
        return rng.integers(0, 2, (B, 3)).astype(np.float32), normal((B, 3), 2.0)
    if kind == "binary_column":  # (B,) targets for (B, 1) predictions
        return rng.integers(0, 2, (B,)).astype(np.float32), _probabilities(rng, (B, 1))
    if kind == "onehot_prob":
        p = rng.uniform(0, 1, (B, 4)).astype(np.float32)
        p[0, 0] = 0.0
        return _one_hot(rng, (B,), 4), p
    if kind == "onehot_logits":
        return _one_hot(rng, (B,), 4), normal((B, 4), 2.0)
    if kind == "onehot_axis1":  # classes on axis 1 of (B, 4, 2)
        y = np.moveaxis(_one_hot(rng, (B, 2), 4), -1, 1)
        return np.ascontiguousarray(y), rng.uniform(0.01, 1, (B, 4, 2)).astype(np.float32)
    if kind == "sparse_prob":
        p = _softmax(normal((B, 4), 2.0))
        p[0, 1] = 0.0
        return rng.integers(0, 4, (B,)).astype(np.int64), p
    if kind == "sparse_column":
        return rng.integers(0, 4, (B, 1)).astype(np.int64), _softmax(normal((B, 4)))
    if kind == "sparse_logits":
        return rng.integers(0, 4, (B,)).astype(np.int64), normal((B, 4), 2.0)
    if kind == "sparse_seq":
        return rng.integers(0, 4, (B, 3)).astype(np.int64), normal((B, 3, 4), 2.0)
    if kind == "sparse_ignore":
        labels = rng.integers(0, 4, (B,)).astype(np.int64)
        labels[[0, 3]] = 2
        return labels, normal((B, 4), 2.0)
    if kind == "hinge_01":
        return rng.integers(0, 2, (B, 3)).astype(np.float32), normal((B, 3))
    if kind == "hinge_pm1":
        return (2 * rng.integers(0, 2, (B, 3)) - 1).astype(np.float32), normal((B, 3))
    if kind == "distribution":
        y_true = _softmax(normal((B, 4), 2.0))
        y_true[0, 2] = 0.0
        return y_true, _softmax(normal((B, 4), 2.0))
    if kind == "seq":
        return normal((B, 4, 2)), normal((B, 4, 2))
    raise ValueError(kind)


# (id, class name, class kwargs, input kind, sample-weight variants)
LOSS_CASES = [
    ("mse", "MeanSquaredError", {}, "regression", ("none", "sample", "column", "scalar")),
    ("mse_squeeze", "MeanSquaredError", {}, "binary_column", ("none", "sample")),
    ("mse_seq", "MeanSquaredError", {}, "seq", ("none", "sample", "element")),
    ("mae", "MeanAbsoluteError", {}, "regression", ("none", "sample")),
    ("mape", "MeanAbsolutePercentageError", {}, "mape", ("none", "sample")),
    ("msle", "MeanSquaredLogarithmicError", {}, "msle", ("none", "sample")),
    ("bce", "BinaryCrossentropy", {}, "binary_prob", ("none", "sample", "column")),
    ("bce_smooth", "BinaryCrossentropy", {"label_smoothing": 0.2}, "binary_prob",
     ("none", "sample")),
    ("bce_logits", "BinaryCrossentropy", {"from_logits": True}, "binary_logits",
     ("none", "sample")),
    ("bce_logits_smooth", "BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1},
     "binary_logits", ("none", "sample")),
    ("bce_column", "BinaryCrossentropy", {}, "binary_column", ("none", "sample")),
    ("bfce", "BinaryFocalCrossentropy", {}, "binary_prob", ("none", "sample")),
    ("bfce_balanced", "BinaryFocalCrossentropy",
     {"apply_class_balancing": True, "alpha": 0.4, "gamma": 1.5}, "binary_prob",
     ("none", "sample")),
    ("bfce_logits_smooth", "BinaryFocalCrossentropy",
     {"from_logits": True, "label_smoothing": 0.1}, "binary_logits", ("none", "sample")),
    ("cce", "CategoricalCrossentropy", {}, "onehot_prob", ("none", "sample", "column")),
    ("cce_smooth", "CategoricalCrossentropy", {"label_smoothing": 0.1}, "onehot_prob",
     ("none", "sample")),
    ("cce_logits", "CategoricalCrossentropy", {"from_logits": True}, "onehot_logits",
     ("none", "sample")),
    ("cce_logits_smooth", "CategoricalCrossentropy",
     {"from_logits": True, "label_smoothing": 0.2}, "onehot_logits", ("none", "sample")),
    ("cce_axis1", "CategoricalCrossentropy", {"axis": 1}, "onehot_axis1", ("none", "sample")),
    ("cfce", "CategoricalFocalCrossentropy", {}, "onehot_prob", ("none", "sample")),
    ("cfce_logits", "CategoricalFocalCrossentropy", {"from_logits": True, "gamma": 1.0},
     "onehot_logits", ("none", "sample")),
    ("scce", "SparseCategoricalCrossentropy", {}, "sparse_prob", ("none", "sample")),
    ("scce_column", "SparseCategoricalCrossentropy", {}, "sparse_column", ("none", "sample")),
    ("scce_logits", "SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_logits",
     ("none", "sample", "column")),
    ("scce_seq", "SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_seq",
     ("none", "sample", "element")),
    ("scce_ignore", "SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 2},
     "sparse_ignore", ("none", "sample")),
    ("hinge", "Hinge", {}, "hinge_01", ("none", "sample")),
    ("hinge_pm1", "Hinge", {}, "hinge_pm1", ("none", "sample")),
    ("squared_hinge", "SquaredHinge", {}, "hinge_01", ("none", "sample")),
    ("categorical_hinge", "CategoricalHinge", {}, "onehot_logits", ("none", "sample")),
    ("kld", "KLDivergence", {}, "distribution", ("none", "sample")),
    ("poisson", "Poisson", {}, "positive", ("none", "sample")),
    ("log_cosh", "LogCosh", {}, "regression", ("none", "sample")),
    ("huber", "Huber", {}, "regression", ("none", "sample")),
    ("huber_half", "Huber", {"delta": 0.5}, "regression", ("none", "sample")),
    ("cosine", "CosineSimilarity", {}, "regression", ("none", "sample")),
    ("cosine_axis1", "CosineSimilarity", {"axis": 1}, "seq", ("none", "sample")),
]  # fmt: skip


def sample_weight(variant: str, rng, y_pred: np.ndarray, losses_shape) -> np.ndarray | None:
    if variant == "none":
        return None
    if variant == "sample":
        return rng.uniform(0.0, 2.0, (B,)).astype(np.float32)
    if variant == "column":
        return rng.uniform(0.0, 2.0, (B, 1)).astype(np.float32)
    if variant == "scalar":
        return np.float32(2.5)
    if variant == "element":
        return rng.uniform(0.0, 2.0, losses_shape).astype(np.float32)
    raise ValueError(variant)


def loss_case(family: str, case_id: str, cls_name: str, kwargs: dict, kind: str, variants):
    """One loss case: every reduction with every sample-weight variant (or the error the
    reference raises), the function's per-sample values, and the gradient of the default
    reduction (with per-sample weights when they apply). Inputs are passed as tensors, as
    ``fit`` passes them (tf-keras skips its rank fix-ups for NumPy inputs)."""
    rng = np.random.default_rng(seed_for(family, case_id))
    y_true, y_pred = loss_inputs(kind, rng)
    true_t, pred_t = tf.constant(y_true), tf.constant(y_pred)
    cls = getattr(LOSSES, cls_name)
    base = cls(**kwargs)
    arrays = {"y_true": y_true, "y_pred": y_pred}
    fn_kwargs = {k: v for k, v in base.get_config().items() if k not in ("reduction", "name", "fn")}
    arrays["fn"] = base.fn(true_t, pred_t, **fn_kwargs).numpy()
    unreduced = cls(reduction="none", **kwargs)(true_t, pred_t)
    errors = {}
    for variant in variants:
        sw = sample_weight(variant, rng, y_pred, unreduced.shape)
        if sw is not None:
            arrays[f"sw/{variant}"] = np.asarray(sw)
        for reduction in REDUCTIONS:
            loss = cls(reduction=reduction, **kwargs)
            try:
                value = loss(true_t, pred_t, sample_weight=None if sw is None else tf.constant(sw))
            except tf.errors.InvalidArgumentError as error:
                message = str(error).split("[Op:")[0].split("}} ")[-1]
                errors[f"{reduction}/{variant}"] = message.strip()
                continue
            arrays[f"loss/{reduction}/{variant}"] = value.numpy()
    sw = arrays.get("sw/sample") if "auto/sample" not in errors else None
    with tf.GradientTape() as tape:
        tape.watch(pred_t)
        value = base(true_t, pred_t, sample_weight=sw)
    arrays["grad"] = tape.gradient(value, pred_t).numpy()
    return {
        "id": case_id,
        "class": cls_name,
        "kwargs": jsonify(kwargs),
        "function": base.fn.__name__,
        "fn_kwargs": jsonify(fn_kwargs),
        "config": jsonify(base.get_config()),
        "variants": list(variants),
        "errors": errors,
        "grad_sample_weight": sw is not None,
        "arrays": arrays,
    }


def _grid_probabilities(rng, shape):
    """Scores on and between AUC's 200 thresholds (k / 199), 0 and 1 included."""
    p = rng.uniform(0.0, 1.0, shape).astype(np.float32)
    flat = p.reshape(-1)
    special = np.array([0.0, 1.0, 100 / 199, 0.5, *(rng.integers(0, 200, 4) / 199)], np.float32)
    count = min(flat.size, special.size)
    flat[:count] = special[:count]
    return p


def metric_inputs(kind: str, rng) -> tuple[np.ndarray, np.ndarray]:
    """``(y_true, y_pred)`` of one batch for a metric."""
    if kind == "values":
        return None, rng.normal(0, 1, (B,)).astype(np.float32)
    if kind == "values_2d":
        return None, rng.normal(0, 1, (B, 3)).astype(np.float32)
    if kind == "exact":
        return rng.integers(0, 3, (B, 2)).astype(np.float32), rng.integers(0, 3, (B, 2)).astype(
            np.float32
        )
    if kind == "binary":
        return rng.integers(0, 2, (B, 1)).astype(np.float32), _grid_probabilities(rng, (B, 1))
    if kind == "binary_wide":
        return rng.integers(0, 2, (B, 3)).astype(np.float32), _grid_probabilities(rng, (B, 3))
    if kind == "binary_logits":
        return rng.integers(0, 2, (B, 3)).astype(np.float32), rng.normal(0, 2, (B, 3)).astype(
            np.float32
        )
    if kind == "onehot":
        p = np.round(rng.uniform(0, 1, (B, 4)), 1).astype(np.float32)  # ties
        return _one_hot(rng, (B,), 4), p
    if kind == "onehot_logits":
        return _one_hot(rng, (B,), 4), rng.normal(0, 2, (B, 4)).astype(np.float32)
    if kind == "sparse":
        p = np.round(rng.uniform(0, 1, (B, 4)), 1).astype(np.float32)
        return rng.integers(0, 4, (B,)).astype(np.int64), p
    if kind == "sparse_column":
        return rng.integers(0, 4, (B, 1)).astype(np.int64), _softmax(rng.normal(0, 1, (B, 4)))
    if kind == "sparse_logits":
        labels = rng.integers(0, 4, (B,)).astype(np.int64)
        labels[0] = 2
        return labels, rng.normal(0, 2, (B, 4)).astype(np.float32)
    if kind == "regression":
        return rng.normal(0, 1, (B, 3)).astype(np.float32), rng.normal(0, 1, (B, 3)).astype(
            np.float32
        )
    if kind == "positive":
        return rng.uniform(0, 2, (B, 3)).astype(np.float32), rng.uniform(0.1, 2, (B, 3)).astype(
            np.float32
        )
    if kind == "distribution":
        return _softmax(rng.normal(0, 2, (B, 4))), _softmax(rng.normal(0, 2, (B, 4)))
    if kind == "hinge":
        return rng.integers(0, 2, (B, 3)).astype(np.float32), rng.normal(0, 1, (B, 3)).astype(
            np.float32
        )
    raise ValueError(kind)


def _config(metric) -> dict:
    """``get_config()`` in JSON form (arrays and tracked lists as lists)."""
    config = metric.get_config()
    return jsonify({k: np.asarray(v).tolist() if k in ("label_weights", "thresholds")
                    and v is not None else v for k, v in config.items()})  # fmt: skip


# (id, class name, kwargs, input kind)
METRIC_CASES = [
    ("mean", "Mean", {}, "values"),
    ("mean_2d", "Mean", {}, "values_2d"),
    ("sum", "Sum", {}, "values"),
    ("accuracy", "Accuracy", {}, "exact"),
    ("binary_accuracy", "BinaryAccuracy", {}, "binary_wide"),
    ("binary_accuracy_07", "BinaryAccuracy", {"threshold": 0.7}, "binary_wide"),
    ("categorical_accuracy", "CategoricalAccuracy", {}, "onehot"),
    ("sparse_categorical_accuracy", "SparseCategoricalAccuracy", {}, "sparse"),
    ("sparse_categorical_accuracy_column", "SparseCategoricalAccuracy", {}, "sparse_column"),
    ("top_k", "TopKCategoricalAccuracy", {"k": 2}, "onehot"),
    ("sparse_top_k", "SparseTopKCategoricalAccuracy", {"k": 2}, "sparse"),
    ("mse", "MeanSquaredError", {}, "regression"),
    ("mae", "MeanAbsoluteError", {}, "regression"),
    ("rmse", "RootMeanSquaredError", {}, "regression"),
    ("mape", "MeanAbsolutePercentageError", {}, "regression"),
    ("msle", "MeanSquaredLogarithmicError", {}, "positive"),
    ("logcosh", "LogCoshError", {}, "regression"),
    ("cosine", "CosineSimilarity", {}, "regression"),
    ("bce", "BinaryCrossentropy", {}, "binary_wide"),
    ("bce_logits_smooth", "BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1},
     "binary_logits"),
    ("cce", "CategoricalCrossentropy", {}, "onehot"),
    ("cce_logits", "CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.1},
     "onehot_logits"),
    ("scce", "SparseCategoricalCrossentropy", {}, "sparse"),
    ("scce_logits_ignore", "SparseCategoricalCrossentropy",
     {"from_logits": True, "ignore_class": 2}, "sparse_logits"),
    ("hinge", "Hinge", {}, "hinge"),
    ("squared_hinge", "SquaredHinge", {}, "hinge"),
    ("categorical_hinge", "CategoricalHinge", {}, "onehot_logits"),
    ("kld", "KLDivergence", {}, "distribution"),
    ("poisson", "Poisson", {}, "positive"),
    ("tp", "TruePositives", {}, "binary_wide"),
    ("fp", "FalsePositives", {"thresholds": [0.2, 0.5, 0.8]}, "binary_wide"),
    ("tn", "TrueNegatives", {}, "binary_wide"),
    ("fn", "FalseNegatives", {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]}, "binary_wide"),
    ("precision", "Precision", {}, "binary_wide"),
    ("precision_thresholds", "Precision", {"thresholds": [0.3, 0.5, 0.7]}, "binary_wide"),
    ("precision_even", "Precision", {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]}, "binary_wide"),
    ("precision_top_k", "Precision", {"top_k": 2}, "onehot"),
    ("precision_class_id", "Precision", {"class_id": 1, "thresholds": 0.4}, "binary_wide"),
    ("recall", "Recall", {}, "binary_wide"),
    ("recall_top_k_class", "Recall", {"top_k": 2, "class_id": 2}, "onehot"),
    ("auc", "AUC", {}, "binary"),
    ("auc_wide", "AUC", {}, "binary_wide"),
    ("auc_pr", "AUC", {"curve": "PR"}, "binary_wide"),
    ("auc_roc_minoring", "AUC", {"summation_method": "minoring"}, "binary_wide"),
    ("auc_pr_majoring", "AUC", {"curve": "PR", "summation_method": "majoring"}, "binary_wide"),
    ("auc_pr_gain", "AUC", {"curve": "PR_GAIN"}, "binary_wide"),
    ("auc_7", "AUC", {"num_thresholds": 7}, "binary_wide"),
    ("auc_thresholds", "AUC", {"thresholds": [0.2, 0.5, 0.8]}, "binary_wide"),
    ("auc_multi_label", "AUC", {"multi_label": True}, "binary_wide"),
    ("auc_multi_label_weights", "AUC",
     {"multi_label": True, "num_labels": 3, "label_weights": [0.5, 1.0, 2.0]}, "binary_wide"),
    ("auc_label_weights", "AUC", {"label_weights": [0.5, 1.0, 2.0]}, "binary_wide"),
    ("auc_logits", "AUC", {"from_logits": True, "curve": "PR"}, "binary_logits"),
]  # fmt: skip

BATCHES = 3


def metric_case(family: str, case_id: str, cls_name: str, kwargs: dict, kind: str) -> dict:
    """Three batches through a fresh metric without and with sample weights: the result
    after each ``update_state``."""
    rng = np.random.default_rng(seed_for(family, case_id))
    arrays = {}
    for i in range(BATCHES):
        y_true, y_pred = metric_inputs(kind, rng)
        if y_true is not None:
            arrays[f"y_true/{i}"] = y_true
        arrays[f"y_pred/{i}"] = y_pred
        sw = rng.uniform(0.0, 2.0, (B,)).astype(np.float32)
        sw[1] = 0.0
        arrays[f"sw/{i}"] = sw
    cls = getattr(METRICS, cls_name)
    config = None
    for weighted in (False, True):
        tf_keras.backend.clear_session()
        metric = cls(**kwargs)
        config = _config(metric)
        results = []
        for i in range(BATCHES):
            args = [arrays[f"y_pred/{i}"]]
            if f"y_true/{i}" in arrays:
                args.insert(0, arrays[f"y_true/{i}"])
            metric.update_state(*args, sample_weight=arrays[f"sw/{i}"] if weighted else None)
            results.append(np.asarray(metric.result().numpy(), np.float32))
        arrays["weighted" if weighted else "unweighted"] = np.stack(results)
    return {
        "id": case_id,
        "class": cls_name,
        "kwargs": jsonify(kwargs),
        "config": config,
        "arrays": arrays,
    }
