"""Keras callbacks (``tf.keras.callbacks`` of tf-keras 2.21) for ``fit``/``evaluate``.

>>> from convlayers import callbacks
>>> stop = callbacks.EarlyStopping(monitor="val_auc", patience=3)
>>> reduce = callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2)
>>> stop.patience, reduce.factor
(3, 0.5)
"""

from .base import Callback, History, LambdaCallback, TerminateOnNaN
from .callback_list import CallbackList
from .csv_logger import CSVLogger
from .monitors import EarlyStopping, LearningRateScheduler, ModelCheckpoint, ReduceLROnPlateau
from .progbar_logger import ProgbarLogger

__all__ = [
    "CSVLogger",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "TerminateOnNaN",
]
