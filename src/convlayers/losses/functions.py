"""The tf-keras 2.21 loss functions: ``fn(y_true, y_pred) -> per-sample losses``.

Each reduces one axis (the last, or ``axis``): ``y_pred`` of shape ``(batch, d1, ..., dn)``
gives losses of shape ``(batch, d1, ..., dn-1)``; sparse crossentropy takes integer class
ids of shape ``(batch, d1, ..., dn-1)``. ``y_true`` is cast to ``y_pred``'s dtype.
Probabilities are clipped to ``[epsilon, 1 - epsilon]`` (``epsilon = 1e-7``) as Keras
does, except when ``y_pred`` came from a convlayers ``softmax``/``sigmoid`` activation:
then, as in tf-keras, the crossentropies use the logits the activation kept
(``y_pred._keras_logits``) and nothing is clipped.

>>> import torch
>>> mean_squared_error(torch.tensor([[0.0, 1.0]]), torch.tensor([[1.0, 1.0]]))
tensor([0.5000])
>>> categorical_crossentropy(torch.tensor([[0.0, 1.0]]), torch.tensor([[0.5, 0.5]]))
tensor([0.6931])
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import torch
import torch.nn.functional as F

from .reduction import to_tensor

__all__ = [
    "BCE",
    "KLD",
    "MAE",
    "MAPE",
    "MSE",
    "MSLE",
    "bce",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_hinge",
    "cosine_similarity",
    "hinge",
    "huber",
    "huber_loss",
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
    "sparse_categorical_crossentropy",
    "squared_hinge",
]

EPSILON = 1e-7  # tf-keras' backend.epsilon()

Pair = tuple[torch.Tensor, torch.Tensor]


def _pair(y_true: Any, y_pred: Any) -> Pair:
    y_pred = to_tensor(y_pred)
    return to_tensor(y_true, like=y_pred), y_pred


def _logits_of(output: torch.Tensor, from_logits: bool, fn_name: str, op: str) -> Pair | Any:
    """``(tensor, from_logits)``: the logits a softmax/sigmoid activation kept, if any."""
    logits = getattr(output, "_keras_logits", None)
    if logits is None:
        return output, from_logits
    if from_logits:
        warnings.warn(
            f'"`{fn_name}` received `from_logits=True`, but the `output` argument was '
            f"produced by a {op} activation and thus does not represent logits. Was this "
            "intended?",
            stacklevel=3,
        )
    return logits, True


def _clip(p: torch.Tensor) -> torch.Tensor:
    return p.clamp(EPSILON, 1.0 - EPSILON)


def mean_squared_error(y_true: Any, y_pred: Any) -> torch.Tensor:
    """``mean((y_pred - y_true)**2, axis=-1)``.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[0.0, 1.0], [0.0, 0.0]])
    >>> y_pred = torch.tensor([[1.0, 1.0], [1.0, 0.0]])
    >>> losses.mean_squared_error(y_true, y_pred)  # one value per sample
    tensor([0.5000, 0.5000])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return (y_pred - y_true).square().mean(dim=-1)


def mean_absolute_error(y_true: Any, y_pred: Any) -> torch.Tensor:
    """``mean(|y_pred - y_true|, axis=-1)``.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[0.0, 1.0], [0.0, 0.0]])
    >>> y_pred = torch.tensor([[1.0, 1.0], [1.0, 0.0]])
    >>> losses.mean_absolute_error(y_true, y_pred)  # one value per sample
    tensor([0.5000, 0.5000])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return (y_pred - y_true).abs().mean(dim=-1)


def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> torch.Tensor:
    """``100 * mean(|y_true - y_pred| / max(|y_true|, epsilon), axis=-1)``.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[1.0, 2.0], [4.0, 1.0]])
    >>> y_pred = torch.tensor([[1.0, 1.0], [2.0, 2.0]])
    >>> losses.mean_absolute_percentage_error(y_true, y_pred)  # one value per sample
    tensor([25., 75.])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    diff = ((y_true - y_pred) / y_true.abs().clamp_min(EPSILON)).abs()
    return 100.0 * diff.mean(dim=-1)


def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> torch.Tensor:
    """``mean((log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1))**2, axis=-1)``.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[1.0, 2.0], [4.0, 1.0]])
    >>> y_pred = torch.tensor([[1.0, 1.0], [2.0, 2.0]])
    >>> losses.mean_squared_logarithmic_error(y_true, y_pred)  # one value per sample
    tensor([0.0822, 0.2127])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    first = (y_pred.clamp_min(EPSILON) + 1.0).log()
    second = (y_true.clamp_min(EPSILON) + 1.0).log()
    return (first - second).square().mean(dim=-1)


def _signed_labels(y_true: torch.Tensor) -> torch.Tensor:
    """Labels that are all 0 or 1 become -1 or 1 (tf-keras' ``_maybe_convert_labels``)."""
    if bool(((y_true == 0) | (y_true == 1)).all()):
        return 2.0 * y_true - 1.0
    return y_true


def hinge(y_true: Any, y_pred: Any) -> torch.Tensor:
    """``mean(max(1 - y_true * y_pred, 0), axis=-1)``; 0/1 labels are taken as -1/1.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
    >>> y_pred = torch.tensor([[0.6, 0.4], [0.4, 0.6]])
    >>> losses.hinge(y_true, y_pred)  # one value per sample
    tensor([1.1000, 1.1000])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return (1.0 - _signed_labels(y_true) * y_pred).clamp_min(0.0).mean(dim=-1)


def squared_hinge(y_true: Any, y_pred: Any) -> torch.Tensor:
    """``mean(max(1 - y_true * y_pred, 0)**2, axis=-1)``; 0/1 labels are taken as -1/1.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
    >>> y_pred = torch.tensor([[0.6, 0.4], [0.4, 0.6]])
    >>> losses.squared_hinge(y_true, y_pred)  # one value per sample
    tensor([1.4600, 1.4600])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return (1.0 - _signed_labels(y_true) * y_pred).clamp_min(0.0).square().mean(dim=-1)


def categorical_hinge(y_true: Any, y_pred: Any) -> torch.Tensor:
    """``max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)`` over the last axis.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
    >>> y_pred = torch.tensor([[0.6, 0.4], [0.4, 0.6]])
    >>> losses.categorical_hinge(y_true, y_pred)  # one value per sample
    tensor([1.2000, 1.2000])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    pos = (y_true * y_pred).sum(dim=-1)
    neg = ((1.0 - y_true) * y_pred).amax(dim=-1)
    return (neg - pos + 1.0).clamp_min(0.0)


def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> torch.Tensor:
    """``mean(0.5 e**2 if |e| <= delta else delta |e| - 0.5 delta**2, axis=-1)``,
    ``e = y_pred - y_true``.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[0.0, 1.0], [0.0, 0.0]])
    >>> y_pred = torch.tensor([[1.0, 1.0], [1.0, 0.0]])
    >>> losses.huber(y_true, y_pred, delta=0.5)  # one value per sample
    tensor([0.1875, 0.1875])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    error = y_pred - y_true
    abs_error = error.abs()
    delta_t = torch.tensor(delta, dtype=y_pred.dtype, device=y_pred.device)
    quadratic = 0.5 * error.square()
    linear = delta_t * abs_error - 0.5 * delta_t.square()
    return torch.where(abs_error <= delta_t, quadratic, linear).mean(dim=-1)


def log_cosh(y_true: Any, y_pred: Any) -> torch.Tensor:
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``, computed as
    ``x + softplus(-2x) - log(2)``.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[0.0, 1.0], [0.0, 0.0]])
    >>> y_pred = torch.tensor([[1.0, 1.0], [1.0, 0.0]])
    >>> losses.log_cosh(y_true, y_pred)  # one value per sample
    tensor([0.2169, 0.2169])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    x = y_pred - y_true
    return (x + F.softplus(-2.0 * x) - math.log(2.0)).mean(dim=-1)


def kl_divergence(y_true: Any, y_pred: Any) -> torch.Tensor:
    """``sum(y_true * log(y_true / y_pred), axis=-1)``, both clipped to ``[eps, 1]``.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    >>> y_pred = torch.tensor([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    >>> losses.kl_divergence(y_true, y_pred)  # one value per sample
    tensor([0.0513, 2.3026])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    y_true = y_true.clamp(EPSILON, 1.0)
    y_pred = y_pred.clamp(EPSILON, 1.0)
    return (y_true * (y_true / y_pred).log()).sum(dim=-1)


def poisson(y_true: Any, y_pred: Any) -> torch.Tensor:
    """``mean(y_pred - y_true * log(y_pred + eps), axis=-1)``.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[1.0, 2.0], [4.0, 1.0]])
    >>> y_pred = torch.tensor([[1.0, 1.0], [2.0, 2.0]])
    >>> losses.poisson(y_true, y_pred)  # one value per sample
    tensor([1.0000, 0.2671])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return (y_pred - y_true * (y_pred + EPSILON).log()).mean(dim=-1)


def _l2_normalize(x: torch.Tensor, axis: int) -> torch.Tensor:
    return x * torch.rsqrt(x.square().sum(dim=axis, keepdim=True).clamp_min(1e-12))


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> torch.Tensor:
    """``-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)`` (-1 when aligned).

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
    >>> y_pred = torch.tensor([[0.6, 0.4], [0.4, 0.6]])
    >>> losses.cosine_similarity(y_true, y_pred)  # one value per sample
    tensor([-0.5547, -0.5547])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return -(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis)).sum(dim=axis)


def _check_axis(axis: Any) -> None:
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ValueError(
            f"`axis` must be of type `int`. Received: axis={axis} of type {type(axis)}"
        )


def _smooth_one_hot(y_true: torch.Tensor, label_smoothing: float, axis: int) -> torch.Tensor:
    if not label_smoothing:
        return y_true
    return y_true * (1.0 - label_smoothing) + label_smoothing / y_true.shape[axis]


def _warn_one_class(y_pred: torch.Tensor, fn_name: str) -> None:
    if y_pred.shape[-1] == 1:
        warnings.warn(
            f"In loss {fn_name}, expected y_pred.shape to be (batch_size, num_classes) with "
            f"num_classes > 1. Received: y_pred.shape={tuple(y_pred.shape)}. Consider using "
            "'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=3,
        )


def _check_same_shape(target: torch.Tensor, output: torch.Tensor) -> None:
    if target.shape != output.shape:
        raise ValueError(
            f"Shapes {tuple(target.shape)} and {tuple(output.shape)} are incompatible. "
            f"Received: y_true.shape={tuple(target.shape)}, y_pred.shape={tuple(output.shape)}"
        )


def _normalized_probabilities(output: torch.Tensor, axis: int) -> torch.Tensor:
    return _clip(output / output.sum(dim=axis, keepdim=True))


def categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> torch.Tensor:
    """``-sum(y_true * log(p), axis)`` with ``p`` the softmax of logits, or the
    probabilities normalised to sum 1 and clipped; one-hot ``y_true`` is smoothed to
    ``y * (1 - s) + s / num_classes``.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    >>> y_pred = torch.tensor([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    >>> losses.categorical_crossentropy(y_true, y_pred, label_smoothing=0.1)  # one value per sample
    tensor([0.6850, 2.2333])
    """
    _check_axis(axis)
    y_true, y_pred = _pair(y_true, y_pred)
    _warn_one_class(y_pred, "categorical_crossentropy")
    target = _smooth_one_hot(y_true, label_smoothing, axis)
    _check_same_shape(target, y_pred)
    output, from_logits = _logits_of(y_pred, from_logits, "categorical_crossentropy", "Softmax")
    if from_logits:
        return -(target * F.log_softmax(output, dim=axis)).sum(dim=axis)
    return -(target * _normalized_probabilities(output, axis).log()).sum(dim=axis)


def categorical_focal_crossentropy(
    y_true: Any,
    y_pred: Any,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> torch.Tensor:
    """``sum(alpha * (1 - p)**gamma * -y_true * log(p), axis)`` with ``p`` as in
    :func:`categorical_crossentropy`.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    >>> y_pred = torch.tensor([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    >>> losses.categorical_focal_crossentropy(y_true, y_pred)  # one value per sample
    tensor([3.2058e-05, 4.6627e-01])
    """
    _check_axis(axis)
    y_true, y_pred = _pair(y_true, y_pred)
    _warn_one_class(y_pred, "categorical_focal_crossentropy")
    target = _smooth_one_hot(y_true, label_smoothing, -1)
    _check_same_shape(target, y_pred)
    output, from_logits = _logits_of(
        y_pred, from_logits, "categorical_focal_crossentropy", "Softmax"
    )
    if from_logits:
        output = torch.softmax(output, dim=axis)
    p = _normalized_probabilities(output, axis)
    focal = alpha * (1.0 - p).pow(gamma) * (-target * p.log())
    return focal.sum(dim=axis)


def _check_label_range(labels: torch.Tensor, num_classes: int) -> None:
    if labels.numel() and not bool(((labels >= 0) & (labels < num_classes)).all()):
        bad = labels[(labels < 0) | (labels >= num_classes)][0].item()
        raise ValueError(
            f"Received a label value of {bad} which is outside the valid range of "
            f"[0, {num_classes}). Received: y_true containing {bad}"
        )


def sparse_categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    axis: int = -1,
    ignore_class: int | None = None,
) -> torch.Tensor:
    """``-log(p[y_true])`` over ``axis``, ``y_true`` integer class ids (a trailing axis of
    size 1 is dropped). Probabilities are clipped, then renormalised as tf-keras does.
    With ``ignore_class``, those entries give 0 and the result carries a Keras mask
    (``_keras_mask``) that loss objects and metrics honour.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([1, 2])
    >>> y_pred = torch.tensor([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    >>> losses.sparse_categorical_crossentropy(y_true, y_pred)  # one value per sample
    tensor([0.0513, 2.3026])
    """
    y_pred = to_tensor(y_pred)
    labels = to_tensor(y_true).to(device=y_pred.device, dtype=torch.int64)
    output, from_logits = _logits_of(
        y_pred, from_logits, "sparse_categorical_crossentropy", "Softmax"
    )
    if not from_logits:
        output = _clip(output).log()
    output = output.movedim(axis % output.ndim, -1)
    out_shape = output.shape[:-1]
    labels = labels.reshape(-1)
    output = output.reshape(-1, output.shape[-1])
    if labels.numel() != output.shape[0]:
        raise ValueError(
            "`labels.shape` must equal `logits.shape` except for the last dimension. "
            f"Received: y_true.shape={tuple(to_tensor(y_true).shape)}, "
            f"y_pred.shape={tuple(y_pred.shape)}"
        )
    valid = None
    if ignore_class is not None:
        valid = labels != ignore_class
        labels = torch.where(valid, labels, torch.zeros_like(labels))
    _check_label_range(labels, output.shape[-1])
    log_p = F.log_softmax(output, dim=-1)
    result = -log_p.gather(-1, labels.unsqueeze(-1)).squeeze(-1)
    if valid is None:
        return result.reshape(out_shape)
    result = torch.where(valid, result, torch.zeros_like(result)).reshape(out_shape)
    result._keras_mask = valid.reshape(out_shape)
    return result


def _binary_crossentropy_elements(
    target: torch.Tensor, output: torch.Tensor, from_logits: bool
) -> torch.Tensor:
    output, from_logits = _logits_of(output, from_logits, "binary_crossentropy", "Sigmoid")
    if from_logits:
        return F.binary_cross_entropy_with_logits(output, target, reduction="none")
    p = _clip(output)
    return -(target * (p + EPSILON).log() + (1.0 - target) * (1.0 - p + EPSILON).log())


def _smooth_binary(y_true: torch.Tensor, label_smoothing: float) -> torch.Tensor:
    if not label_smoothing:
        return y_true
    return y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing


def binary_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> torch.Tensor:
    """``mean(-(y log p + (1 - y) log(1 - p)), axis)``; probabilities clipped to
    ``[eps, 1 - eps]`` (and ``eps`` added inside the logs) as Keras does; labels smoothed
    towards 0.5 by ``label_smoothing``.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[0.0, 1.0], [0.0, 0.0]])
    >>> y_pred = torch.tensor([[0.6, 0.4], [0.4, 0.6]])
    >>> losses.binary_crossentropy(y_true, y_pred)  # one value per sample
    tensor([0.9163, 0.7136])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    target = _smooth_binary(y_true, label_smoothing)
    return _binary_crossentropy_elements(target, y_pred, from_logits).mean(dim=axis)


def binary_focal_crossentropy(
    y_true: Any,
    y_pred: Any,
    apply_class_balancing: bool = False,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> torch.Tensor:
    """Binary crossentropy times ``(1 - p_t)**gamma`` (and ``alpha`` / ``1 - alpha`` for
    positives / negatives with ``apply_class_balancing``), averaged over ``axis``.

    >>> import torch
    >>> from convlayers import losses
    >>> y_true = torch.tensor([[0.0, 1.0], [0.0, 0.0]])
    >>> y_pred = torch.tensor([[0.6, 0.4], [0.4, 0.6]])
    >>> losses.binary_focal_crossentropy(y_true, y_pred)  # one value per sample
    tensor([0.3299, 0.2058])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    target = _smooth_binary(y_true, label_smoothing)
    probabilities = torch.sigmoid(y_pred) if from_logits else y_pred
    p_t = target * probabilities + (1.0 - target) * (1.0 - probabilities)
    focal = (1.0 - p_t).pow(gamma) * _binary_crossentropy_elements(target, y_pred, from_logits)
    if apply_class_balancing:
        focal = (target * alpha + (1.0 - target) * (1.0 - alpha)) * focal
    return focal.mean(dim=axis)


# tf-keras' short names of the loss functions
bce = BCE = binary_crossentropy
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
huber_loss = huber


def by_name(name: Any) -> Any:
    """The loss function called ``name`` (its own name or a tf-keras alias)."""
    if isinstance(name, str) and name in __all__:
        return globals()[name]
    raise ValueError(
        f"Unknown loss function: {name!r}. `name` must be one of "
        f"{sorted(__all__)}. Received: name={name!r}"
    )
