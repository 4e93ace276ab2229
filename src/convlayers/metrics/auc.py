"""The area under the ROC or precision-recall curve, as tf-keras 2.21's ``AUC`` computes it.

The curve is sampled at ``num_thresholds`` thresholds (200 by default: ``-1e-7``,
``1/199``, ..., ``198/199``, ``1 + 1e-7``); the confusion counts at each are accumulated
over batches and the area is a Riemann sum: 'interpolation' (trapezoids; for PR the
interpolation of Davis & Goadrich, as tf-keras), 'minoring' or 'majoring'.

>>> m = AUC()
>>> m.update_state([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
>>> round(float(m.result()), 4)
0.75
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from ..losses.reduction import to_tensor
from ..validation import argument_error
from .base import Metric, _divide_no_nan
from .confusion import EPSILON, evenly_spaced, update_confusion_matrix

__all__ = ["AUC"]

_CURVES = {"roc": "ROC", "pr": "PR", "pr_gain": "PR_GAIN", "prgain": "PR_GAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")


def _curve(value: Any) -> str:
    key = value.lower() if isinstance(value, str) else None
    if key not in _CURVES:
        raise ValueError(
            f'Invalid AUC curve value: "{value}". Expected values are ["PR", "ROC", '
            f'"PR_GAIN"]. Received: curve={value!r}'
        )
    return _CURVES[key]


def _summation(value: Any) -> str:
    key = value.lower() if isinstance(value, str) else None
    if key not in _SUMMATIONS:
        raise ValueError(
            f'Invalid AUC summation method value: "{value}". Expected values are '
            f'["interpolation", "majoring", "minoring"]. Received: summation_method={value!r}'
        )
    return key


class AUC(Metric):
    """Area under the ROC (``curve='ROC'``) or precision-recall (``'PR'``) curve.

    Args:
        num_thresholds: thresholds of the curve (> 1), evenly spaced over [0, 1].
        curve: 'ROC', 'PR' or 'PR_GAIN'.
        summation_method: 'interpolation', 'minoring' or 'majoring'.
        thresholds: explicit thresholds in [0, 1] instead of ``num_thresholds``
            (``-1e-7`` and ``1 + 1e-7`` are added at the ends).
        multi_label: one curve per label (last axis), averaged (weighted by
            ``label_weights``); otherwise all labels are flattened into one curve.
        num_labels: the number of labels, to build the state before the first batch.
        label_weights: non-negative weights of the labels.
        from_logits: apply a sigmoid to predictions first.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
    >>> y_pred = torch.tensor([[0.2], [0.7], [0.4], [0.9]])
    >>> metric = metrics.AUC(num_thresholds=50)
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(0.5000)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(0.6667)
    """

    def __init__(
        self,
        num_thresholds: int = 200,
        curve: str = "ROC",
        summation_method: str = "interpolation",
        name: str | None = None,
        dtype: Any = None,
        thresholds: Sequence[float] | None = None,
        multi_label: bool = False,
        num_labels: int | None = None,
        label_weights: Any = None,
        from_logits: bool = False,
    ) -> None:
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
            self.num_thresholds = len(inner) + 2
            self._evenly = evenly_spaced([0.0, *inner, 1.0])
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    "Argument `num_thresholds` must be an integer > 1. "
                    f"Received: num_thresholds={num_thresholds}"
                )
            self.num_thresholds = num_thresholds
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        self._thresholds = np.array([0.0 - EPSILON, *inner, 1.0 + EPSILON])
        self.curve = _curve(curve)
        self.summation_method = _summation(summation_method)
        super().__init__(name=name, dtype=dtype)
        self.multi_label = bool(multi_label)
        self.num_labels = num_labels
        self.label_weights = None
        if label_weights is not None:
            self.label_weights = to_tensor(label_weights).to(self._torch_dtype)
            if bool((self.label_weights < 0).any()):
                raise argument_error("label_weights", "non-negative", label_weights)
        self._from_logits = bool(from_logits)
        self._built = False
        if self.multi_label:
            if num_labels:
                self._build(num_labels)
        elif num_labels:
            raise ValueError(
                "`num_labels` is needed only when `multi_label` is True. "
                f"Received: num_labels={num_labels}"
            )
        else:
            self._build(None)

    @property
    def thresholds(self) -> list[float]:
        """Every threshold, the two end points included."""
        return list(self._thresholds)

    def _build(self, num_labels: int | None) -> None:
        shape = (self.num_thresholds,) if num_labels is None else (self.num_thresholds, num_labels)
        for name in ("true_positives", "true_negatives", "false_positives", "false_negatives"):
            self.add_weight(name, shape)
        self._num_labels = num_labels
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_pred = to_tensor(y_pred)
        if not self._built:
            if y_pred.ndim != 2:
                raise ValueError(
                    "`y_pred` must have rank 2 when `multi_label=True`. Found rank "
                    f"{y_pred.ndim}. Full shape received for `y_pred`: {tuple(y_pred.shape)}"
                )
            self._build(y_pred.shape[1])
        self._state_on(y_pred.device)
        if self._from_logits:
            y_pred = torch.sigmoid(y_pred)
        state = {
            "tp": self.true_positives,
            "tn": self.true_negatives,
            "fp": self.false_positives,
            "fn": self.false_negatives,
        }
        update_confusion_matrix(
            state,
            y_true,
            y_pred,
            list(self._thresholds),
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
            thresholds_distributed_evenly=self._evenly,
        )

    def _average(self, by_label: torch.Tensor) -> torch.Tensor:
        if not self.multi_label:
            return by_label.sum(0)
        by_label = by_label.sum(0)
        if self.label_weights is None:
            return by_label.mean()
        weights = self.label_weights.to(by_label.device)
        return _divide_no_nan((by_label * weights).sum(), weights.sum())

    def interpolate_pr_auc(self) -> torch.Tensor:
        """The PR area with precision interpolated between thresholds (Davis & Goadrich)."""
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        prec_slope = _divide_no_nan(dtp, dp.clamp_min(0))
        intercept = tp[1:] - prec_slope * p[1:]
        both = (p[:-1] > 0) & (p[1:] > 0)
        ratio = torch.where(
            both, _divide_no_nan(p[:-1], p[1:].clamp_min(0)), torch.ones_like(p[1:])
        )
        increment = _divide_no_nan(
            prec_slope * (dtp + intercept * ratio.log()), (tp[1:] + fn[1:]).clamp_min(0)
        )
        return self._average(increment)

    def result(self) -> torch.Tensor:
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self.interpolate_pr_auc()
        tp, tn = self.true_positives, self.true_negatives
        fp, fn = self.false_positives, self.false_negatives
        recall = _divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = _divide_no_nan(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, _divide_no_nan(tp, tp + fp)
        else:
            scale = _divide_no_nan(tp + fn, fp + tn)
            recall_gain = 1.0 - scale * _divide_no_nan(fn, tp)
            precision_gain = 1.0 - scale * _divide_no_nan(fp, tp)
            no_tp = tp == 0
            x = torch.where(no_tp, torch.zeros_like(recall_gain), recall_gain).clamp_min(0)
            y = torch.where(no_tp, torch.ones_like(precision_gain), precision_gain)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = torch.minimum(y[:-1], y[1:])
        else:
            heights = torch.maximum(y[:-1], y[1:])
        return self._average((x[:-1] - x[1:]) * heights)

    def reset_state(self) -> None:
        if self._built:
            super().reset_state()

    def get_config(self) -> dict[str, Any]:
        label_weights = self.label_weights
        if label_weights is not None:
            label_weights = label_weights.tolist()
        config = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": label_weights,
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
