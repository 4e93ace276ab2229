"""convlayers: the TensorFlow/Keras convolution layers on PyTorch.

>>> import torch, convlayers
>>> convlayers.Conv1D(16, 5, padding="same", strides=2)(torch.randn(2, 11, 3)).shape
torch.Size([2, 6, 16])
"""

from . import activations, config, constraints, initializers, layers, regularizers
from .layers import Conv1D, Conv2D, InputSpec, Layer
from .layers import DepthwiseConv1D, DepthwiseConv2D, SeparableConv1D, SeparableConv2D
from .layers import LocallyConnected1D, LocallyConnected2D
from .naming import reset_names as clear_session
from .training import apply_constraints, regularization_loss

__version__ = "0.1.0"

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
    "activations",
    "apply_constraints",
    "clear_session",
    "config",
    "constraints",
    "initializers",
    "layers",
    "regularization_loss",
    "regularizers",
]
