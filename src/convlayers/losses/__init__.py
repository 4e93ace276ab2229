"""Keras losses (``tf.keras.losses`` of tf-keras 2.21): classes, functions and aliases.

Loss objects take ``(y_true, y_pred, sample_weight=None)`` and reduce as tf-keras does
(:mod:`convlayers.losses.reduction`); functions return per-sample values. ``__all__``
lists tf-keras' public names; ``LossFunctionWrapper`` and the aliases tf-keras keeps out
of its public API ('bce', 'huber_loss') are importable and known to ``get`` too.

>>> import torch
>>> from convlayers import losses
>>> y_true, y_pred = torch.tensor([[0.0, 1.0], [1.0, 0.0]]), torch.tensor([[0.2, 0.8], [0.6, 0.4]])
>>> losses.categorical_crossentropy(y_true, y_pred)
tensor([0.2231, 0.5108])
>>> losses.CategoricalCrossentropy()(y_true, y_pred, sample_weight=torch.tensor([1.0, 0.0]))
tensor(0.1116)
"""

from .base import Loss
from .base import LossFunctionWrapper as LossFunctionWrapper  # not in tf-keras' public API
from .classes import (
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    CategoricalHinge,
    CosineSimilarity,
    Hinge,
    Huber,
    KLDivergence,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
)
from .functions import (
    BCE as BCE,
)
from .functions import (
    KLD,
    MAE,
    MAPE,
    MSE,
    MSLE,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_hinge,
    cosine_similarity,
    hinge,
    huber,
    kl_divergence,
    kld,
    kullback_leibler_divergence,
    log_cosh,
    logcosh,
    mae,
    mape,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    mse,
    msle,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from .functions import (
    bce as bce,
)
from .functions import (
    huber_loss as huber_loss,
)
from .reduction import Reduction
from .registry import deserialize, get, serialize

__all__ = [
    "KLD",
    "MAE",
    "MAPE",
    "MSE",
    "MSLE",
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
    "Loss",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Poisson",
    "Reduction",
    "SparseCategoricalCrossentropy",
    "SquaredHinge",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_hinge",
    "cosine_similarity",
    "deserialize",
    "get",
    "hinge",
    "huber",
    "kl_divergence",
    "kld",
    "kullback_leibler_divergence",
    "log_cosh",
    "logcosh",
    "mae",
    "mape",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "mse",
    "msle",
    "poisson",
    "serialize",
    "sparse_categorical_crossentropy",
    "squared_hinge",
]
