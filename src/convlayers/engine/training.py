"""``compile``, the train/test steps and ``*_on_batch`` of a model, as tf-keras 2.21 has them.

A training step runs the model in train mode, computes the compiled loss (each output's
loss object, times its loss weight, plus every regularization loss), takes an optimizer
step, projects constrained weights, then updates the compiled metrics with the step's
predictions. Logs are the results of the model's metric objects: 'loss' (the mean over
the batches seen, weighted by batch size), ``<output>_loss`` for several outputs, then
each output's metrics and weighted metrics. ``fit``/``evaluate``/``predict`` (in
:mod:`convlayers.engine.training_loops`) run these steps over batches.

>>> import numpy as np, convlayers
>>> model = convlayers.Sequential([convlayers.Dense(1, input_shape=(2,))])
>>> model.compile("sgd", "mse", metrics=["mae"], weighted_metrics=["mae"])
>>> x, y = np.ones((4, 2), "float32"), np.zeros((4, 1), "float32")
>>> logs = model.train_on_batch(x, y, sample_weight=np.array([1.0, 1.0, 0.0, 0.0]))
>>> model.metrics_names
['loss', 'mae', 'weighted_mae']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch

from ..layers.layer_utils import to_numpy
from ..metrics import Metric
from ..optimizers import binding as optimizers
from ..plain_torch import apply_constraints, regularization_loss
from . import data_adapter
from .compile_utils import LossesContainer, MetricsContainer, conform
from .summary import print_summary
from .training_loops import LoopsMixin, flatten_metrics_in_order

__all__ = ["TrainingMixin", "flatten_metrics_in_order"]


# Keras compile options and the values that describe what this loop does anyway.
_COMPILE_OPTIONS = {
    "run_eagerly": (None, True, False),  # the loop is always eager
    "jit_compile": (None, False),  # use torch.compile on the model instead
    "steps_per_execution": (None, 1),
}


def _check_compile_options(options: dict[str, Any]) -> None:
    for key, value in options.items():
        if key not in _COMPILE_OPTIONS:
            raise TypeError(f"compile() got an unexpected keyword argument {key!r}")
        if value not in _COMPILE_OPTIONS[key]:
            allowed = ", ".join(repr(v) for v in _COMPILE_OPTIONS[key])
            raise ValueError(f"`{key}` must be one of {allowed}. Received: {key}={value!r}")


def _python(value: torch.Tensor) -> Any:
    """A metric result as tf-keras logs it: a Python float, or an array for a vector."""
    value = value.detach()
    return value.item() if value.ndim == 0 else value.cpu().numpy()


class TrainingMixin(LoopsMixin):
    """The Keras training API; mixed into ``Model`` (which is a ``Layer``)."""

    optimizer: Any = None
    stop_training: bool = False
    compiled: bool = False
    history: Any = None

    def compile(
        self,
        optimizer: Any = "rmsprop",
        loss: Any = None,
        metrics: Any = None,
        loss_weights: Any = None,
        weighted_metrics: Any = None,
        **kwargs: Any,
    ) -> None:
        """Configure training.

        Args:
            optimizer: a Keras optimizer (``convlayers.optimizers``), name or config dict,
                which becomes ``model.optimizer``; or a torch optimizer class or instance.
            loss: a name ('mse', 'binary_crossentropy', ...), a ``convlayers.losses``
                object, a function ``fn(y_true, y_pred)`` or a torch loss module; one for
                every output, a list with one per output or a dict by output name.
            metrics: names ('accuracy', 'mae', 'AUC', ...), metric objects or functions,
                given per output as ``loss`` is; they ignore sample weights.
            loss_weights: a number, or one per output (list or dict): the total loss is
                ``sum(loss_weight * output_loss)``.
            weighted_metrics: metrics that use ``sample_weight``/``class_weight``.
            run_eagerly, jit_compile, steps_per_execution: accepted only at the values
                that describe this eager loop (``jit_compile=False``,
                ``steps_per_execution=1``; compile the model with ``torch.compile``).
        """
        _check_compile_options(kwargs)
        if loss is None:
            raise ValueError("`loss` must be given to compile a model. Received: loss=None")
        self._optimizer_spec = optimizer
        self.optimizer = optimizers.for_compile(optimizer)
        self.loss = loss
        self._loss_specs = loss if isinstance(loss, list) else [loss]
        self._loss_weights = loss_weights
        self._metric_specs = list(metrics) if isinstance(metrics, list | tuple) else metrics
        self._weighted_metric_specs = weighted_metrics
        self.compiled_loss = LossesContainer(loss, loss_weights)
        self.compiled_metrics = MetricsContainer(metrics, weighted_metrics)
        self.compiled = True

    # ------------------------------------------------------------------ metrics

    @property
    def metrics(self) -> list[Metric]:
        """The model's metric objects (filled by the first train or test step): the loss
        means, then the compiled metrics."""
        if not self.compiled:
            return []
        return [*self.compiled_loss.metrics, *self.compiled_metrics.metrics]

    @property
    def metrics_names(self) -> list[str]:
        """The names of :attr:`metrics`: the keys of the logs, in order."""
        return [m.name for m in self.metrics]

    def reset_metrics(self) -> None:
        """Reset the state of every metric (``fit`` does so before each epoch)."""
        for metric in self.metrics:
            metric.reset_state()

    def _metric_results(self) -> dict[str, Any]:
        return {m.name: _python(m.result()) for m in self.metrics}

    # --------------------------------------------------------------------- data

    def _assert_compiled(self) -> None:
        if not self.compiled:
            raise RuntimeError(
                "You must compile your model before training/testing. "
                "Use `model.compile(optimizer, loss)`."
            )

    def _device(self) -> torch.device | None:
        return next((p.device for p in self.parameters()), None)

    def _arrays(self, x: Any, y: Any = None, sample_weight: Any = None) -> tuple[Any, Any, Any]:
        if x is None:
            raise ValueError("`x` must be given. Received: x=None")
        x, y, sample_weight = (
            data_adapter.to_tensors(data, self._torch_dtype) for data in (x, y, sample_weight)
        )
        data_adapter.num_samples(x, y, sample_weight)
        return x, y, sample_weight

    def _forward(self, x: Any) -> list[torch.Tensor]:
        if isinstance(x, Mapping) and getattr(self, "_is_graph_network", False):
            names = [t._keras_history.layer.name for t in self.inputs]
            missing = [name for name in names if name not in x]
            if missing:
                raise ValueError(
                    f"Missing data for input(s) {missing}. Expected the keys {names}. "
                    f"Received: x with keys {sorted(x)}"
                )
            x = [x[name] for name in names]
        if isinstance(x, list | tuple) and len(x) == 1:
            x = x[0]
        outputs = self(x)
        return list(outputs) if isinstance(outputs, list | tuple) else [outputs]

    def _output_names(self, count: int) -> list[str]:
        """Names of the outputs: their layers' names (made unique), else 'output_i'."""
        if not getattr(self, "_is_graph_network", False):
            return [f"output_{i + 1}" for i in range(count)]
        names: list[str] = []
        counts: dict[str, int] = {}
        for tensor in self.outputs:
            base = proposal = tensor._keras_history.layer.name
            while proposal in names:
                counts[base] = counts.get(base, 1)
                proposal = f"{base}_{counts[base]}"
                counts[base] += 1
            names.append(proposal)
        return names

    def _ensure_ready(self, x: Any) -> None:
        self._assert_compiled()
        if not self.built:
            was_training = self.training
            self.eval()  # a build call must not update statistics
            with torch.no_grad():
                self._forward(data_adapter.take(x, slice(0, 1)))
            self.train(was_training)
        spec = self._optimizer_spec if self.optimizer is None else self.optimizer
        self.optimizer = optimizers.bind(spec, self)

    def _targets(self, preds: list[torch.Tensor], y: Any, sample_weight: Any) -> tuple:
        if y is None:
            raise ValueError(
                f"Target data is missing. Your model was compiled with loss={self.loss}, "
                "and therefore expects target data to be provided in `fit()`."
            )
        names = self._output_names(len(preds))
        if isinstance(y, list | tuple) and len(y) == 1 and len(names) == 1:
            y = y[0]
        ys = conform(y, names, "y")
        sws = conform(sample_weight, names, "sample_weight")
        if not self.compiled_loss.built:
            self.compiled_loss.build(names)
        return names, ys, sws

    # -------------------------------------------------------------------- steps

    def _train_step(self, x: Any, y: Any, sample_weight: Any) -> dict[str, Any]:
        preds = self._forward(x)
        names, ys, sws = self._targets(preds, y, sample_weight)
        loss = self.compiled_loss(ys, preds, sws, regularization_loss(self))
        if loss is None:
            raise ValueError(
                "No loss found. The compiled loss gives no output a loss. "
                f"Received: loss={self.loss!r}"
            )
        self.optimizer.zero_grad()
        (loss if loss.ndim == 0 else loss.sum()).backward()
        self.optimizer.step()
        apply_constraints(self)
        with torch.no_grad():
            if not self.compiled_metrics.built:
                self.compiled_metrics.build(ys, preds, names)
            self.compiled_metrics.update_state(ys, preds, sws)
        return self._metric_results()

    @torch.no_grad()
    def _test_step(self, x: Any, y: Any, sample_weight: Any) -> dict[str, Any]:
        preds = self._forward(x)
        names, ys, sws = self._targets(preds, y, sample_weight)
        self.compiled_loss(ys, preds, sws, regularization_loss(self))
        if not self.compiled_metrics.built:
            self.compiled_metrics.build(ys, preds, names)
        self.compiled_metrics.update_state(ys, preds, sws)
        return self._metric_results()

    @torch.no_grad()
    def _predict_step(self, x: Any) -> list[torch.Tensor]:
        return self._forward(x)

    # ----------------------------------------------------------------- on_batch

    def train_on_batch(
        self,
        x: Any,
        y: Any = None,
        sample_weight: Any = None,
        class_weight: Mapping[int, float] | None = None,
        reset_metrics: bool = True,
        return_dict: bool = False,
    ) -> Any:
        """One training step on one batch. Returns the loss (a float), or
        ``[loss, *metrics]`` in :attr:`metrics_names` order, or a dict with
        ``return_dict=True``; with ``reset_metrics=False`` the metrics accumulate over
        calls."""
        self._assert_compiled()
        if reset_metrics:
            self.reset_metrics()
        x, y, sample_weight = self._arrays(x, y, sample_weight)
        if class_weight:
            sample_weight = data_adapter.class_weights(y, sample_weight, class_weight)
        self._ensure_ready(x)
        self.train()
        device = self._device()
        logs = self._train_step(*data_adapter.take((x, y, sample_weight), slice(None), device))
        return logs if return_dict else flatten_metrics_in_order(logs, self.metrics_names)

    def test_on_batch(
        self,
        x: Any,
        y: Any = None,
        sample_weight: Any = None,
        reset_metrics: bool = True,
        return_dict: bool = False,
    ) -> Any:
        """The loss and metrics on one batch in eval mode, returned as
        :meth:`train_on_batch` returns them."""
        self._assert_compiled()
        if reset_metrics:
            self.reset_metrics()
        x, y, sample_weight = self._arrays(x, y, sample_weight)
        self._ensure_ready(x)
        with self._mode(training=False):
            batch = data_adapter.take((x, y, sample_weight), slice(None), self._device())
            logs = self._test_step(*batch)
        return logs if return_dict else flatten_metrics_in_order(logs, self.metrics_names)

    def predict_on_batch(self, x: Any) -> Any:
        """The model's outputs on one batch in eval mode, as NumPy arrays (a list for
        several outputs)."""
        x = data_adapter.to_tensors(x, self._torch_dtype)
        with self._mode(training=False):
            outputs = self._predict_step(data_adapter.take(x, slice(None), self._device()))
        arrays = [to_numpy(out, copy=False) for out in outputs]
        return arrays[0] if len(arrays) == 1 else arrays

    def summary(
        self,
        line_length: int | None = None,
        positions: Sequence[float] | None = None,
        print_fn: Any = None,
    ) -> None:
        """Print a table of the layers, their output shapes and parameter counts."""
        print_summary(self, line_length, positions, print_fn)
