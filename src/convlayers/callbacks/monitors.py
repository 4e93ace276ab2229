"""Callbacks that watch the epoch logs: EarlyStopping, ModelCheckpoint,
LearningRateScheduler, ReduceLROnPlateau.

The learning rate they read and set is ``model.optimizer.param_groups[i]["lr"]`` (every
group gets the same value); they log it as 'lr'.

>>> stop = EarlyStopping(monitor="loss", patience=1)
>>> stop.monitor, stop.patience
('loss', 1)
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .base import Callback

__all__ = ["EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "ReduceLROnPlateau"]

log = logging.getLogger("convlayers")


def _check_mode(mode: str) -> None:
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"`mode` must be 'auto', 'min' or 'max'. Received: mode={mode!r}")


def _mode_op(mode: str, monitor: str) -> Callable[[float, float], bool]:
    """ModelCheckpoint's rule: 'auto' maximises logs containing 'acc' or 'fmeasure'."""
    _check_mode(mode)
    if mode == "max" or (mode == "auto" and ("acc" in monitor or monitor.startswith("fmeasure"))):
        return lambda current, best: current > best
    return lambda current, best: current < best


def _stopping_op(mode: str, monitor: str) -> Callable[[float, float], bool]:
    """EarlyStopping's rule: 'auto' maximises logs ending in acc, accuracy or auc."""
    _check_mode(mode)
    if mode == "max" or (mode == "auto" and monitor.endswith(("acc", "accuracy", "auc"))):
        return lambda current, best: current > best
    return lambda current, best: current < best


def _get_lr(model: Any) -> float:
    return float(model.optimizer.param_groups[0]["lr"])


def _set_lr(model: Any, lr: float) -> None:
    for group in model.optimizer.param_groups:
        group["lr"] = lr


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by ``min_delta`` for ``patience`` epochs.

    Args:
        monitor: the log to watch ('val_loss' by default).
        min_delta: the smallest change that counts as an improvement.
        patience: epochs without improvement before stopping.
        mode: 'min', 'max' or 'auto' (max for logs ending in acc, accuracy or auc).
        baseline: a value the monitor must beat.
        restore_best_weights: at the end of training, restore the weights of the best
            epoch (as tf-keras 2.21, also when training was not stopped early).
        start_from_epoch: epochs to wait before monitoring.

    >>> import numpy as np, convlayers
    >>> convlayers.utils.set_random_seed(0)
    >>> model = convlayers.Sequential([convlayers.Dense(1, input_shape=(2,))])
    >>> model.compile('sgd', 'mse')
    >>> x, y = np.ones((8, 2), 'float32'), np.zeros((8, 1), 'float32')
    >>> stop = convlayers.callbacks.EarlyStopping(monitor='loss', min_delta=10.0, patience=1)
    >>> history = model.fit(x, y, epochs=10, verbose=0, callbacks=[stop])
    >>> len(history.history['loss']), stop.stopped_epoch
    (2, 1)
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0.0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ) -> None:
        super().__init__()
        self.monitor = monitor
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self._better = _stopping_op(mode, monitor)
        self.min_delta = abs(min_delta) if self._better(1, 0) else -abs(min_delta)
        self.stopped_epoch = 0

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.wait = 0
        self.stopped_epoch = 0
        self.best = math.inf if self._better(0, 1) else -math.inf
        self.best_weights: list[np.ndarray] | None = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        current = (logs or {}).get(self.monitor)
        if current is None:
            raise ValueError(
                f"EarlyStopping conditioned on metric `{self.monitor}` which is not available. "
                f"Available metrics are: {','.join(logs or {})}"
            )
        if epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._better(current - self.min_delta, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._better(current - self.min_delta, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(
                    "Restoring model weights from the end of the best epoch: "
                    f"{self.best_epoch + 1}."
                )
            self.model.set_weights(self.best_weights)


class ModelCheckpoint(Callback):
    """Save the model (or its weights) after each epoch, or only when ``monitor`` improves.

    As tf-keras's: ``save_weights_only=False`` writes the whole model with
    ``model.save`` (``.keras`` or ``.h5`` by suffix), ``True`` the weights with
    ``model.save_weights`` (``.weights.h5`` or ``.h5``), which ``model.load_weights``
    reads back. A ``.npz`` path keeps convlayers' earlier form: ``np.savez`` of
    ``get_weights()`` (load with ``model.set_weights(list(np.load(path).values()))``).
    ``filepath`` may hold format fields such as ``{epoch:02d}`` and ``{val_loss:.2f}``.

    Args:
        filepath: where to save; format fields from the epoch and the logs.
        monitor: the log to watch with ``save_best_only``.
        verbose: 1 prints a line per save.
        save_best_only: save only when ``monitor`` improves on the best so far.
        save_weights_only: weights only (``save_weights``) instead of ``save``.
        mode: 'auto' (maximise names with 'acc' or 'fmeasure', else minimise), 'min', 'max'.
        save_freq: 'epoch' (saving every N batches is not supported).
        initial_value_threshold: a ``monitor`` value a first save must beat.

    >>> import os, tempfile, numpy as np, convlayers
    >>> model = convlayers.Sequential([convlayers.Dense(1, input_shape=(2,))])
    >>> model.compile('sgd', 'mse')
    >>> x, y = np.ones((8, 2), 'float32'), np.zeros((8, 1), 'float32')
    >>> path = os.path.join(tempfile.mkdtemp(), 'weights.{epoch:02d}.weights.h5')
    >>> save = convlayers.callbacks.ModelCheckpoint(path, monitor='loss', save_weights_only=True)
    >>> _ = model.fit(x, y, epochs=2, verbose=0, callbacks=[save])
    >>> sorted(os.listdir(os.path.dirname(path)))
    ['weights.01.weights.h5', 'weights.02.weights.h5']
    """

    def __init__(
        self,
        filepath: str | Path,
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
        save_freq: str = "epoch",
        options: Any = None,
        initial_value_threshold: float | None = None,
    ) -> None:
        super().__init__()
        if save_freq != "epoch":
            raise ValueError(
                "`save_freq` must be 'epoch' here (saving every N batches is not supported). "
                f"Received: save_freq={save_freq!r}"
            )
        if options is not None:
            raise ValueError(f"`options` (TF save options) is not supported. Received: {options!r}")
        self.filepath = str(filepath)
        self.monitor = monitor
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = bool(save_weights_only)
        self._better = _mode_op(mode, monitor)
        worst = math.inf if self._better(0, 1) else -math.inf
        self.best = worst if initial_value_threshold is None else initial_value_threshold

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        logs = logs or {}
        path = self.filepath.format(epoch=epoch + 1, **logs)
        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None:
                log.warning("Can save best model only with %s available, skipping.", self.monitor)
                return
            if not self._better(current, self.best):
                if self.verbose > 0:
                    print(f"Epoch {epoch + 1}: {self.monitor} did not improve from {self.best:.5f}")
                return
            if self.verbose > 0:
                print(
                    f"Epoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} to "
                    f"{current:.5f}, saving model to {path}"
                )
            self.best = current
        elif self.verbose > 0:
            print(f"Epoch {epoch + 1}: saving model to {path}")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        if path.endswith(".npz"):
            with open(path, "wb") as file:
                np.savez(file, *self.model.get_weights())
        elif self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)


class LearningRateScheduler(Callback):
    """Before each epoch, set the learning rate to ``schedule(epoch, lr)`` (or
    ``schedule(epoch)`` for a one-argument schedule); logs it as 'lr'.

    >>> import numpy as np, convlayers
    >>> convlayers.utils.set_random_seed(0)
    >>> model = convlayers.Sequential([convlayers.Dense(1, input_shape=(2,))])
    >>> model.compile('sgd', 'mse')
    >>> x, y = np.ones((8, 2), 'float32'), np.zeros((8, 1), 'float32')
    >>> halve = convlayers.callbacks.LearningRateScheduler(lambda epoch, lr: lr / 2)
    >>> history = model.fit(x, y, epochs=3, verbose=0, callbacks=[halve])
    >>> [round(float(lr), 6) for lr in history.history['lr']]
    [0.005, 0.0025, 0.00125]
    """

    def __init__(self, schedule: Callable[..., float], verbose: int = 0) -> None:
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        try:
            lr = self.schedule(epoch, _get_lr(self.model))
        except TypeError:  # a schedule of the epoch alone
            lr = self.schedule(epoch)
        if isinstance(lr, torch.Tensor) and lr.ndim == 0 and lr.is_floating_point():
            lr = float(lr)
        if not isinstance(lr, float | np.floating) or isinstance(lr, bool):
            raise ValueError(f'The output of the "schedule" function should be float. Got: {lr}')
        _set_lr(self.model, float(lr))
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr}.")

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if logs is not None:
            logs["lr"] = _get_lr(self.model)


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by ``factor`` when ``monitor`` has not improved by
    ``min_delta`` for ``patience`` epochs; then wait ``cooldown`` epochs; never below
    ``min_lr``. Logs the learning rate as 'lr'.

    Args:
        monitor: the log to watch ('val_loss').
        factor: the multiplier (< 1).
        patience: epochs without improvement before reducing.
        verbose: 1 prints each reduction.
        mode: 'min', 'max' or 'auto' (max when the monitor's name contains 'acc').
        min_delta: the smallest change that counts as an improvement.
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: the lower bound of the learning rate.

    >>> import numpy as np, convlayers
    >>> convlayers.utils.set_random_seed(0)
    >>> model = convlayers.Sequential([convlayers.Dense(1, input_shape=(2,))])
    >>> model.compile('sgd', 'mse')
    >>> x, y = np.ones((8, 2), 'float32'), np.zeros((8, 1), 'float32')
    >>> reduce = convlayers.callbacks.ReduceLROnPlateau(
    ...     monitor='loss', factor=0.5, patience=1, min_delta=10.0)
    >>> history = model.fit(x, y, epochs=4, verbose=0, callbacks=[reduce])
    >>> [round(float(lr), 6) for lr in history.history['lr']]
    [0.01, 0.01, 0.005, 0.0025]
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        verbose: int = 0,
        mode: str = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        if factor >= 1.0:
            raise ValueError(
                f"ReduceLROnPlateau does not support a factor >= 1.0. Got {factor}. "
                f"Received: factor={factor}"
            )
        if "epsilon" in kwargs:  # the old name of min_delta
            min_delta = kwargs.pop("epsilon")
            log.warning("`epsilon` argument is deprecated and will be removed, use `min_delta`.")
        if kwargs:
            raise TypeError(f"ReduceLROnPlateau got unexpected keyword arguments: {sorted(kwargs)}")
        _check_mode(mode)
        self.monitor = monitor
        self.factor = factor
        self.min_lr = min_lr
        self.min_delta = min_delta
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.mode = mode
        self._reset()

    def _reset(self) -> None:
        if self.mode == "min" or (self.mode == "auto" and "acc" not in self.monitor):
            self.monitor_op = lambda a, b: a < b - self.min_delta
            self.best = math.inf
        else:
            self.monitor_op = lambda a, b: a > b + self.min_delta
            self.best = -math.inf
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._reset()

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        logs = logs if logs is not None else {}
        logs["lr"] = _get_lr(self.model)
        current = logs.get(self.monitor)
        if current is None:
            log.warning(
                "Learning rate reduction is conditioned on metric `%s` which is not available. "
                "Available metrics are: %s",
                self.monitor,
                ",".join(logs),
            )
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self.monitor_op(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = _get_lr(self.model)
                if old_lr > float(np.float32(self.min_lr)):
                    new_lr = max(old_lr * self.factor, self.min_lr)
                    _set_lr(self.model, new_lr)
                    if self.verbose > 0:
                        print(
                            f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate "
                            f"to {new_lr}."
                        )
                    self.cooldown_counter = self.cooldown
                    self.wait = 0
