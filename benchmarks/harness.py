"""What a workload is, and how a torch candidate becomes a timed step (not a test).

A :class:`Workload` is one layer configuration at one input size (a :class:`LayerSpec`:
the Keras class name, its arguments and the input shape) and its PyTorch competitors.
From the spec the benchmark builds our layer (``convlayers``), the Keras 3 layer (torch
backend) and, in the reference venv, the tf-keras layer, so all three run the very same
configuration. The hand-written PyTorch variants are written per family in
``workloads_*.py``.

Phases: ``fwd`` is a forward under ``no_grad``; ``train`` is a training step: forward, then
the gradients of ``sum(outputs)`` with respect to the input and every weight.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch

Forward = Callable[[torch.Tensor], torch.Tensor]
PHASES = ("fwd", "train")


@dataclass(frozen=True)
class LayerSpec:
    """A Keras layer by class name, constructor arguments and (batched) input shape."""

    cls: str
    kwargs: dict[str, Any]
    input_shape: tuple[int, ...]

    def as_dict(self) -> dict:
        return {"cls": self.cls, "kwargs": self.kwargs, "input_shape": list(self.input_shape)}


@dataclass
class Candidate:
    """A way to compute the workload: ``forward(x)`` and the parameters it trains.

    ``prepare`` turns the workload's channels_last input into this candidate's input
    layout once, outside the timed region (e.g. a channels_first copy).
    """

    forward: Forward
    params: list[torch.Tensor]
    prepare: Callable[[torch.Tensor], torch.Tensor] | None = None


@dataclass
class Workload:
    """One benchmark row group: a layer at one input size, and its competitors.

    ``raw`` maps a variant name to a maker of hand-written PyTorch; ``keras3`` says whether
    Keras 3 has the layer; ``tfkeras`` names the tf-keras configuration to time (workloads
    that differ only in our kernel layout share one) with the argument overrides to try,
    the fastest of which is taken (``None``: not timed in tf-keras); ``no_compile`` maps a
    phase to the reason it is not timed under ``torch.compile``; ``rounds`` overrides the
    rounds of a very slow workload; ``notes`` gives, per phase, the known explanation of a
    ratio where we lose.
    """

    key: str
    title: str
    spec: LayerSpec
    raw: dict[str, Callable[[], Candidate]] = field(default_factory=dict)
    keras3: bool = True
    tfkeras: tuple[str, tuple[dict[str, Any], ...]] | None = None
    no_compile: dict[str, str] = field(default_factory=dict)
    rounds: int | None = None
    notes: dict[str, str] = field(default_factory=dict)

    def ours(self) -> Candidate:
        """Our layer, built for the workload's input shape."""
        import convlayers

        layer_cls = getattr(convlayers, self.spec.cls, None)
        if layer_cls is None:  # hook: a layer not on main yet
            raise LayerMissing(f"convlayers has no {self.spec.cls} yet")
        layer = layer_cls(**self.spec.kwargs)
        layer.build(self.spec.input_shape)
        return Candidate(layer, list(layer.parameters()))

    def keras3_candidate(self) -> Candidate:
        """The Keras 3 layer on its torch backend (ImportError outside the bench venv)."""
        import keras

        layer = getattr(keras.layers, self.spec.cls)(**self.spec.kwargs)
        layer.build(self.spec.input_shape)
        return Candidate(layer, [v.value for v in layer.trainable_weights])

    def candidates(self) -> dict[str, Candidate]:
        """``ours``, ``raw:<variant>`` for every hand-written variant, and ``keras3``."""
        found = {"ours": self.ours()}
        found.update({f"raw:{name}": make() for name, make in self.raw.items()})
        if self.keras3:
            with contextlib.suppress(ImportError):  # Keras 3 is only in the bench venv
                found["keras3"] = self.keras3_candidate()
        return found


class LayerMissing(LookupError):
    """The workload's layer is not in this convlayers (the workload is skipped)."""


def tensor_bytes(*tensors: torch.Tensor) -> int:
    """Bytes held by ``tensors`` (storage of their elements, as laid out)."""
    return sum(t.numel() * t.element_size() for t in tensors)


def candidate_input(candidate: Candidate, x: torch.Tensor, train: bool) -> torch.Tensor:
    """The candidate's own input: prepared, contiguous, a leaf that wants a gradient in
    training."""
    xi = candidate.prepare(x).contiguous() if candidate.prepare is not None else x
    return xi.detach().requires_grad_(train)


def run_once(candidate: Candidate, x: torch.Tensor, train: bool) -> torch.Tensor:
    """One call of the phase on an input made by :func:`candidate_input`; returns the
    output. Gradients of the previous step are dropped first, so none accumulates."""
    if not train:
        with torch.no_grad():
            return candidate.forward(x)
    x.grad = None
    for p in candidate.params:
        p.grad = None
    y = candidate.forward(x)
    y.sum().backward()
    return y


def make_step(candidate: Candidate, x: torch.Tensor, train: bool) -> Callable[[], None]:
    """A zero-argument step for ``timing``: one phase of ``candidate`` on ``x``."""
    xi = candidate_input(candidate, x, train)

    def step() -> None:
        run_once(candidate, xi, train)

    return step
