"""The tf-keras 2.21 loss classes, each a :class:`~.base.LossFunctionWrapper` around the
function of the same name in :mod:`convlayers.losses.functions`.

Every class takes ``reduction`` ('auto', 'sum_over_batch_size', 'sum', 'none') and
``name`` (tf-keras' default), plus the function's own arguments.

>>> import torch
>>> MeanSquaredError(reduction="none")(torch.tensor([[0.0], [1.0]]), torch.tensor([[1.0], [1.0]]))
tensor([1., 0.])
>>> loss = BinaryCrossentropy(from_logits=True)
>>> round(float(loss(torch.tensor([[1.0]]), torch.tensor([[0.0]]))), 4)
0.6931
"""

from __future__ import annotations

from . import functions as fns
from .base import LossFunctionWrapper
from .reduction import Reduction

__all__ = [
    "BinaryCrossentropy",
    "BinaryFocalCrossentropy",
    "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy",
    "CategoricalHinge",
    "CosineSimilarity",
    "Hinge",
    "Huber",
    "KLDivergence",
    "LogCosh",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Poisson",
    "SparseCategoricalCrossentropy",
    "SquaredHinge",
]


class MeanSquaredError(LossFunctionWrapper):
    """Mean of squared errors over the last axis.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[0.0, 1.0], [0.0, 0.0]])
    >>> y_pred = torch.tensor([[1.0, 1.0], [1.0, 0.0]])
    >>> loss = losses.MeanSquaredError()
    >>> loss(y_true, y_pred)  # the mean over the batch
    tensor(0.5000)
    >>> losses.MeanSquaredError(reduction='none')(y_true, y_pred)  # per sample
    tensor([0.5000, 0.5000])
    """

    def __init__(self, reduction: str = Reduction.AUTO, name: str = "mean_squared_error") -> None:
        super().__init__(fns.mean_squared_error, reduction=reduction, name=name)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of absolute errors over the last axis.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[0.0, 1.0], [0.0, 0.0]])
    >>> y_pred = torch.tensor([[1.0, 1.0], [1.0, 0.0]])
    >>> loss = losses.MeanAbsoluteError()
    >>> loss(y_true, y_pred)  # the mean over the batch
    tensor(0.5000)
    >>> losses.MeanAbsoluteError(reduction='none')(y_true, y_pred)  # per sample
    tensor([0.5000, 0.5000])
    """

    def __init__(self, reduction: str = Reduction.AUTO, name: str = "mean_absolute_error") -> None:
        super().__init__(fns.mean_absolute_error, reduction=reduction, name=name)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """``100 * mean(|y_true - y_pred| / max(|y_true|, epsilon))`` over the last axis.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[1.0, 2.0], [4.0, 1.0]])
    >>> y_pred = torch.tensor([[1.0, 1.0], [2.0, 2.0]])
    >>> loss = losses.MeanAbsolutePercentageError()
    >>> loss(y_true, y_pred)  # the mean over the batch
    tensor(50.)
    >>> losses.MeanAbsolutePercentageError(reduction='none')(y_true, y_pred)  # per sample
    tensor([25., 75.])
    """

    def __init__(
        self, reduction: str = Reduction.AUTO, name: str = "mean_absolute_percentage_error"
    ) -> None:
        super().__init__(fns.mean_absolute_percentage_error, reduction=reduction, name=name)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """Mean of squared differences of ``log(x + 1)`` over the last axis.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[1.0, 2.0], [4.0, 1.0]])
    >>> y_pred = torch.tensor([[1.0, 1.0], [2.0, 2.0]])
    >>> loss = losses.MeanSquaredLogarithmicError()
    >>> loss(y_true, y_pred)  # the mean over the batch
    tensor(0.1474)
    >>> losses.MeanSquaredLogarithmicError(reduction='none')(y_true, y_pred)  # per sample
    tensor([0.0822, 0.2127])
    """

    def __init__(
        self, reduction: str = Reduction.AUTO, name: str = "mean_squared_logarithmic_error"
    ) -> None:
        super().__init__(fns.mean_squared_logarithmic_error, reduction=reduction, name=name)


class Hinge(LossFunctionWrapper):
    """Mean of ``max(1 - y_true * y_pred, 0)``; 0/1 labels count as -1/1.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
    >>> y_pred = torch.tensor([[0.6, 0.4], [0.4, 0.6]])
    >>> loss = losses.Hinge()
    >>> loss(y_true, y_pred)  # the mean over the batch
    tensor(1.1000)
    >>> losses.Hinge(reduction='none')(y_true, y_pred)  # per sample
    tensor([1.1000, 1.1000])
    """

    def __init__(self, reduction: str = Reduction.AUTO, name: str = "hinge") -> None:
        super().__init__(fns.hinge, reduction=reduction, name=name)


class SquaredHinge(LossFunctionWrapper):
    """Mean of ``max(1 - y_true * y_pred, 0)**2``; 0/1 labels count as -1/1.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
    >>> y_pred = torch.tensor([[0.6, 0.4], [0.4, 0.6]])
    >>> loss = losses.SquaredHinge()
    >>> loss(y_true, y_pred)  # the mean over the batch
    tensor(1.4600)
    >>> losses.SquaredHinge(reduction='none')(y_true, y_pred)  # per sample
    tensor([1.4600, 1.4600])
    """

    def __init__(self, reduction: str = Reduction.AUTO, name: str = "squared_hinge") -> None:
        super().__init__(fns.squared_hinge, reduction=reduction, name=name)


class CategoricalHinge(LossFunctionWrapper):
    """``max(neg - pos + 1, 0)`` of one-hot labels.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
    >>> y_pred = torch.tensor([[0.6, 0.4], [0.4, 0.6]])
    >>> loss = losses.CategoricalHinge()
    >>> loss(y_true, y_pred)  # the mean over the batch
    tensor(1.2000)
    >>> losses.CategoricalHinge(reduction='none')(y_true, y_pred)  # per sample
    tensor([1.2000, 1.2000])
    """

    def __init__(self, reduction: str = Reduction.AUTO, name: str = "categorical_hinge") -> None:
        super().__init__(fns.categorical_hinge, reduction=reduction, name=name)


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence ``sum(y_true * log(y_true / y_pred))``.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    >>> y_pred = torch.tensor([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    >>> loss = losses.KLDivergence()
    >>> loss(y_true, y_pred)  # the mean over the batch
    tensor(1.1769)
    >>> losses.KLDivergence(reduction='none')(y_true, y_pred)  # per sample
    tensor([0.0513, 2.3026])
    """

    def __init__(self, reduction: str = Reduction.AUTO, name: str = "kl_divergence") -> None:
        super().__init__(fns.kl_divergence, reduction=reduction, name=name)


class Poisson(LossFunctionWrapper):
    """Mean of ``y_pred - y_true * log(y_pred + epsilon)``.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[1.0, 2.0], [4.0, 1.0]])
    >>> y_pred = torch.tensor([[1.0, 1.0], [2.0, 2.0]])
    >>> loss = losses.Poisson()
    >>> loss(y_true, y_pred)  # the mean over the batch
    tensor(0.6336)
    >>> losses.Poisson(reduction='none')(y_true, y_pred)  # per sample
    tensor([1.0000, 0.2671])
    """

    def __init__(self, reduction: str = Reduction.AUTO, name: str = "poisson") -> None:
        super().__init__(fns.poisson, reduction=reduction, name=name)


class LogCosh(LossFunctionWrapper):
    """Mean of ``log(cosh(y_pred - y_true))``.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[0.0, 1.0], [0.0, 0.0]])
    >>> y_pred = torch.tensor([[1.0, 1.0], [1.0, 0.0]])
    >>> loss = losses.LogCosh()
    >>> loss(y_true, y_pred)  # the mean over the batch
    tensor(0.2169)
    >>> losses.LogCosh(reduction='none')(y_true, y_pred)  # per sample
    tensor([0.2169, 0.2169])
    """

    def __init__(self, reduction: str = Reduction.AUTO, name: str = "log_cosh") -> None:
        super().__init__(fns.log_cosh, reduction=reduction, name=name)


class Huber(LossFunctionWrapper):
    """Quadratic for errors up to ``delta``, linear beyond (:func:`~.functions.huber`).

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[0.0, 1.0], [0.0, 0.0]])
    >>> y_pred = torch.tensor([[1.0, 1.0], [1.0, 0.0]])
    >>> loss = losses.Huber(delta=0.5)
    >>> loss(y_true, y_pred)  # the mean over the batch
    tensor(0.1875)
    >>> losses.Huber(delta=0.5, reduction='none')(y_true, y_pred)  # per sample
    tensor([0.1875, 0.1875])
    """

    def __init__(
        self, delta: float = 1.0, reduction: str = Reduction.AUTO, name: str = "huber_loss"
    ) -> None:
        super().__init__(fns.huber, reduction=reduction, name=name, delta=delta)


class CosineSimilarity(LossFunctionWrapper):
    """Negative cosine similarity along ``axis`` (-1 for aligned vectors).

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
    >>> y_pred = torch.tensor([[0.6, 0.4], [0.4, 0.6]])
    >>> loss = losses.CosineSimilarity()
    >>> loss(y_true, y_pred)  # the mean over the batch
    tensor(-0.5547)
    >>> losses.CosineSimilarity(reduction='none')(y_true, y_pred)  # per sample
    tensor([-0.5547, -0.5547])
    """

    def __init__(
        self, axis: int = -1, reduction: str = Reduction.AUTO, name: str = "cosine_similarity"
    ) -> None:
        super().__init__(fns.cosine_similarity, reduction=reduction, name=name, axis=axis)


class BinaryCrossentropy(LossFunctionWrapper):
    """Binary crossentropy of probabilities (or logits with ``from_logits=True``),
    labels smoothed towards 0.5 by ``label_smoothing``, averaged over ``axis``.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[0.0, 1.0], [0.0, 0.0]])
    >>> y_pred = torch.tensor([[0.6, 0.4], [0.4, 0.6]])
    >>> loss = losses.BinaryCrossentropy()
    >>> loss(y_true, y_pred)  # the mean over the batch
    tensor(0.8149)
    >>> losses.BinaryCrossentropy(reduction='none')(y_true, y_pred)  # per sample
    tensor([0.9163, 0.7136])
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str = Reduction.AUTO,
        name: str = "binary_crossentropy",
    ) -> None:
        super().__init__(
            fns.binary_crossentropy,
            reduction=reduction,
            name=name,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Binary crossentropy scaled by ``(1 - p_t)**gamma`` (and ``alpha`` with
    ``apply_class_balancing``).

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[0.0, 1.0], [0.0, 0.0]])
    >>> y_pred = torch.tensor([[0.6, 0.4], [0.4, 0.6]])
    >>> loss = losses.BinaryFocalCrossentropy(gamma=2.0)
    >>> loss(y_true, y_pred)  # the mean over the batch
    tensor(0.2678)
    >>> losses.BinaryFocalCrossentropy(gamma=2.0, reduction='none')(y_true, y_pred)  # per sample
    tensor([0.3299, 0.2058])
    """

    def __init__(
        self,
        apply_class_balancing: bool = False,
        alpha: float = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str = Reduction.AUTO,
        name: str = "binary_focal_crossentropy",
    ) -> None:
        super().__init__(
            fns.binary_focal_crossentropy,
            reduction=reduction,
            name=name,
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.apply_class_balancing = apply_class_balancing
        self.alpha = alpha
        self.gamma = gamma


class CategoricalCrossentropy(LossFunctionWrapper):
    """Crossentropy of one-hot (or soft) labels along ``axis``; ``label_smoothing``
    mixes the labels with the uniform distribution.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    >>> y_pred = torch.tensor([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    >>> loss = losses.CategoricalCrossentropy()
    >>> loss(y_true, y_pred)  # the mean over the batch
    tensor(1.1769)
    >>> losses.CategoricalCrossentropy(reduction='none')(y_true, y_pred)  # per sample
    tensor([0.0513, 2.3026])
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str = Reduction.AUTO,
        name: str = "categorical_crossentropy",
    ) -> None:
        super().__init__(
            fns.categorical_crossentropy,
            reduction=reduction,
            name=name,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Categorical crossentropy scaled by ``alpha * (1 - p)**gamma``.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    >>> y_pred = torch.tensor([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    >>> loss = losses.CategoricalFocalCrossentropy()
    >>> loss(y_true, y_pred)  # the mean over the batch
    tensor(0.2332)
    >>> losses.CategoricalFocalCrossentropy(reduction='none')(y_true, y_pred)  # per sample
    tensor([3.2058e-05, 4.6627e-01])
    """

    def __init__(
        self,
        alpha: float = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str = Reduction.AUTO,
        name: str = "categorical_focal_crossentropy",
    ) -> None:
        super().__init__(
            fns.categorical_focal_crossentropy,
            reduction=reduction,
            name=name,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.alpha = alpha
        self.gamma = gamma


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Crossentropy of integer class ids; entries equal to ``ignore_class`` are left out
    (of the sum and of the divisor).

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([1, 2])
    >>> y_pred = torch.tensor([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    >>> loss = losses.SparseCategoricalCrossentropy()
    >>> loss(y_true, y_pred)  # the mean over the batch
    tensor(1.1769)
    >>> losses.SparseCategoricalCrossentropy(reduction='none')(y_true, y_pred)  # per sample
    tensor([0.0513, 2.3026])
    """

    def __init__(
        self,
        from_logits: bool = False,
        ignore_class: int | None = None,
        reduction: str = Reduction.AUTO,
        name: str = "sparse_categorical_crossentropy",
    ) -> None:
        super().__init__(
            fns.sparse_categorical_crossentropy,
            reduction=reduction,
            name=name,
            from_logits=from_logits,
            ignore_class=ignore_class,
        )
