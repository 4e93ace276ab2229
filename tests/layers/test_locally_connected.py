"""LocallyConnected1D/2D: golden fixtures, NumPy reference, layouts, gradients, shapes, errors."""

import itertools
import json
import math

import numpy as np
import pytest
import torch
from fixture_loader import FIXTURES, load_fixtures
from parity import check_against_fixture, relative_l2

import convlayers
from convlayers.ops import local as local_ops
from convlayers.ops.local_geometry import LocalGeometry
from convlayers.ops.local_layout3 import CanonicalRows, layout3_canonical
from convlayers.ops.local_layouts import _positions, convert_kernel

CASES = {rank: load_fixtures(f"locally_connected{rank}d") for rank in (1, 2)}
LAYERS = {1: convlayers.LocallyConnected1D, 2: convlayers.LocallyConnected2D}
ALL_CASES = [(rank, c) for rank in (1, 2) for c in CASES[rank]]


def _counting(calls):
    apply = local_ops._LocalMatmul.apply

    def counted(*args):
        calls.append(1)
        return apply(*args)

    return counted


BACKWARDS = {"hand_written": 0, "autograd": 1 << 62}  # CUSTOM_BACKWARD_MIN_MACS either side


@pytest.mark.parametrize("backward", sorted(BACKWARDS))
@pytest.mark.parametrize(("rank", "case"), ALL_CASES, ids=[c.id for _, c in ALL_CASES])
def test_matches_tf_keras_fixture(rank, case, backward, monkeypatch):
    """Both backwards (the hand-written one of large layers, autograd's of small ones)
    give the reference's gradients: the switch point between them is invisible."""
    monkeypatch.setattr(local_ops, "CUSTOM_BACKWARD_MIN_MACS", BACKWARDS[backward])
    calls = []
    monkeypatch.setattr(local_ops._LocalMatmul, "apply", _counting(calls))
    layer = LAYERS[rank].from_config(case.config)
    check_against_fixture(layer, case)
    assert bool(calls) == (backward == "hand_written")
    assert [tuple(w.shape) for w in layer.weights] == [
        case.arrays[f"w/{n}"].shape for n in case.weight_names
    ]


@pytest.mark.parametrize("rank", [1, 2])
def test_fixtures_cover_the_grid(rank):
    seen = {
        (
            c.config["implementation"],
            c.config["padding"],
            c.config["data_format"],
            c.config["use_bias"],
        )
        for c in CASES[rank]
    }
    grid = itertools.product(
        (1, 2, 3), ("valid", "same"), ("channels_last", "channels_first"), (True, False)
    )
    assert {g for g in grid if not (g[0] == 1 and g[1] == "same")} <= seen
    kernels = {k for c in CASES[rank] for k in c.config["kernel_size"]}
    assert any(k % 2 == 0 for k in kernels) and any(k % 2 for k in kernels)
    assert {s for c in CASES[rank] for s in c.config["strides"]} >= {1, 2, 3}


@pytest.mark.parametrize(
    ("rank", "case"), [(r, c) for r, c in ALL_CASES if c.config["implementation"] == 3]
)
def test_layout3_order_is_the_reference_kernel_idxs(rank, case):
    """Our connected-entry order reproduces the reference's sorted ``kernel_idxs``."""
    idxs = case.arrays.get("aux/kernel_idxs")
    if idxs is None:
        pytest.skip("fixture has no kernel_idxs")
    layer = LAYERS[rank].from_config(case.config)
    layer.build(tuple(case.arrays["x"].shape))
    g = layer.geometry
    n = g.kernel_shape(3)[0]
    assert idxs.shape == (n, 2)
    # rebuild the reference's (output_idx, input_idx) from the layout-2 positions
    k2 = convert_kernel(np.arange(1, n + 1, dtype=np.float64), g, 3, 2)
    rows = np.argwhere(k2)  # every connected entry of the dense layout
    order = k2[tuple(rows.T)].astype(np.int64) - 1
    s, c, o, f = len(g.input_shape), g.channels, g.output_shape, g.filters
    if g.channels_last:
        inp = np.ravel_multi_index((*rows.T[:s], rows.T[s]), (*g.input_shape, c))
        out = np.ravel_multi_index((*rows.T[s + 1 : 2 * s + 1], rows.T[-1]), (*o, f))
    else:
        inp = np.ravel_multi_index((rows.T[0], *rows.T[1 : s + 1]), (c, *g.input_shape))
        out = np.ravel_multi_index((rows.T[s + 1], *rows.T[s + 2 :]), (f, *o))
    ours = np.empty((n, 2), np.int64)
    ours[order] = np.stack([out, inp], 1)
    assert (ours == idxs).all()


# ------------------------------------------------------------ NumPy reference


def numpy_local(x, kernel, bias, kernel_size, strides, padding, channels_last, impl):
    """Float64 loop reference written from the tf-keras definition (layout 2: the dense
    masked matrix), independent of the library: every output position, every tap."""
    x = np.asarray(x, np.float64)
    if not channels_last:
        x = np.moveaxis(x, 1, -1)
    n, *spatial, _ = x.shape
    out = [
        math.ceil(sz / s) if padding == "same" else math.ceil((sz - k + 1) / s)
        for sz, k, s in zip(spatial, kernel_size, strides)
    ]
    assert impl == 2
    dense = np.asarray(kernel, np.float64)
    if not channels_last:  # (C, *S, F, *O) -> (*S, C, *O, F)
        r = len(spatial)
        dense = np.moveaxis(dense, 0, r)
        dense = np.moveaxis(dense, r + 1, -1)
    f = dense.shape[-1]
    y = np.zeros((n, *out, f))
    for pos in itertools.product(*(range(o) for o in out)):
        for tap in itertools.product(*(range(k) for k in kernel_size)):
            src = []
            for d, (p, t) in enumerate(zip(pos, tap)):
                start = p * strides[d] - (kernel_size[d] // 2 if padding == "same" else 0)
                src.append(start + t)
            if any(i < 0 or i >= sz for i, sz in zip(src, spatial)):
                continue
            y[(slice(None), *pos)] += x[(slice(None), *src)] @ dense[(*src, slice(None), *pos)]
    if bias is not None:
        b = np.asarray(bias, np.float64)
        if channels_last:
            y += b
        else:  # the reference reshapes (*O, F) to (F, *O)
            y = np.moveaxis(y, -1, 1) + b.reshape(f, *out)
            return y
    return y if channels_last else np.moveaxis(y, -1, 1)


NP_GRID = [
    combo
    for combo in itertools.product(
        (1, 2),
        (1, 2, 3),
        ("valid", "same"),
        ("channels_last", "channels_first"),
        (1, 2, 3),
        (2, 3, 4),
    )
    if not (combo[1] == 1 and combo[2] == "same")  # implementation 1 is 'valid' only
]


@pytest.fixture(params=["one-piece", "pieces"])
def patch_pieces(request, monkeypatch):
    """Run a test as is, and again with the patch copies split into one piece per row
    (``ops.local`` splits only copies above ``_MIN_PIECE`` elements: test sizes are below)."""
    if request.param == "pieces":
        monkeypatch.setattr(convlayers.ops.local, "_MIN_PIECE", 1)
        monkeypatch.setattr(convlayers.ops.local, "_MAX_PIECES", 10**6)
    return request.param


@pytest.mark.parametrize(("rank", "impl", "padding", "fmt", "s", "k"), NP_GRID)
def test_matches_numpy_reference(rng, rank, impl, padding, fmt, s, k, patch_pieces):
    spatial = (9,) if rank == 1 else (6, 5)
    ks = (k,) if rank == 1 else (k, 5 - k)
    ss = (s,) if rank == 1 else (s, 4 - s)
    cl = fmt == "channels_last"
    shape = (2, *spatial, 3) if cl else (2, 3, *spatial)
    layer = LAYERS[rank](4, ks, ss, padding, fmt, implementation=impl, dtype="float64")
    x = rng.standard_normal(shape)
    layer.build(shape)
    g = layer.geometry
    dense = rng.standard_normal(g.kernel_shape(2))
    bias = rng.standard_normal((*g.output_shape, 4))
    layer.set_weights([convert_kernel(dense, g, 2, impl), bias])
    y = layer(x)
    expected = numpy_local(x, dense, bias, ks, ss, padding, cl, 2)
    assert y.dtype == torch.float64
    assert relative_l2(y.detach(), expected) < 1e-12
    assert tuple(y.shape) == layer.compute_output_shape(shape)
    with torch.no_grad():  # no autograd: a scattered layout-3 kernel is built per piece
        assert relative_l2(layer(x), expected) < 1e-12


# ------------------------------------------------------------ layouts


@pytest.mark.parametrize(
    ("rank", "padding", "fmt", "src", "dst"),
    [
        (r, p, f, a, b)
        for r, p, f, a, b in itertools.product(
            (1, 2), ("valid", "same"), ("channels_last", "channels_first"), (1, 2, 3), (1, 2, 3)
        )
        if a != b and not (p == "same" and 1 in (a, b))
    ],
)
def test_trained_weights_load_in_another_implementation(rng, rank, padding, fmt, src, dst):
    spatial = (8,) if rank == 1 else (5, 6)
    shape = (3, *spatial, 2) if fmt == "channels_last" else (3, 2, *spatial)
    kwargs = dict(
        filters=3,
        kernel_size=3 if rank == 1 else (3, 2),
        strides=2,
        padding=padding,
        data_format=fmt,
    )
    trained = LAYERS[rank](implementation=src, **kwargs)
    x = torch.tensor(rng.standard_normal(shape), dtype=torch.float32)
    trained(x)
    opt = torch.optim.SGD(trained.parameters(), lr=0.1)  # a training step: weights move
    trained(x).square().sum().backward()
    opt.step()
    loaded = LAYERS[rank](implementation=dst, **kwargs)
    loaded.build(shape)
    loaded.set_weights(trained.get_weights_as(dst))
    torch.testing.assert_close(loaded(x), trained(x), rtol=1e-5, atol=1e-5)
    back = LAYERS[rank](implementation=src, **kwargs)
    back.build(shape)
    back.set_weights(loaded.get_weights_as(src))
    torch.testing.assert_close(back(x), trained(x), rtol=1e-5, atol=1e-5)


def test_conversion_errors():
    g = LocalGeometry((6,), 2, 3, (3,), (1,), "same", True)
    with pytest.raises(
        ValueError, match=r"supports only padding='valid'. Received: padding='same'"
    ):
        convert_kernel(np.zeros(g.kernel_shape(2)), g, 2, 1)
    with pytest.raises(ValueError, match=r"`target` must be 1, 2 or 3. Received: target=4"):
        convert_kernel(np.zeros(g.kernel_shape(2)), g, 2, 4)
    with pytest.raises(ValueError, match=r"`kernel` must have shape \(96,\) for implementation 3"):
        convert_kernel(np.zeros(5), g, 3, 2)


# ------------------------------------------------------------ gradients


@pytest.mark.parametrize(
    ("rank", "impl", "padding", "fmt", "strides"),
    [
        (1, 1, "valid", "channels_last", 1),
        (1, 1, "valid", "channels_first", 2),
        (1, 2, "same", "channels_last", 2),
        (1, 3, "same", "channels_first", 1),
        (1, 3, "valid", "channels_last", 3),
        (1, 2, "valid", "channels_first", 1),
        (2, 1, "valid", "channels_last", 1),
        (2, 2, "same", "channels_first", 2),
        (2, 3, "same", "channels_last", 2),
        (2, 3, "valid", "channels_first", 1),
    ],
)
def test_gradcheck(rng, rank, impl, padding, fmt, strides, patch_pieces, monkeypatch):
    monkeypatch.setattr(local_ops, "CUSTOM_BACKWARD_MIN_MACS", 0)  # the hand-written backward
    spatial = (7,) if rank == 1 else (5, 4)
    shape = (2, *spatial, 2) if fmt == "channels_last" else (2, 2, *spatial)
    layer = LAYERS[rank](
        3, 2 if rank == 1 else (2, 3), strides, padding, fmt, implementation=impl, dtype="float64"
    )
    x = torch.tensor(rng.standard_normal(shape), requires_grad=True)
    layer.build(shape)

    def run(x, *weights):
        for param, value in zip(layer.weights, weights):
            param.data = value
        return convlayers.ops.local.local_conv(x, weights[0], weights[1], layer.geometry, impl)

    weights = [w.detach().clone().requires_grad_() for w in layer.weights]
    assert torch.autograd.gradcheck(run, (x, *weights))


def test_double_backward_is_refused_by_the_hand_written_backward(monkeypatch):
    monkeypatch.setattr(local_ops, "CUSTOM_BACKWARD_MIN_MACS", 0)
    layer = convlayers.LocallyConnected1D(2, 3, dtype="float64")
    x = torch.randn(1, 6, 2, dtype=torch.float64, requires_grad=True)
    (gx,) = torch.autograd.grad(layer(x).sum(), x, create_graph=True)
    with pytest.raises(RuntimeError, match=r"once_differentiable|does not require grad"):
        gx.sum().backward()


# ------------------------------------------------------------ shapes


def test_seed_002_sequential_shapes():
    first = convlayers.LocallyConnected1D(64, 3, input_shape=(10, 32))
    second = convlayers.LocallyConnected1D(32, 3)
    assert first.compute_output_shape((None, 10, 32)) == (None, 8, 64)
    assert second.compute_output_shape((None, 8, 64)) == (None, 6, 32)
    assert second(first(torch.zeros(2, 10, 32))).shape == (2, 6, 32)
    assert first.get_config()["batch_input_shape"] == (None, 10, 32)


@pytest.mark.parametrize(
    ("padding", "length", "k", "stride", "expected"),
    [
        ("valid", 10, 3, 1, 8),
        ("valid", 10, 3, 3, 3),
        ("valid", 9, 9, 1, 1),
        ("same", 10, 4, 1, 10),
        ("same", 10, 4, 3, 4),
        ("same", 5, 6, 1, 5),
        ("same", 7, 2, 2, 4),
    ],
)
def test_shape_table(padding, length, k, stride, expected):
    layer = convlayers.LocallyConnected1D(5, k, stride, padding, implementation=2)
    assert layer.compute_output_shape((None, length, 2)) == (None, expected, 5)
    assert layer(torch.zeros(1, length, 2)).shape == (1, expected, 5)
    assert tuple(layer.bias.shape) == (expected, 5)


@pytest.mark.parametrize(
    ("length", "k", "s"), list(itertools.product((5, 6, 7), (2, 4), (1, 2, 3)))
)
def test_same_even_kernels_use_the_local_window_rule(length, k, s):
    """Output o sees inputs o*s - k//2 ... (not Conv1D's 'same' split)."""
    layer = convlayers.LocallyConnected1D(
        1,
        k,
        s,
        "same",
        implementation=3,
        use_bias=False,
        kernel_initializer="ones",
        dtype="float64",
    )
    x = torch.arange(1.0, length + 1, dtype=torch.float64).view(1, length, 1)
    y = layer(x)[0, :, 0]
    expected = [
        sum(i + 1 for i in range(o * s - k // 2, o * s - k // 2 + k) if 0 <= i < length)
        for o in range(math.ceil(length / s))
    ]
    assert y.tolist() == expected


# ------------------------------------------------------------ config and weights


def test_config_matches_reference():
    configs = json.loads((FIXTURES / "local_configs.json").read_text())["configs"]
    for title, entry in configs.items():
        cls = LAYERS[2 if "2D" in title else 1]
        ours = cls.from_config(entry["config"]).get_config()
        assert json.loads(json.dumps(ours)) == entry["config"], title


@pytest.mark.parametrize("impl", [1, 2, 3])
def test_weights_regularizers_constraints(impl):
    layer = convlayers.LocallyConnected1D(
        3,
        2,
        padding="valid",
        implementation=impl,
        kernel_regularizer="l2",
        bias_regularizer="l1",
        activity_regularizer="l2",
        kernel_constraint="non_neg",
        bias_constraint="non_neg",
        bias_initializer="ones",
    )
    y = layer(torch.randn(4, 6, 2))
    assert [n for n, _ in layer.named_parameters()] == ["kernel", "bias"]
    assert len(layer.losses) == 3
    activity, kernel_loss, bias_loss = layer.losses
    torch.testing.assert_close(activity, 0.01 * y.square().sum() / 4)
    torch.testing.assert_close(kernel_loss, 0.01 * layer.kernel.square().sum())
    torch.testing.assert_close(bias_loss, 0.01 * layer.bias.abs().sum())
    with torch.no_grad():
        layer.kernel.fill_(-1.0)
    convlayers.apply_constraints(layer)
    assert torch.all(layer.kernel == 0)


def test_glorot_fans_follow_the_stored_shape():
    torch.manual_seed(0)
    one = convlayers.LocallyConnected1D(8, 3, implementation=1)
    one.build((None, 20, 4))  # (18, 12, 8): fan_in 12*18, fan_out 8*18
    limit = math.sqrt(6 / (12 * 18 + 8 * 18))
    assert one.kernel.abs().max() <= limit and one.kernel.abs().max() > 0.9 * limit
    three = convlayers.LocallyConnected1D(8, 3, implementation=3)
    three.build((None, 20, 4))  # (1728,): fan_in = fan_out = 1728
    limit = math.sqrt(6 / (2 * 1728))
    assert three.kernel.abs().max() <= limit and three.kernel.abs().max() > 0.9 * limit


def test_get_weights_as_needs_a_built_layer():
    with pytest.raises(ValueError, match="is not built"):
        convlayers.LocallyConnected1D(2, 3).get_weights_as(2)


# ------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            dict(padding="same", implementation=1),
            r"Invalid border mode for LocallyConnected1D \(only \"valid\" is supported if "
            r"implementation is 1\): same\. .* Received: padding='same'",
        ),
        (dict(implementation=4), r"`implementation` must be 1, 2 or 3. Received: implementation=4"),
        (dict(implementation=0), r"Received: implementation=0"),
        (dict(strides=0), r"The `strides` argument must be .* strides=0 including \{0\}"),
        (dict(strides=-1, implementation=3), r"Received: strides=-1"),
        (dict(filters=0), r"Invalid value for argument `filters`. .* Received: filters=0"),
        (dict(filters=-1, implementation=3), r"Received: filters=-1"),
        (dict(kernel_size=0), r"Received: kernel_size=0"),
        (
            dict(padding="causal", implementation=2),
            r"Padding type causal not supported. .* Received: padding='causal'",
        ),
        (dict(data_format="nhwc"), r"Received: data_format='nhwc'"),
    ],
)
def test_config_errors(kwargs, message):
    kwargs = {"filters": 3, "kernel_size": 3, **kwargs}
    with pytest.raises(ValueError, match=message):
        convlayers.LocallyConnected1D(**kwargs)


def test_dilation_rate_is_not_an_argument():
    with pytest.raises(TypeError, match="dilation_rate"):
        convlayers.LocallyConnected1D(3, 3, dilation_rate=2)


@pytest.mark.parametrize("impl", [1, 2, 3])
def test_input_errors(impl):
    layer = convlayers.LocallyConnected1D(3, 10, implementation=impl)
    with pytest.raises(
        ValueError,
        match=r"Received input shape \[2, 9, 2\] .* \(spatial output shape \(0,\)\)",
    ):
        layer(torch.zeros(2, 9, 2))
    with pytest.raises(ValueError, match=r"spatial output shape \(-1,\)"):
        layer.compute_output_shape((None, 8, 2))
    layer = convlayers.LocallyConnected1D(3, 3, implementation=impl)
    with pytest.raises(ValueError, match=r"expected ndim=3, found ndim=4"):
        layer(torch.zeros(2, 9, 2, 1))
    with pytest.raises(ValueError, match=r"spatial dimensions .* must be defined"):
        layer.build((None, None, 2))
    layer(torch.zeros(2, 9, 2))
    with pytest.raises(ValueError, match=r"expected axis -1 of input shape to have value 2"):
        layer(torch.zeros(2, 9, 5))
    with pytest.raises(ValueError, match=r"expected axis 1 of input shape to have value 9"):
        layer(torch.zeros(2, 10, 2))
    with pytest.raises(ValueError, match=r"expected ndim=3, found ndim=2"):
        layer(torch.zeros(9, 2))


def test_2d_rank_and_channel_errors():
    layer = convlayers.LocallyConnected2D(3, 2, data_format="channels_first", implementation=2)
    with pytest.raises(ValueError, match=r"expected ndim=4, found ndim=3"):
        layer(torch.zeros(2, 4, 4))
    layer(torch.zeros(2, 3, 4, 4))
    with pytest.raises(ValueError, match=r"expected axis 1 of input shape to have value 3"):
        layer(torch.zeros(2, 2, 4, 4))


# ------------------------------------------------------------ memory


def _forward_peak_bytes(layer, x) -> int:
    """Peak bytes of live CPU tensors during one no-grad forward (torch's memory profiler)."""
    timeline = pytest.importorskip("torch.profiler._memory_profiler").MemoryProfileTimeline
    activities = [torch.profiler.ProfilerActivity.CPU]
    with (
        torch.no_grad(),
        torch.profiler.profile(
            activities=activities, profile_memory=True, record_shapes=True, with_stack=True
        ) as prof,
    ):
        layer(x)
    _, sizes = timeline(prof._memory_profile())._coalesce_timeline(torch.device("cpu"))
    return max(sum(s) for s in sizes)


@pytest.mark.parametrize(
    ("impl", "padding", "fmt"),
    [
        (1, "valid", "channels_last"),
        (3, "valid", "channels_last"),
        (3, "same", "channels_last"),
        (1, "valid", "channels_first"),
        (3, "valid", "channels_first"),
        (3, "same", "channels_first"),
    ],
)
def test_forward_peak_memory_is_at_most_twice_the_tensors(impl, padding, fmt):
    """Layouts 1 and 3 never build a dense (L*C) x (P*F) matrix: the forward's peak stays
    within 2x (input + output + parameters) on benchmark workload (a)."""
    shape = (32, 128, 16) if fmt == "channels_last" else (32, 16, 128)
    layer = convlayers.LocallyConnected1D(
        32, 3, padding=padding, data_format=fmt, implementation=impl
    )
    x = torch.randn(shape)
    with torch.no_grad():
        y = layer(x)  # build, and warm the caches
    tensors = 4 * (x.numel() + y.numel() + sum(p.numel() for p in layer.parameters()))
    assert _forward_peak_bytes(layer, x) <= 2 * tensors


@pytest.mark.parametrize(("impl", "padding", "bound"), [(1, "valid", 1.5), (3, "same", 1.5)])
def test_large_patch_copies_come_in_pieces(impl, padding, bound):
    """channels_first patches are a copy (``prod(K)`` x the input), and a 'same' layout-3
    kernel is copied into the canonical one: on benchmark workload (b) both are made in
    pieces of about the input's size (whole copies: 1.62x valid, 2.37x same)."""
    layer = convlayers.LocallyConnected1D(
        64, 5, padding=padding, data_format="channels_first", implementation=impl
    )
    x = torch.randn(64, 32, 512)
    with torch.no_grad():
        y = layer(x)
    tensors = 4 * (x.numel() + y.numel() + sum(p.numel() for p in layer.parameters()))
    assert _forward_peak_bytes(layer, x) <= bound * tensors


@pytest.mark.parametrize("fmt", ["channels_last", "channels_first"])
def test_same_layout3_2d_forward_stays_within_twice_the_tensors(fmt):
    """A 2-D layout-3 kernel outweighs the activations; under 'same' its canonical form is
    built in pieces in a no-grad forward (one whole copy: 2.53x)."""
    layer = convlayers.LocallyConnected2D(16, 3, padding="same", data_format=fmt, implementation=3)
    x = torch.randn((16, 32, 32, 8) if fmt == "channels_last" else (16, 8, 32, 32))
    with torch.no_grad():
        y = layer(x)
    tensors = 4 * (x.numel() + y.numel() + sum(p.numel() for p in layer.parameters()))
    assert _forward_peak_bytes(layer, x) <= 2 * tensors


# (spatial, kernel, strides, padding) of layout-3 geometries with awkward edges
LAYOUT3_GEOMETRIES = [
    ((9,), (3,), (1,), "valid"),
    ((9,), (4,), (2,), "same"),
    ((10,), (5,), (3,), "same"),
    ((3,), (7,), (1,), "same"),  # windows wider than the input on both sides
    ((6, 5), (3, 2), (1, 2), "same"),
    ((7, 7), (4, 4), (3, 2), "same"),
    ((6, 5), (2, 3), (2, 1), "valid"),
]


@pytest.mark.parametrize(("spatial", "kernel", "strides", "padding"), LAYOUT3_GEOMETRIES)
@pytest.mark.parametrize("channels_last", [True, False])
def test_layout3_length_counts_the_enumerated_entries(
    spatial, kernel, strides, padding, channels_last
):
    """The layout-3 length (arithmetic per axis) equals the number of entries the index
    map enumerates one by one."""
    geom = LocalGeometry(spatial, 3, 2, kernel, strides, padding, channels_last)
    assert geom.kernel_shape(3) == (len(_positions(geom)[0]),)


@pytest.mark.parametrize(("spatial", "kernel", "strides", "padding"), LAYOUT3_GEOMETRIES)
@pytest.mark.parametrize("channels_last", [True, False])
def test_layout3_blocks_move_each_entry_where_the_index_map_does(
    spatial, kernel, strides, padding, channels_last
):
    """The strided block copies of ``local_layout3`` agree with the enumerated index map
    (whose order is the reference's), for the whole kernel, row by row, and backwards."""
    geom = LocalGeometry(spatial, 3, 2, kernel, strides, padding, channels_last)
    index = torch.from_numpy(_positions(geom)[0])
    storage = torch.randn(geom.kernel_shape(3)[0] + 7, dtype=torch.float64)
    flat = storage[7:]  # an offset view: block offsets count from the storage's start
    expected = torch.zeros(math.prod(geom.canonical_shape), dtype=torch.float64)
    expected[index] = flat
    assert torch.equal(layout3_canonical(flat, geom).reshape(-1), expected)

    rows, per_row = CanonicalRows(flat, geom), math.prod(geom.output_shape[1:])
    for step in (1, 2):  # pieces of one and of two rows
        pieces = [
            rows[slice(r * per_row, min(r + step, geom.output_shape[0]) * per_row)]
            for r in range(0, geom.output_shape[0], step)
        ]
        assert torch.equal(torch.cat(pieces).reshape(-1), expected)
    # a row whose windows all lie inside the input is a view of the kernel, no copy
    row_size = per_row * math.prod(geom.canonical_shape[1:])
    inside = torch.bincount(index // row_size, minlength=geom.output_shape[0]) == row_size
    single = [rows[slice(r * per_row, (r + 1) * per_row)] for r in range(geom.output_shape[0])]
    views = [p.untyped_storage().data_ptr() == storage.data_ptr() for p in single]
    assert views == inside.tolist()

    leaf = flat.clone().requires_grad_()
    grad = torch.randn(geom.canonical_shape, dtype=torch.float64)
    layout3_canonical(leaf, geom).backward(grad)
    assert torch.equal(leaf.grad, grad.reshape(-1)[index])


@pytest.mark.parametrize(
    ("rank", "case"), [(r, c) for r, c in ALL_CASES if c.config["implementation"] == 2]
)
def test_kernel_mask_is_the_reference_one(rank, case):
    """Implementation 2's ``kernel_mask`` equals the array the reference layer holds."""
    expected = case.arrays.get("aux/kernel_mask")
    if expected is None:
        pytest.skip("fixture has no kernel_mask")
    layer = LAYERS[rank].from_config(case.config)
    layer.build(tuple(case.arrays["x"].shape))
    mask = layer.kernel_mask
    assert mask.dtype == np.float32 and mask.shape == expected.shape
    np.testing.assert_array_equal(mask, expected)


def test_kernel_mask_only_for_implementation_2():
    layer = convlayers.LocallyConnected1D(2, 3, implementation=1)
    with pytest.raises(AttributeError, match="implementation 2 only"):
        _ = layer.kernel_mask
    with pytest.raises(ValueError, match="not built"):
        _ = convlayers.LocallyConnected1D(2, 3, implementation=2).kernel_mask
