"""Confusion-matrix metrics of tf-keras 2.21: TruePositives ... FalseNegatives, Precision,
Recall, and the counting they share with AUC.

A prediction counts as positive at threshold ``t`` when ``y_pred > t``; a label is
positive when non-zero. With ``top_k`` only the ``k`` best scores of a row can be
positive; ``class_id`` restricts the counts to one class (last axis). Evenly spaced
thresholds (``[0, 1/(n-1), ..., 1]``, as AUC uses) are counted by bucketing, as
tf-keras does, which gives the same counts as comparing with every threshold.

>>> m = Precision()
>>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
>>> float(m.result())
0.6666666865348816
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from ..losses.reduction import squeeze_or_expand_dimensions, to_tensor
from .base import Metric, _divide_no_nan, broadcast_weights

__all__ = [
    "FalseNegatives",
    "FalsePositives",
    "Precision",
    "Recall",
    "TrueNegatives",
    "TruePositives",
    "evenly_spaced",
    "update_confusion_matrix",
]

NEG_INF = -1e10
EPSILON = 1e-7
CONDITIONS = ("tp", "fp", "tn", "fn")


def parse_thresholds(thresholds: Any, default: float) -> list[float]:
    """A list of thresholds in [0, 1] (``default`` when None)."""
    if thresholds is None:
        return [default]
    values = list(thresholds) if isinstance(thresholds, Sequence | np.ndarray) else [thresholds]
    invalid = [t for t in values if t is None or t < 0 or t > 1]
    if invalid:
        raise ValueError(
            f"Threshold values must be in [0, 1]. Received: {invalid}. "
            f"Received: thresholds={thresholds!r}"
        )
    return [float(t) for t in values]


def evenly_spaced(thresholds: Sequence[float]) -> bool:
    """True for at least 3 thresholds equal (to 1e-7) to ``i / (n - 1)``."""
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=EPSILON))


def _filter_top_k(x: torch.Tensor, k: int) -> torch.Tensor:
    """Scores outside the top ``k`` of each row set to -1e10 (ties: lowest index first)."""
    order = torch.sort(x, dim=-1, descending=True, stable=True).indices[..., :k]
    keep = torch.zeros_like(x).scatter_(-1, order, 1.0)
    return x * keep + NEG_INF * (1.0 - keep)


def _bucket_counts(
    labels: torch.Tensor, predictions: torch.Tensor, weights: Any, n: int, epsilon_ends: bool
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Counts for evenly spaced thresholds: each prediction falls in bucket
    ``ceil(p * (n - 1)) - 1``; the count at a threshold is the sum over buckets from it up.
    ``labels``/``predictions``: ``(N, L)``. Returns tp, fp (``(n, L)``) and the total
    positive and negative weights (``(L,)``)."""
    predictions = predictions.clamp(0.0, 1.0)
    positives = labels * weights
    negatives = (1.0 - labels) * weights
    buckets = torch.ceil(predictions * (n - 1)) - 1
    if epsilon_ends:
        buckets = buckets.clamp_min(0)
    buckets = buckets.long()
    dropped = buckets < 0  # predictions of exactly 0 with thresholds starting at 0
    buckets = buckets.clamp_min(0)
    positives = torch.where(dropped, torch.zeros_like(positives), positives)
    negatives_in = torch.where(dropped, torch.zeros_like(negatives), negatives)
    shape = (n, labels.shape[1])
    tp = labels.new_zeros(shape).scatter_add_(0, buckets, positives)
    fp = labels.new_zeros(shape).scatter_add_(0, buckets, negatives_in)
    tp = tp.flip(0).cumsum(0).flip(0)
    fp = fp.flip(0).cumsum(0).flip(0)
    total_true = (labels * weights).sum(0)
    return tp, fp, total_true, negatives.sum(0)


def update_confusion_matrix(
    state: dict[str, torch.Tensor],
    y_true: Any,
    y_pred: Any,
    thresholds: Sequence[float],
    top_k: int | None = None,
    class_id: int | None = None,
    sample_weight: Any = None,
    multi_label: bool = False,
    label_weights: torch.Tensor | None = None,
    thresholds_distributed_evenly: bool = False,
) -> None:
    """Add this batch's counts to ``state`` (keys among 'tp', 'fp', 'tn', 'fn'; each of
    shape ``(len(thresholds),)``, or ``(len(thresholds), labels)`` with ``multi_label``)."""
    dtype = next(iter(state.values())).dtype
    y_pred = to_tensor(y_pred).to(dtype)
    y_true = to_tensor(y_true).to(device=y_pred.device, dtype=dtype)
    if sample_weight is None:
        y_pred, y_true = squeeze_or_expand_dimensions(y_pred, y_true)
    else:
        sample_weight = to_tensor(sample_weight, like=y_pred)
        y_pred, y_true, sample_weight = squeeze_or_expand_dimensions(y_pred, y_true, sample_weight)
    if y_pred.shape != y_true.shape:
        raise ValueError(
            f"Shapes {tuple(y_pred.shape)} and {tuple(y_true.shape)} are incompatible. "
            f"Received: y_true.shape={tuple(y_true.shape)}, y_pred.shape={tuple(y_pred.shape)}"
        )
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        y_true, y_pred = y_true[..., class_id, None], y_pred[..., class_id, None]
    weights = torch.ones((), dtype=dtype, device=y_pred.device)
    if sample_weight is not None:
        weights = broadcast_weights(sample_weight, y_pred)
    if label_weights is not None and not multi_label:
        weights = weights * broadcast_weights(label_weights.to(y_pred.device)[None], y_pred)
    weights = weights.expand_as(y_pred)
    if multi_label:  # one column per label
        labels, preds, weights = y_true, y_pred, weights
    else:
        labels, preds, weights = (t.reshape(-1, 1) for t in (y_true, y_pred, weights))
    labels = (labels != 0).to(dtype)
    counts = _counts(labels, preds, weights, thresholds, thresholds_distributed_evenly, set(state))
    for key, value in counts.items():
        state[key] += value.reshape(state[key].shape)


def _counts(
    labels: torch.Tensor,
    preds: torch.Tensor,
    weights: torch.Tensor,
    thresholds: Sequence[float],
    evenly: bool,
    wanted: set[str],
) -> dict[str, torch.Tensor]:
    """tp/fp/tn/fn of shape ``(len(thresholds), L)`` for ``(N, L)`` inputs."""
    if evenly:
        epsilon_ends = thresholds[0] < 0.0 or thresholds[-1] > 1.0
        tp, fp, total_true, total_false = _bucket_counts(
            labels, preds, weights, len(thresholds), epsilon_ends
        )
        counts = {"tp": tp, "fp": fp, "tn": total_false - fp, "fn": total_true - tp}
        return {key: counts[key] for key in wanted}
    t = torch.tensor(thresholds, dtype=preds.dtype, device=preds.device).reshape(-1, 1, 1)
    pred_pos = preds[None] > t
    label_pos = (labels != 0)[None]
    cases = {
        "tp": label_pos & pred_pos,
        "fp": ~label_pos & pred_pos,
        "tn": ~label_pos & ~pred_pos,
        "fn": label_pos & ~pred_pos,
    }
    return {key: (cases[key].to(preds.dtype) * weights[None]).sum(1) for key in wanted}


class _ConfusionMatrixConditionCount(Metric):
    """One count of the confusion matrix per threshold (a scalar for one threshold)."""

    condition = "tp"

    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = parse_thresholds(thresholds, 0.5)
        self._evenly = evenly_spaced(self.thresholds)
        self.add_weight("accumulator", (len(self.thresholds),))

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        self._state_on(to_tensor(y_pred).device)
        state = {self.condition: self.accumulator}
        update_confusion_matrix(
            state,
            y_true,
            y_pred,
            self.thresholds,
            sample_weight=sample_weight,
            thresholds_distributed_evenly=self._evenly,
        )

    def result(self) -> torch.Tensor:
        return (
            self.accumulator[0].clone() if len(self.thresholds) == 1 else self.accumulator.clone()
        )

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of positive labels predicted positive.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
    >>> y_pred = torch.tensor([[0.2], [0.7], [0.4], [0.9]])
    >>> metric = metrics.TruePositives()
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(1.)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(1.)
    """

    condition = "tp"


class FalsePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of negative labels predicted positive.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
    >>> y_pred = torch.tensor([[0.2], [0.7], [0.4], [0.9]])
    >>> metric = metrics.FalsePositives()
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(1.)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(1.)
    """

    condition = "fp"


class TrueNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of negative labels predicted negative.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
    >>> y_pred = torch.tensor([[0.2], [0.7], [0.4], [0.9]])
    >>> metric = metrics.TrueNegatives()
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(1.)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(2.)
    """

    condition = "tn"


class FalseNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of positive labels predicted negative.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
    >>> y_pred = torch.tensor([[0.2], [0.7], [0.4], [0.9]])
    >>> metric = metrics.FalseNegatives()
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(1.)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(1.)
    """

    condition = "fn"


class _PrecisionRecall(Metric):
    """``tp / (tp + other)`` per threshold: Precision (other = fp), Recall (fn)."""

    other = "fp"

    def __init__(
        self,
        thresholds: Any = None,
        top_k: int | None = None,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = 0.5 if top_k is None else NEG_INF
        self.thresholds = [default] if thresholds is None else parse_thresholds(thresholds, default)
        self._evenly = evenly_spaced(self.thresholds)
        n = (len(self.thresholds),)
        self.add_weight("true_positives", n)
        self.add_weight(f"false_{'positives' if self.other == 'fp' else 'negatives'}", n)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        self._state_on(to_tensor(y_pred).device)
        tp, other = self.variables
        update_confusion_matrix(
            {"tp": tp, self.other: other},
            y_true,
            y_pred,
            self.thresholds,
            top_k=self.top_k,
            class_id=self.class_id,
            sample_weight=sample_weight,
            thresholds_distributed_evenly=self._evenly,
        )

    def result(self) -> torch.Tensor:
        tp, other = self.variables
        result = _divide_no_nan(tp, tp + other)
        return result[0] if len(self.thresholds) == 1 else result

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }


class Precision(_PrecisionRecall):
    """``tp / (tp + fp)``: the share of positive predictions that are right.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
    >>> y_pred = torch.tensor([[0.2], [0.7], [0.4], [0.9]])
    >>> metric = metrics.Precision()
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(0.5000)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(0.5000)
    """

    other = "fp"


class Recall(_PrecisionRecall):
    """``tp / (tp + fn)``: the share of positive labels predicted positive.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
    >>> y_pred = torch.tensor([[0.2], [0.7], [0.4], [0.9]])
    >>> metric = metrics.Recall(thresholds=0.3)
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(1.)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(1.)
    """

    other = "fn"
