"""``optimizer.learning_rate`` and ``optimizer.iterations``: live views shaped like tf.Variables.

Keras code reads and sets an optimizer's learning rate through its variable:
``float(opt.lr)``, ``opt.lr.numpy()``, ``opt.learning_rate.assign(0.1)``,
``K.get_value(opt.lr)`` / ``K.set_value(opt.lr, 0.1)`` (which call ``numpy()`` and
``assign``). A :class:`ScalarVariable` reads and writes the optimizer itself each time
(the learning rate lives in ``param_groups[i]["lr"]``), so a value set through it, through
``param_groups`` or by a torch LR scheduler is the same value. Arithmetic gives NumPy
scalars of the variable's dtype, as ``variable.numpy()`` would.

>>> box = {"lr": 0.5}
>>> lr = ScalarVariable("learning_rate", np.float32, lambda: box["lr"], lambda v: box.update(lr=v))
>>> float(lr), lr * 2, lr.numpy().dtype
(0.5, np.float32(1.0), dtype('float32'))
>>> _ = lr.assign(0.25)
>>> box, lr
({'lr': 0.25}, <ScalarVariable 'learning_rate' dtype=float32, numpy=np.float32(0.25)>)
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["ScalarVariable"]


class ScalarVariable:
    """A read/write view on one scalar of an optimizer.

    Args:
        name: shown in ``repr`` (``'learning_rate'``, ``'iteration'``).
        dtype: the NumPy scalar type ``numpy()`` returns (``np.float32``, ``np.int64``).
        read: returns the current value.
        write: stores a new value (and may refuse it).
    """

    shape: tuple[int, ...] = ()

    def __init__(
        self,
        name: str,
        dtype: type[np.generic],
        read: Callable[[], Any],
        write: Callable[[Any], None],
    ) -> None:
        self.name = name
        self.dtype = np.dtype(dtype)
        self._read = read
        self._write = write

    def numpy(self) -> np.generic:
        """The current value as a NumPy scalar of ``dtype``."""
        return self.dtype.type(self._read())

    value = numpy
    read_value = numpy

    def assign(self, value: Any) -> ScalarVariable:
        """Set the value (``K.set_value(variable, v)`` calls this); returns the view."""
        if isinstance(value, ScalarVariable):
            value = value.numpy()
        self._write(value)
        return self

    def assign_add(self, delta: Any) -> ScalarVariable:
        """Add ``delta`` to the value."""
        return self.assign(self.numpy() + delta)

    def assign_sub(self, delta: Any) -> ScalarVariable:
        """Subtract ``delta`` from the value."""
        return self.assign(self.numpy() - delta)

    def __float__(self) -> float:
        return float(self.numpy())

    def __int__(self) -> int:
        return int(self.numpy())

    def __index__(self) -> int:
        if self.dtype.kind not in "iu":
            raise TypeError(f"{self.name!r} is a {self.dtype.name} value, not an integer")
        return int(self.numpy())

    def __bool__(self) -> bool:
        return bool(self.numpy())

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.asarray(self.numpy(), dtype=dtype)

    def __format__(self, spec: str) -> str:
        return format(self.numpy().item(), spec)

    def __repr__(self) -> str:
        return f"<ScalarVariable {self.name!r} dtype={self.dtype.name}, numpy={self.numpy()!r}>"

    __hash__ = object.__hash__  # identity, like a tf.Variable; == compares values


def _plain(value: Any) -> Any:
    return value.numpy() if isinstance(value, ScalarVariable) else value


def _binary(op: Callable[[Any, Any], Any], reflected: bool = False) -> Callable[..., Any]:
    if reflected:
        return lambda self, other: op(_plain(other), self.numpy())
    return lambda self, other: op(self.numpy(), _plain(other))


for _name, _op in [
    ("add", operator.add),
    ("sub", operator.sub),
    ("mul", operator.mul),
    ("truediv", operator.truediv),
    ("floordiv", operator.floordiv),
    ("mod", operator.mod),
    ("pow", operator.pow),
]:
    setattr(ScalarVariable, f"__{_name}__", _binary(_op))
    setattr(ScalarVariable, f"__r{_name}__", _binary(_op, reflected=True))
for _name, _op in [
    ("eq", operator.eq),
    ("ne", operator.ne),
    ("lt", operator.lt),
    ("le", operator.le),
    ("gt", operator.gt),
    ("ge", operator.ge),
]:
    setattr(ScalarVariable, f"__{_name}__", _binary(_op))
ScalarVariable.__neg__ = lambda self: -self.numpy()  # type: ignore[attr-defined]
ScalarVariable.__abs__ = lambda self: abs(self.numpy())  # type: ignore[attr-defined]
