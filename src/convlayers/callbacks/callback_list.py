"""``CallbackList``: the callbacks of one ``fit``/``evaluate``/``predict`` call, in order.

>>> from convlayers.callbacks import LambdaCallback
>>> callbacks = CallbackList([LambdaCallback()], add_history=True, add_progbar=True)
>>> [type(c).__name__ for c in callbacks]
['LambdaCallback', 'History', 'ProgbarLogger']
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from .base import Callback, History, Logs
from .progbar_logger import ProgbarLogger

__all__ = ["CallbackList"]


class CallbackList:
    """Calls every callback's hook in turn. ``add_history``/``add_progbar`` append a
    :class:`History` and a ``ProgbarLogger`` unless the list already holds one.

    >>> import numpy as np, convlayers
    >>> convlayers.utils.set_random_seed(0)
    >>> model = convlayers.Sequential([convlayers.Dense(1, input_shape=(2,))])
    >>> model.compile('sgd', 'mse')
    >>> x, y = np.ones((8, 2), 'float32'), np.zeros((8, 1), 'float32')
    >>> calls = convlayers.callbacks.CallbackList([convlayers.callbacks.History()], model=model)
    >>> calls.on_train_begin()
    >>> calls.on_epoch_end(0, {'loss': 0.5})
    >>> calls.callbacks[0].history
    {'loss': [0.5]}
    """

    def __init__(
        self,
        callbacks: Sequence[Callback] | None = None,
        add_history: bool = False,
        add_progbar: bool = False,
        model: Any = None,
        **params: Any,
    ) -> None:
        self.callbacks = list(callbacks or [])
        for callback in self.callbacks:
            if not isinstance(callback, Callback):
                raise TypeError(
                    "`callbacks` must be a list of Callback instances. "
                    f"Received: callbacks={callbacks!r}"
                )
        if add_history and not any(isinstance(c, History) for c in self.callbacks):
            self.callbacks.append(History())
        if add_progbar and not any(isinstance(c, ProgbarLogger) for c in self.callbacks):
            self.callbacks.append(ProgbarLogger(count_mode="steps"))
        self.params: dict[str, Any] = {}
        self.model = None
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def append(self, callback: Callback) -> None:
        self.callbacks.append(callback)

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params
        for callback in self.callbacks:
            callback.set_params(params)

    def set_model(self, model: Any) -> None:
        self.model = model
        for callback in self.callbacks:
            callback.set_model(model)
            if isinstance(callback, History):
                model.history = callback

    def __iter__(self) -> Iterator[Callback]:
        return iter(self.callbacks)

    def _call(self, hook: str, *args: Any, logs: Logs = None) -> None:
        logs = {} if logs is None else logs
        for callback in self.callbacks:
            getattr(callback, hook)(*args, logs)

    def on_epoch_begin(self, epoch: int, logs: Logs = None) -> None:
        self._call("on_epoch_begin", epoch, logs=logs)

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        self._call("on_epoch_end", epoch, logs=logs)

    def on_train_batch_begin(self, batch: int, logs: Logs = None) -> None:
        self._call("on_train_batch_begin", batch, logs=logs)

    def on_train_batch_end(self, batch: int, logs: Logs = None) -> None:
        self._call("on_train_batch_end", batch, logs=logs)

    on_batch_begin = on_train_batch_begin
    on_batch_end = on_train_batch_end

    def on_test_batch_begin(self, batch: int, logs: Logs = None) -> None:
        self._call("on_test_batch_begin", batch, logs=logs)

    def on_test_batch_end(self, batch: int, logs: Logs = None) -> None:
        self._call("on_test_batch_end", batch, logs=logs)

    def on_predict_batch_begin(self, batch: int, logs: Logs = None) -> None:
        self._call("on_predict_batch_begin", batch, logs=logs)

    def on_predict_batch_end(self, batch: int, logs: Logs = None) -> None:
        self._call("on_predict_batch_end", batch, logs=logs)

    def on_train_begin(self, logs: Logs = None) -> None:
        self._call("on_train_begin", logs=logs)

    def on_train_end(self, logs: Logs = None) -> None:
        self._call("on_train_end", logs=logs)

    def on_test_begin(self, logs: Logs = None) -> None:
        self._call("on_test_begin", logs=logs)

    def on_test_end(self, logs: Logs = None) -> None:
        self._call("on_test_end", logs=logs)

    def on_predict_begin(self, logs: Logs = None) -> None:
        self._call("on_predict_begin", logs=logs)

    def on_predict_end(self, logs: Logs = None) -> None:
        self._call("on_predict_end", logs=logs)
