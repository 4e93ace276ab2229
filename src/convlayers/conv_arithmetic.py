"""Convolution arithmetic: output lengths and padding, in plain integers.

This is the one definition of the conv arithmetic used by every layer, by
``compute_output_shape`` and by the functional ops. It imports nothing from
torch. Lengths may be ``None`` (unknown), in which case the result is ``None``.

Definitions, for an input length ``L``, kernel size ``k``, stride ``s`` and
dilation ``d`` (``k_eff = d * (k - 1) + 1``):

* ``'valid'``:  ``out = ceil((L - k_eff + 1) / s)``, no padding.
* ``'same'``:   ``out = ceil(L / s)``; total padding
  ``max((out - 1) * s + k_eff - L, 0)``, ``total // 2`` on the left and the
  extra element on the right (TensorFlow's rule).
* ``'causal'``: ``d * (k - 1)`` zeros on the left, then ``'valid'``.

Pooling windows follow the same rules with ``d = 1`` (TF pools with the conv
padding; an average leaves the padding out).

>>> conv_output_length(10, 3, "valid", stride=2)
4
>>> conv_padding(10, 4, "same", stride=1)
(1, 2)
>>> conv_padding(10, 3, "causal", dilation=4)
(8, 0)
"""

from __future__ import annotations

__all__ = [
    "conv_output_length",
    "conv_padding",
    "deconv_crop",
    "deconv_output_length",
    "effective_kernel_size",
    "local_output_length",
    "local_padding",
    "local_windows",
]


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def effective_kernel_size(kernel_size: int, dilation: int = 1) -> int:
    """Span of a dilated kernel: ``d * (k - 1) + 1``."""
    return dilation * (kernel_size - 1) + 1


def conv_output_length(
    length: int | None, kernel_size: int, padding: str, stride: int = 1, dilation: int = 1
) -> int | None:
    """Output length of a convolution along one spatial dimension.

    The result may be zero or negative when the kernel does not fit; callers
    that need a positive length check it (see ``validation.check_output_length``).
    """
    if length is None:
        return None
    k_eff = effective_kernel_size(kernel_size, dilation)
    if padding == "same":
        return _ceil_div(length, stride)
    if padding == "causal":
        length += k_eff - 1
    elif padding != "valid":
        raise ValueError(f"Unknown padding {padding!r}")
    return _ceil_div(length - k_eff + 1, stride)


def deconv_output_length(
    length: int | None,
    kernel_size: int,
    padding: str,
    output_padding: int | None = None,
    stride: int = 1,
    dilation: int = 1,
) -> int | None:
    """Output length of a transposed convolution (tf-keras' ``deconv_output_length``).

    Without ``output_padding``: ``L * s`` ('same'), ``L * s + max(k_eff - s, 0)``
    ('valid'); with it: ``(L - 1) * s + k_eff - 2 * pad + output_padding`` where ``pad``
    is ``k_eff // 2`` ('same') or 0 ('valid').

    >>> deconv_output_length(5, 3, "same", stride=2), deconv_output_length(5, 3, "valid", 2, 3)
    (10, 17)
    """
    if length is None:
        return None
    k_eff = effective_kernel_size(kernel_size, dilation)
    if padding not in ("same", "valid"):
        raise ValueError(f"Unknown padding {padding!r}")
    if output_padding is None:
        return length * stride if padding == "same" else length * stride + max(k_eff - stride, 0)
    pad = k_eff // 2 if padding == "same" else 0
    return (length - 1) * stride + k_eff - 2 * pad + output_padding


def deconv_crop(
    length: int,
    kernel_size: int,
    padding: str,
    output_padding: int | None = None,
    stride: int = 1,
    dilation: int = 1,
) -> tuple[int, int]:
    """``(start, out)``: a transposed convolution's output is entries ``start`` to
    ``start + out`` of the full one (``(L - 1) * s + k_eff`` long), zeros past its end.

    TF computes it as the input gradient of the convolution of an ``out``-long input
    into ``L`` outputs; that convolution pads ``max((L - 1) * s + k_eff - out, 0)``
    zeros, the smaller half before ('same'), or none ('valid').

    >>> deconv_crop(5, 4, "same", stride=2)  # full length 12
    (1, 10)
    """
    out = deconv_output_length(length, kernel_size, padding, output_padding, stride, dilation)
    assert out is not None
    if padding == "valid":
        return 0, out
    full = (length - 1) * stride + effective_kernel_size(kernel_size, dilation)
    return max(full - out, 0) // 2, out


def conv_padding(
    length: int, kernel_size: int, padding: str, stride: int = 1, dilation: int = 1
) -> tuple[int, int]:
    """``(left, right)`` zero padding that makes a 'valid' convolution match ``padding``."""
    k_eff = effective_kernel_size(kernel_size, dilation)
    if padding == "valid":
        return (0, 0)
    if padding == "causal":
        return (k_eff - 1, 0)
    if padding == "same":
        out = _ceil_div(length, stride)
        total = max((out - 1) * stride + k_eff - length, 0)
        return (total // 2, total - total // 2)
    raise ValueError(f"Unknown padding {padding!r}")


def local_output_length(
    length: int | None, kernel_size: int, padding: str, stride: int = 1
) -> int | None:
    """Output length of a LocallyConnected layer (no dilation).

    'valid' is the conv rule; 'same' gives ``ceil(L / s)`` like a convolution.
    """
    return conv_output_length(length, kernel_size, padding, stride)


def local_padding(length: int, kernel_size: int, padding: str, stride: int = 1) -> tuple[int, int]:
    """``(left, right)`` zeros that turn LocallyConnected windows into 'valid' ones.

    'same' puts ``k // 2`` zeros on the left (the window of output ``o`` starts at
    ``o*s - k//2``) and as many on the right as the last window needs.

    >>> local_padding(10, 4, "same"), conv_padding(10, 4, "same")
    ((2, 1), (1, 2))
    """
    if padding == "valid":
        return (0, 0)
    if padding != "same":
        raise ValueError(f"Unknown padding {padding!r}")
    out = _ceil_div(length, stride)
    left = kernel_size // 2
    return (left, max((out - 1) * stride - left + kernel_size - length, 0))


def local_windows(
    length: int, kernel_size: int, padding: str, stride: int = 1
) -> list[tuple[int, ...]]:
    """Input positions connected to each output position of a LocallyConnected layer.

    Output ``o`` under 'valid' reads ``o*s, ..., o*s + k - 1``. Under 'same'
    the reference's own rule applies: the window starts at ``o*s - k//2`` and
    taps outside ``[0, L)`` are dropped (which, for even ``k``, differs from a
    convolution's TF 'same' split).

    >>> local_windows(5, 3, "same", 2)
    [(0, 1), (1, 2, 3), (3, 4)]
    """
    out = local_output_length(length, kernel_size, padding, stride)
    first = -(kernel_size // 2) if padding == "same" else 0
    windows = []
    for o in range(out or 0):
        start = o * stride + first
        windows.append(tuple(i for i in range(start, start + kernel_size) if 0 <= i < length))
    return windows
