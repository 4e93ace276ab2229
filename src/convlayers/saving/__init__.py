"""Keras model files: read tf-keras ``.h5`` and Keras ``.keras`` models and weights, write
them back in the formats tf-keras 2.21 reads, and convert them.

h5py is an optional dependency (``pip install convlayers[h5]``): importing convlayers
does not need it; reading or writing a file without it raises ImportError naming the
extra. Files are data: nothing in them is unpickled, evaluated or imported.

>>> import convlayers
>>> convlayers.saving.load_model is convlayers.load_model
True
>>> convlayers.saving.convert.__module__
'convlayers.saving.conversion'
"""

from ..layers.registry import get_registered_object, register_keras_serializable
from .api import load_model, load_weights, save_model, save_weights
from .conversion import convert, export_onnx
from .h5_io import FileError

__all__ = [
    "FileError",
    "convert",
    "export_onnx",
    "get_registered_object",
    "load_model",
    "load_weights",
    "register_keras_serializable",
    "save_model",
    "save_weights",
]
