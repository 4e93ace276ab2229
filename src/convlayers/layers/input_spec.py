"""What a built layer accepts: the rank of its input and the size of some axes."""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

__all__ = ["InputSpec"]


@dataclass(frozen=True)
class InputSpec:
    """Expected input rank ``ndim`` and fixed axis sizes ``axes`` (axis -> size).

    >>> spec = InputSpec(ndim=3, axes={-1: 4})
    >>> spec.check("conv1d", torch.zeros(2, 5, 3))
    Traceback (most recent call last):
    ...
    ValueError: Input 0 of layer "conv1d" is incompatible with the layer: expected axis -1 \
of input shape to have value 4, but received input with shape (2, 5, 3)
    """

    ndim: int
    axes: dict[int, int] = field(default_factory=dict)

    def check(self, layer_name: str, inputs: torch.Tensor) -> None:
        """Raise ``ValueError`` if ``inputs`` does not fit this spec."""
        if inputs.dim() != self.ndim:
            raise ValueError(
                f'Input 0 of layer "{layer_name}" is incompatible with the layer: expected '
                f"ndim={self.ndim}, found ndim={inputs.dim()}. "
                f"Full shape received: {tuple(inputs.shape)}"
            )
        for axis, size in self.axes.items():
            if inputs.shape[axis] != size:
                raise ValueError(
                    f'Input 0 of layer "{layer_name}" is incompatible with the layer: expected '
                    f"axis {axis} of input shape to have value {size}, but received input "
                    f"with shape {tuple(inputs.shape)}"
                )
