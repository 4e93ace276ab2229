"""convlayers: the TensorFlow/Keras convolution layers on PyTorch.

>>> import torch, convlayers
>>> convlayers.Conv1D(16, 5, padding="same", strides=2)(torch.randn(2, 11, 3)).shape
torch.Size([2, 6, 16])
"""

from . import activations, config, constraints, initializers, layers, regularizers
from .engine import callbacks, losses, metrics, optimizers
from .engine.functional import Model
from .engine.sequential import Sequential
from .layers import (
    Activation,
    Add,
    Average,
    Concatenate,
    Conv1D,
    Conv2D,
    Cropping1D,
    Cropping2D,
    Dense,
    DepthwiseConv1D,
    DepthwiseConv2D,
    Dropout,
    Flatten,
    Input,
    InputLayer,
    InputSpec,
    Lambda,
    Layer,
    LocallyConnected1D,
    LocallyConnected2D,
    Maximum,
    Minimum,
    Multiply,
    Permute,
    Reshape,
    SeparableConv1D,
    SeparableConv2D,
    SpatialDropout1D,
    SpatialDropout2D,
    Subtract,
    UpSampling1D,
    UpSampling2D,
    ZeroPadding1D,
    ZeroPadding2D,
)
from .naming import reset_names as clear_session
from .plain_torch import apply_constraints, regularization_loss
from .symbolic import SymbolicTensor

__version__ = "0.1.0"

__all__ = [
    "Activation",
    "Add",
    "Average",
    "Concatenate",
    "Conv1D",
    "Conv2D",
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
    "Model",
    "Multiply",
    "Permute",
    "Reshape",
    "SeparableConv1D",
    "SeparableConv2D",
    "Sequential",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "Subtract",
    "SymbolicTensor",
    "UpSampling1D",
    "UpSampling2D",
    "ZeroPadding1D",
    "ZeroPadding2D",
    "activations",
    "apply_constraints",
    "callbacks",
    "clear_session",
    "config",
    "constraints",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "optimizers",
    "regularization_loss",
    "regularizers",
]
