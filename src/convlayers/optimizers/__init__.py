"""Keras optimizers (tf-keras 2.21's ``tf.keras.optimizers``) that are torch optimizers.

Each class takes tf-keras' arguments and defaults, reproduces its update rule in float32
operation by operation, and is a ``torch.optim.Optimizer`` (``step``, ``zero_grad``,
``param_groups``, ``state_dict``, torch LR schedulers, DDP). Make it Keras style and let
``compile``/``fit`` (or :meth:`Optimizer.build`) bind it to the weights, or torch style
with the parameters first. Every class takes its own hyperparameters (positional, in
tf-keras' order), ``name``, and these common Keras arguments by keyword:

- ``weight_decay``: decoupled decay before each update, ``w -= w * weight_decay * lr``.
- ``clipnorm`` (each gradient's norm), ``global_clipnorm`` (all gradients' norm) or
  ``clipvalue`` (each element); at most one of them.
- ``use_ema``, ``ema_momentum``, ``ema_overwrite_frequency``: moving averages of the
  weights, copied into them every ``ema_overwrite_frequency`` steps and by
  ``finalize_variable_values`` (which ``fit`` calls at the end).
- ``jit_compile`` (accepted; reported False, as tf-keras does without a GPU), ``name``.

>>> import torch, convlayers
>>> opt = convlayers.optimizers.Adam(1e-3, clipnorm=1.0)
>>> opt.get_config()["clipnorm"], float(opt.lr)
(1.0, 0.0010000000474974513)
>>> model = torch.nn.Linear(2, 1)
>>> torch_style = convlayers.optimizers.Adam(model.parameters(), lr=0.01)
>>> len(torch_style.param_groups[0]["params"]), torch_style.param_groups[0]["lr"]
(2, 0.01)
"""

from . import schedules
from .adagrad import Adadelta, Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .base import Optimizer
from .ftrl import Ftrl
from .lion import Lion
from .nadam import Nadam
from .rmsprop import RMSprop
from .serialization import deserialize, get, serialize
from .sgd import SGD

__all__ = [
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Ftrl",
    "Lion",
    "Nadam",
    "Optimizer",
    "RMSprop",
    "deserialize",
    "get",
    "schedules",
    "serialize",
]
