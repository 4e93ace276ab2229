"""Keras-style layers on PyTorch."""

from .base import Layer
from .conv import Conv1D, Conv2D
from .core import Activation, Dense, Dropout, Flatten, Reshape
from .depthwise import DepthwiseConv1D, DepthwiseConv2D
from .input_layer import Input, InputLayer
from .input_spec import InputSpec
from .locally_connected import LocallyConnected1D, LocallyConnected2D
from .separable import SeparableConv1D, SeparableConv2D

__all__ = [
    "Activation",
    "Conv1D",
    "Conv2D",
    "Dense",
    "DepthwiseConv1D",
    "DepthwiseConv2D",
    "Dropout",
    "Flatten",
    "Input",
    "InputLayer",
    "InputSpec",
    "Layer",
    "LocallyConnected1D",
    "LocallyConnected2D",
    "Reshape",
    "SeparableConv1D",
    "SeparableConv2D",
]
