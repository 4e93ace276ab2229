"""Compile information in model files: restored through ``model.compile`` by name, and
written back for models compiled with Keras names.

tf-keras ``.h5`` files hold it in the ``training_config`` attribute (``optimizer_config``,
``loss``, ``metrics``, ``loss_weights``, ``weighted_metrics``); ``.keras`` files in
``compile_config`` (``optimizer``, ``loss``, ``metrics``, ``loss_weights``,
``weighted_metrics``, ``run_eagerly``, ``steps_per_execution``, ``jit_compile``). The
optimizer is restored with all its settings (``convlayers.optimizers`` has tf-keras's);
the loss(es), the metrics and loss weights by name; every other setting that would
change training (``from_logits=True``, weighted metrics, ...) is named in one warning and
not restored.

>>> spec = read_compile_config({"optimizer": "adam", "loss": "mse", "metrics": ["mae"]})
>>> type(spec.optimizer).__name__, spec.loss, spec.metrics, spec.ignored
('Adam', 'mse', ['mae'], [])
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import optimizers
from ..naming import to_snake_case

__all__ = ["CompileSpec", "read_compile_config", "restore_compile", "write_compile_config"]

_LOSS_DEFAULTS = {
    "from_logits": False,
    "label_smoothing": 0.0,
    "axis": -1,
    "ignore_class": None,
    "reduction": ("auto", "sum_over_batch_size"),
    "dtype": (None, "float32"),
}
# Options of ``.keras`` compile configs and the values that need nothing from us.
_INERT_OPTIONS = {
    "run_eagerly": (None, False, True),
    "steps_per_execution": (None, 1),
    "jit_compile": (None, False),
    "weighted_metrics": (None, [], {}),
}


@dataclass
class CompileSpec:
    """What ``compile`` is called with, and the settings that were not restored."""

    optimizer: Any
    loss: Any  # a name, a list of them, or a dict by output name
    metrics: list[Any] = field(default_factory=list)
    loss_weights: Any = None
    ignored: list[str] = field(default_factory=list)


def _same(value: Any, default: Any) -> bool:
    if isinstance(default, tuple):
        return any(_same(value, d) for d in default)
    if (
        isinstance(default, float)
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    ):
        return math.isclose(value, default, rel_tol=1e-6, abs_tol=1e-12)
    return value == default and type(value) is type(default)


def _optimizer(config: Any, ignored: list[str]) -> Any:
    """The optimizer a name or an optimizer config describes, with all its settings."""
    try:
        return optimizers.get(config.lower() if isinstance(config, str) else config)
    except (ValueError, TypeError) as error:
        ignored.append(f"optimizer={config!r} ({error})")
        return None


def _loss(config: Any, ignored: list[str]) -> Any:
    if isinstance(config, str) or config is None:
        return config
    if isinstance(config, list):
        return [_loss(item, ignored) for item in config]
    if isinstance(config, Mapping) and "class_name" not in config:  # per output name
        return {key: _loss(item, ignored) for key, item in config.items()}
    if isinstance(config, Mapping) and isinstance(config.get("class_name"), str):
        inner = config.get("config")
        if config["class_name"] == "function" and isinstance(inner, str):
            return inner
        inner = inner if isinstance(inner, Mapping) else {}
        for key, value in inner.items():
            if (
                key != "name" and key in _LOSS_DEFAULTS and not _same(value, _LOSS_DEFAULTS[key])
            ) or (key not in _LOSS_DEFAULTS and key not in ("name", "fn")):
                ignored.append(f"loss {key}={value!r}")
        return to_snake_case(config["class_name"].split(">")[-1])
    ignored.append(f"loss={config!r}")
    return None


def _metric_names(config: Any) -> list[str]:
    if config is None:
        return []
    if isinstance(config, str):
        return [config]
    if isinstance(config, list):
        return [name for item in config for name in _metric_names(item)]
    if isinstance(config, Mapping) and isinstance(config.get("class_name"), str):
        inner = config.get("config")
        if isinstance(inner, Mapping) and isinstance(inner.get("name"), str):
            return [inner["name"]]
        return [to_snake_case(config["class_name"])]
    if isinstance(config, Mapping):  # per output: {output name: metrics}
        return [name for item in config.values() for name in _metric_names(item)]
    return []


def read_compile_config(config: Mapping[str, Any]) -> CompileSpec:
    """A :class:`CompileSpec` from a ``training_config`` or ``compile_config`` dict."""
    ignored: list[str] = []
    optimizer = _optimizer(config.get("optimizer", config.get("optimizer_config")), ignored)
    loss = _loss(config.get("loss"), ignored)
    metrics = list(dict.fromkeys(_metric_names(config.get("metrics"))))
    for key, value in config.items():
        if key in ("optimizer", "optimizer_config", "loss", "metrics", "loss_weights"):
            continue
        if key not in _INERT_OPTIONS or not any(value == v for v in _INERT_OPTIONS[key]):
            ignored.append(f"{key}={value!r}")
    return CompileSpec(optimizer, loss, metrics, config.get("loss_weights"), ignored)


def _per_output(value: Any, names: list[str]) -> Any:
    """A per-output dict (keyed by output layer name) as a list in output order."""
    if isinstance(value, Mapping):
        return [value.get(name) for name in names]
    if value is not None and not isinstance(value, list):
        return [value]
    return value


def restore_compile(model: Any, config: Mapping[str, Any], optimizer_state: int = 0) -> None:
    """``model.compile(...)`` from a file's compile information, warning once about every
    setting left out (and about ``optimizer_state`` saved optimizer variables)."""
    spec = read_compile_config(config)
    ignored = list(spec.ignored)
    if optimizer_state:
        ignored.append(f"the optimizer state ({optimizer_state} saved variables)")
    names = [t._keras_history.layer.name for t in getattr(model, "outputs", [])]
    loss, weights = _per_output(spec.loss, names), _per_output(spec.loss_weights, names)
    compiled = False
    if spec.optimizer is None or loss is None or None in loss:
        ignored.insert(0, "everything: the model is not compiled (no optimizer or loss by name)")
    else:
        loss = loss[0] if len(loss) == 1 else loss
        try:
            try:
                model.compile(spec.optimizer, loss, metrics=spec.metrics, loss_weights=weights)
            except ValueError:  # a metric compile does not know: compile without metrics
                model.compile(spec.optimizer, loss, loss_weights=weights)
                ignored.insert(0, f"metrics={spec.metrics!r}")
            compiled = True
        except (ValueError, TypeError) as error:
            ignored.insert(0, f"everything: the model is not compiled ({error})")
    if ignored:
        warnings.warn(
            "The file's compile information was restored only in part; not restored: "
            + "; ".join(ignored)
            + (". Call `model.compile()` to set them." if compiled else "."),
            UserWarning,
            stacklevel=3,
        )


def write_compile_config(model: Any, legacy: bool) -> dict[str, Any] | None:
    """The compile information of ``model`` as tf-keras writes it (``training_config`` when
    ``legacy``, else ``compile_config``); None, with a warning, when it cannot be written
    (a torch optimizer, a loss function...)."""
    if not getattr(model, "compiled", False):
        return None
    optimizer = model.optimizer if model.optimizer is not None else model._optimizer_spec
    if isinstance(optimizer, str | Mapping):
        optimizer = optimizers.get(optimizer)
    losses = list(getattr(model, "_loss_specs", []) or [])
    metrics = list(getattr(model, "_metric_specs", []) or []) or None
    unnamed = [item for item in [*losses, *(metrics or [])] if not isinstance(item, str)]
    if not isinstance(optimizer, optimizers.Optimizer):
        unnamed.insert(0, optimizer)
    if unnamed:
        warnings.warn(
            f"The compile information of model {model.name!r} is not saved: {unnamed!r} "
            "are not Keras optimizers or names, which is all a file can hold.",
            UserWarning,
            stacklevel=3,
        )
        return None
    loss: Any = losses[0] if len(losses) == 1 else losses
    loss_weights = getattr(model, "_loss_weights", None)
    entry = optimizers.serialize(optimizer)
    if not legacy:  # as tf-keras: the optimizer as compile was given it (a name stays one)
        spec = model._optimizer_spec
        return {
            "optimizer": spec.lower() if isinstance(spec, str) else entry,
            "loss": loss,
            "metrics": metrics,
            "loss_weights": loss_weights,
            "weighted_metrics": None,
            "run_eagerly": None,
            "steps_per_execution": None,
            "jit_compile": None,
        }
    return {
        "loss": loss,
        "metrics": metrics,
        "weighted_metrics": None,
        "loss_weights": loss_weights,
        "optimizer_config": {  # as tf-keras 2.21 names its optimizers in .h5 files
            "class_name": f"Custom>{entry['class_name']}",
            "config": entry["config"],
        },
    }
