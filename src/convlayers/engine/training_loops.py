"""``fit``, ``evaluate`` and ``predict``: the train/test/predict steps over batches of arrays.

``fit`` resets the metrics at each epoch, runs the training steps (logs after each batch:
the metrics over the epoch so far), then evaluates the validation data; the epoch's logs
are the metric results over all its batches, plus ``val_*``. Callbacks see every hook;
a progress bar is added unless ``verbose=0``.

>>> import numpy as np, convlayers
>>> model = convlayers.Sequential([convlayers.Dense(1, input_shape=(2,))])
>>> model.compile("sgd", "mse")
>>> x = np.ones((8, 2), "float32")
>>> history = model.fit(x, np.zeros((8, 1), "float32"), batch_size=4, epochs=2, verbose=0)
>>> sorted(history.history), len(history.history["loss"])
(['loss'], 2)
>>> model.predict(x, verbose=0).shape
(8, 1)
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import torch

from ..callbacks import Callback, CallbackList, History
from ..layers.layer_utils import to_numpy
from . import data_adapter
from .batch_sources import ArrayBatches, batch_source, is_batched

__all__ = ["LoopsMixin", "flatten_metrics_in_order"]


def flatten_metrics_in_order(logs: dict[str, Any], names: Sequence[str]) -> Any:
    """The log values in ``names`` order (then any others, sorted); a lone value alone."""
    results = [logs[name] for name in names if name in logs]
    results += [logs[key] for key in sorted(logs) if key not in names]
    return results[0] if len(results) == 1 else results


def _verbosity(verbose: Any) -> int:
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2):
        raise ValueError(f"`verbose` must be 'auto', 0, 1 or 2. Received: verbose={verbose!r}")
    return int(verbose)


def _refuse_with_batches(data: Any, **arguments: Any) -> None:
    """ValueError naming the first of ``arguments`` given with data that comes in batches
    (as tf-keras: a Sequence, generator or DataLoader carries its own)."""
    for name, value in arguments.items():
        if value is not None:
            raise ValueError(
                f"`{name}` must not be given when the data comes in batches (a Sequence, "
                f"generator or iterable such as a DataLoader yields them). Received: "
                f"{name}={value!r:.80} with x={type(data).__name__}"
            )


def _warn_prefetch(workers: int, use_multiprocessing: bool) -> None:
    """Keras' prefetching threads/processes are not used: say so when they were asked for."""
    if workers > 1 or use_multiprocessing:
        warnings.warn(
            f"workers={workers} and use_multiprocessing={use_multiprocessing} are not used: "
            "batches are taken in the calling thread. To prefetch, pass a "
            "torch.utils.data.DataLoader with num_workers.",
            UserWarning,
            stacklevel=3,
        )


def _ran_out(steps: int | None, seen: int, epochs: int) -> bool:
    """Warn as tf-keras does when a source gave fewer batches than an epoch takes."""
    if seen > 0 and (steps is None or seen >= steps):
        return False
    wanted = f"{steps * epochs} batches" if steps is not None else "one batch per epoch"
    warnings.warn(
        "Your input ran out of data; interrupting training. Make sure that your dataset or "
        f"generator can generate at least `steps_per_epoch * epochs` batches (in this "
        f"case, {wanted}).",
        UserWarning,
        stacklevel=3,
    )
    return True


def _batch_size(batch_size: Any, what: str = "batch_size") -> int:
    if batch_size is None:
        return 32
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"`{what}` must be a positive integer. Received: {what}={batch_size!r}")
    return batch_size


def _should_eval(epoch: int, validation_freq: Any) -> bool:
    if isinstance(validation_freq, int) and not isinstance(validation_freq, bool):
        if validation_freq < 1:
            raise ValueError(
                "`validation_freq` must be a positive integer or a list of epochs. "
                f"Received: validation_freq={validation_freq}"
            )
        return (epoch + 1) % validation_freq == 0
    if isinstance(validation_freq, Sequence):
        return epoch + 1 in validation_freq
    raise ValueError(
        "`validation_freq` must be a positive integer or a list of epochs. "
        f"Received: validation_freq={validation_freq!r}"
    )


def _callback_list(callbacks: Any, model: Any, verbose: int, **params: Any) -> CallbackList:
    if isinstance(callbacks, CallbackList):
        return callbacks
    if isinstance(callbacks, Callback):
        raise TypeError(
            f"`callbacks` must be a list of Callback instances. Received: callbacks={callbacks!r}"
        )
    return CallbackList(
        callbacks, add_history=True, add_progbar=verbose != 0, model=model, verbose=verbose,
        **params,
    )  # fmt: skip


class LoopsMixin:
    """``fit``, ``evaluate`` and ``predict``; needs the steps of ``TrainingMixin``."""

    @contextlib.contextmanager
    def _mode(self, training: bool) -> Iterator[None]:
        """Train or eval mode for the block; the previous mode afterwards."""
        was_training = self.training
        self.train(training)
        try:
            yield
        finally:
            self.train(was_training)

    def _batch(self, batch: Any, class_weight: Mapping[int, float] | None = None) -> tuple:
        """One batch as ``(x, y, sample_weight)`` tensors (class weights applied)."""
        x, y, sample_weight = self._arrays(*data_adapter.unpack_x_y_sample_weight(batch))
        if class_weight:
            sample_weight = data_adapter.class_weights(y, sample_weight, class_weight)
        return x, y, sample_weight

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
        class_weight: Mapping[int, float] | None = None,
        sample_weight: Any = None,
        initial_epoch: int = 0,
        steps_per_epoch: int | None = None,
        validation_steps: int | None = None,
        validation_batch_size: int | None = None,
        validation_freq: int | Sequence[int] = 1,
        max_queue_size: int = 10,
        workers: int = 1,
        use_multiprocessing: bool = False,
    ) -> History:
        """Train for ``epochs`` epochs on ``(x, y)`` in batches; returns the History.

        ``x``/``y``/``sample_weight``: arrays or tensors (lists or dicts by name for
        several inputs/outputs), cut into batches of ``batch_size``; or ``x`` alone as
        data that comes in batches (``engine.batch_sources``): a Keras ``Sequence``, a
        generator or iterator, or an iterable such as a torch ``DataLoader``, each batch
        ``(x, y)`` or ``(x, y, sample_weight)``; ``steps_per_epoch`` then sets the
        batches of an epoch (default: all of a Sequence or iterable, all that a
        generator gives). ``class_weight`` ({class: weight}) multiplies the sample
        weights by the weight of each sample's class (argmax of one-hot targets).
        ``validation_data=(x, y)`` or ``(x, y, sample_weight)``, or batched data, or
        ``validation_split`` (the last fraction of the arrays, before shuffling), adds
        ``val_*`` logs every ``validation_freq`` epochs; ``validation_steps`` limits its
        batches. ``verbose``: 0 quiet, 1 a progress bar, 2 a line per epoch.
        ``shuffle``: a new order of the samples (of a Sequence's batches) each epoch.
        ``max_queue_size``, ``workers`` and ``use_multiprocessing`` (Keras' prefetching
        threads) are not used, with a warning when batched data asks for workers:
        batches are taken in the calling thread (a ``DataLoader`` with ``num_workers``
        prefetches on its own). With arrays, ``steps_per_epoch`` is refused.
        """
        self._assert_compiled()
        verbose = _verbosity(verbose)
        if not 0 <= validation_split < 1:
            raise ValueError(
                "`validation_split` must be in [0, 1). "
                f"Received: validation_split={validation_split}"
            )
        if is_batched(x):
            _refuse_with_batches(
                x, y=y, sample_weight=sample_weight, batch_size=batch_size,
                validation_split=validation_split or None,
            )  # fmt: skip
            source: Any = batch_source(x, steps_per_epoch, shuffle)
            batch_weight, ready = class_weight, False  # built from the first batch
            _warn_prefetch(workers, use_multiprocessing)
        else:
            if steps_per_epoch is not None:
                raise ValueError(
                    "`steps_per_epoch` is not supported with arrays: fit runs all their "
                    f"batches each epoch. Received: steps_per_epoch={steps_per_epoch!r}"
                )
            batch_size = _batch_size(batch_size)
            x, y, sample_weight = self._arrays(x, y, sample_weight)
            if validation_split and validation_data is None:
                (x, y, sample_weight), validation_data = data_adapter.train_validation_split(
                    (x, y, sample_weight), validation_split
                )
            if class_weight:
                sample_weight = data_adapter.class_weights(y, sample_weight, class_weight)
            source = ArrayBatches((x, y, sample_weight), batch_size, shuffle)
            batch_weight, ready = None, True
            self._ensure_ready(x)
        if validation_data is not None:
            val_x, val_y, val_sw = (
                (validation_data, None, None)
                if is_batched(validation_data)
                else data_adapter.unpack_x_y_sample_weight(validation_data)
            )
        callbacks = _callback_list(callbacks, self, verbose, epochs=epochs, steps=source.steps)
        self.stop_training = False
        callbacks.on_train_begin()
        device, logs, epoch_logs = self._device(), {}, {}
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            callbacks.on_epoch_begin(epoch)
            self.train()
            seen = 0
            for step, batch in enumerate(source.epoch()):
                callbacks.on_train_batch_begin(step)
                arrays = batch if source.prepared else self._batch(batch, batch_weight)
                if not ready:
                    self._ensure_ready(arrays[0])
                    device, ready = self._device(), True
                logs = self._train_step(*data_adapter.take(arrays, slice(None), device))
                callbacks.on_train_batch_end(step, logs)
                seen = step + 1
                if self.stop_training:
                    break
            source.end_epoch()
            if not self.stop_training and _ran_out(source.steps, seen, epochs - initial_epoch):
                self.stop_training = True
                if seen == 0:
                    break
            epoch_logs = dict(logs)
            if validation_data is not None and _should_eval(epoch, validation_freq):
                val_batch = None if is_batched(val_x) else validation_batch_size or batch_size
                val_logs = self.evaluate(
                    val_x, val_y, batch_size=val_batch, verbose=0, sample_weight=val_sw,
                    steps=validation_steps, callbacks=callbacks, return_dict=True,
                )  # fmt: skip
                epoch_logs.update({f"val_{key}": value for key, value in val_logs.items()})
            callbacks.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
        if epochs > initial_epoch and hasattr(self.optimizer, "finalize_variable_values"):
            self.optimizer.finalize_variable_values(self.trainable_weights)  # use_ema
        callbacks.on_train_end(logs=epoch_logs)
        return self.history

    def evaluate(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        verbose: int | str = "auto",
        sample_weight: Any = None,
        steps: int | None = None,
        callbacks: Sequence[Callback] | None = None,
        max_queue_size: int = 10,
        workers: int = 1,
        use_multiprocessing: bool = False,
        return_dict: bool = False,
    ) -> Any:
        """The loss (regularization included) and metrics over ``(x, y)`` in eval mode,
        as the mean over all batches: a float, ``[loss, *metrics]`` in
        ``metrics_names`` order, or a dict with ``return_dict=True``. ``x`` may come in
        batches as in ``fit``. ``steps`` limits the number of batches; the prefetching
        options are accepted as in ``fit``."""
        self._assert_compiled()
        verbose = _verbosity(verbose)
        if is_batched(x):
            _refuse_with_batches(x, y=y, sample_weight=sample_weight, batch_size=batch_size)
            source: Any = batch_source(x, steps, shuffle=False)
            _warn_prefetch(workers, use_multiprocessing)
            ready = False
        else:
            x, y, sample_weight = self._arrays(x, y, sample_weight)
            source = ArrayBatches((x, y, sample_weight), _batch_size(batch_size), False, steps)
            self._ensure_ready(x)
            ready = True
        callbacks = _callback_list(callbacks, self, verbose, epochs=1, steps=source.steps)
        device, logs = self._device(), {}
        self.reset_metrics()
        callbacks.on_test_begin()
        with self._mode(training=False):
            for step, batch in enumerate(source.epoch()):
                callbacks.on_test_batch_begin(step)
                arrays = batch if source.prepared else self._batch(batch)
                if not ready:
                    self._ensure_ready(arrays[0])
                    device, ready = self._device(), True
                logs = self._test_step(*data_adapter.take(arrays, slice(None), device))
                callbacks.on_test_batch_end(step, logs)
        callbacks.on_test_end(logs=logs)
        return logs if return_dict else flatten_metrics_in_order(logs, self.metrics_names)

    def predict(
        self,
        x: Any,
        batch_size: int | None = None,
        verbose: int | str = "auto",
        steps: int | None = None,
        callbacks: Sequence[Callback] | None = None,
        max_queue_size: int = 10,
        workers: int = 1,
        use_multiprocessing: bool = False,
    ) -> Any:
        """The model's outputs on ``x`` in eval mode, batched, as NumPy arrays (a list for
        several outputs); prints a progress bar unless ``verbose=0``. ``x`` may come in
        batches as in ``fit`` (of each batch only ``x`` is used). The prefetching options
        are accepted as in ``fit``."""
        verbose = _verbosity(verbose)
        if is_batched(x):
            _refuse_with_batches(x, batch_size=batch_size)
            source: Any = batch_source(x, steps, shuffle=False)
            _warn_prefetch(workers, use_multiprocessing)
        else:
            x = data_adapter.to_tensors(x, self._torch_dtype)
            if x is None:
                raise ValueError("`x` must be given. Received: x=None")
            source = ArrayBatches((x, None, None), _batch_size(batch_size), False, steps)
        callbacks = _callback_list(callbacks, self, verbose, epochs=1, steps=source.steps)
        device, chunks = self._device(), []
        callbacks.on_predict_begin()
        with self._mode(training=False):
            for step, batch in enumerate(source.epoch()):
                callbacks.on_predict_batch_begin(step)
                x_batch = batch[0] if source.prepared else self._batch(batch)[0]
                inputs = data_adapter.take(x_batch, slice(None), device)
                outputs = self._predict_step(inputs)
                chunks.append(outputs)
                callbacks.on_predict_batch_end(step, {"outputs": outputs})
        callbacks.on_predict_end()
        if not chunks:
            raise ValueError(
                "Unexpected result of `predict`: no batch was given (an empty or exhausted "
                f"source). Received: x={type(x).__name__}"
            )
        arrays = [to_numpy(torch.cat(parts), copy=False) for parts in zip(*chunks)]
        return arrays[0] if len(arrays) == 1 else arrays
