"""HDF5 access for the saving package: h5py as an optional dependency, one error type for
files that cannot be read, and the attribute forms tf-keras writes.

Every read of a file happens inside :func:`reading`, which turns whatever h5py, zipfile
or json raise on a damaged file into a :class:`FileError` (a ``ValueError``) naming the
file, so callers never see a crash from deep inside h5py.

>>> with reading("model.h5"):
...     {}["model_weights"]
Traceback (most recent call last):
...
convlayers.saving.h5_io.FileError: model.h5 is damaged or is not a Keras model file \
(KeyError: 'model_weights')
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import Any

import numpy as np

__all__ = [
    "HDF5_SIGNATURE",
    "FileError",
    "open_h5",
    "read_json_attr",
    "read_name_list",
    "reading",
    "require_h5py",
    "write_name_list",
]

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
# HDF5 keeps attributes in the object header, which holds at most this many bytes
# (tf-keras splits longer name lists into numbered chunks).
HEADER_LIMIT = 64512


class FileError(ValueError):
    """A Keras file that cannot be read: damaged, of the wrong kind, or with content
    this package refuses (it is a ``ValueError``).

    >>> import os, tempfile, convlayers
    >>> path = os.path.join(tempfile.mkdtemp(), 'broken.h5')
    >>> with open(path, 'wb') as f:
    ...     _ = f.write(b'not an HDF5 file')
    >>> try:
    ...     convlayers.load_model(path)
    ... except convlayers.saving.FileError as error:
    ...     print(isinstance(error, ValueError), str(error)[len(path) :])
    True  is neither an HDF5 file (.h5, .weights.h5) nor a .keras zip file: it starts
    with b'not an H'.
    """


def require_h5py() -> ModuleType:
    """The h5py module; ImportError naming the extra to install when it is missing."""
    try:
        import h5py
    except ImportError as error:
        raise ImportError(
            "Keras model files (.h5, .keras) need h5py, which is not installed. "
            "Install it with: pip install convlayers[h5]"
        ) from error
    return h5py


_READ_ERRORS = (
    OSError,
    KeyError,
    RuntimeError,
    TypeError,
    ValueError,
    AttributeError,
    IndexError,
    EOFError,
    UnicodeDecodeError,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
)


@contextmanager
def reading(source: str) -> Iterator[None]:
    """Run a block that reads ``source``; any failure becomes one :class:`FileError`."""
    try:
        yield
    except FileError:
        raise
    except (*_READ_ERRORS, json.JSONDecodeError) as error:
        detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise FileError(
            f"{source} is damaged or is not a Keras model file ({type(error).__name__}: {detail})"
            if detail
            else f"{source} is damaged or is not a Keras model file ({type(error).__name__})"
        ) from error


def open_h5(source: Any, mode: str = "r") -> Any:
    """An ``h5py.File`` on a path or on bytes held in memory (``mode`` 'r' or 'w')."""
    h5py = require_h5py()
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    return h5py.File(source, mode)


def _text(value: Any) -> str:
    if isinstance(value, bytes | np.bytes_):
        return bytes(value).decode("utf8")
    if isinstance(value, str):
        return value
    raise FileError(f"Expected a text attribute in the file. Received: {value!r}")


def read_json_attr(obj: Any, name: str) -> Any:
    """The JSON document stored in attribute ``name`` (None when there is none)."""
    if name not in obj.attrs:
        return None
    return json.loads(_text(obj.attrs[name]))


def read_name_list(group: Any, name: str) -> list[str]:
    """A list of names stored as attribute ``name`` or in chunks ``name0``, ``name1``..."""
    if name in group.attrs:
        chunks = [group.attrs[name]]
    else:
        chunks, index = [], 0
        while f"{name}{index}" in group.attrs:
            chunks.append(group.attrs[f"{name}{index}"])
            index += 1
    return [_text(item) for chunk in chunks for item in np.asarray(chunk).reshape(-1)]


def write_name_list(group: Any, name: str, names: Sequence[str]) -> None:
    """Store ``names`` as tf-keras does: one attribute of bytes (an empty float array when
    there are none), split into numbered chunks when it exceeds the header limit."""
    data = [item.encode("utf8") for item in names]
    too_long = [item for item in data if len(item) > HEADER_LIMIT]
    if too_long:
        raise ValueError(
            f"Names longer than {HEADER_LIMIT} bytes cannot be stored in an HDF5 attribute. "
            f"Received: {too_long[0][:80]!r}..."
        )
    array = np.asarray(data)
    chunks = [array]
    while any(chunk.nbytes > HEADER_LIMIT for chunk in chunks):
        chunks = np.array_split(array, len(chunks) + 1)
    if len(chunks) == 1:
        group.attrs[name] = data
        return
    for index, chunk in enumerate(chunks):
        group.attrs[f"{name}{index}"] = chunk
