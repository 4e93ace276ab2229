"""Unshared-weight ("locally connected") convolution: the hot path of LocallyConnected1D/2D.

The computation is a batched matrix product over output positions ``p``:
``y[p] = patches[p] @ W[p]`` with ``patches[p]`` the ``(N, prod(K) * C)`` input
windows of position ``p`` and ``W`` the canonical ``(P, prod(K) * C, F)`` kernel
(``local_layouts.to_canonical``; a view of the stored kernel whenever possible).

* Forward: for a channels_last 1-D input the patches are a zero-copy strided view
  of the input (its windows' tap and channel axes merge: one ``as_strided``), which BLAS reads
  directly, and one ``baddbmm`` computes the ``(P, N, F)`` output, the bias (a
  ``(P, 1, F)`` view) added by the GEMM itself. Otherwise the patches are copied in
  pieces of about the input's size, each ``baddbmm``-ed straight into its rows of the
  output (``prod(K)`` copies of the input are never held at once). The contiguous
  ``(P, N, F)`` buffer is returned as an ``(N, *O, F)`` / ``(N, F, *O)`` view: no
  output-sized copy, and no weight-sized or ``(L*C) x (P*F)`` matrix.
* Backward (``_LocalMatmul``): ``dW = patches^T @ dy`` (``bmm`` on the same patch
  pieces, written in the stride order of ``W`` so the gradient of a view needs no
  copy). The input gradient, 1-D with unit stride: one ``baddbmm`` per tap into rows
  ``j : j + P`` of a position-major ``dx`` (no patch gradient at all); otherwise
  ``dpatches = dy @ W^T`` (one ``bmm``) folded back into ``dx`` with one strided
  in-place add per kernel tap (``prod(K)`` adds, each over non-overlapping positions).
  Neither is ``unfold``'s index scatter.

Double backward is not supported (the function is ``once_differentiable``). Layers
smaller than ``CUSTOM_BACKWARD_MIN_MACS`` multiply-adds, and any layer under
``torch.compile``, run the plain forward and autograd derives its backward (for small
layers the fixed cost of the hand-written one outweighs what it saves; under compile the
fold's in-place adds into overlapping windows are not allowed).
"""

from __future__ import annotations

import itertools
import math

import torch
import torch.nn.functional as F
from torch.autograd.function import once_differentiable

from .caching import shape_cache
from .local_geometry import LocalGeometry
from .local_layout3 import CanonicalRows
from .local_layouts import to_canonical

__all__ = ["CUSTOM_BACKWARD_MIN_MACS", "local_conv", "local_matmul"]


def _unfold(x: torch.Tensor, kernel: tuple[int, ...], strides: tuple[int, ...], cl: bool):
    """Windows of ``x`` as a view ``(N, *O, C, *K)`` (channels_last) or ``(N, C, *O, *K)``.

    Under ``torch.compile`` a 2-D window view is one ``as_strided``: inductor's code for the
    backward of two ``unfold`` calls on one tensor corrupts the heap in torch 2.13
    (benchmarks/NOTES_compile.md).
    """
    first = 1 if cl else 2
    if len(kernel) > 1 and torch.compiler.is_compiling():
        rank = len(kernel)
        spatial = range(first, first + rank)
        out = [(x.shape[a] - k) // s + 1 for a, k, s in zip(spatial, kernel, strides)]
        steps = [x.stride(a) * s for a, s in zip(spatial, strides)]
        taps = [x.stride(a) for a in spatial]
        c = x.dim() - 1 if cl else 1
        shape = [x.shape[0], *out, x.shape[c]] if cl else [x.shape[0], x.shape[c], *out]
        stride = [x.stride(0), *steps, x.stride(c)] if cl else [x.stride(0), x.stride(c), *steps]
        return torch.as_strided(x, (*shape, *kernel), (*stride, *taps))  # x's own offset
    for d, (k, s) in enumerate(zip(kernel, strides)):
        x = x.unfold(first + d, k, s)
    return x


@shape_cache(32)
def _patch_order(rank: int, cl: bool) -> tuple[int, ...]:
    """Permutation of the unfolded view to ``(*O, N, features)``."""
    out_axes = range(1, rank + 1) if cl else range(2, rank + 2)
    channel = rank + 1 if cl else 1
    taps = list(range(rank + 2, 2 * rank + 2))
    features = [*taps, channel] if cl else [channel, *taps]
    return (*out_axes, 0, *features)


# Multiply-adds of the forward (P * N * features * F) from which the hand-written backward
# pays for its fixed per-call cost (about 25 ops and a Python autograd node); below it the
# plain forward runs and autograd derives the backward. Measured on the benchmark machine:
# benchmarks/NOTES_local.md, "Choosing the backward by problem size".
CUSTOM_BACKWARD_MIN_MACS = 600_000

_MAX_PIECES = 16
_ALL = slice(None)  # every output position: one piece
_MIN_PIECE = 1 << 20  # elements (4 MiB of float32): below, per-piece overhead outweighs the saving


def _patch_pieces(
    x: torch.Tensor,
    kernel,
    strides,
    cl: bool,
    built: int = 0,
    cuts: tuple[int, ...] = (),
    whole: bool = False,
) -> list:
    """The ``(P, N, prod(K) * C)`` patches as pieces ``(positions, windows)``, in order.

    ``positions`` is the slice of ``P`` a piece covers and ``windows`` its
    ``(*O, N, *features)`` window view; ``_patch_matrix`` turns it into patches at use.
    For a contiguous channels_last 1-D input that is a zero-copy view (the tap and
    channel axes merge); otherwise it is a copy. ``built`` counts the elements of a
    kernel that is built piece by piece, and ``cuts`` the rows where its pieces must
    end (``CanonicalRows``). When copies and built kernel exceed ``_MIN_PIECE``
    elements, they come as whole rows of the first output axis of about the input's
    size each (at most ``_MAX_PIECES`` pieces), so a large forward never holds
    ``prod(K)`` copies of its input, or a second copy of its parameters, at once, and a
    small one pays no per-piece overhead. ``whole`` (autograd records the ops) asks for
    one piece.
    """
    rank = len(kernel)
    viewable = rank == 1 and cl and x.is_contiguous()
    if viewable and not whole and not torch.compiler.is_compiling():
        windows = _patch_view(x, kernel[0], strides[0])  # one op instead of three
    else:
        windows = _unfold(x, kernel, strides, cl).permute(_patch_order(rank, cl))
    temporary = built + (0 if viewable else windows.numel())
    if whole or (temporary <= _MIN_PIECE and not cuts) or torch.compiler.is_compiling():
        return [(_ALL, windows)]
    rows = windows.shape[0]
    step = rows
    if temporary > _MIN_PIECE:
        step = max(1, max(x.numel(), _MIN_PIECE) * rows // temporary, -(-rows // _MAX_PIECES))
    bounds = sorted({*range(0, rows, step), *cuts, rows})
    positions = math.prod(windows.shape[1:rank])  # output positions per row
    return [
        (slice(a * positions, b * positions), windows[a:b]) for a, b in itertools.pairwise(bounds)
    ]


def _patch_view(x: torch.Tensor, k: int, s: int) -> torch.Tensor:
    """The ``(P, N, k * C)`` patches of a contiguous ``(N, L, C)`` input as one strided view
    (position ``p`` starts at row ``p * s``; its ``k`` rows of ``C`` are consecutive)."""
    n, length, c = x.shape
    return x.as_strided((max((length - k) // s + 1, 0), n, k * c), (s * c, x.stride(0), 1))


def _patch_matrix(windows: torch.Tensor, rank: int) -> torch.Tensor:
    """``(*O, N, *features)`` windows as ``(P, N, features)`` patches (a view if possible)."""
    if windows.dim() == 3:  # already patches (``_patch_view``)
        return windows
    positions = math.prod(windows.shape[:rank])  # not -1: an empty batch leaves it ambiguous
    return windows.reshape(positions, windows.shape[rank], math.prod(windows.shape[rank + 1 :]))


def _output_view(y: torch.Tensor, out_shape, cl: bool) -> torch.Tensor:
    """``(P, N, F)`` as an ``(N, *O, F)`` / ``(N, F, *O)`` view."""
    rank = len(out_shape)
    if rank == 1:
        return y.transpose(0, 1) if cl else y.permute(1, 2, 0)
    y = y.view(*out_shape, y.shape[1], y.shape[2])
    if cl:
        return y.permute(rank, *range(rank), rank + 1)
    return y.permute(rank, rank + 1, *range(rank))


def _rows(t, positions: slice):
    """``t[positions]``, and a tensor itself for all its rows (no view op per call)."""
    return t if positions == _ALL and isinstance(t, torch.Tensor) else t[positions]


def _stack_pieces(pieces: list, rank: int, matmul, shape, like: torch.Tensor) -> torch.Tensor:
    """``matmul(positions, patches, out)`` over the patch pieces, stacked along ``P``.

    A single piece returns ``matmul``'s own result (``out=None``); several are written
    straight into one ``shape`` buffer, each into its positions' rows, their patch
    copies made one at a time.
    """
    if len(pieces) == 1:
        return matmul(_ALL, _patch_matrix(pieces[0][1], rank), None)
    out = like.new_empty(shape)
    for positions, windows in pieces:
        matmul(positions, _patch_matrix(windows, rank), out[positions])
    return out


def _forward(x, weight, bias, kernel, strides, out_shape, cl: bool) -> torch.Tensor:
    rank = len(kernel)
    shape = (weight.shape[0], x.shape[0], weight.shape[2])
    if bias is not None:  # (*O, F) or (F, *O) as a (P, 1, F) view, added by the GEMM itself
        bias = (bias if cl else bias.permute(*range(1, rank + 1), 0)).reshape(shape[0], 1, -1)

    def matmul(positions, patches, out):
        if bias is None:
            return torch.bmm(patches, _rows(weight, positions), out=out)
        return torch.baddbmm(_rows(bias, positions), patches, _rows(weight, positions), out=out)

    plan = () if isinstance(weight, torch.Tensor) else (weight.built, weight.cuts)
    whole = _tracked(x, weight, bias)  # autograd records these ops: no out= writes
    pieces = _patch_pieces(x, kernel, strides, cl, *plan, whole=whole)
    return _output_view(_stack_pieces(pieces, rank, matmul, shape, x), out_shape, cl)


class _LocalMatmul(torch.autograd.Function):
    """``(x, W, bias) -> y``: see the module docstring for the algorithm."""

    @staticmethod
    def forward(ctx, x, weight, bias, kernel, strides, out_shape, cl):  # type: ignore[override]
        ctx.save_for_backward(x, weight)
        ctx.geometry = (kernel, strides, out_shape, cl, bias is not None)
        return _forward(x, weight, bias, kernel, strides, out_shape, cl)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad):  # type: ignore[override]
        x, weight = ctx.saved_tensors
        kernel, strides, _, cl, has_bias = ctx.geometry
        rank = len(kernel)
        # grad in the output layout -> (P, N, F) view
        perm = [*range(1, rank + 1), 0, rank + 1] if cl else [*range(2, rank + 2), 0, 1]
        dy = grad.permute(perm).reshape(weight.shape[0], grad.shape[0], weight.shape[2])
        if 0 in dy.stride() or (dy.stride(-1) != 1 and dy.stride(-2) != 1):
            # BLAS needs real strides (not the expanded gradient of sum()) and a unit one
            # (else it copies each (N, F) matrix, e.g. channels_first): one (P, N, F) copy
            dy = dy.contiguous()
        dx = dweight = dbias = None
        if ctx.needs_input_grad[1]:
            dweight = _kernel_grad(x, dy, weight, kernel, strides, cl)
        if ctx.needs_input_grad[0]:
            dx = _input_grad(dy, weight, x, kernel, strides, cl)
        if has_bias and ctx.needs_input_grad[2]:
            dbias = grad.sum(0)
        return dx, dweight, dbias, None, None, None, None


def _kernel_grad(x, dy, weight, kernel, strides, cl: bool) -> torch.Tensor:
    """``dW = patches^T @ dy`` per position, ``(P, feat, F)``, piece by piece.

    When ``W`` is a transposed view (layout 3), ``(P, F, feat)`` is computed and its
    transpose returned, so the gradient has the strides of ``W`` (no copy).
    """
    p, feat, filters = weight.shape
    pieces, rank = _patch_pieces(x, kernel, strides, cl), len(kernel)
    if weight.stride(-1) != 1 and weight.stride(-2) == 1:

        def transposed(positions, patches, out):
            return torch.bmm(_rows(dy, positions).transpose(1, 2), patches, out=out)

        grad_t = _stack_pieces(pieces, rank, transposed, (p, filters, feat), weight)
        return grad_t.transpose(1, 2)

    def matmul(positions, patches, out):
        return torch.bmm(patches.transpose(1, 2), _rows(dy, positions), out=out)

    return _stack_pieces(pieces, rank, matmul, (p, feat, filters), weight)


def _input_grad(dy, weight, x, kernel, strides, cl: bool) -> torch.Tensor:
    """``dx`` from ``dy`` ``(P, N, F)`` and ``W`` ``(P, prod(K) * C, F)``.

    1-D with unit stride: one ``baddbmm`` per tap, ``dx[j : j + P] += dy @ W_j^T``, into
    a position-major ``(L, N, C)`` buffer, returned as a view in ``x``'s layout: the
    windows of one tap are consecutive rows, so neither a patch gradient nor a fold is
    needed. Otherwise ``dpatches = dy @ W^T`` (one ``bmm``), then ``_fold``.
    """
    if len(kernel) > 1 or strides[0] != 1:
        return _fold(torch.bmm(dy, weight.transpose(1, 2)), x, kernel, strides, cl)
    (k,), (p, n, _) = kernel, dy.shape
    channels = weight.shape[1] // k
    taps = weight.unflatten(1, (k, channels) if cl else (channels, k))
    dx = dy.new_empty(p + k - 1, n, channels)
    dx[p:].zero_()  # the first tap covers dx[:P]: written, not added
    for j in range(k):
        w = (taps[:, j] if cl else taps[:, :, j]).transpose(1, 2)  # (P, F, C)
        if j == 0:
            torch.bmm(dy, w, out=dx[:p])
        else:
            dx[j : j + p].baddbmm_(dy, w)
    return dx.permute(1, 0, 2) if cl else dx.permute(1, 2, 0)


def _fold(dpatches: torch.Tensor, x: torch.Tensor, kernel, strides, cl: bool) -> torch.Tensor:
    """The adjoint of ``_patch_pieces``: add each tap's slice of ``dpatches`` into ``dx``.

    ``dx`` is unfolded exactly like ``x`` in the forward; for a fixed tap the
    windows' elements are distinct, so each tap is one strided in-place add.
    """
    rank = len(kernel)
    unit = all(s == 1 for s in strides)
    # with unit strides the first tap covers dx[:O]: copy it there, zero only the rest
    dx = torch.empty(x.shape, dtype=dpatches.dtype, device=dpatches.device)
    windows = _unfold(dx, kernel, strides, cl)
    order = _patch_order(rank, cl)
    # (P, N, feat) viewed as the permuted window layout (*O, N, features)
    grads = dpatches.view([windows.shape[a] for a in order])
    grads = grads.permute([order.index(a) for a in range(len(order))])  # axes of `windows`
    taps = itertools.product(*(range(k) for k in kernel))
    if unit:
        first = next(taps)
        windows[(..., *first)].copy_(grads[(..., *first)])
        lead = 1 if cl else 2
        for d in range(rank):
            index = [slice(None)] * dx.dim()
            index[lead + d] = slice(windows.shape[lead + d], None)
            dx[tuple(index)].zero_()
    else:
        dx.zero_()
    for tap in taps:
        windows[(..., *tap)].add_(grads[(..., *tap)])
    return dx


def local_matmul(
    x: torch.Tensor,
    weight: torch.Tensor | CanonicalRows,
    bias: torch.Tensor | None,
    kernel_size: tuple[int, ...],
    strides: tuple[int, ...],
    channels_last: bool = True,
) -> torch.Tensor:
    """Unshared-weight 'valid' convolution of ``x`` with a canonical kernel.

    Shapes (rank ``r`` = ``len(kernel_size)``):
        x: ``(N, *S, C)`` if ``channels_last`` else ``(N, C, *S)``.
        weight: ``(P, prod(K) * C, F)`` (any strides), features ordered ``(*K, C)``
        for channels_last and ``(C, *K)`` for channels_first; or ``CanonicalRows``
        when nothing needs a gradient.
        bias: ``(*O, F)`` (channels_last) or ``(F, *O)``, or None.
        returns: ``(N, *O, F)`` or ``(N, F, *O)`` (a view of a position-major buffer),
        ``O = (S - K) // s + 1``.
    """
    rank = len(kernel_size)
    spatial = x.shape[1 : rank + 1] if channels_last else x.shape[2:]
    out_shape = tuple((n - k) // s + 1 for n, k, s in zip(spatial, kernel_size, strides))
    args = (x, weight, bias, kernel_size, strides, out_shape, channels_last)
    if (
        _tracked(x, weight, bias)
        and math.prod(weight.shape) * x.shape[0] >= CUSTOM_BACKWARD_MIN_MACS
        and not torch.compiler.is_compiling()
    ):
        return _LocalMatmul.apply(*args)
    return _forward(*args)  # small, or compiled: autograd of the plain ops


def _tracked(*tensors) -> bool:
    """Whether autograd records an op on ``tensors`` (entries that are not tensors: no)."""
    return torch.is_grad_enabled() and any(
        isinstance(t, torch.Tensor) and t.requires_grad for t in tensors
    )


def local_conv(
    x: torch.Tensor,
    kernel: torch.Tensor,
    bias: torch.Tensor | None,
    geometry: LocalGeometry,
    implementation: int,
) -> torch.Tensor:
    """LocallyConnected forward on a stored (Keras-layout) ``kernel`` and ``bias``.

    Shapes:
        x: ``(N, *S, C)`` (channels_last) or ``(N, C, *S)``, ``S = geometry.input_shape``.
        kernel: ``geometry.kernel_shape(implementation)``; bias: ``(*O, F)`` or None.
        returns: ``(N, *O, F)`` or ``(N, F, *O)``.

    As in tf-keras, a channels_first bias ``(*O, F)`` is *reshaped* (not transposed)
    to ``(F, *O)`` before it is added.

    >>> g = LocalGeometry((5,), 2, 3, (2,), (1,), "valid", True)
    >>> local_conv(torch.ones(1, 5, 2), torch.ones(g.kernel_shape(1)), None, g, 1)
    tensor([[[4., 4., 4.],
             [4., 4., 4.],
             [4., 4., 4.],
             [4., 4., 4.]]])
    """
    # a no-grad eager forward may build a scattered canonical kernel piece by piece
    piecewise = not _tracked(x, kernel, bias) and not torch.compiler.is_compiling()
    weight = to_canonical(kernel, geometry, implementation, piecewise)
    if geometry.padding != "valid":
        flat = [v for left, right in reversed(geometry.pads) for v in (left, right)]
        x = F.pad(x, [0, 0, *flat] if geometry.channels_last else flat)
    if bias is not None and not geometry.channels_last:
        bias = bias.reshape(geometry.filters, *geometry.output_shape)
    return local_matmul(
        x, weight, bias, geometry.kernel_size, geometry.strides, geometry.channels_last
    )
