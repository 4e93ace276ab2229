"""Keras-style layers on PyTorch."""

from . import symbolic_ops  # noqa: F401  (installs the operators of symbolic tensors)
from .base import Layer
from .conv import Conv1D, Conv2D
from .core import Activation, Dense, Dropout, Flatten, Reshape
from .depthwise import DepthwiseConv1D, DepthwiseConv2D
from .input_layer import Input, InputLayer
from .input_spec import InputSpec
from .lambda_layer import Lambda
from .locally_connected import LocallyConnected1D, LocallyConnected2D
from .merging import (
    Add,
    Average,
    Concatenate,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    maximum,
    minimum,
    multiply,
    subtract,
)
from .registry import register_builtin
from .regularization import SpatialDropout1D, SpatialDropout2D
from .reshaping import Cropping1D, Cropping2D, Permute, ZeroPadding1D, ZeroPadding2D
from .separable import SeparableConv1D, SeparableConv2D
from .upsampling import UpSampling1D, UpSampling2D

# Keras 1 names tf-keras still accepts (in code and in model configs).
Convolution1D, Convolution2D = Conv1D, Conv2D
SeparableConvolution1D, SeparableConvolution2D = SeparableConv1D, SeparableConv2D
for _cls in (Conv1D, Conv2D, SeparableConv1D, SeparableConv2D):
    register_builtin(_cls, _cls.__name__.replace("Conv", "Convolution"))
del _cls

__all__ = [
    "Activation",
    "Add",
    "Average",
    "Concatenate",
    "Conv1D",
    "Conv2D",
    "Convolution1D",
    "Convolution2D",
    "Cropping1D",
    "Cropping2D",
    "Dense",
    "DepthwiseConv1D",
    "DepthwiseConv2D",
    "Dropout",
    "Flatten",
    "Input",
    "InputLayer",
    "InputSpec",
    "Lambda",
    "Layer",
    "LocallyConnected1D",
    "LocallyConnected2D",
    "Maximum",
    "Minimum",
    "Multiply",
    "Permute",
    "Reshape",
    "SeparableConv1D",
    "SeparableConv2D",
    "SeparableConvolution1D",
    "SeparableConvolution2D",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "Subtract",
    "UpSampling1D",
    "UpSampling2D",
    "ZeroPadding1D",
    "ZeroPadding2D",
    "add",
    "average",
    "concatenate",
    "maximum",
    "minimum",
    "multiply",
    "subtract",
]
