"""``model.summary()``: the Keras table of layers, output shapes and parameter counts.

>>> import convlayers
>>> model = convlayers.Sequential([convlayers.Dense(4, input_shape=(3,), name="d")],
...                               name="m")
>>> model.summary()
Model: "m"
_________________________________________________________________
 Layer (type)                Output Shape              Param #
=================================================================
 d (Dense)                   (None, 4)                 16
<BLANKLINE>
=================================================================
Total params: 16 (64.00 Byte)
Trainable params: 16 (64.00 Byte)
Non-trainable params: 0 (0.00 Byte)
_________________________________________________________________
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["print_summary", "readable_memory_size"]


def readable_memory_size(size: float) -> str:
    """Bytes as Keras prints them: '376.00 Byte', '1.50 KB', ..."""
    for unit in ("Byte", "KB", "MB", "GB", "TB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


_BREAKS = ("),", "},", "],", "',")


def _rows(fields: Sequence[str], positions: Sequence[int]) -> list[str]:
    """A table row; text longer than its column wraps onto further lines, as in Keras."""
    left = [str(field) for field in fields]
    lines = []
    while any(left):
        line = ""
        for col, text in enumerate(left):
            start = positions[col - 1] if col else 0
            space = 2 if col != len(positions) - 1 else 0
            cutoff = positions[col] - start - space
            breaks = [text[:cutoff].find(end) + len(end) for end in _BREAKS if end in text[:cutoff]]
            cutoff = min(breaks) if breaks else cutoff  # Keras breaks after "),", "'," ...
            line += (" " if col == 0 else "") + text[:cutoff] + " " * space
            left[col] = text[cutoff:]
            line += " " * (positions[col] - len(line))
        lines.append(line)
    return lines


def _shape_text(layer: Any) -> str:
    try:
        return str(layer.output_shape)
    except AttributeError:
        return "multiple"


def _connections(layer: Any, model: Any) -> list[str]:
    names = []
    for node in layer._inbound_nodes:
        if node in model._nodes:
            for tensor in node.inputs:
                history = tensor._keras_history
                names.append(f"{history.layer.name}[{history.node_index}][{history.tensor_index}]")
    return names


def _is_chain(model: Any) -> bool:
    """Whether the model is a plain stack (no "Connected to" column needed)."""
    if not getattr(model, "_is_graph_network", False):
        return True
    if len(model.inputs) != 1 or len(model.outputs) != 1:
        return False
    return all(
        len(node.inputs) <= 1 and len(node.layer._inbound_nodes) == 1 for node in model._nodes
    )


def print_summary(
    model: Any,
    line_length: int | None = None,
    positions: Sequence[float] | None = None,
    print_fn: Callable[[str], Any] | None = None,
) -> None:
    """Print the table of ``model``'s layers with output shapes and parameter counts."""
    if not model.built:
        raise ValueError(
            "This model has not yet been built. Build the model first by calling `build()` or "
            "by calling the model on a batch of data."
        )
    print_fn = print_fn or print
    chain = _is_chain(model)
    line_length = line_length or (65 if chain else 98)
    positions = positions or ([0.45, 0.85, 1.0] if chain else [0.3, 0.6, 0.7, 1.0])
    cols = [int(line_length * p) if p <= 1 else int(p) for p in positions]
    header = ["Layer (type)", "Output Shape", "Param #"] + ([] if chain else ["Connected to"])
    print_fn(f'Model: "{model.name}"')
    print_fn("_" * line_length)
    for line in _rows(header, cols):
        print_fn(line)
    print_fn("=" * line_length)
    for layer in model.layers:
        params = layer.count_params() if layer.built else 0
        fields = [f"{layer.name} ({type(layer).__name__})", _shape_text(layer), str(params)]
        links = [] if chain else [str(_connections(layer, model))]
        for line in _rows([*fields, *links], cols):
            print_fn(line)
        print_fn(" " * line_length)
    print_fn("=" * line_length)
    for label, weights in (
        ("Total", model.weights),
        ("Trainable", model.trainable_weights),
        ("Non-trainable", model.non_trainable_weights),
    ):
        count = sum(w.numel() for w in weights)
        size = sum(w.numel() * w.element_size() for w in weights)
        print_fn(f"{label} params: {count} ({readable_memory_size(size)})")
    print_fn("_" * line_length)
