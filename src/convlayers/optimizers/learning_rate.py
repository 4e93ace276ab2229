"""Where a Keras optimizer keeps its hyperparameters: ``param_groups``, seen through Keras
attributes (:class:`GroupValue`) and the ``learning_rate``/``iterations`` views.

The learning rate's one source is ``param_groups[i]["lr"]``: ``opt.learning_rate`` reads
the first group and setting it sets every group (and ``defaults``), so Keras code,
torch LR schedulers and callbacks that write ``param_groups`` all see one value. With a
:class:`~convlayers.optimizers.schedules.LearningRateSchedule` the optimizer writes
``schedule(iterations)`` there before each step and refuses other writers, as tf-keras
refuses to set a scheduled learning rate.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .arguments import as_learning_rate
from .schedules import LearningRateSchedule
from .variables import ScalarVariable

__all__ = ["GroupValue", "LearningRateMixin"]

NOT_SETTABLE = (
    "This optimizer was created with a `LearningRateSchedule` object as its `learning_rate` "
    "constructor argument, hence its learning rate is not settable. If you need the learning "
    "rate to be settable, you should instantiate the optimizer with a float `learning_rate` "
    "argument."
)


class GroupValue:
    """A Keras hyperparameter attribute kept in ``param_groups``: reads the first group,
    sets ``defaults`` and every group."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = name

    def __get__(self, optimizer: Any, owner: type | None = None) -> Any:
        if optimizer is None:
            return self
        return optimizer.param_groups[0][self.key]

    def __set__(self, optimizer: Any, value: Any) -> None:
        optimizer._set_everywhere(self.key, value)


class LearningRateMixin:
    """``learning_rate``/``lr`` and ``iterations`` of an optimizer with ``param_groups``,
    ``defaults``, ``_schedule``, ``_scheduled_lr`` and ``_iterations``."""

    param_groups: list[dict[str, Any]]
    defaults: dict[str, Any]
    _schedule: LearningRateSchedule | None
    _scheduled_lr: float
    _iterations: int

    @property
    def learning_rate(self) -> ScalarVariable:
        """The current learning rate (``param_groups[0]["lr"]``), as a variable-like view:
        ``float(lr)``, ``lr.numpy()``, ``lr.assign(v)``. Setting it sets every group; a
        :class:`LearningRateSchedule` replaces the schedule."""
        name = "learning_rate" if self._schedule is None else "current_learning_rate"
        return ScalarVariable(name, np.float32, self._read_lr, self._write_lr)

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        self._write_lr(value)

    lr = learning_rate

    def _read_lr(self) -> float:
        return float(self.param_groups[0]["lr"])

    def _write_lr(self, value: Any) -> None:
        if isinstance(value, LearningRateSchedule):
            self._schedule = value
            self._set_lr(float(value(self._iterations)))
        elif self._schedule is not None:
            raise TypeError(NOT_SETTABLE)
        else:
            self._set_lr(as_learning_rate(value))

    def _set_lr(self, value: float) -> None:
        self._set_everywhere("lr", value)
        self._scheduled_lr = value

    def _set_everywhere(self, key: str, value: Any) -> None:
        self.defaults[key] = value
        for group in self.param_groups:
            group[key] = value

    def _refresh_schedule(self) -> None:
        """Evaluate the schedule at ``iterations``, as tf-keras does before each step."""
        if self._schedule is None:
            return
        if any(float(group["lr"]) != self._scheduled_lr for group in self.param_groups):
            raise TypeError(f"{NOT_SETTABLE} Received: a changed param_groups[i]['lr'].")
        self._set_lr(float(self._schedule(self._iterations)))

    @property
    def iterations(self) -> ScalarVariable:
        """The number of steps taken, as a variable-like view (``int(opt.iterations)``)."""
        return ScalarVariable("iteration", np.int64, self._read_iterations, self._write_iterations)

    @iterations.setter
    def iterations(self, value: Any) -> None:
        self._write_iterations(value)

    def _read_iterations(self) -> int:
        return self._iterations

    def _write_iterations(self, value: Any) -> None:
        self._iterations = int(value)
