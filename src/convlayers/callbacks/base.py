"""The callback protocol of tf-keras 2.21: ``Callback``, ``History``, ``LambdaCallback``,
``TerminateOnNaN``.

``fit`` calls, in order: ``on_train_begin``; per epoch ``on_epoch_begin``, per batch
``on_train_batch_begin``/``on_train_batch_end`` (logs: the metrics over the epoch so
far), the validation's ``on_test_*`` hooks, ``on_epoch_end`` (logs: the epoch's metrics
and ``val_*``); then ``on_train_end``. ``evaluate`` and ``predict`` call the test and
predict hooks. Every callback of a list sees the same logs dict, in list order (the
user's callbacks, then History, then the progress bar), so a callback may add entries
(``lr``) that History records. Setting ``model.stop_training = True`` ends ``fit``
after the current batch.

>>> seen = []
>>> callback = LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))
>>> callback.on_epoch_end(3, {"loss": 0.5})
>>> seen
[3]
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["Callback", "History", "LambdaCallback", "TerminateOnNaN"]

Logs = dict[str, Any] | None


class Callback:
    """Base class: override the hooks you need. ``self.model`` is the model being
    trained, ``self.params`` holds ``verbose``, ``epochs`` and ``steps``.

    >>> import numpy as np, convlayers
    >>> convlayers.utils.set_random_seed(0)
    >>> model = convlayers.Sequential([convlayers.Dense(1, input_shape=(2,))])
    >>> model.compile('sgd', 'mse')
    >>> x, y = np.ones((8, 2), 'float32'), np.zeros((8, 1), 'float32')
    >>> class Epochs(convlayers.callbacks.Callback):
    ...     def on_epoch_end(self, epoch, logs=None):
    ...         print(epoch, sorted(logs))
    >>> _ = model.fit(x, y, epochs=2, verbose=0, callbacks=[Epochs()])
    0 ['loss']
    1 ['loss']
    """

    def __init__(self) -> None:
        self.validation_data = None
        self.model: Any = None
        self.params: dict[str, Any] = {}

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params

    def set_model(self, model: Any) -> None:
        self.model = model

    def on_batch_begin(self, batch: int, logs: Logs = None) -> None:
        """Called before each training batch (alias of ``on_train_batch_begin``)."""

    def on_batch_end(self, batch: int, logs: Logs = None) -> None:
        """Called after each training batch (alias of ``on_train_batch_end``)."""

    def on_epoch_begin(self, epoch: int, logs: Logs = None) -> None:
        """Called at the start of each epoch (0-based)."""

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        """Called at the end of each epoch with its logs (validation included)."""

    def on_train_batch_begin(self, batch: int, logs: Logs = None) -> None:
        """Called before each training batch."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch: int, logs: Logs = None) -> None:
        """Called after each training batch with the metrics of the epoch so far."""
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch: int, logs: Logs = None) -> None:
        """Called before each batch of ``evaluate`` (and of validation in ``fit``)."""

    def on_test_batch_end(self, batch: int, logs: Logs = None) -> None:
        """Called after each batch of ``evaluate``."""

    def on_predict_batch_begin(self, batch: int, logs: Logs = None) -> None:
        """Called before each batch of ``predict``."""

    def on_predict_batch_end(self, batch: int, logs: Logs = None) -> None:
        """Called after each batch of ``predict``."""

    def on_train_begin(self, logs: Logs = None) -> None:
        """Called once at the start of ``fit``."""

    def on_train_end(self, logs: Logs = None) -> None:
        """Called once at the end of ``fit`` with the last epoch's logs."""

    def on_test_begin(self, logs: Logs = None) -> None:
        """Called at the start of ``evaluate``."""

    def on_test_end(self, logs: Logs = None) -> None:
        """Called at the end of ``evaluate`` with its logs."""

    def on_predict_begin(self, logs: Logs = None) -> None:
        """Called at the start of ``predict``."""

    def on_predict_end(self, logs: Logs = None) -> None:
        """Called at the end of ``predict``."""


class History(Callback):
    """Records every epoch's logs: ``history.history['loss'][epoch]``; ``fit`` returns it
    (and sets ``model.history``).

    >>> import numpy as np, convlayers
    >>> convlayers.utils.set_random_seed(0)
    >>> model = convlayers.Sequential([convlayers.Dense(1, input_shape=(2,))])
    >>> model.compile('sgd', 'mse')
    >>> x, y = np.ones((8, 2), 'float32'), np.zeros((8, 1), 'float32')
    >>> history = model.fit(x, y, epochs=3, verbose=0)
    >>> type(history).__name__, history.epoch, sorted(history.history)
    ('History', [0, 1, 2], ['loss'])
    """

    def __init__(self) -> None:
        super().__init__()
        self.epoch: list[int] = []
        self.history: dict[str, list[Any]] = {}

    def on_train_begin(self, logs: Logs = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        self.model.history = self


class TerminateOnNaN(Callback):
    """Stop training when a batch's loss is NaN or infinite.

    >>> import numpy as np, convlayers
    >>> convlayers.utils.set_random_seed(0)
    >>> model = convlayers.Sequential([convlayers.Dense(1, input_shape=(2,))])
    >>> model.compile('sgd', 'mse')
    >>> x, y = np.ones((8, 2), 'float32'), np.zeros((8, 1), 'float32')
    >>> x_bad = np.full((8, 2), np.nan, 'float32')
    >>> history = model.fit(x_bad, y, epochs=5, batch_size=4, verbose=0,
    ...                     callbacks=[convlayers.callbacks.TerminateOnNaN()])
    Batch 0: Invalid loss, terminating training
    >>> len(history.history['loss'])  # stopped after the first epoch
    1
    """

    def on_batch_end(self, batch: int, logs: Logs = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


class LambdaCallback(Callback):
    """A callback made of functions: ``on_epoch_begin(epoch, logs)``,
    ``on_epoch_end(epoch, logs)``, ``on_batch_begin(batch, logs)``,
    ``on_batch_end(batch, logs)``, ``on_train_begin(logs)``, ``on_train_end(logs)``;
    any other hook may be given by keyword (``on_test_end=...``).

    >>> import numpy as np, convlayers
    >>> convlayers.utils.set_random_seed(0)
    >>> model = convlayers.Sequential([convlayers.Dense(1, input_shape=(2,))])
    >>> model.compile('sgd', 'mse')
    >>> x, y = np.ones((8, 2), 'float32'), np.zeros((8, 1), 'float32')
    >>> seen = []
    >>> log = convlayers.callbacks.LambdaCallback(
    ...     on_epoch_end=lambda epoch, logs: seen.append(epoch))
    >>> _ = model.fit(x, y, epochs=3, verbose=0, callbacks=[log])
    >>> seen
    [0, 1, 2]
    """

    def __init__(
        self,
        on_epoch_begin: Any = None,
        on_epoch_end: Any = None,
        on_batch_begin: Any = None,
        on_batch_end: Any = None,
        on_train_begin: Any = None,
        on_train_end: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        self.__dict__.update(kwargs)
        hooks = {
            "on_epoch_begin": on_epoch_begin,
            "on_epoch_end": on_epoch_end,
            "on_batch_begin": on_batch_begin,
            "on_batch_end": on_batch_end,
            "on_train_begin": on_train_begin,
            "on_train_end": on_train_end,
        }
        for name, function in hooks.items():
            if function is not None:
                setattr(self, name, function)
