"""Keras-style layers on PyTorch."""

from .base import Layer
from .conv import Conv1D, Conv2D
from .depthwise import DepthwiseConv1D, DepthwiseConv2D
from .input_spec import InputSpec
from .locally_connected import LocallyConnected1D, LocallyConnected2D
from .separable import SeparableConv1D, SeparableConv2D

__all__ = [
    "Conv1D",
    "Conv2D",
    "DepthwiseConv1D",
    "DepthwiseConv2D",
    "InputSpec",
    "Layer",
    "LocallyConnected1D",
    "LocallyConnected2D",
    "SeparableConv1D",
    "SeparableConv2D",
]
