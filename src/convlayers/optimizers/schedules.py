"""Learning-rate schedules of tf-keras 2.21 (``tf.keras.optimizers.schedules``).

A schedule maps the optimizer's step count (``iterations``, before the step) to a
learning rate: ``schedule(step) -> float``. Pass one as an optimizer's ``learning_rate``
and the optimizer evaluates it at the start of every step, as tf-keras does; the value
is also written to ``param_groups[i]["lr"]``. The arithmetic is tf-keras's in float32 (the
dtype of its ``initial_learning_rate`` tensor), operation by operation, so the values are
the reference's (``cos``/``pow``/``log`` may differ in the last bit).

>>> schedule = ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5)
>>> [round(schedule(step), 6) for step in range(4)]
[0.1, 0.070711, 0.05, 0.035355]
>>> serialize(PiecewiseConstantDecay([2], [0.1, 0.01]))["config"]
{'boundaries': [2], 'values': [0.1, 0.01], 'name': None}
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from numbers import Real
from typing import Any

import torch

from ..serialization import Registry, serialize_custom, serialize_object
from ..validation import argument_error
from .precision import rounder

__all__ = [
    "CosineDecay",
    "CosineDecayRestarts",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateSchedule",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "deserialize",
    "serialize",
]

_r = rounder(torch.float32)
_PI = _r(math.pi)


def _positive(value: Any, name: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, Real) or not value > 0:
        raise argument_error(name, "a number > 0", value)
    return value


def _real(value: Any, name: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise argument_error(name, "a finite number", value)
    return value


def _step(step: Any) -> float:
    """The step as tf-keras' schedules see it: cast to float32."""
    return _r(int(step))


class LearningRateSchedule:
    """Base class: subclasses define ``__call__(step) -> float`` and ``get_config()``.

    >>> import convlayers
    >>> class Halving(convlayers.optimizers.schedules.LearningRateSchedule):
    ...     def __call__(self, step):
    ...         return 0.1 * 0.5 ** (step // 10)
    ...     def get_config(self):
    ...         return {}
    >>> opt = convlayers.optimizers.SGD(Halving())
    >>> Halving()(25), float(opt.learning_rate)
    (0.025, 0.10000000149011612)
    """

    def __call__(self, step: Any) -> float:
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `__call__(self, step)`."
        )

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `get_config()` "
            "in order to be serializable."
        )

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LearningRateSchedule:
        """A schedule from ``get_config()`` output."""
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class _TimeDecay(LearningRateSchedule):
    """The arguments of ExponentialDecay and InverseTimeDecay, and their ``p``."""

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: float,
        decay_rate: float,
        staircase: bool = False,
        name: str | None = None,
    ) -> None:
        self.initial_learning_rate = _real(initial_learning_rate, "initial_learning_rate")
        self.decay_steps = _positive(decay_steps, "decay_steps")
        self.decay_rate = _real(decay_rate, "decay_rate")
        self.staircase = staircase
        self.name = name

    def _p(self, step: Any) -> float:
        """``step / decay_steps`` in float32, floored when ``staircase``."""
        p = _r(_step(step) / _r(self.decay_steps))
        return math.floor(p) if self.staircase else p

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class ExponentialDecay(_TimeDecay):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)`` (the exponent
    floored when ``staircase``).

    >>> from convlayers.optimizers import schedules
    >>> schedule = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    >>> [round(schedule(step), 6) for step in (0, 10, 15)]
    [0.1, 0.05, 0.035355]
    >>> staircase = schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True)
    >>> round(staircase(15), 6)
    0.05
    """

    def __call__(self, step: Any) -> float:
        power = _r(_r(self.decay_rate) ** self._p(step))
        return _r(_r(self.initial_learning_rate) * power)


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` up to and including step ``boundaries[0]``, ``values[i]`` for
    ``boundaries[i-1] < step <= boundaries[i]``, ``values[-1]`` after the last boundary.
    Boundaries are cast to integers (truncated) as tf-keras casts them to the step's type.

    >>> from convlayers.optimizers import schedules
    >>> schedule = schedules.PiecewiseConstantDecay([100, 200], [1.0, 0.5, 0.1])
    >>> [schedule(step) for step in (0, 100, 101, 500)]
    [1.0, 1.0, 0.5, 0.10000000149011612]
    """

    def __init__(
        self, boundaries: Sequence[float], values: Sequence[float], name: str | None = None
    ) -> None:
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. "
                f"Received: boundaries={boundaries} of length {len(boundaries)}, and "
                f"values={values} of length {len(values)}."
            )
        cut = [int(_real(b, "boundaries")) for b in boundaries]
        if any(b > c for b, c in itertools.pairwise(cut)):
            raise argument_error("boundaries", "non-decreasing", boundaries)
        for value in values:
            _real(value, "values")
        self._cut = cut
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step: Any) -> float:
        step = int(step)
        index = sum(step > b for b in self._cut)
        return _r(self.values[index])

    def get_config(self) -> dict[str, Any]:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """``(initial - end) * (1 - step / decay_steps) ** power + end``, the step capped at
    ``decay_steps``, or with ``cycle`` the decay restarted at every multiple of it.

    >>> from convlayers.optimizers import schedules
    >>> schedule = schedules.PolynomialDecay(0.1, decay_steps=100, end_learning_rate=0.01)
    >>> [round(schedule(step), 6) for step in (0, 50, 100, 200)]
    [0.1, 0.055, 0.01, 0.01]
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: float,
        end_learning_rate: float = 0.0001,
        power: float = 1.0,
        cycle: bool = False,
        name: str | None = None,
    ) -> None:
        self.initial_learning_rate = _real(initial_learning_rate, "initial_learning_rate")
        self.decay_steps = _positive(decay_steps, "decay_steps")
        self.end_learning_rate = _real(end_learning_rate, "end_learning_rate")
        self.power = _real(power, "power")
        self.cycle = cycle
        self.name = name

    def __call__(self, step: Any) -> float:
        step = _step(step)
        decay_steps = _r(self.decay_steps)
        if self.cycle:
            multiplier = 1.0 if step == 0 else math.ceil(_r(step / decay_steps))
            decay_steps = _r(decay_steps * multiplier)
        else:
            step = min(step, decay_steps)
        p = _r(step / decay_steps)
        end = _r(self.end_learning_rate)
        span = _r(_r(self.initial_learning_rate) - end)
        return _r(_r(span * _r(_r(1 - p) ** _r(self.power))) + end)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


class InverseTimeDecay(_TimeDecay):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)`` (the ratio
    floored when ``staircase``).

    >>> from convlayers.optimizers import schedules
    >>> schedule = schedules.InverseTimeDecay(0.1, decay_steps=10, decay_rate=1.0)
    >>> [round(schedule(step), 6) for step in (0, 10, 30)]
    [0.1, 0.05, 0.025]
    """

    def __call__(self, step: Any) -> float:
        denominator = _r(1 + _r(_r(self.decay_rate) * self._p(step)))
        return _r(_r(self.initial_learning_rate) / denominator)


def _cosine(fraction: float, scale: float = 0.5) -> float:
    """``scale * (1 + cos(pi * fraction))`` in float32."""
    return _r(scale * _r(1.0 + _r(math.cos(_r(_PI * fraction)))))


class CosineDecay(LearningRateSchedule):
    """Cosine decay from ``initial_learning_rate`` (or, after a linear warmup of
    ``warmup_steps`` to ``warmup_target``, from ``warmup_target``) down to ``alpha`` times
    it over ``decay_steps``; constant afterwards.

    >>> from convlayers.optimizers import schedules
    >>> schedule = schedules.CosineDecay(0.1, decay_steps=100)
    >>> [round(schedule(step), 6) for step in (0, 50, 100)]
    [0.1, 0.05, 0.0]
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: float,
        alpha: float = 0.0,
        name: str | None = None,
        warmup_target: float | None = None,
        warmup_steps: float = 0,
    ) -> None:
        self.initial_learning_rate = _real(initial_learning_rate, "initial_learning_rate")
        self.decay_steps = _positive(decay_steps, "decay_steps")
        self.alpha = _real(alpha, "alpha")
        self.name = name
        self.warmup_steps = _real(warmup_steps, "warmup_steps")
        self.warmup_target = (
            warmup_target if warmup_target is None else _real(warmup_target, "warmup_target")
        )

    def _decay(self, step: float, decay_steps: float, start: float) -> float:
        decayed = _r(_r(_r(1 - self.alpha) * _cosine(_r(step / decay_steps))) + _r(self.alpha))
        return _r(start * decayed)

    def __call__(self, step: Any) -> float:
        initial = _r(self.initial_learning_rate)
        decay_steps = _r(self.decay_steps)
        step = _step(step)
        if self.warmup_target is None:
            return self._decay(min(step, decay_steps), decay_steps, initial)
        target = _r(self.warmup_target)
        warmup_steps = _r(self.warmup_steps)
        step = min(step, _r(decay_steps + warmup_steps))
        if step < warmup_steps:
            return _r(_r(_r(target - initial) * _r(step / warmup_steps)) + initial)
        return self._decay(_r(step - warmup_steps), decay_steps, target)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): periods of ``first_decay_steps`` times
    ``t_mul ** i``, each starting at ``initial_learning_rate * m_mul ** i`` and decaying
    to ``alpha`` times that.

    >>> from convlayers.optimizers import schedules
    >>> schedule = schedules.CosineDecayRestarts(0.1, first_decay_steps=10)
    >>> [round(schedule(step), 6) for step in (0, 5, 10, 20)]
    [0.1, 0.05, 0.1, 0.05]
    """

    def __init__(
        self,
        initial_learning_rate: float,
        first_decay_steps: float,
        t_mul: float = 2.0,
        m_mul: float = 1.0,
        alpha: float = 0.0,
        name: str | None = None,
    ) -> None:
        self.initial_learning_rate = _real(initial_learning_rate, "initial_learning_rate")
        self.first_decay_steps = _positive(first_decay_steps, "first_decay_steps")
        self._t_mul = _positive(t_mul, "t_mul")
        self._m_mul = _real(m_mul, "m_mul")
        self.alpha = _real(alpha, "alpha")
        self.name = name

    def __call__(self, step: Any) -> float:
        t_mul, m_mul, alpha = _r(self._t_mul), _r(self._m_mul), _r(self.alpha)
        fraction = _r(_step(step) / _r(self.first_decay_steps))
        if t_mul == 1.0:
            restart = math.floor(fraction)
            fraction = _r(fraction - restart)
        else:
            ratio = _r(_r(math.log(_r(1.0 - _r(fraction * _r(1.0 - t_mul))))) / _r(math.log(t_mul)))
            restart = math.floor(ratio)
            grown = _r(t_mul**restart)
            done = _r(_r(1.0 - grown) / _r(1.0 - t_mul))
            fraction = _r(_r(fraction - done) / grown)
        cosine = _cosine(fraction, scale=_r(0.5 * _r(m_mul**restart)))
        decayed = _r(_r(_r(1 - alpha) * cosine) + alpha)
        return _r(_r(self.initial_learning_rate) * decayed)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }


_MODULE = "keras.optimizers.schedules"
_REGISTRY = Registry("schedule", _MODULE)
for _cls in (
    CosineDecay,
    CosineDecayRestarts,
    ExponentialDecay,
    InverseTimeDecay,
    PiecewiseConstantDecay,
    PolynomialDecay,
):
    _REGISTRY.add(_cls)


def serialize(schedule: LearningRateSchedule) -> dict[str, Any]:
    """tf-keras' dict of a schedule: ``{"module": "keras.optimizers.schedules",
    "class_name": ..., "config": ..., "registered_name": None}`` (a user's subclass
    gets the custom-object form).

    >>> from convlayers.optimizers import schedules
    >>> schedules.serialize(schedules.ExponentialDecay(0.1, 10, 0.5))['class_name']
    'ExponentialDecay'
    """
    if type(schedule).__module__ == __name__:
        return serialize_object(schedule, _MODULE)
    return serialize_custom(schedule, "schedule")


def deserialize(
    config: Mapping[str, Any] | str, custom_objects: Mapping[str, Any] | None = None
) -> LearningRateSchedule:
    """The schedule a ``serialize()`` dict (or the legacy ``{"class_name", "config"}``
    form) describes; ``custom_objects`` maps class names to user classes.

    >>> from convlayers.optimizers import schedules
    >>> config = schedules.serialize(schedules.PiecewiseConstantDecay([10], [1.0, 0.1]))
    >>> schedules.deserialize(config)(20)
    0.10000000149011612
    """
    return _REGISTRY.deserialize(config, custom_objects)
