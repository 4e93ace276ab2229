"""The tf-keras 2.21 metric classes that average a per-sample function, and
:class:`RootMeanSquaredError`.

Each is a :class:`~.base.MeanMetricWrapper` whose log is named by ``name`` (tf-keras'
default), with ``dtype`` ('float32') for its state.

>>> import torch
>>> m = SparseCategoricalAccuracy()
>>> m.update_state(torch.tensor([1, 0]), torch.tensor([[0.2, 0.8], [0.3, 0.7]]))
>>> m.update_state(torch.tensor([0]), torch.tensor([[0.6, 0.4]]), sample_weight=[2.0])
>>> float(m.result())  # (1 + 0 + 2 * 1) / (1 + 1 + 2)
0.75
"""

from __future__ import annotations

from typing import Any

import torch

from ..losses import functions as loss_fns
from ..losses.reduction import squeeze_or_expand_dimensions, to_tensor
from . import functions
from .base import Mean, MeanMetricWrapper, _divide_no_nan

__all__ = [
    "Accuracy",
    "BinaryAccuracy",
    "BinaryCrossentropy",
    "CategoricalAccuracy",
    "CategoricalCrossentropy",
    "CategoricalHinge",
    "CosineSimilarity",
    "Hinge",
    "KLDivergence",
    "LogCoshError",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Poisson",
    "RootMeanSquaredError",
    "SparseCategoricalAccuracy",
    "SparseCategoricalCrossentropy",
    "SparseTopKCategoricalAccuracy",
    "SquaredHinge",
    "TopKCategoricalAccuracy",
]


def _cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> torch.Tensor:
    """The cosine similarity itself (the loss of that name is its negative)."""
    return -loss_fns.cosine_similarity(y_true, y_pred, axis=axis)


class Accuracy(MeanMetricWrapper):
    """How often ``y_pred`` equals ``y_true`` exactly.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[1], [2], [3], [4]])
    >>> y_pred = torch.tensor([[0], [2], [3], [4]])
    >>> metric = metrics.Accuracy()
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(0.7500)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(0.6000)
    """

    def __init__(self, name: str = "accuracy", dtype: Any = None) -> None:
        super().__init__(functions.accuracy, name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often ``y_pred > threshold`` matches the 0/1 label.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
    >>> y_pred = torch.tensor([[0.2], [0.7], [0.4], [0.9]])
    >>> metric = metrics.BinaryAccuracy()
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(0.5000)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(0.6000)
    """

    def __init__(
        self,
        name: str = "binary_accuracy",
        dtype: Any = None,
        threshold: float = 0.5,
    ) -> None:
        super().__init__(functions.binary_matches, name, dtype=dtype, threshold=threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    """How often ``argmax(y_pred)`` matches ``argmax(y_true)`` (one-hot labels).

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    >>> y_pred = torch.tensor([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    >>> metric = metrics.CategoricalAccuracy()
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(0.5000)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(0.6667)
    """

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(functions.categorical_accuracy, name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often ``argmax(y_pred)`` matches the integer label.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([1, 2])
    >>> y_pred = torch.tensor([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    >>> metric = metrics.SparseCategoricalAccuracy()
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(0.5000)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(0.6667)
    """

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(functions.sparse_categorical_matches, name, dtype=dtype)


class MeanSquaredError(MeanMetricWrapper):
    """The mean of squared errors.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[0.0, 1.0], [0.0, 0.0]])
    >>> y_pred = torch.tensor([[1.0, 1.0], [1.0, 0.0]])
    >>> metric = metrics.MeanSquaredError()
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(0.5000)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(0.5000)
    """

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None) -> None:
        super().__init__(loss_fns.mean_squared_error, name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """The mean of absolute errors.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[0.0, 1.0], [0.0, 0.0]])
    >>> y_pred = torch.tensor([[1.0, 1.0], [1.0, 0.0]])
    >>> metric = metrics.MeanAbsoluteError()
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(0.5000)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(0.5000)
    """

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None) -> None:
        super().__init__(loss_fns.mean_absolute_error, name, dtype=dtype)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """The mean absolute percentage error.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[1.0, 2.0], [4.0, 1.0]])
    >>> y_pred = torch.tensor([[1.0, 1.0], [2.0, 2.0]])
    >>> metric = metrics.MeanAbsolutePercentageError()
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(50.)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(41.6667)
    """

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype: Any = None) -> None:
        super().__init__(loss_fns.mean_absolute_percentage_error, name, dtype=dtype)


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """The mean squared logarithmic error.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[1.0, 2.0], [4.0, 1.0]])
    >>> y_pred = torch.tensor([[1.0, 1.0], [2.0, 2.0]])
    >>> metric = metrics.MeanSquaredLogarithmicError()
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(0.1474)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(0.1257)
    """

    def __init__(self, name: str = "mean_squared_logarithmic_error", dtype: Any = None) -> None:
        super().__init__(loss_fns.mean_squared_logarithmic_error, name, dtype=dtype)


class LogCoshError(MeanMetricWrapper):
    """The mean of ``log(cosh(y_pred - y_true))``.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[0.0, 1.0], [0.0, 0.0]])
    >>> y_pred = torch.tensor([[1.0, 1.0], [1.0, 0.0]])
    >>> metric = metrics.LogCoshError()
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(0.2169)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(0.2169)
    """

    def __init__(self, name: str = "logcosh", dtype: Any = None) -> None:
        super().__init__(loss_fns.log_cosh, name, dtype=dtype)


class CosineSimilarity(MeanMetricWrapper):
    """The mean cosine similarity along ``axis`` (1 for aligned vectors).

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
    >>> y_pred = torch.tensor([[0.6, 0.4], [0.4, 0.6]])
    >>> metric = metrics.CosineSimilarity()
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(0.5547)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(0.5547)
    """

    def __init__(self, name: str = "cosine_similarity", dtype: Any = None, axis: int = -1) -> None:
        super().__init__(_cosine_similarity, name, dtype=dtype, axis=axis)


class Hinge(MeanMetricWrapper):
    """The mean hinge loss.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
    >>> y_pred = torch.tensor([[0.6, 0.4], [0.4, 0.6]])
    >>> metric = metrics.Hinge()
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(1.1000)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(1.1000)
    """

    def __init__(self, name: str = "hinge", dtype: Any = None) -> None:
        super().__init__(loss_fns.hinge, name, dtype=dtype)


class SquaredHinge(MeanMetricWrapper):
    """The mean squared hinge loss.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
    >>> y_pred = torch.tensor([[0.6, 0.4], [0.4, 0.6]])
    >>> metric = metrics.SquaredHinge()
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(1.4600)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(1.4600)
    """

    def __init__(self, name: str = "squared_hinge", dtype: Any = None) -> None:
        super().__init__(loss_fns.squared_hinge, name, dtype=dtype)


class CategoricalHinge(MeanMetricWrapper):
    """The mean categorical hinge loss.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
    >>> y_pred = torch.tensor([[0.6, 0.4], [0.4, 0.6]])
    >>> metric = metrics.CategoricalHinge()
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(1.2000)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(1.2000)
    """

    def __init__(self, name: str = "categorical_hinge", dtype: Any = None) -> None:
        super().__init__(loss_fns.categorical_hinge, name, dtype=dtype)


class Poisson(MeanMetricWrapper):
    """The mean Poisson loss.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[1.0, 2.0], [4.0, 1.0]])
    >>> y_pred = torch.tensor([[1.0, 1.0], [2.0, 2.0]])
    >>> metric = metrics.Poisson()
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(0.6336)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(0.7557)
    """

    def __init__(self, name: str = "poisson", dtype: Any = None) -> None:
        super().__init__(loss_fns.poisson, name, dtype=dtype)


class KLDivergence(MeanMetricWrapper):
    """The mean Kullback-Leibler divergence.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    >>> y_pred = torch.tensor([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    >>> metric = metrics.KLDivergence()
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(1.1769)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(0.8017)
    """

    def __init__(self, name: str = "kullback_leibler_divergence", dtype: Any = None) -> None:
        super().__init__(loss_fns.kl_divergence, name, dtype=dtype)


class BinaryCrossentropy(MeanMetricWrapper):
    """The mean binary crossentropy.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
    >>> y_pred = torch.tensor([[0.2], [0.7], [0.4], [0.9]])
    >>> metric = metrics.BinaryCrossentropy()
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(0.9497)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(0.8044)
    """

    def __init__(
        self,
        name: str = "binary_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0,
    ) -> None:
        super().__init__(
            loss_fns.binary_crossentropy,
            name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )


class CategoricalCrossentropy(MeanMetricWrapper):
    """The mean categorical crossentropy.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    >>> y_pred = torch.tensor([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    >>> metric = metrics.CategoricalCrossentropy()
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(1.1769)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(0.8017)
    """

    def __init__(
        self,
        name: str = "categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0,
        axis: int = -1,
    ) -> None:
        super().__init__(
            loss_fns.categorical_crossentropy,
            name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The mean sparse categorical crossentropy (``ignore_class`` entries left out).

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([1, 2])
    >>> y_pred = torch.tensor([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    >>> metric = metrics.SparseCategoricalCrossentropy()
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(1.1769)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(0.8017)
    """

    def __init__(
        self,
        name: str = "sparse_categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        ignore_class: int | None = None,
        axis: int = -1,
    ) -> None:
        super().__init__(
            loss_fns.sparse_categorical_crossentropy,
            name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often ``argmax(y_true)`` is among the ``k`` best scores.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    >>> y_pred = torch.tensor([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    >>> metric = metrics.TopKCategoricalAccuracy(k=1)
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(0.5000)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(0.6667)
    """

    def __init__(
        self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype: Any = None
    ) -> None:
        super().__init__(functions.top_k_categorical_accuracy, name, dtype=dtype, k=k)


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the ``k`` best scores.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([1, 2])
    >>> y_pred = torch.tensor([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    >>> metric = metrics.SparseTopKCategoricalAccuracy(k=2)
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(1.)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(1.)
    """

    def __init__(
        self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy", dtype: Any = None
    ) -> None:
        super().__init__(functions.sparse_top_k_categorical_matches, name, dtype=dtype, k=k)


class RootMeanSquaredError(Mean):
    """``sqrt`` of the (weighted) mean of squared errors over every value seen.

    >>> import torch
    >>> from convlayers import metrics
    >>> y_true = torch.tensor([[0.0, 1.0], [0.0, 0.0]])
    >>> y_pred = torch.tensor([[1.0, 1.0], [1.0, 0.0]])
    >>> metric = metrics.RootMeanSquaredError()
    >>> metric.update_state(y_true, y_pred)
    >>> metric.result()
    tensor(0.7071)
    >>> metric.update_state(y_true[:1], y_pred[:1])  # accumulates over batches
    >>> metric.result()
    tensor(0.7071)
    """

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None) -> None:
        super().__init__(name, dtype=dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true = to_tensor(y_true).to(self._torch_dtype)
        y_pred = to_tensor(y_pred).to(self._torch_dtype)
        y_pred, y_true = squeeze_or_expand_dimensions(y_pred, y_true.to(y_pred.device))
        super().update_state((y_pred - y_true).square(), sample_weight=sample_weight)

    def result(self) -> torch.Tensor:
        return _divide_no_nan(self.total, self.count).sqrt()
