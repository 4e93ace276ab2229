"""Stateful metrics as tf-keras 2.21 keeps them: ``update_state``, ``result``, ``reset_state``.

A metric accumulates float32 state tensors (its ``variables``) over batches;
``result()`` reads them. :class:`Mean` keeps a weighted sum and the sum of the weights
(each value counts 1 without ``sample_weight``); :class:`MeanMetricWrapper` averages the
per-sample values of a function ``fn(y_true, y_pred)``. ``update_state`` never records
gradients.

>>> m = Mean()
>>> m.update_state([1.0, 2.0, 3.0])
>>> m.update_state([10.0], sample_weight=[2.0])
>>> round(float(m.result()), 4)  # (1 + 2 + 3 + 2 * 10) / (3 + 2)
5.2
>>> m.reset_state(); float(m.result())
0.0
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import torch

from ..dtypes import standardize_dtype, to_torch_dtype
from ..losses.reduction import apply_valid_mask, get_mask, squeeze_or_expand_dimensions, to_tensor
from ..naming import unique_name

__all__ = ["Mean", "MeanMetricWrapper", "Metric", "Reduce", "Sum", "broadcast_weights"]


class Metric:
    """Base class: subclasses create state with ``add_weight`` in ``__init__`` and
    implement ``update_state(...)`` and ``result()``.

    Args:
        name: the metric's name (the key of its log); by default the snake_case class
            name made unique per session ('precision', 'precision_1', ...).
        dtype: the dtype of the state and of the results ('float32').

    >>> import torch
    >>> from convlayers import metrics
    >>> class Largest(metrics.Metric):
    ...     def __init__(self, name='largest', **kwargs):
    ...         super().__init__(name=name, **kwargs)
    ...         self.largest = self.add_weight('largest')  # a zero tensor
    ...     def update_state(self, y_true, y_pred, sample_weight=None):
    ...         self.largest.fill_(max(float(self.largest), float(y_pred.max())))
    ...     def result(self):
    ...         return self.largest.clone()
    >>> metric = Largest()
    >>> metric.update_state(None, torch.tensor([0.5, 3.0]))
    >>> metric.update_state(None, torch.tensor([1.0]))
    >>> metric.result()
    tensor(3.)
    >>> metric.reset_state()
    >>> metric.result()
    tensor(0.)
    """

    def __init__(self, name: str | None = None, dtype: Any = None) -> None:
        self._name = name if name is not None else unique_name(type(self).__name__)
        self._dtype = standardize_dtype(dtype)
        self._weight_names: list[str] = []

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "update_state" in cls.__dict__:  # state must never hold autograd history
            cls.update_state = torch.no_grad()(cls.__dict__["update_state"])

    @property
    def name(self) -> str:
        return self._name

    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def _torch_dtype(self) -> torch.dtype:
        return to_torch_dtype(self._dtype)

    def add_weight(self, name: str, shape: tuple[int, ...] = (), dtype: Any = None) -> torch.Tensor:
        """A zero state tensor kept as ``self.<name>`` and listed in ``variables``."""
        dtype = to_torch_dtype(standardize_dtype(dtype)) if dtype else self._torch_dtype
        setattr(self, name, torch.zeros(shape, dtype=dtype))
        self._weight_names.append(name)
        return getattr(self, name)

    @property
    def variables(self) -> list[torch.Tensor]:
        """The state tensors, in creation order."""
        return [getattr(self, name) for name in self._weight_names]

    weights = variables

    def get_weights(self) -> list[np.ndarray]:
        return [v.detach().cpu().numpy() for v in self.variables]

    def set_weights(self, weights: list[Any]) -> None:
        for name, value in zip(self._weight_names, weights, strict=True):
            setattr(self, name, to_tensor(value, like=getattr(self, name)).clone())

    def _state_on(self, device: torch.device) -> None:
        """Move the state to ``device`` (that of the values being accumulated)."""
        for name in self._weight_names:
            tensor = getattr(self, name)
            if tensor.device != device:
                setattr(self, name, tensor.to(device))

    def update_state(self, *args: Any, **kwargs: Any) -> None:
        """Accumulate statistics from one batch."""
        raise NotImplementedError("Must be implemented in subclasses.")

    def result(self) -> torch.Tensor:
        """The metric's value from the state accumulated so far."""
        raise NotImplementedError("Must be implemented in subclasses.")

    def reset_state(self) -> None:
        """Zero every state tensor (as at construction)."""
        for name in self._weight_names:
            getattr(self, name).zero_()

    def reset_states(self) -> None:
        """Deprecated alias of :meth:`reset_state`."""
        self.reset_state()

    def merge_state(self, metrics: list[Metric]) -> None:
        """Add the state of other metrics of the same kind to this one."""
        for metric in metrics:
            if len(metric.variables) != len(self.variables):
                raise ValueError(f"Metric {metric} is not compatible with {self}")
            for name, other in zip(self._weight_names, metric.variables):
                mine = getattr(self, name)
                mine += other.to(mine.device)

    def __call__(self, *args: Any, **kwargs: Any) -> torch.Tensor:
        """``update_state(*args, **kwargs)``, then ``result()``."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Metric:
        return cls(**config)

    def __repr__(self) -> str:
        args = ",".join(f"{k}={v}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def broadcast_weights(weights: torch.Tensor, values: torch.Tensor) -> torch.Tensor:
    """``weights`` expanded to ``values``' shape; ``ValueError`` unless it is a scalar or
    has ``values``' rank with each axis 1 or equal (TF's ``broadcast_weights``)."""
    if weights.ndim == 0:
        return weights.expand_as(values)
    if weights.ndim != values.ndim or any(
        w not in (1, v) for w, v in zip(weights.shape, values.shape)
    ):
        raise ValueError(
            "weights can not be broadcast to values. Received: "
            f"weights.shape={tuple(weights.shape)}, values.shape={tuple(values.shape)}"
        )
    return weights.expand_as(values)


class Reduce(Metric):
    """Accumulates ``sum(values * sample_weight)`` and, for the means, the count
    (``reduction``: 'sum', 'weighted_mean' or 'sum_over_batch_size')."""

    def __init__(self, reduction: str, name: str | None, dtype: Any = None) -> None:
        if reduction not in ("sum", "weighted_mean", "sum_over_batch_size"):
            raise ValueError(
                f'Reduction "{reduction}" not implemented. Expected "sum", "weighted_mean", '
                f'or "sum_over_batch_size". Received: reduction={reduction!r}'
            )
        super().__init__(name=name, dtype=dtype)
        self.reduction = reduction
        self.add_weight("total")
        if reduction != "sum":
            self.add_weight("count")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        values = to_tensor(values).to(self._torch_dtype)
        self._state_on(values.device)
        if sample_weight is not None:
            sample_weight = to_tensor(sample_weight, like=values)
            values, _, sample_weight = squeeze_or_expand_dimensions(
                values, sample_weight=sample_weight
            )
            try:
                sample_weight = broadcast_weights(sample_weight, values)
            except ValueError:  # weights for leading axes: reduce the others first
                axes = tuple(range(sample_weight.ndim, values.ndim))
                values = values.sum(axes) if self.reduction == "sum" else values.mean(axes)
            values = values * sample_weight
        self.total += values.sum()
        if self.reduction == "sum":
            return
        if self.reduction == "weighted_mean" and sample_weight is not None:
            self.count += sample_weight.sum()
        else:
            self.count += values.numel()

    def result(self) -> torch.Tensor:
        if self.reduction == "sum":
            return self.total.clone()
        return _divide_no_nan(self.total, self.count)


def _divide_no_nan(numerator: torch.Tensor, denominator: torch.Tensor) -> torch.Tensor:
    """``numerator / denominator``, 0 where the denominator is 0 (``tf.math.divide_no_nan``)."""
    safe = torch.where(denominator == 0, torch.ones_like(denominator), denominator)
    return torch.where(denominator == 0, torch.zeros_like(numerator), numerator / safe)


class Sum(Reduce):
    """The (weighted) sum of every value seen.

    >>> import torch
    >>> from convlayers import metrics
    >>> metric = metrics.Sum()
    >>> metric.update_state(torch.tensor([1.0, 2.0]))
    >>> metric.update_state(torch.tensor([3.0]), sample_weight=torch.tensor([0.5]))
    >>> metric.result()
    tensor(4.5000)
    """

    def __init__(self, name: str = "sum", dtype: Any = None) -> None:
        super().__init__(reduction="sum", name=name, dtype=dtype)


class Mean(Reduce):
    """The weighted mean of every value seen: ``sum(w * v) / sum(w)``.

    >>> import torch
    >>> from convlayers import metrics
    >>> metric = metrics.Mean()
    >>> metric.update_state(torch.tensor([1.0, 2.0]))
    >>> metric.update_state(torch.tensor([4.0]), sample_weight=torch.tensor([2.0]))
    >>> metric.result()  # (1 + 2 + 2 * 4) / (1 + 1 + 2)
    tensor(2.7500)
    """

    def __init__(self, name: str = "mean", dtype: Any = None) -> None:
        super().__init__(reduction="weighted_mean", name=name, dtype=dtype)


class MeanMetricWrapper(Mean):
    """The weighted mean of ``fn(y_true, y_pred, **kwargs)`` over every sample seen.

    ``y_true`` and ``y_pred`` are cast to the metric's dtype and their ranks reconciled
    as tf-keras does; a Keras mask on the per-sample values (``_keras_mask``) leaves
    the masked entries out.

    >>> import torch
    >>> from convlayers import metrics
    >>> def max_error(y_true, y_pred):
    ...     return (y_true - y_pred).abs().amax(dim=-1)
    >>> metric = metrics.MeanMetricWrapper(max_error, name='max_error')
    >>> metric.update_state(torch.zeros(2, 2), torch.tensor([[1.0, 3.0], [2.0, 0.0]]))
    >>> metric.result(), metric.name
    (tensor(2.5000), 'max_error')
    """

    def __init__(
        self,
        fn: Callable[..., torch.Tensor],
        name: str | None = None,
        dtype: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true = to_tensor(y_true).to(self._torch_dtype)
        y_pred = to_tensor(y_pred).to(self._torch_dtype)
        y_pred, y_true = squeeze_or_expand_dimensions(y_pred, y_true.to(y_pred.device))
        matches = self._fn(y_true, y_pred, **self._fn_kwargs)
        mask = get_mask(matches)
        sample_weight = apply_valid_mask(matches, sample_weight, mask, self.reduction)
        super().update_state(matches, sample_weight=sample_weight)

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), **self._fn_kwargs}
        if type(self) is MeanMetricWrapper:
            config["fn"] = self._fn
        return config

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Metric:
        config = dict(config)
        if cls is MeanMetricWrapper:
            return cls(config.pop("fn"), **config)
        config.pop("fn", None)
        return cls(**config)
