"""``CSVLogger``: one CSV row per epoch with the epoch's logs, as tf-keras 2.21 writes it.

The columns are 'epoch' then the log names sorted (with their 'val_' twins added when
the first epoch had no validation logs); a missing value is written 'NA'.

>>> import tempfile
>>> path = Path(tempfile.mkdtemp()) / "log.csv"
>>> logger = CSVLogger(path)
>>> logger.on_train_begin()
>>> logger.on_epoch_end(0, {"loss": 0.5})
>>> logger.on_train_end()
>>> path.read_text().splitlines()
['epoch,loss,val_loss', '0,0.5,NA']
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from .base import Callback, Logs

__all__ = ["CSVLogger"]


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, Iterable) and not (isinstance(value, np.ndarray) and value.ndim == 0):
        return f'"[{", ".join(map(str, value))}]"'
    return value


class CSVLogger(Callback):
    """Append each epoch's logs to ``filename``.

    Args:
        filename: the CSV file.
        separator: the column separator.
        append: append to an existing file (the header is written only if it is empty).

    >>> import numpy as np, convlayers
    >>> convlayers.utils.set_random_seed(0)
    >>> model = convlayers.Sequential([convlayers.Dense(1, input_shape=(2,))])
    >>> model.compile('sgd', 'mse')
    >>> x, y = np.ones((8, 2), 'float32'), np.zeros((8, 1), 'float32')
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), 'log.csv')
    >>> _ = model.fit(x, y, epochs=2, verbose=0, callbacks=[convlayers.callbacks.CSVLogger(path)])
    >>> from pathlib import Path
    >>> [line.split(',')[0] for line in Path(path).read_text().splitlines()]
    ['epoch', '0', '1']
    """

    def __init__(self, filename: str | Path, separator: str = ",", append: bool = False) -> None:
        super().__init__()
        self.sep = separator
        self.filename = str(filename)
        self.append = append
        self.writer: csv.DictWriter | None = None
        self.keys: list[str] | None = None
        self.append_header = True
        self.csv_file: Any = None

    def on_train_begin(self, logs: Logs = None) -> None:
        if self.append:
            path = Path(self.filename)
            if path.exists():
                with path.open() as file:
                    self.append_header = not bool(len(file.readline()))
        self.csv_file = open(self.filename, "a" if self.append else "w", newline="")  # noqa: SIM115

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if not any(key.startswith("val_") for key in self.keys):
                self.keys.extend(["val_" + key for key in self.keys])
        if self.writer is None:
            fields = ["epoch", *self.keys]
            self.writer = csv.DictWriter(self.csv_file, fieldnames=fields, delimiter=self.sep)
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch, **{key: _cell(logs.get(key, "NA")) for key in self.keys}}
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs: Logs = None) -> None:
        if self.csv_file is not None:
            self.csv_file.close()
        self.writer = None
