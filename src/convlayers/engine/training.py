"""``compile``/``fit``/``evaluate``/``predict`` for models, on a plain PyTorch loop.

Each training step adds every regularization loss (weights and activity) to the
compiled loss, takes an optimizer step and then projects constrained weights, as
Keras does. ``fit`` puts the model in train mode (Dropout active), ``evaluate`` and
``predict`` in eval mode.

>>> import numpy as np, convlayers
>>> model = convlayers.Sequential([convlayers.Dense(1, input_shape=(2,))])
>>> model.compile("sgd", "mse")
>>> x = np.ones((8, 2), "float32")
>>> history = model.fit(x, np.zeros((8, 1), "float32"), batch_size=4, epochs=2, verbose=0)
>>> sorted(history.history), len(history.history["loss"])
(['loss'], 2)
>>> model.predict(x).shape
(8, 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from ..layers.layer_utils import to_numpy
from ..optimizers import binding as optimizers
from ..plain_torch import apply_constraints, regularization_loss
from . import losses as losses_module
from . import metrics as metrics_module
from .callbacks import Callback, History
from .progbar import Progbar
from .summary import print_summary

__all__ = ["TrainingMixin"]


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


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


class TrainingMixin:
    """The Keras training API; mixed into ``Model`` (which is a ``Layer``)."""

    optimizer: Any = None
    stop_training: bool = False
    compiled: bool = False

    def compile(
        self,
        optimizer: Any = "rmsprop",
        loss: Any = None,
        metrics: Sequence[Any] | None = None,
        loss_weights: Sequence[float] | None = None,
        **kwargs: Any,
    ) -> None:
        """Set the optimizer (a Keras optimizer, name or config dict, which becomes
        ``model.optimizer``; or a torch optimizer class or instance), the loss
        (a name, a function ``(y_true, y_pred)``, a ``convlayers`` loss object or a torch
        loss module; one per output or one for all) and the metrics ('accuracy', 'mae',
        'mse' or functions). Of Keras' other options, ``run_eagerly`` is accepted (the
        loop is always eager), ``jit_compile`` only as False (compile the model with
        ``torch.compile`` instead) and ``steps_per_execution`` only as 1."""
        _check_compile_options(kwargs)
        if loss is None:
            raise ValueError("`loss` must be given to compile a model. Received: loss=None")
        self._optimizer_spec = optimizer
        self.optimizer = optimizers.for_compile(optimizer)
        self._loss_specs = _as_list(loss)
        self._loss_fns = [losses_module.get(spec) for spec in self._loss_specs]
        self._loss_weights = list(loss_weights) if loss_weights is not None else None
        self._metric_specs = list(metrics or [])
        self.compiled = True

    # --------------------------------------------------------------------- data

    def _tensors(self, data: Any, what: str) -> list[torch.Tensor]:
        if data is None:
            raise ValueError(f"`{what}` must be given. Received: {what}=None")
        out = []
        for item in _as_list(data):
            tensor = item if isinstance(item, torch.Tensor) else torch.as_tensor(np.asarray(item))
            if tensor.is_floating_point():
                tensor = tensor.to(self._torch_dtype)
            out.append(tensor)
        return out

    def _check_lengths(self, xs: list[torch.Tensor], ys: list[torch.Tensor]) -> int:
        x_sizes = [len(t) for t in xs]
        y_sizes = [len(t) for t in ys]
        if len(set(x_sizes + y_sizes)) > 1:
            raise ValueError(
                "Data cardinality is ambiguous:\n"
                f"  x sizes: {', '.join(map(str, x_sizes))}\n"
                f"  y sizes: {', '.join(map(str, y_sizes))}\n"
                "Make sure all arrays contain the same number of samples."
            )
        return x_sizes[0]

    def _batch(self, tensors: list[torch.Tensor], index: Any) -> list[torch.Tensor]:
        """The rows ``index`` of every tensor, on the model's device."""
        device = next((p.device for p in self.parameters()), None)
        return [t[index] if device is None else t[index].to(device) for t in tensors]

    def _forward(self, xs: list[torch.Tensor]) -> list[torch.Tensor]:
        return _as_list(self(xs[0] if len(xs) == 1 else xs))

    def _ensure_ready(self, xs: list[torch.Tensor]) -> None:
        if not self.compiled:
            raise RuntimeError(
                "You must compile your model before training/testing. "
                "Use `model.compile(optimizer, loss)`."
            )
        if not self.built:
            with torch.no_grad():
                self._forward([x[:1] for x in xs])
        spec = self._optimizer_spec if self.optimizer is None else self.optimizer
        self.optimizer = optimizers.bind(spec, self)

    def _compiled_loss(
        self, ys: list[torch.Tensor], preds: list[torch.Tensor]
    ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        if len(ys) != len(preds):
            raise ValueError(
                f"The model has {len(preds)} output(s) but {len(ys)} target array(s) were "
                "given in `y`."
            )
        fns = (
            self._loss_fns if len(self._loss_fns) == len(preds) else self._loss_fns[:1] * len(preds)
        )
        weights = self._loss_weights or [1.0] * len(preds)
        parts = [fn(y, p) for fn, y, p in zip(fns, ys, preds)]
        total = sum((w * part for w, part in zip(weights, parts)), torch.zeros(()))
        return total, parts

    def _metric_values(self, ys: list[torch.Tensor], preds: list[torch.Tensor]) -> dict[str, float]:
        values = {}
        for i, (y, pred) in enumerate(zip(ys, preds)):
            prefix = f"{self.outputs[i]._keras_history.layer.name}_" if len(preds) > 1 else ""
            for spec in self._metric_specs:
                name, fn = metrics_module.get(
                    spec, self._loss_specs[min(i, len(self._loss_specs) - 1)]
                )
                values[prefix + name] = float(torch.as_tensor(fn(y, pred.detach())).float().mean())
        return values

    # ---------------------------------------------------------------------- fit

    def fit(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        epochs: int = 1,
        verbose: int | str = "auto",
        callbacks: Sequence[Callback] | None = None,
        validation_split: float = 0.0,
        validation_data: Any = None,
        shuffle: bool = True,
        initial_epoch: int = 0,
    ) -> History:
        """Train for ``epochs`` epochs on ``(x, y)`` in batches; returns a :class:`History`.

        ``x``/``y``: arrays or tensors (lists of them for several inputs/outputs).
        ``validation_data=(x_val, y_val)`` or ``validation_split`` (the last fraction of
        the data, taken before shuffling) adds ``val_*`` logs. ``verbose``: 0 quiet,
        1 a progress bar per epoch, 2 one line per epoch.
        """
        xs, ys = self._tensors(x, "x"), self._tensors(y, "y")
        n = self._check_lengths(xs, ys)
        if not 0 <= validation_split < 1:
            raise ValueError(
                "`validation_split` must be in [0, 1). "
                f"Received: validation_split={validation_split}"
            )
        if validation_split and validation_data is None:
            split = int(n * (1 - validation_split))
            validation_data = ([t[split:] for t in xs], [t[split:] for t in ys])
            xs, ys, n = [t[:split] for t in xs], [t[:split] for t in ys], split
        batch_size = batch_size or 32
        verbose = 1 if verbose == "auto" else int(verbose)
        self._ensure_ready(xs)
        history = History()
        callback_list = [*(callbacks or []), history]  # History last, as Keras
        steps = max(1, -(-n // batch_size))
        for callback in callback_list:
            callback.set_model(self)
            callback.set_params({"epochs": epochs, "steps": steps, "verbose": verbose})
            callback.on_train_begin()
        self.stop_training = False
        for epoch in range(initial_epoch, epochs):
            for callback in callback_list:
                callback.on_epoch_begin(epoch)
            if verbose:
                print(f"Epoch {epoch + 1}/{epochs}")
            logs = self._train_epoch(xs, ys, n, batch_size, shuffle, verbose, callback_list)
            if validation_data is not None:
                vx, vy = validation_data[0], validation_data[1]
                val = self.evaluate(vx, vy, batch_size=batch_size, verbose=0, return_dict=True)
                logs.update({f"val_{k}": v for k, v in val.items()})
            for callback in callback_list:
                callback.on_epoch_end(epoch, logs)
            if verbose:
                self._progbar.update(steps, logs, finalize=True)
            if self.stop_training:
                break
        if epochs > 0 and hasattr(self.optimizer, "finalize_variable_values"):
            self.optimizer.finalize_variable_values(self.trainable_weights)  # use_ema
        for callback in callback_list:
            callback.on_train_end()
        self.history = history
        return history

    def _train_epoch(
        self,
        xs: list[torch.Tensor],
        ys: list[torch.Tensor],
        n: int,
        batch_size: int,
        shuffle: bool,
        verbose: int,
        callback_list: list[Callback],
    ) -> dict[str, float]:
        self.train()
        order = torch.randperm(n) if shuffle else torch.arange(n)
        steps = max(1, -(-n // batch_size))
        self._progbar = Progbar(steps, verbose=verbose) if verbose else None
        sums: dict[str, float] = {}
        seen = 0
        for step in range(steps):
            index = order[step * batch_size : (step + 1) * batch_size]
            xb, yb = self._batch(xs, index), self._batch(ys, index)
            for callback in callback_list:
                callback.on_train_batch_begin(step)
            preds = self._forward(xb)
            loss, _ = self._compiled_loss(yb, preds)
            loss = loss + regularization_loss(self)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            apply_constraints(self)
            with torch.no_grad():
                batch_logs = {"loss": float(loss), **self._metric_values(yb, preds)}
            count = len(index)
            seen += count
            for key, value in batch_logs.items():
                sums[key] = sums.get(key, 0.0) + value * count
            logs = {key: total / seen for key, total in sums.items()}
            for callback in callback_list:
                callback.on_train_batch_end(step, logs)
            if self._progbar is not None and step < steps - 1:
                self._progbar.update(step + 1, logs)
        return {key: total / seen for key, total in sums.items()}

    # ----------------------------------------------------------- evaluate, predict

    @torch.no_grad()
    def evaluate(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        verbose: int | str = "auto",
        return_dict: bool = False,
    ) -> Any:
        """The loss (with regularization) and metrics on ``(x, y)``, in eval mode: a float,
        ``[loss, *metrics]`` with metrics, or a dict with ``return_dict=True``. Prints one
        progress line unless ``verbose=0``."""
        xs, ys = self._tensors(x, "x"), self._tensors(y, "y")
        n = self._check_lengths(xs, ys)
        self._ensure_ready(xs)
        was_training = self.training
        self.eval()
        batch_size = batch_size or 32
        sums: dict[str, float] = {}
        try:
            for start in range(0, n, batch_size):
                part = slice(start, start + batch_size)
                xb, yb = self._batch(xs, part), self._batch(ys, part)
                preds = self._forward(xb)
                loss, _ = self._compiled_loss(yb, preds)
                values = {"loss": float(loss + regularization_loss(self))}
                values.update(self._metric_values(yb, preds))
                for key, value in values.items():
                    sums[key] = sums.get(key, 0.0) + value * len(xb[0])
        finally:
            self.train(was_training)
        logs = {key: total / max(n, 1) for key, total in sums.items()}
        if verbose == "auto" or int(verbose):
            steps = max(1, -(-n // batch_size))
            Progbar(steps, verbose=1 if verbose == "auto" else int(verbose)).update(
                steps, logs, finalize=True
            )
        if return_dict:
            return logs
        return logs["loss"] if len(logs) == 1 else list(logs.values())

    @torch.no_grad()
    def predict(self, x: Any, batch_size: int | None = None, verbose: int | str = 0) -> Any:
        """The model's outputs on ``x`` in eval mode, batched, as NumPy arrays (a list for
        several outputs)."""
        xs = self._tensors(x, "x")
        n = self._check_lengths(xs, [])
        was_training = self.training
        self.eval()
        batch_size = batch_size or 32
        chunks: list[list[torch.Tensor]] = []
        try:
            for start in range(0, n, batch_size):
                chunks.append(self._forward(self._batch(xs, slice(start, start + batch_size))))
        finally:
            self.train(was_training)
        outputs = [to_numpy(torch.cat(parts), copy=False) for parts in zip(*chunks)]
        return outputs[0] if len(outputs) == 1 else outputs

    def summary(
        self,
        line_length: int | None = None,
        positions: Sequence[float] | None = None,
        print_fn: Any = None,
    ) -> None:
        """Print a table of the layers, their output shapes and parameter counts."""

        print_summary(self, line_length, positions, print_fn)
