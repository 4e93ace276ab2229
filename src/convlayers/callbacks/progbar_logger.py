"""``ProgbarLogger``: the Keras progress bar of ``fit``/``evaluate``/``predict``.

``fit`` and ``evaluate`` add one when ``verbose`` is not 0: 'Epoch i/n' (when there is
more than one epoch), then ``12/32 [=========>....] - ETA: 1s - loss: 0.6931`` redrawn
after each batch (``verbose=1``) or one line per epoch (``verbose=2``), with the running
metrics of the epoch and, on the final line, the validation metrics.

>>> logger = ProgbarLogger(count_mode="steps")
>>> logger.set_params({"verbose": 2, "epochs": 1, "steps": 3})
>>> logger.target
3
"""

from __future__ import annotations

from typing import Any

from ..engine.progbar import Progbar
from .base import Callback, Logs

__all__ = ["ProgbarLogger"]


class ProgbarLogger(Callback):
    """Prints the progress bar.

    Args:
        count_mode: 'steps' or 'samples'. Both count steps here (tf-keras 2.21 counts
            samples only from a ``size`` entry its own loop no longer logs).
        stateful_metrics: accepted for compatibility: every logged value is shown as
            given (the metrics are already averaged over the epoch).

    >>> import numpy as np, convlayers
    >>> convlayers.utils.set_random_seed(0)
    >>> model = convlayers.Sequential([convlayers.Dense(1, input_shape=(2,))])
    >>> model.compile('sgd', 'mse')
    >>> x, y = np.ones((8, 2), 'float32'), np.zeros((8, 1), 'float32')
    >>> history = model.fit(x, y, epochs=1, batch_size=8, verbose=2)  # one line per epoch
    1/1 - ...s - loss: ... - ...s/epoch - ...s/step
    """

    def __init__(self, count_mode: str = "samples", stateful_metrics: Any = None) -> None:
        super().__init__()
        if count_mode not in ("samples", "steps"):
            raise ValueError(
                f'Unknown `count_mode`: {count_mode}. Expected values are ["samples", "steps"]. '
                f"Received: count_mode={count_mode!r}"
            )
        self.count_mode = count_mode
        self.stateful_metrics = set(stateful_metrics or ())
        self.progbar: Progbar | None = None
        self.target: int | None = None  # None: unknown (a generator without steps)
        self._seen = 0
        self.verbose = 1
        self.epochs = 1
        self._called_in_fit = False

    def set_params(self, params: dict[str, Any]) -> None:
        super().set_params(params)
        self.verbose = params.get("verbose", 1)
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def on_train_begin(self, logs: Logs = None) -> None:
        self._called_in_fit = True

    def on_test_begin(self, logs: Logs = None) -> None:
        if not self._called_in_fit:
            self._new_bar()

    def on_predict_begin(self, logs: Logs = None) -> None:
        self._new_bar()

    def on_epoch_begin(self, epoch: int, logs: Logs = None) -> None:
        self._new_bar()
        if self.verbose and self.epochs > 1:
            print(f"Epoch {epoch + 1}/{self.epochs}")

    def on_train_batch_end(self, batch: int, logs: Logs = None) -> None:
        self._update(batch, logs)

    def on_test_batch_end(self, batch: int, logs: Logs = None) -> None:
        if not self._called_in_fit:
            self._update(batch, logs)

    def on_predict_batch_end(self, batch: int, logs: Logs = None) -> None:
        self._update(batch, None)

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        self._finalize(logs)

    def on_test_end(self, logs: Logs = None) -> None:
        if not self._called_in_fit:
            self._finalize(logs)

    def on_predict_end(self, logs: Logs = None) -> None:
        self._finalize(logs)

    def _new_bar(self) -> None:
        self.progbar = Progbar(self.target, verbose=self.verbose) if self.verbose else None
        self._seen = 0

    def _update(self, batch: int, logs: Logs) -> None:
        self._seen = batch + 1
        last = self.target is not None and batch + 1 >= self.target
        if self.progbar is not None and self.verbose == 1 and not last:
            self.progbar.update(batch + 1, dict(logs or {}))

    def _finalize(self, logs: Logs) -> None:
        if self.progbar is not None:
            done = self._seen if self.target is None else self.target
            self.progbar.update(done, dict(logs or {}), finalize=True)
