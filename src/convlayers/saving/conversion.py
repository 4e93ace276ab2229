"""Convert a Keras model file in one call: to a torch ``state_dict`` (``.pt``), to ONNX
(``.onnx``, checked with onnxruntime against ``predict``) or to the other Keras format.

``python -m convlayers convert MODEL OUT`` runs :func:`convert`.

>>> import os, tempfile, convlayers
>>> folder = tempfile.mkdtemp()
>>> model = convlayers.Sequential([convlayers.Conv1D(2, 3, input_shape=(8, 1))], name="m")
>>> model.save(os.path.join(folder, "model.h5"))
>>> summary = convert(os.path.join(folder, "model.h5"), os.path.join(folder, "model.pt"),
...                   log=lambda line: None)
>>> "(Sequential 'm': 1 layer, 8 weights in 2 arrays)" in summary, summary[-19:]
(True, '(torch state_dict).')
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
import torch

from .api import load_model, save_model
from .weight_matching import keras_class_name

__all__ = ["convert", "export_onnx"]

_KERAS_SUFFIXES = (".keras", ".h5", ".hdf5")
_TORCH_SUFFIXES = (".pt", ".pth")
# ONNX Runtime against predict: |onnx - predict| <= ONNX_ATOL + ONNX_RTOL * |predict|
# (ONNX Runtime's float32 sigmoid/tanh approximations differ by ~1e-4 relative in the tails)
ONNX_RTOL, ONNX_ATOL = 1e-4, 1e-5


def _onnx_modules() -> Any:
    try:
        import onnxruntime
        import onnxscript  # noqa: F401  (torch's ONNX exporter needs it)
    except ImportError as error:
        raise ImportError(
            "Writing ONNX needs onnx, onnxscript and onnxruntime, which are not installed. "
            "Install them with: pip install convlayers[onnx]"
        ) from error
    return onnxruntime


def _example_inputs(model: Any, batch_size: int) -> list[torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    inputs = []
    for index, tensor in enumerate(model.inputs):
        if any(size is None for size in tensor.shape[1:]):
            raise ValueError(
                f"Input {index} of model {model.name!r} has a dimension of unknown size "
                f"(shape {tensor.shape}); ONNX export needs every size but the batch size."
            )
        shape = (batch_size, *tensor.shape[1:])
        inputs.append(torch.randn(shape, generator=generator, dtype=model._torch_dtype))
    return inputs


@contextlib.contextmanager
def _quiet_exporter() -> Iterator[None]:
    """Keep the exporter's progress prints, log lines and deprecation notices off the
    console (errors still raise)."""
    loggers = [logging.getLogger(name) for name in ("torch.onnx", "onnxscript", "onnx_ir")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore", (FutureWarning, DeprecationWarning, UserWarning))
            yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def export_onnx(model: Any, path: str, batch_size: int = 1) -> float:
    """Write ``model`` as ONNX (fixed batch size ``batch_size``), run it in ONNX Runtime on
    random inputs and return the largest absolute difference from ``model.predict``
    (ValueError beyond ``ONNX_ATOL + ONNX_RTOL * |predict|``).

    >>> import os, tempfile, convlayers
    >>> model = convlayers.Sequential([convlayers.Conv1D(2, 3, input_shape=(8, 1))])
    >>> path = os.path.join(tempfile.mkdtemp(), 'model.onnx')
    >>> error = export_onnx(model, path, batch_size=4)  # the largest |onnx - predict|
    >>> error < 1e-5, os.path.exists(path)
    (True, True)
    """
    onnxruntime = _onnx_modules()
    inputs = _example_inputs(model, batch_size)
    input_names = [t._keras_history.layer.name for t in model.inputs]
    output_names = [t._keras_history.layer.name for t in model.outputs]
    if len(set(output_names)) < len(output_names):
        output_names = [f"output_{i}" for i in range(len(output_names))]
    model.eval()
    with _quiet_exporter():
        program = torch.onnx.export(
            model,
            (inputs[0] if len(inputs) == 1 else inputs,),
            dynamo=True,
            verbose=False,
            input_names=input_names,
            output_names=output_names,
        )
    program.save(path)
    session = onnxruntime.InferenceSession(path)
    feed = {i.name: x.numpy() for i, x in zip(session.get_inputs(), inputs)}
    got = session.run(None, feed)
    expected = model.predict(inputs[0] if len(inputs) == 1 else inputs, verbose=0)
    expected = expected if isinstance(expected, list) else [expected]
    error = max(float(np.max(np.abs(g - e))) for g, e in zip(got, expected))
    if not all(np.allclose(g, e, rtol=ONNX_RTOL, atol=ONNX_ATOL) for g, e in zip(got, expected)):
        raise ValueError(
            f"The ONNX model written to {path} disagrees with predict: largest difference "
            f"{error:.2e} (tolerance {ONNX_ATOL} + {ONNX_RTOL} x |value|)."
        )
    return error


def _describe(model: Any) -> str:
    layers = len(model.layers)
    count = sum(w.numel() for w in model.weights)
    return (
        f"{keras_class_name(model)} '{model.name}': {layers} layer{'s' * (layers != 1)}, "
        f"{count:,} weights in {len(model.weights)} arrays"
    )


def convert(
    source: Any,
    target: Any,
    custom_objects: Mapping[str, Any] | None = None,
    batch_size: int = 1,
    log: Callable[[str], None] = print,
) -> str:
    """Read the Keras model file ``source`` and write ``target``, by its suffix: ``.pt``
    (a torch ``state_dict`` for the model ``load_model(source)`` rebuilds), ``.onnx``
    (checked with onnxruntime) or ``.keras``/``.h5``. ``log`` gets one progress line;
    the one-line summary is returned.

    >>> import os, tempfile, convlayers
    >>> folder = tempfile.mkdtemp()
    >>> model = convlayers.Sequential([convlayers.Dense(2, input_shape=(3,))], name='m')
    >>> model.save(os.path.join(folder, 'm.h5'))
    >>> summary = convert(os.path.join(folder, 'm.h5'), os.path.join(folder, 'm.keras'),
    ...                   log=lambda line: None)
    >>> summary.endswith("m.keras (Keras .keras file)."), sorted(os.listdir(folder))
    (True, ['m.h5', 'm.keras'])
    """
    source, target = os.fspath(source), os.fspath(target)
    lowered = target.lower()
    if not lowered.endswith((*_TORCH_SUFFIXES, ".onnx", *_KERAS_SUFFIXES)):
        raise ValueError(
            "`target` must end in .pt, .pth, .onnx, .keras, .h5 or .hdf5. "
            f"Received: target={target!r}"
        )
    log(f"Reading {source} and writing {target} ...")
    model = load_model(source, custom_objects, compile=False)
    if lowered.endswith(_TORCH_SUFFIXES):
        torch.save(model.state_dict(), target)
        detail = "torch state_dict"
    elif lowered.endswith(".onnx"):
        error = export_onnx(model, target, batch_size)
        detail = (
            f"ONNX, batch size {batch_size}; onnxruntime matches predict, largest "
            f"difference {error:.1e}"
        )
    else:
        save_model(model, target)
        detail = "Keras .keras file" if lowered.endswith(".keras") else "Keras .h5 file"
    return f"Converted {source} ({_describe(model)}) to {target} ({detail})."
