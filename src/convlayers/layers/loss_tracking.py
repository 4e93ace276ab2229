"""Losses and updates of a layer, unconditional or conditional on some inputs.

``add_loss(losses, inputs=None)`` and ``add_update(updates, inputs=None)`` record
entries; ``get_losses_for(inputs)`` / ``get_updates_for(inputs)`` return those
recorded for any of ``inputs`` (``None``: the unconditional ones, weight
regularization included); ``losses`` / ``updates`` list them all. Activity
regularization losses are conditional on the inputs of the call that made them.

>>> import torch, convlayers
>>> layer = convlayers.Dense(2)
>>> a, b = torch.ones(1, 3), torch.zeros(1, 3)
>>> layer.add_loss(torch.tensor(1.0), inputs=a)
>>> layer.add_loss(torch.tensor(2.0))
>>> layer.get_losses_for(a), layer.get_losses_for(b), layer.get_losses_for(None)
([tensor(1.)], [], [tensor(2.)])
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import torch

from ..symbolic import flatten

__all__ = ["LossTrackingMixin", "call_context"]


class _CallContext(threading.local):
    """How deep inside layer calls this thread is (0: outside any call)."""

    depth = 0


call_context = _CallContext()


class LossTrackingMixin:
    """Loss and update bookkeeping, mixed into ``Layer``."""

    _activity_losses: list[tuple[torch.Tensor, Any]]
    _added_losses: list[tuple[Any, Any]]
    _updates: list[tuple[Any, Any]]

    def _flatten_layers(self) -> Iterator[Any]:
        raise NotImplementedError

    @property
    def losses(self) -> list[torch.Tensor]:
        """Activity losses of the latest call, added losses and weight regularization
        (computed now), for this layer and every layer inside it."""
        return self._collect_losses(lambda inputs: True, True)

    def get_losses_for(self, inputs: Any) -> list[torch.Tensor]:
        """The losses conditional on ``inputs`` (a tensor or a list of them): those added with
        ``add_loss(..., inputs=...)`` for any of them, and activity losses of calls on them.
        ``None`` gives the unconditional ones, weight regularization included."""
        if inputs is None:
            return self._collect_losses(lambda given: given is None, True)
        wanted = {id(t) for t in flatten(inputs)}
        return self._collect_losses(lambda given: _depends_on(given, wanted), False)

    def _collect_losses(self, keep: Callable[[Any], bool], weights: bool) -> list[torch.Tensor]:
        collected = []
        for layer in self._flatten_layers():
            collected.extend(loss for loss, given in layer._activity_losses if keep(given))
            for loss, given in layer._added_losses:
                if keep(given):
                    collected.append(loss() if callable(loss) else loss)
            if weights:
                for weight, spec in layer._weight_items():
                    if spec.regularizer is not None:
                        collected.append(spec.regularizer(weight))
        return collected

    def add_loss(self, losses: Any, inputs: Any = None) -> None:
        """Add a loss tensor (or a zero-argument callable returning one), or a list of them;
        with ``inputs``, the losses are conditional on those inputs (see ``get_losses_for``).

        Called inside ``call``, the loss belongs to that call, as an activity loss does: it is
        forgotten when the next outermost call starts."""
        target = self._activity_losses if call_context.depth else self._added_losses
        for loss in losses if isinstance(losses, (list, tuple)) else [losses]:
            target.append((loss, inputs))

    @property
    def updates(self) -> list[Any]:
        """Update ops added with ``add_update`` (kept for API parity; nothing runs them)."""
        return [u for layer in self._flatten_layers() for u, _ in layer._updates]

    def get_updates_for(self, inputs: Any) -> list[Any]:
        """The updates added for any of ``inputs``; ``None`` gives the unconditional ones."""
        wanted = None if inputs is None else {id(t) for t in flatten(inputs)}
        return [
            update
            for layer in self._flatten_layers()
            for update, given in layer._updates
            if (given is None if wanted is None else _depends_on(given, wanted))
        ]

    def add_update(self, updates: Any, inputs: Any = None) -> None:
        """Record an update op, or a list of them, optionally conditional on ``inputs``."""
        for update in updates if isinstance(updates, (list, tuple)) else [updates]:
            self._updates.append((update, inputs))


def _depends_on(given: Any, wanted: set[int]) -> bool:
    """Whether the ``inputs=`` of a conditional loss or update include a wanted tensor."""
    return given is not None and any(id(t) in wanted for t in flatten(given))
