"""Global settings shared by every layer, as Keras keeps them.

``floatx()`` is the dtype of a layer made without ``dtype`` ('float32'),
``epsilon()`` the fuzz factor of numeric expressions (1e-7), and
``image_data_format()`` what ``data_format=None`` means. It is
'channels_last' unless set with ``set_image_data_format`` or found in the
user's Keras config file, ``$KERAS_HOME/keras.json`` (by default
``~/.keras/keras.json``), read once on first use.

>>> set_image_data_format("channels_first")
>>> image_data_format()
'channels_first'
>>> set_image_data_format(None)  # back to the config file or the default
"""

from __future__ import annotations

import json
import os
from pathlib import Path

__all__ = [
    "epsilon",
    "floatx",
    "image_data_format",
    "keras_config_path",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
]

_FORMATS = ("channels_last", "channels_first")
_FLOATS = ("float16", "bfloat16", "float32", "float64")
_image_data_format: str | None = None
_epsilon = 1e-7
_floatx = "float32"


def epsilon() -> float:
    """The fuzz factor used in numeric expressions (Keras' default 1e-7).

    >>> epsilon()
    1e-07
    """
    return _epsilon


def set_epsilon(value: float) -> None:
    """Set the fuzz factor ``epsilon()`` returns.

    >>> set_epsilon(1e-5)
    >>> epsilon()
    1e-05
    >>> set_epsilon(1e-7)
    """
    global _epsilon
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"`epsilon` must be a number. Received: epsilon={value!r}")
    _epsilon = float(value)


def floatx() -> str:
    """The default dtype of layers made without ``dtype``: 'float32' unless set.

    >>> floatx()
    'float32'
    """
    return _floatx


def set_floatx(value: str) -> None:
    """Set the default layer dtype: 'float16', 'bfloat16', 'float32' or 'float64'.

    >>> import convlayers
    >>> set_floatx('float64')
    >>> convlayers.Dense(2)(convlayers.Input((3,))).dtype
    'float64'
    >>> set_floatx('float32')
    """
    global _floatx
    if value not in _FLOATS:
        raise ValueError(
            f"Unknown `floatx` value: {value}. Expected one of {set(_FLOATS)}. "
            f"Received: floatx={value!r}"
        )
    _floatx = value


def keras_config_path() -> Path:
    """Where Keras keeps its config file: ``$KERAS_HOME/keras.json`` or ``~/.keras/keras.json``.

    >>> keras_config_path().name
    'keras.json'
    """
    home = os.environ.get("KERAS_HOME")
    base = Path(home) if home else Path.home() / ".keras"
    return base / "keras.json"


def _from_config_file() -> str:
    path = keras_config_path()
    try:
        settings = json.loads(path.read_text())
    except (OSError, ValueError):
        return "channels_last"
    value = (
        settings.get("image_data_format", "channels_last") if isinstance(settings, dict) else None
    )
    if value not in _FORMATS:
        raise ValueError(
            f"`image_data_format` in {path} must be 'channels_last' or 'channels_first'. "
            f"Received: image_data_format={value!r}"
        )
    return value


def image_data_format() -> str:
    """The default ``data_format`` of every layer: 'channels_last' or 'channels_first'.

    >>> image_data_format()
    'channels_last'
    """
    global _image_data_format
    if _image_data_format is None:
        _image_data_format = _from_config_file()
    return _image_data_format


def set_image_data_format(data_format: str | None) -> None:
    """Set the global default; ``None`` forgets it (the config file is read again).

    >>> import convlayers
    >>> set_image_data_format('channels_first')
    >>> convlayers.Conv2D(4, 3).data_format  # data_format=None: the global setting
    'channels_first'
    >>> set_image_data_format(None)
    >>> convlayers.Conv2D(4, 3).data_format
    'channels_last'
    """
    global _image_data_format
    if data_format is not None and data_format not in _FORMATS:
        raise ValueError(
            "`data_format` must be 'channels_last' or 'channels_first'. "
            f"Received: data_format={data_format!r}"
        )
    _image_data_format = data_format
