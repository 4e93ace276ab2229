"""``get``, ``serialize`` and ``deserialize`` for metrics, as ``tf.keras.metrics`` has them.

A class name gives an instance ('AUC', 'Precision', 'MeanSquaredError'); a function name
gives the function ('accuracy', 'binary_accuracy', 'mse', 'mae', ... and every loss
function), which ``compile`` wraps in a :class:`~.base.MeanMetricWrapper` named as
given. ``compile`` resolves 'accuracy'/'acc' and 'crossentropy'/'ce' itself, from the
shapes of the targets and outputs.

>>> type(get("AUC")).__name__, get("mse").__name__
('AUC', 'mean_squared_error')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..losses import functions as loss_functions
from ..losses.registry import check_known
from ..serialization import Registry
from . import auc, base, confusion, functions, wrappers

__all__ = ["deserialize", "get", "serialize"]

_CLASSES = [
    base.Mean,
    base.MeanMetricWrapper,
    base.Metric,
    base.Sum,
    auc.AUC,
    *(getattr(confusion, name) for name in confusion.__all__ if name[0].isupper()),
    *(getattr(wrappers, name) for name in wrappers.__all__),
]

_REGISTRY = Registry("metric", "keras.metrics")
for _cls in _CLASSES:
    _REGISTRY.add(_cls, snake_case=False)
for _name in loss_functions.__all__:
    _REGISTRY.add(getattr(loss_functions, _name), _name, snake_case=False)
for _name, _fn in functions.NAMED.items():
    _REGISTRY.add(_fn, _name, snake_case=False)


def serialize(metric: Any) -> dict[str, Any] | None:
    """The tf-keras config dict of a metric object (or of a named function).

    >>> from convlayers import metrics
    >>> metrics.serialize(metrics.AUC(num_thresholds=50))['config']['num_thresholds']
    50
    """
    return _REGISTRY.serialize(metric, base.Metric)


def deserialize(
    config: str | Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None
) -> Any:
    """The metric object or function a name or config dict describes.

    >>> from convlayers import metrics
    >>> type(metrics.deserialize({'class_name': 'Recall', 'config': {'thresholds': 0.3}})).__name__
    'Recall'
    """
    check_known(_REGISTRY, config, custom_objects, "metric", "metric")
    found, inner = _REGISTRY.parse(config, custom_objects)
    if found is base.MeanMetricWrapper and inner is not None and "fn" in inner:
        inner = {**inner, "fn": get(inner["fn"])}
    if isinstance(found, type) and hasattr(found, "from_config"):
        return found.from_config(inner or {})
    return found


def get(identifier: Any) -> Any:
    """A metric object or function from a name, a config dict or a callable (as is).

    >>> from convlayers import metrics
    >>> metrics.get('mse') is metrics.mean_squared_error, type(metrics.get('AUC')).__name__
    (True, 'AUC')
    """
    if isinstance(identifier, str | Mapping):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(
        f"Could not interpret metric identifier: {identifier}. `metrics` entries must be "
        f"names, config dicts or callables. Received: metric={identifier!r}"
    )
