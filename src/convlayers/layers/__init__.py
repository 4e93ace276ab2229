"""Keras-style layers on PyTorch."""

from .base import Layer
from .conv import Conv1D, Conv2D
from .input_spec import InputSpec

__all__ = ["Conv1D", "Conv2D", "InputSpec", "Layer"]
