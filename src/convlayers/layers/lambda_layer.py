"""``Lambda``: a function of the inputs used as a layer, for code (not for files).

The output shape comes from ``output_shape`` (a shape without the batch axis, a list of
them, or a function of the input shape) or, without it, from running the function on
meta tensors (see ``shape_inference``): no data is computed.

Serialization: tf-keras stores any Python function as bytecode ('lambda' type), which
convlayers never writes nor loads. ``get_config`` stores a named function by name
('function' type, which tf-keras loads when the name is in its ``custom_objects``) and
refuses a ``lambda``; ``from_config`` finds a name in ``custom_objects`` or among
registered objects only, and refuses bytecode.

Inference runs the function on meta tensors: a layer called inside it must be built
beforehand (or ``output_shape`` given), else its first build would happen on meta tensors.

>>> import torch, convlayers
>>> def double(x):
...     return 2 * x
>>> layer = convlayers.Lambda(double)
>>> layer(torch.ones(1, 2)).tolist(), layer(convlayers.Input((5, 3))).shape
([[2.0, 2.0]], (None, 5, 3))
>>> layer.get_config()["function"], layer.get_config()["function_type"]
('double', 'function')
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ..symbolic import SymbolicTensor, map_structure
from .base import Layer, as_shape
from .layer_utils import is_shape
from .registry import get_registered_object
from .shape_inference import ShapeInferenceError, infer_outputs

__all__ = ["Lambda"]


class Lambda(Layer):
    """Wraps ``function(inputs, **arguments)`` as a layer.

    Args:
        function: the function of the inputs (a tensor or a list of tensors). If it has a
            ``mask`` or ``training`` parameter, the call's mask or training flag is passed.
        output_shape: the output shape without the batch axis (or a list of them), or a
            function from the input shape to the full output shape; ``None`` infers it.
        mask: the output mask, or a function ``mask(inputs, input_mask)`` returning it.
        arguments: extra keyword arguments for ``function``.

    Shapes: whatever ``function`` returns; the batch axis of the first input leads a
    given ``output_shape``.

    >>> import torch, convlayers
    >>> convlayers.Lambda(lambda x, k: x[:, :k], arguments={"k": 2})(torch.ones(3, 5)).shape
    torch.Size([3, 2])
    """

    def __init__(
        self,
        function: Callable[..., Any],
        output_shape: Any = None,
        mask: Any = None,
        arguments: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"`function` must be callable. Received: function={function!r}")
        if arguments is not None and not isinstance(arguments, Mapping):
            raise TypeError(f"`arguments` must be a dict. Received: arguments={arguments!r}")
        self.function = function
        self.arguments = dict(arguments or {})
        self.mask = mask
        if mask is not None:
            self.supports_masking = True
        self._output_shape = output_shape
        try:
            parameters = inspect.signature(function).parameters
        except (TypeError, ValueError):  # builtins without a signature
            parameters = {}
        self._fn_expects_mask = "mask" in parameters
        self._fn_expects_training = "training" in parameters

    def call(self, inputs: Any, mask: Any = None, training: bool | None = None) -> Any:
        kwargs = dict(self.arguments)
        if self._fn_expects_mask:
            kwargs["mask"] = mask
        if self._fn_expects_training:
            kwargs["training"] = self.training if training is None else training
        return self.function(inputs, **kwargs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        if self._output_shape is not None:
            first = input_shape if is_shape(input_shape) else input_shape[0]
            batch = as_shape(first)[0] if first else None
            if is_shape(self._output_shape):
                return (batch, *self._output_shape)
            return [(batch, *as_shape(shape)) for shape in self._output_shape]
        inputs = (
            SymbolicTensor(as_shape(input_shape), self.dtype)
            if is_shape(input_shape)
            else [SymbolicTensor(as_shape(s), self.dtype) for s in input_shape]
        )
        try:
            outputs = infer_outputs(self.call, (inputs,), {})
        except ShapeInferenceError as error:
            raise NotImplementedError(
                "We could not automatically infer the shape of the Lambda's output. Please "
                f"specify `output_shape` for this Lambda. (Running {self.function!r} on meta "
                f"tensors of shape {input_shape} failed: {error})"
            ) from error
        return map_structure(lambda t: t.shape, outputs)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        function, function_type, module = _function_config(self, self.function, "function")
        config.update(function=function, function_type=function_type, module=module)
        shape = self._output_shape
        if callable(shape):
            shape, shape_type, shape_module = _function_config(self, shape, "output_shape")
        else:
            shape_type, shape_module = "raw", None
        config.update(
            output_shape=shape, output_shape_type=shape_type, output_shape_module=shape_module
        )
        if self.mask is not None:
            if not callable(self.mask):
                raise ValueError(
                    f"Lambda layer {self.name!r}: a `mask` that is not a function cannot be "
                    f"serialized (tf-keras refuses it too). Received: mask={self.mask!r}"
                )
            mask, mask_type, mask_module = _function_config(self, self.mask, "mask")
            config.update(mask=mask, mask_type=mask_type, mask_module=mask_module)
        config["arguments"] = self.arguments
        return config

    @classmethod
    def from_config(
        cls, config: dict[str, Any], custom_objects: Mapping[str, Any] | None = None
    ) -> Lambda:
        """Rebuild a Lambda whose functions are given by name in ``custom_objects`` (or
        registered); bytecode ('lambda' type) is refused."""
        config = dict(config)
        function = _function_from_config(
            config, "function", "module", "function_type", custom_objects
        )
        shape = _function_from_config(
            config, "output_shape", "output_shape_module", "output_shape_type", custom_objects
        )
        mask = None
        if "mask" in config:
            mask = _function_from_config(config, "mask", "mask_module", "mask_type", custom_objects)
        arguments = dict(config.pop("arguments", None) or {})
        for key, value in arguments.items():
            if isinstance(value, dict) and value.get("type") == "ndarray":
                arguments[key] = np.array(value["value"])
        if isinstance(shape, list) and is_shape(shape):
            shape = tuple(shape)
        return cls(function, output_shape=shape, mask=mask, arguments=arguments, **config)


def _function_config(layer: Lambda, fn: Any, what: str) -> tuple[Any, str, Any]:
    """``(value, type, module)`` of a function in a Lambda config: a named callable by
    name; a ``lambda`` is refused."""
    name = getattr(fn, "__name__", None)
    if not isinstance(name, str) or name == "<lambda>" or not name.isidentifier():
        raise ValueError(
            f"Lambda layer {layer.name!r}: its `{what}` {fn!r} is a Python lambda (or has "
            "no name). tf-keras would store its bytecode, which convlayers never writes or "
            "loads; define it with `def` and give it by name in `custom_objects` when "
            "loading."
        )
    return name, "function", getattr(fn, "__module__", None)


def _function_from_config(
    config: dict[str, Any],
    key: str,
    module_key: str,
    type_key: str,
    custom_objects: Mapping[str, Any] | None,
) -> Any:
    value = config.pop(key, None)
    config.pop(module_key, None)
    kind = config.pop(type_key, "raw" if key == "output_shape" else "function")
    if kind == "raw":
        return value
    if kind == "lambda":
        raise ValueError(
            "Requested the deserialization of a Lambda layer with a Python `lambda` inside "
            "it. This carries a potential risk of arbitrary code execution and thus it is "
            f"disallowed: convlayers never loads Python bytecode (`{key}` of this Lambda). "
            "Rebuild the layer in code, or save it with a named function."
        )
    if kind != "function":
        raise TypeError(
            "Unsupported value for `function_type` argument. Received: "
            f"function_type={kind}. Expected one of ['function', 'lambda', 'raw']"
        )
    found = get_registered_object(value, custom_objects) if isinstance(value, str) else None
    if not callable(found):
        raise ValueError(
            f"Unknown {key} in Lambda layer: {value!r}. Pass the function in "
            "`custom_objects` or register it with `register_keras_serializable()`; "
            "convlayers never imports a name from a config."
        )
    return found
