"""The compiled loss and metrics of a model, as tf-keras 2.21's ``compile_utils`` has them.

``compile(loss=..., loss_weights=..., metrics=..., weighted_metrics=...)`` may give one
entry for every output, a list with one per output, or a dict keyed by output name
(outputs missing from a dict get none). Per step and output, targets of rank 1 for
rank-2 outputs gain a trailing axis, as do per-sample weights; the loss object reduces
(dividing by the batch size, not the weight sum); the loss log is the batch-size
weighted mean over the epoch of ``sum(loss_weight * output loss) + regularization``.
Plain metrics ignore ``sample_weight``; weighted metrics use it. With several outputs
the logs are named ``<output>_loss`` and ``<output>_<metric>``.

>>> names = ["a", "b"]
>>> conform({"b": 2.0}, names, "loss_weights")
[None, 2.0]
>>> conform("mse", names, "loss")
['mse', 'mse']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch

from .. import losses as losses_mod
from .. import metrics as metrics_mod
from ..losses.reduction import apply_mask, get_mask
from ..serialization import to_snake_case

__all__ = ["LossesContainer", "MetricsContainer", "conform", "match_dtype_and_rank"]


def _unexpected(struct: Mapping[str, Any], names: Sequence[str]) -> ValueError:
    return ValueError(
        "Found unexpected losses or metrics that do not correspond to any Model output: "
        f"{list(struct)}. Valid mode output names: {list(names)}. Received struct is: "
        f"{dict(struct)}."
    )


def conform(struct: Any, names: Sequence[str], what: str) -> list[Any]:
    """One entry per output: a dict is read by output name (missing: None), a list or
    tuple must have one entry per output, anything else is given to every output."""
    if isinstance(struct, Mapping):
        unknown = {k: v for k, v in struct.items() if k not in names}
        if unknown:
            raise _unexpected(unknown, names)
        return [struct.get(name) for name in names]
    if isinstance(struct, list | tuple):
        if len(struct) != len(names):
            raise ValueError(
                f"`{what}` must have one entry per model output ({len(names)}: "
                f"{list(names)}). Received: {what} with {len(struct)} entries"
            )
        return list(struct)
    return [struct] * len(names)


def match_dtype_and_rank(y_t: Any, y_p: torch.Tensor, sw: Any) -> tuple[Any, torch.Tensor, Any]:
    """Rank-1 targets and weights of rank-2 outputs gain a trailing axis; targets of the
    output's kind (floating or integer) and weights are cast to its dtype."""
    if y_t.ndim == 1 and y_p.ndim == 2:
        y_t = y_t.unsqueeze(-1)
    if sw is not None and sw.ndim == 1 and y_p.ndim == 2:
        sw = sw.unsqueeze(-1)
    y_t = y_t.to(y_p.device)
    if y_t.is_floating_point() == y_p.is_floating_point():
        y_t = y_t.to(y_p.dtype)
    if sw is not None:
        sw = sw.to(device=y_p.device, dtype=y_p.dtype)
    return y_t, y_p, sw


class TorchModuleLoss(losses_mod.Loss):
    """A ``torch.nn`` loss module in ``compile``: called as ``module(y_pred, y_true)``
    (PyTorch's order); integer class targets lose the trailing axis Keras adds."""

    def __init__(self, module: torch.nn.Module) -> None:
        super().__init__(name=to_snake_case(type(module).__name__))
        self.module = module

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        if not y_true.is_floating_point() and y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
            y_true = y_true.squeeze(-1)
        return self.module(y_pred, y_true)


def _custom_name(obj: Any) -> str:
    if hasattr(obj, "name"):
        return obj.name
    if hasattr(obj, "__name__"):
        return obj.__name__
    return to_snake_case(type(obj).__name__)


def _loss_object(spec: Any) -> losses_mod.Loss | None:
    if spec is None:
        return None
    if isinstance(spec, torch.nn.Module) and not isinstance(spec, losses_mod.Loss):
        return TorchModuleLoss(spec)
    loss = losses_mod.get(spec)
    if isinstance(loss, type) and issubclass(loss, losses_mod.Loss):
        loss = loss()
    if not isinstance(loss, losses_mod.Loss):
        loss = losses_mod.LossFunctionWrapper(loss, name=_custom_name(loss))
    return loss


class LossesContainer:
    """The compiled loss: one loss object (or None) and weight per output, the 'loss'
    mean and, with several outputs, one ``<output>_loss`` mean each."""

    def __init__(self, losses: Any, loss_weights: Any = None) -> None:
        self._user_losses = losses
        self._user_loss_weights = loss_weights
        self._losses: list[losses_mod.Loss | None] = []
        self._loss_weights: list[Any] = []
        self._total_loss_mean = metrics_mod.Mean(name="loss")
        self._per_output_metrics: list[Any] = []
        self._built = False

    def build(self, names: Sequence[str]) -> None:
        self._losses = [_loss_object(spec) for spec in conform(self._user_losses, names, "loss")]
        self._loss_weights = conform(self._user_loss_weights, names, "loss_weights")
        self._per_output_metrics = [
            None if loss is None or len(names) == 1 else metrics_mod.Mean(f"{name}_loss")
            for loss, name in zip(self._losses, names)
        ]
        self._built = True

    @property
    def built(self) -> bool:
        return self._built

    @property
    def metrics(self) -> list[metrics_mod.Metric]:
        if not self._built:
            return []
        return [self._total_loss_mean, *(m for m in self._per_output_metrics if m is not None)]

    def __call__(
        self,
        y_true: list[Any],
        y_pred: list[torch.Tensor],
        sample_weight: list[Any],
        regularization: torch.Tensor | None = None,
    ) -> torch.Tensor | None:
        """The total loss to differentiate; updates the loss means (weighted by the
        batch size)."""
        values, mean_values, batch = [], [], None
        zipped = zip(y_true, y_pred, sample_weight, self._losses, self._loss_weights)
        for (y_t, y_p, sw, loss, weight), metric in zip(zipped, self._per_output_metrics):
            if y_t is None or loss is None:
                continue
            y_t, y_p, sw = match_dtype_and_rank(y_t, y_p, sw)
            sw = apply_mask(y_p, sw, get_mask(y_p))
            value = loss(y_t, y_p, sample_weight=sw)
            if batch is None:
                batch = float(y_t.shape[0])
            if metric is not None:
                metric.update_state(value.detach(), sample_weight=batch)
            if weight is not None:
                value = value * weight
            values.append(value)
            mean_values.append(value.detach())
        if not values:
            return None
        if regularization is not None:
            values.append(regularization)
            mean_values.append(regularization.detach())
        self._total_loss_mean.update_state(_add_n(mean_values), sample_weight=batch)
        return _add_n(values)

    def reset_state(self) -> None:
        for metric in self.metrics:
            metric.reset_state()


def _add_n(values: list[torch.Tensor]) -> torch.Tensor:
    total = values[0]
    for value in values[1:]:
        total = total + value
    return total


def _is_nested(obj: Any) -> bool:
    return isinstance(obj, list | tuple | Mapping)


def _copy(metric: Any) -> Any:
    if isinstance(metric, metrics_mod.Metric):
        return type(metric).from_config(metric.get_config())
    return metric


def _per_output(spec: Any, names: Sequence[str], what: str) -> list[list[Any]]:
    """The metrics of each output: a single metric or a flat list goes to every output
    (metric objects copied when there are several), a dict by name, else one per output."""
    if spec is None:
        return [[] for _ in names]
    flat = not _is_nested(spec) or (
        isinstance(spec, list | tuple) and not any(_is_nested(s) for s in spec)
    )
    if flat:
        items = list(spec) if isinstance(spec, list | tuple) else [spec]
        if len(names) == 1:
            return [items]
        return [[_copy(m) for m in items] for _ in names]
    entries = conform(spec, names, what)
    return [[] if e is None else list(e) if isinstance(e, list | tuple) else [e] for e in entries]


def _metric_object(metric: Any, y_t: torch.Tensor, y_p: torch.Tensor) -> metrics_mod.Metric:
    """tf-keras' resolution: 'accuracy'/'acc' and 'crossentropy'/'ce' by the shapes
    (binary for one output unit, sparse for integer-like targets, else categorical)."""
    if isinstance(metric, type) and issubclass(metric, metrics_mod.Metric):
        return metric()
    if isinstance(metric, metrics_mod.Metric):
        return metric
    if str(metric).lower() in ("accuracy", "acc", "crossentropy", "ce"):
        is_binary = y_p.shape[-1] == 1
        is_sparse = y_t.ndim < y_p.ndim or (y_t.shape[-1] == 1 and y_p.shape[-1] > 1)
        kind = "binary" if is_binary else "sparse_categorical" if is_sparse else "categorical"
        suffix = "accuracy" if str(metric).lower() in ("accuracy", "acc") else "crossentropy"
        fn = getattr(metrics_mod, f"{kind}_{suffix}")
    else:
        fn = metrics_mod.get(metric)
        if isinstance(fn, metrics_mod.Metric):
            return fn
    name = metric if isinstance(metric, str) else _custom_name(metric)
    return metrics_mod.MeanMetricWrapper(fn, name=name)


class MetricsContainer:
    """The compiled metrics: per output, plain metrics (no sample weights) then weighted
    metrics (with them), named and ordered as tf-keras does."""

    def __init__(self, metrics: Any = None, weighted_metrics: Any = None) -> None:
        seen: list[Any] = []
        duplicated = []
        for metric in [*_leaves(metrics), *_leaves(weighted_metrics)]:
            if isinstance(metric, metrics_mod.Metric):
                if any(metric is s for s in seen):
                    duplicated.append(metric)
                seen.append(metric)
        if duplicated:
            raise ValueError(
                "Found duplicated metrics object in the user provided metrics and weighted "
                "metrics. This will cause the same metric object to be updated multiple "
                f"times, and report wrong results. \nDuplicated items: {duplicated}"
            )
        self._user_metrics = metrics
        self._user_weighted_metrics = weighted_metrics
        self._metrics: list[list[metrics_mod.Metric]] = []
        self._weighted_metrics: list[list[metrics_mod.Metric]] = []
        self._built = False

    @property
    def built(self) -> bool:
        return self._built

    def build(self, y_true: list[Any], y_pred: list[torch.Tensor], names: Sequence[str]) -> None:
        plain = _per_output(self._user_metrics, names, "metrics")
        weighted = _per_output(self._user_weighted_metrics, names, "weighted_metrics")
        self._metrics = [
            [_metric_object(m, y_t, y_p) for m in ms] if y_t is not None else []
            for ms, y_t, y_p in zip(plain, y_true, y_pred)
        ]
        self._weighted_metrics = [
            [_metric_object(m, y_t, y_p) for m in ms] if y_t is not None else []
            for ms, y_t, y_p in zip(weighted, y_true, y_pred)
        ]
        self._set_names(names)
        self._built = True

    def _set_names(self, names: Sequence[str]) -> None:
        taken: set[str] = set()
        multi = len(names) > 1

        def claim(metric: metrics_mod.Metric, kind: str) -> None:
            if metric._name in taken:
                raise ValueError(
                    f"Found two {kind}with the same name: {metric._name}. All the metrics "
                    "added to the model need to have unique names."
                )
            taken.add(metric._name)

        for name, plain, weighted in zip(names, self._metrics, self._weighted_metrics):
            for m in plain:
                if multi:
                    m._name = f"{name}_{m._name}"
                claim(m, "metrics ")
            for m in weighted:
                if multi:
                    prefixed = f"{name}_{m._name}"
                    m._name = f"{name}_weighted_{m._name}" if prefixed in taken else prefixed
                elif m._name in taken:
                    m._name = f"weighted_{m._name}"
                claim(m, "weighted metrics ")

    @property
    def metrics(self) -> list[metrics_mod.Metric]:
        if not self._built:
            return []
        return [m for plain, weighted in zip(self._metrics, self._weighted_metrics)
                for m in (*plain, *weighted)]  # fmt: skip

    def update_state(
        self, y_true: list[Any], y_pred: list[torch.Tensor], sample_weight: list[Any]
    ) -> None:
        zipped = zip(y_true, y_pred, sample_weight, self._metrics, self._weighted_metrics)
        for y_t, y_p, sw, plain, weighted in zipped:
            if y_t is None or not (plain or weighted):
                continue
            y_t, y_p, sw = match_dtype_and_rank(y_t, y_p, sw)
            mask = get_mask(y_p)
            sw = apply_mask(y_p, sw, mask)
            for metric in plain:
                metric.update_state(y_t, y_p, sample_weight=mask)
            for metric in weighted:
                metric.update_state(y_t, y_p, sample_weight=sw)

    def reset_state(self) -> None:
        for metric in self.metrics if self._built else _leaves(self._user_metrics):
            if isinstance(metric, metrics_mod.Metric):
                metric.reset_state()


def _leaves(struct: Any) -> list[Any]:
    if struct is None:
        return []
    if isinstance(struct, Mapping):
        return [leaf for value in struct.values() for leaf in _leaves(value)]
    if isinstance(struct, list | tuple):
        return [leaf for value in struct for leaf in _leaves(value)]
    return [struct]
