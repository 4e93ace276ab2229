"""LocallyConnected1D workloads: (a) 32x128, 16->32, k3; (b) 64x512, 32->64, k5.

Ours is timed once per stored kernel layout (``implementation`` 1, 2, 3); every
layout computes with the same op, so differences come from viewing/gathering the
stored kernel and from the size of its gradient (layout 2 is a dense
``(L, C, L_out, F)`` tensor: 2.1 GB on workload b). The hand-written competitors
are the straightforward PyTorch versions: ``Tensor.unfold`` patches, then ``bmm``
or ``einsum`` against a ``(L_out, k*C, F)`` kernel, autograd doing the rest. One more
workload runs (b) with padding 'same' in layout 3, against the same code on a padded
input (zero weights where a window leaves the input).
"""

from __future__ import annotations

import torch
from harness import Candidate, Workload

import convlayers

SIZES = {
    "a": dict(batch=32, length=128, channels=16, filters=32, k=3),
    "b": dict(batch=64, length=512, channels=32, filters=64, k=5),
}


def _ours(shape, filters, k, implementation, padding="valid"):
    def make() -> Candidate:
        layer = convlayers.LocallyConnected1D(
            filters, k, padding=padding, implementation=implementation
        )
        layer.build(shape)
        return Candidate(layer, list(layer.parameters()))

    return make


def _raw(length, channels, filters, k, variant, padding="valid"):
    # 'same' (stride 1): pad the input; the window taps outside it meet zero weights
    pads = (0, 0, (k - 1) // 2, k // 2) if padding == "same" else (0, 0, 0, 0)
    out = length + pads[2] + pads[3] - k + 1

    def make() -> Candidate:
        w = (torch.randn(out, k * channels, filters) * 0.05).requires_grad_()
        b = torch.zeros(out, filters, requires_grad=True)

        def unfold_bmm(x):
            x = torch.nn.functional.pad(x, pads) if padding == "same" else x
            patches = x.unfold(1, k, 1).permute(1, 0, 3, 2).reshape(out, x.shape[0], -1)
            return torch.bmm(patches, w).transpose(0, 1) + b

        def unfold_einsum(x):
            x = torch.nn.functional.pad(x, pads) if padding == "same" else x
            w4 = w.view(out, k, channels, filters)
            return torch.einsum("npck,pkcf->npf", x.unfold(1, k, 1), w4) + b

        forward = unfold_bmm if variant == "bmm" else unfold_einsum
        return Candidate(forward, [w, b])

    return make


def workloads() -> list[Workload]:
    found = []
    for key, size in SIZES.items():
        shape = (size["batch"], size["length"], size["channels"])
        length, channels, filters, k = size["length"], size["channels"], size["filters"], size["k"]
        raw = {
            "unfold-bmm": _raw(length, channels, filters, k, "bmm"),
            "unfold-einsum": _raw(length, channels, filters, k, "einsum"),
        }
        for impl in (1, 2, 3):
            found.append(
                Workload(
                    f"local-{key}-i{impl}",
                    f"LocallyConnected1D impl {impl}, {shape[0]}x{length}, "
                    f"{channels}->{filters}, k{k}",
                    shape,
                    _ours(shape, filters, k, impl),
                    raw,
                    None,
                    rounds=5 if (key, impl) == ("b", 2) else None,
                    tfkeras=key,
                )
            )
    # 'same' exists for layouts 2 and 3 only; layout 3 is the one that scales
    size = SIZES["b"]
    shape = (size["batch"], size["length"], size["channels"])
    length, channels, filters, k = size["length"], size["channels"], size["filters"], size["k"]
    found.append(
        Workload(
            "local-b-same-i3",
            f"LocallyConnected1D impl 3 same, {shape[0]}x{length}, {channels}->{filters}, k{k}",
            shape,
            _ours(shape, filters, k, 3, "same"),
            {
                variant: _raw(length, channels, filters, k, name, "same")
                for variant, name in (("pad-unfold-bmm", "bmm"), ("pad-unfold-einsum", "einsum"))
            },
            None,
        )
    )
    return found
