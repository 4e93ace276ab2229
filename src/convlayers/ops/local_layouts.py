"""Kernel layouts of the LocallyConnected layers and conversions between them.

tf-keras stores a LocallyConnected kernel in one of three layouts, chosen by
``implementation``. For spatial input ``S = (L1, ..., Lr)`` with ``C`` channels,
kernel ``K = (k1, ..., kr)``, output ``O = (o1, ..., or)`` with ``P = prod(O)``
positions and ``F`` filters:

* 1: ``(P, prod(K) * C, F)``; the middle axis runs over ``(*K, C)`` for
  channels_last and over ``(C, *K)`` for channels_first (the order in which the
  reference flattens an input patch). Only 'valid' padding.
* 2: a dense, mostly-zero matrix ``(*S, C, *O, F)`` (channels_first:
  ``(C, *S, F, *O)``); only entries inside a window are used.
* 3: the flat vector of connected entries only, in the reference's order: sorted
  by (output index, input index) of a ``(prod(O) * F) x (prod(S) * C)`` matrix
  whose indices ravel ``(*O, F)`` / ``(*S, C)`` (channels_first ``(F, *O)`` /
  ``(C, *S)``).

Every computation runs on the *canonical* kernel: layout 1 extended to 'same'
padding, with zeros where a window tap falls outside the input. The index maps
here are pure integer arithmetic (NumPy, vectorised), computed once per geometry.

>>> g = LocalGeometry((5,), 2, 3, (3,), (2,), "same", True)
>>> g.output_shape, g.kernel_shape(3), g.kernel_shape(2)
((3,), (42,), (5, 2, 3, 3))
"""

from __future__ import annotations

import functools
import math

import numpy as np
import torch
from torch.autograd.function import once_differentiable

from .caching import shape_cache
from .local_geometry import LocalGeometry
from .local_layout3 import CanonicalRows, layout3_canonical

__all__ = ["LocalGeometry", "convert_kernel", "to_canonical"]


@functools.lru_cache(maxsize=16)
def _positions(geom: LocalGeometry) -> tuple[np.ndarray, np.ndarray]:
    """For each connected entry, in layout-3 order: its flat index in the canonical
    kernel and its flat index in the layout-2 kernel."""
    rank, kernel, out = geom.rank, geom.kernel_size, geom.output_shape
    lefts = [left for left, _ in geom.pads]
    # axes of the grid, in the order layout 3 lists entries
    if geom.channels_last:
        names = [*(f"o{d}" for d in range(rank)), "f", *(f"j{d}" for d in range(rank)), "c"]
    else:
        names = ["f", *(f"o{d}" for d in range(rank)), "c", *(f"j{d}" for d in range(rank))]
    sizes = {"f": geom.filters, "c": geom.channels}
    sizes.update({f"o{d}": out[d] for d in range(rank)})
    sizes.update({f"j{d}": kernel[d] for d in range(rank)})
    grid = np.indices([sizes[n] for n in names], dtype=np.int64)
    ix = {n: grid[a].ravel() for a, n in enumerate(names)}
    inputs = [ix[f"o{d}"] * geom.strides[d] - lefts[d] + ix[f"j{d}"] for d in range(rank)]
    keep = np.ones(ix["f"].shape, bool)
    for d in range(rank):
        keep &= (inputs[d] >= 0) & (inputs[d] < geom.input_shape[d])
    ix = {n: v[keep] for n, v in ix.items()}
    inputs = [i[keep] for i in inputs]
    o = [ix[f"o{d}"] for d in range(rank)]
    j = [ix[f"j{d}"] for d in range(rank)]
    p = np.ravel_multi_index(o, out) if rank else np.zeros_like(ix["f"])
    feature = (*j, ix["c"]) if geom.channels_last else (ix["c"], *j)
    feature_dims = (*kernel, geom.channels) if geom.channels_last else (geom.channels, *kernel)
    q = np.ravel_multi_index(feature, feature_dims)
    canonical = np.ravel_multi_index((p, q, ix["f"]), geom.canonical_shape)
    dense_shape = geom.kernel_shape(2)
    if geom.channels_last:
        dense = np.ravel_multi_index((*inputs, ix["c"], *o, ix["f"]), dense_shape)
    else:
        dense = np.ravel_multi_index((ix["c"], *inputs, ix["f"], *o), dense_shape)
    return canonical, dense


@shape_cache(32, constant=True)
def _index_tensors(geom: LocalGeometry, device: str) -> tuple[torch.Tensor, torch.Tensor]:
    """``_positions(geom)`` as torch index tensors on ``device`` (cached)."""
    canonical, dense = _positions(geom)
    return torch.from_numpy(canonical).to(device), torch.from_numpy(dense).to(device)


@shape_cache(32)
def _is_valid_layout3(geom: LocalGeometry) -> bool:
    return all(left == 0 for left, _ in geom.pads) and geom.kernel_shape(3)[0] == math.prod(
        geom.canonical_shape
    )


def to_canonical(
    kernel: torch.Tensor, geom: LocalGeometry, implementation: int, piecewise: bool = False
) -> torch.Tensor | CanonicalRows:
    """The canonical ``(P, prod(K) * C, F)`` kernel, differentiable in ``kernel``.

    Under 'valid' padding this is a strided *view* of the stored kernel (a 2-D or
    channels_first layout 2 is then copied once): no index arithmetic per call.
    Under 'same' the connected entries are copied into a zero tensor: layout 3 by
    one strided copy per block of positions with the same taps (``local_layout3``),
    layout 2 through cached flat indices. With ``piecewise`` (a no-grad forward),
    such a layout-3 kernel comes as ``CanonicalRows``, built piece by piece when
    indexed.
    """
    if implementation == 1:
        return kernel
    p, feat, filters = geom.canonical_shape
    if implementation == 3 and _is_valid_layout3(geom):
        if geom.channels_last:  # entries ordered (P, F, feature)
            return kernel.view(p, filters, feat).transpose(1, 2)
        return kernel.view(filters, p, feat).permute(1, 2, 0)  # (F, P, feature)
    if implementation == 2 and geom.padding == "valid":
        return _dense_valid_view(kernel, geom)
    if implementation == 3:
        return CanonicalRows(kernel, geom) if piecewise else layout3_canonical(kernel, geom)
    canonical_idx, dense_idx = _index_tensors(geom, str(kernel.device))
    values = kernel.reshape(-1).index_select(0, dense_idx)
    flat = kernel.new_zeros(p * feat * filters)
    flat.index_copy_(0, canonical_idx, values)  # in place: no second copy
    return flat.view(p, feat, filters)


class _StridedGather(torch.autograd.Function):
    """A non-overlapping strided view of ``kernel`` whose backward is one strided copy
    into a zero tensor (autograd's own ``as_strided`` backward is far slower)."""

    @staticmethod
    def forward(ctx, kernel, sizes, strides):  # type: ignore[override]
        ctx.geometry = (kernel.shape, sizes, strides)
        return kernel.as_strided(sizes, strides)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad):  # type: ignore[override]
        shape, sizes, strides = ctx.geometry
        dkernel = grad.new_zeros(shape)
        dkernel.as_strided(sizes, strides).copy_(grad)
        return dkernel, None, None


def _dense_valid_view(kernel: torch.Tensor, geom: LocalGeometry) -> torch.Tensor:
    """Layout 2 under 'valid' padding seen as the canonical kernel, through a strided view.

    Entry ``(o, j, c, f)`` of the canonical kernel sits at ``[o*s + j, c, o, f]``
    (channels_first ``[c, o*s + j, f, o]``) of the dense layout.
    """
    rank = geom.rank
    dense = torch.empty(geom.kernel_shape(2), device="meta").stride()
    if geom.channels_last:
        st_in, st_c, st_out, st_f = dense[:rank], dense[rank], dense[rank + 1 : -1], dense[-1]
    else:
        st_c, st_in, st_f = dense[0], dense[1 : rank + 1], dense[rank + 1]
        st_out = dense[rank + 2 :]
    out_strides = [s * a + b for s, a, b in zip(geom.strides, st_in, st_out)]
    taps = (list(geom.kernel_size), list(st_in))
    if geom.channels_last:
        sizes = [*geom.output_shape, *taps[0], geom.channels, geom.filters]
        strides = [*out_strides, *taps[1], st_c, st_f]
    else:
        sizes = [*geom.output_shape, geom.channels, *taps[0], geom.filters]
        strides = [*out_strides, st_c, *taps[1], st_f]
    kernel, sizes, strides = kernel.contiguous(), tuple(sizes), tuple(strides)
    if torch.compiler.is_compiling():  # autograd.Function tracing: plain as_strided instead
        view = kernel.as_strided(sizes, strides)
    else:
        view = _StridedGather.apply(kernel, sizes, strides)
    return view.reshape(geom.canonical_shape)


def convert_kernel(kernel, geom: LocalGeometry, source: int, target: int):
    """Re-express a stored kernel of layout ``source`` in layout ``target``.

    Works on NumPy arrays (returns an array) and torch tensors (returns a tensor).
    The outputs of a layer are unchanged by the conversion. Entries of layout 2
    outside every window carry no information and become zeros.

    >>> g = LocalGeometry((6,), 2, 3, (3,), (1,), "valid", True)
    >>> k3 = np.arange(g.kernel_shape(3)[0], dtype=np.float32)
    >>> k2 = convert_kernel(k3, g, 3, 2)
    >>> k2.shape, bool((convert_kernel(k2, g, 2, 3) == k3).all())
    ((6, 2, 4, 3), True)
    """
    for name, impl in (("source", source), ("target", target)):
        if impl not in (1, 2, 3):
            raise ValueError(f"`{name}` must be 1, 2 or 3. Received: {name}={impl!r}")
    if 1 in (source, target) and geom.padding != "valid":
        raise ValueError(
            f"`implementation` 1 supports only padding='valid'. Received: padding={geom.padding!r}"
        )
    is_numpy = not isinstance(kernel, torch.Tensor)
    tensor = torch.as_tensor(np.asarray(kernel)) if is_numpy else kernel
    expected = geom.kernel_shape(source)
    if tuple(tensor.shape) != expected:
        raise ValueError(
            f"`kernel` must have shape {expected} for implementation {source}. "
            f"Received: kernel.shape={tuple(tensor.shape)}"
        )
    canonical_idx, dense_idx = _index_tensors(geom, str(tensor.device))
    flat = tensor.reshape(-1)
    entries = {1: lambda: flat[canonical_idx], 2: lambda: flat[dense_idx], 3: lambda: flat}
    values = entries[source]()
    if target == 3:
        result = values.clone()
    else:
        index = canonical_idx if target == 1 else dense_idx
        size = math.prod(geom.kernel_shape(target))
        result = tensor.new_zeros(size).index_copy(0, index, values)
        result = result.view(geom.kernel_shape(target))
    return result.numpy() if is_numpy else result
