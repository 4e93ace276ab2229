"""The Keras progress bar: ``12/32 [=========>....] - ETA: 1s - loss: 0.6931``.

>>> import io
>>> out = io.StringIO()
>>> bar = Progbar(4, stream=out, interval=0.0)
>>> bar.update(4, {"loss": 0.5}, finalize=True)
>>> out.getvalue().splitlines()[-1].startswith("4/4 [==============================]")
True
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progbar"]


class Progbar:
    """A one-line progress bar for ``target`` steps, redrawn with ``\\r``.

    Args:
        target: the number of steps; None when unknown (a generator without
            ``steps_per_epoch``): ``7/Unknown`` and no bar, as Keras shows it.
        width: bar width in characters.
        verbose: 1 redraws during the epoch; 2 prints one line at the end
            (``4/4 - 0s - loss: 0.5000 - 12ms/epoch - 3ms/step``).
        interval: minimum seconds between redraws.
        stream: where to write (stdout by default).
    """

    def __init__(
        self,
        target: int | None,
        width: int = 30,
        verbose: int = 1,
        interval: float = 0.05,
        stream: TextIO | None = None,
    ) -> None:
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.stream = stream or sys.stdout
        self._start = time.perf_counter()
        self._last = 0.0
        self._prev_len = 0

    def update(self, step: int, values: dict[str, float], finalize: bool = False) -> None:
        """Show ``step`` of ``target`` with the metric ``values``."""
        now = time.perf_counter()
        if not finalize and (self.verbose != 1 or now - self._last < self.interval):
            return
        self._last = now
        elapsed = now - self._start
        if self.target is None:
            bar = f"{step:7d}/Unknown"
        else:
            digits = len(str(self.target))
            done = int(self.width * step / self.target) if self.target else self.width
            bar = "=" * max(done - 1, 0) + (">" if done < self.width else "=")
            bar = f"{step:{digits}d}/{self.target} [{bar}{'.' * (self.width - done)}]"
        if finalize or self.target is None:
            per_step = elapsed / max(step, 1)
            timing = f" - {elapsed:.0f}s {per_step * 1e3:.0f}ms/step"
        else:
            eta = elapsed / max(step, 1) * (self.target - step)
            timing = f" - ETA: {eta:.0f}s"
        metrics = "".join(f" - {k}: {_number(v)}" for k, v in values.items())
        if self.verbose == 1:
            text = bar + timing + metrics
            pad = " " * max(self._prev_len - len(text), 0)
            self.stream.write("\r" + text + pad + ("\n" if finalize else ""))
        else:  # verbose 2: one line at the end, as Keras writes it
            per_step = elapsed / max(step, 1)
            target = "Unknown" if self.target is None else self.target
            text = f"{step}/{target} - {elapsed:.0f}s{metrics} - {_duration(elapsed)}/epoch"
            text += f" - {_duration(per_step)}/step"
            self.stream.write(text + "\n")
        self._prev_len = len(text)
        self.stream.flush()

    def __repr__(self) -> str:
        return f"Progbar(target={self.target})"


def _duration(seconds: float) -> str:
    """Keras' time format: whole seconds, else milliseconds, else microseconds."""
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms"
    return f"{seconds * 1e6:.0f}us"


def _number(value: float) -> str:
    """As Keras shows a metric: 4 decimals, or 4 significant digits below 0.001."""
    return f"{value:.4f}" if abs(value) > 0.001 else f"{value:.4e}"
