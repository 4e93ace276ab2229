"""Keras-style layers on PyTorch."""

from .base import Layer
from .conv import Conv1D, Conv2D
from .core import Activation, Dense, Dropout, Flatten, Reshape
from .depthwise import DepthwiseConv1D, DepthwiseConv2D
from .input_layer import Input, InputLayer
from .input_spec import InputSpec
from .locally_connected import LocallyConnected1D, LocallyConnected2D
from .registry import register_builtin
from .separable import SeparableConv1D, SeparableConv2D

# Keras 1 names tf-keras still accepts (in code and in model configs).
Convolution1D, Convolution2D = Conv1D, Conv2D
SeparableConvolution1D, SeparableConvolution2D = SeparableConv1D, SeparableConv2D
for _cls in (Conv1D, Conv2D, SeparableConv1D, SeparableConv2D):
    register_builtin(_cls, _cls.__name__.replace("Conv", "Convolution"))
del _cls

__all__ = [
    "Activation",
    "Conv1D",
    "Conv2D",
    "Convolution1D",
    "Convolution2D",
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
    "SeparableConvolution1D",
    "SeparableConvolution2D",
]
