"""convlayers: the TensorFlow/Keras convolution layers on PyTorch.

>>> import torch, convlayers
>>> convlayers.Conv1D(16, 5, padding="same", strides=2)(torch.randn(2, 11, 3)).shape
torch.Size([2, 6, 16])
"""

from . import (
    activations,
    backend,
    callbacks,
    compat,
    config,
    constraints,
    initializers,
    layers,
    losses,
    metrics,
    models,
    regularizers,
    utils,
)
from .engine import optimizers
from .engine.functional import Model
from .engine.sequential import Sequential
from .layers import (
    Activation,
    Conv1D,
    Conv2D,
    Dense,
    DepthwiseConv1D,
    DepthwiseConv2D,
    Dropout,
    Flatten,
    Input,
    InputLayer,
    InputSpec,
    Layer,
    LocallyConnected1D,
    LocallyConnected2D,
    Reshape,
    SeparableConv1D,
    SeparableConv2D,
)
from .naming import reset_names as clear_session
from .plain_torch import apply_constraints, regularization_loss
from .symbolic import SymbolicTensor

__version__ = "0.1.0"

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
    "Model",
    "Reshape",
    "SeparableConv1D",
    "SeparableConv2D",
    "Sequential",
    "SymbolicTensor",
    "activations",
    "apply_constraints",
    "backend",
    "callbacks",
    "clear_session",
    "compat",
    "config",
    "constraints",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "models",
    "optimizers",
    "regularization_loss",
    "regularizers",
    "utils",
]
