"""Golden fixtures for the pooling layers from tf-keras 2.21.

Writes ``tests/fixtures/{pooling1d,pooling2d,global_pooling}.{npz,json}``: MaxPooling1D and
AveragePooling1D; MaxPooling2D and AveragePooling2D; GlobalAverage/MaxPooling1D/2D (with
GlobalAveragePooling1D masks). Each json also holds ``configs`` (the reference
``get_config()`` of unbuilt instances with the kwargs used) and ``probes`` (refusals).
Run: ``TF_USE_LEGACY_KERAS=1 tools/.venv/bin/python tools/make_pooling_fixtures.py``.
"""

from __future__ import annotations

import itertools

import numpy as np
import tf_keras
from fixture_io import write_fixtures
from tf_reference import (
    config_entry,
    cross_check_channels_first,
    jsonify,
    meta,
    probe,
    run_case,
)

GENERATOR = "tools/make_pooling_fixtures.py"
L = tf_keras.layers
FORMATS = ("channels_last", "channels_first")
SHORT = {"channels_last": "cl", "channels_first": "cf"}
BATCH, CHANNELS = 2, 3
# (pool_size, strides); strides None means pool_size. Lengths cycle so that 'same' meets
# both an even and an odd total padding (the odd one with stride > 1 needs explicit padding).
POOL_STRIDES_1D = ((2, None), (3, None), (3, 1), (3, 2), (2, 1), (4, 3), (2, 3), (5, 2), (1, 1))
LENGTHS_1D = (7, 8, 10)
POOL_STRIDES_2D = (
    ((2, 2), None),
    ((3, 3), (2, 2)),
    ((2, 3), (1, 2)),
    ((3, 2), (2, 3)),
    ((1, 2), (1, 1)),
    ((3, 3), (1, 1)),
    ((2, 2), (3, 3)),
)
SIZES_2D = ((7, 8), (6, 9), (5, 5))
WINDOW_LAYERS = {
    1: (L.MaxPooling1D, L.AveragePooling1D),
    2: (L.MaxPooling2D, L.AveragePooling2D),
}
GLOBAL_LAYERS = (
    L.GlobalAveragePooling1D,
    L.GlobalMaxPooling1D,
    L.GlobalAveragePooling2D,
    L.GlobalMaxPooling2D,
)


def shape_of(fmt, spatial):
    if fmt == "channels_last":
        return (BATCH, *spatial, CHANNELS)
    return (BATCH, CHANNELS, *spatial)


def window_grid(rank):
    """(layer class, case_id, kwargs, input_shape) over layer x padding x format x geometry."""
    pairs = POOL_STRIDES_1D if rank == 1 else POOL_STRIDES_2D
    sizes = [(n,) for n in LENGTHS_1D] if rank == 1 else SIZES_2D
    for cls in WINDOW_LAYERS[rank]:
        combos = itertools.product(("valid", "same"), FORMATS, pairs)
        for i, (padding, fmt, (pool, strides)) in enumerate(combos):
            spatial = sizes[i % len(sizes)]
            kwargs = dict(pool_size=pool, strides=strides, padding=padding, data_format=fmt)
            tag = "x".join(map(str, np.atleast_1d(pool)))
            stag = "none" if strides is None else "x".join(map(str, np.atleast_1d(strides)))
            size = "x".join(map(str, spatial))
            cid = f"{cls.__name__}_{padding}_{SHORT[fmt]}_p{tag}_s{stag}_in{size}"
            yield cls, cid, kwargs, shape_of(fmt, spatial)


def window_extras(rank):
    """Defaults, batch 1, a window as long as the input, upper-case padding."""
    if rank == 1:
        yield L.MaxPooling1D, "MaxPooling1D_defaults", {}, (2, 9, 3)
        yield L.AveragePooling1D, "AveragePooling1D_defaults_batch1", {}, (1, 6, 4)
        yield L.AveragePooling1D, "AveragePooling1D_full_window", dict(pool_size=7), (2, 7, 3)
        yield (
            L.MaxPooling1D,
            "MaxPooling1D_SAME_uppercase_s4",
            dict(pool_size=3, strides=4, padding="SAME"),
            (2, 13, 2),
        )
    else:
        yield L.MaxPooling2D, "MaxPooling2D_defaults", {}, (2, 9, 8, 3)
        yield L.AveragePooling2D, "AveragePooling2D_defaults_batch1", {}, (1, 6, 7, 4)
        yield (
            L.AveragePooling2D,
            "AveragePooling2D_same_p4x5_s3x2",
            dict(pool_size=(4, 5), strides=(3, 2), padding="same"),
            (2, 10, 9, 2),
        )
        yield (
            L.MaxPooling2D,
            "MaxPooling2D_full_window",
            dict(pool_size=(5, 6), padding="valid"),
            (2, 5, 6, 3),
        )


def channels_first_via_last(family, cid, cls, kwargs, shape, skip):
    """A channels_first case whose gradient the reference cannot take on CPU (MaxPooling2D:
    "Default MaxPoolingGradOp only supports NHWC"): the output is the reference's own
    channels_first forward, the gradient its channels_last run on transposed data."""
    rank = len(shape)
    to_last, to_first = (0, *range(2, rank), 1), (0, rank - 1, *range(1, rank - 1))
    last_kwargs = {**kwargs, "data_format": "channels_last"}
    last_shape = tuple(shape[i] for i in to_last)
    case, error = run_case(family, cid, cls, last_kwargs, last_shape, "")
    if error is not None:
        raise RuntimeError(f"{cid}: {error}")
    arrays = case["arrays"]
    first = {key: np.ascontiguousarray(np.transpose(arrays[key], to_first)) for key in arrays}
    tf_keras.backend.clear_session()
    layer = cls(**kwargs)
    direct = layer(first["x"]).numpy()
    if not np.array_equal(direct, first["y"]):
        raise RuntimeError(f"{cid}: channels_first forward differs from channels_last")
    case.update(
        id=cid,
        config=jsonify(layer.get_config()),
        input_shape=list(shape),
        output_shape=list(direct.shape),
        arrays=first,
        notes=(
            "the reference's channels_first gradient fails on CPU ("
            + skip["error"][:80]
            + "); x, g, dx come from its channels_last run transposed, y equals its own "
            "channels_first forward exactly"
        ),
    )
    return case


def mask_for(rng, input_shape, channels_first):
    """A (N, L) mask, at least one step kept per sample."""
    steps = input_shape[2] if channels_first else input_shape[1]
    mask = rng.random((input_shape[0], steps)) > 0.4
    mask[:, 0] = True
    return {"mask": mask}


def global_grid():
    for cls in GLOBAL_LAYERS:
        rank = 1 if cls.__name__.endswith("1D") else 2
        spatial = (9,) if rank == 1 else (5, 6)
        for fmt, keepdims in itertools.product(FORMATS, (False, True)):
            kwargs = dict(data_format=fmt, keepdims=keepdims)
            cid = f"{cls.__name__}_{SHORT[fmt]}_{'keep' if keepdims else 'drop'}"
            yield cls, cid, kwargs, shape_of(fmt, spatial), None
            if cls is L.GlobalAveragePooling1D:
                first = fmt == "channels_first"
                yield (
                    cls,
                    cid + "_mask",
                    kwargs,
                    shape_of(fmt, spatial),
                    lambda rng, shape, first=first: mask_for(rng, shape, first),
                )
    yield L.GlobalMaxPooling2D, "GlobalMaxPooling2D_defaults", {}, (2, 4, 3, 5), None
    yield L.GlobalAveragePooling1D, "GlobalAveragePooling1D_defaults", {}, (3, 1, 4), None


def window_probes(rank):
    cls_max, cls_avg = WINDOW_LAYERS[rank]
    if rank == 1:
        shape = (1, 5, 2)
        specs = [
            (cls_max, dict(pool_size=2, strides=0), shape),
            (cls_max, dict(pool_size=2, padding="causal"), shape),
            (cls_max, dict(pool_size=2, padding="full"), shape),
            (cls_max, dict(pool_size=0), shape),
            (cls_max, dict(pool_size=(2, 2)), shape),
            (cls_max, dict(pool_size=6), shape),
            (cls_avg, dict(pool_size=6), shape),
            (cls_max, dict(pool_size=5), shape),
            (cls_max, dict(pool_size=2, data_format="channels_middle"), shape),
            (cls_max, dict(pool_size=2), (1, 3, 5, 2)),
            (cls_max, dict(pool_size=2), (5, 2)),
        ]
    else:
        shape = (1, 5, 5, 2)
        specs = [
            (cls_max, dict(pool_size=2, strides=(1, 0)), shape),
            (cls_max, dict(pool_size=(2, 0)), shape),
            (cls_max, dict(pool_size=(2, 2, 2)), shape),
            (cls_max, dict(pool_size=6), shape),
            (cls_avg, dict(pool_size=6), shape),
            (cls_avg, dict(pool_size=(2, 2), padding="causal"), shape),
            (cls_max, dict(pool_size=2), (1, 3, 5, 2, 2)),
        ]
    return [probe(cls, kwargs, shape) for cls, kwargs, shape in specs]


def global_probes():
    specs = [
        (L.GlobalAveragePooling1D, {}, (1, 0, 2)),
        (L.GlobalMaxPooling2D, {}, (1, 0, 3, 2)),
        (L.GlobalAveragePooling1D, {}, (1, 3, 5, 2)),
        (L.GlobalMaxPooling2D, {}, (1, 3, 2)),
        (L.GlobalAveragePooling2D, dict(data_format="channels_middle"), (1, 3, 3, 2)),
    ]
    return [probe(cls, kwargs, shape) for cls, kwargs, shape in specs]


def named_config(cls, kwargs):
    """``config_entry`` with the class name, so tests know which layer to make."""
    return {"layer": cls.__name__, **config_entry(cls, kwargs)}


def window_configs(rank):
    cls_max, cls_avg = WINDOW_LAYERS[rank]
    pool = 3 if rank == 1 else (3, 2)
    return {
        f"default {cls_max.__name__}()": named_config(cls_max, {}),
        f"default {cls_avg.__name__}()": named_config(cls_avg, {}),
        "every argument set": named_config(
            cls_avg,
            dict(
                pool_size=pool,
                strides=2,
                padding="SAME",
                data_format="channels_first",
                name="pool_all",
                trainable=False,
                dtype="float64",
            ),
        ),
        "list arguments": named_config(
            cls_max, dict(pool_size=[2] * rank, strides=[1] * rank, padding="valid")
        ),
    }


def global_configs():
    configs = {f"default {cls.__name__}()": named_config(cls, {}) for cls in GLOBAL_LAYERS}
    configs["every argument set"] = named_config(
        L.GlobalAveragePooling2D,
        dict(data_format="channels_first", keepdims=True, name="gap", dtype="float64"),
    )
    return configs


NOTES = (
    "Batch 2, 3 channels; inputs and cotangent g ~ N(0, 1); loss = sum(y * g); no weights. "
    "strides None means pool_size. 'same' windows: TF's split (total padding "
    "max((ceil(L/s)-1)*s + k - L, 0), the extra element on the right); max pooling never "
    "selects padding and average pooling divides by the number of input positions in the "
    "window. channels_first runs directly on CPU; a channels_last re-run on transposed "
    "data agrees to {cf:.3g}. 'probes' lists the reference's refusals (and odd acceptances: "
    "strides=0 and padding='causal' pass __init__ and fail at call; a window longer than "
    "the input under 'valid' fails in max pooling and gives an empty output in average "
    "pooling)."
)


def main():
    for family, rank in (("pooling1d", 1), ("pooling2d", 2)):
        cases, skipped, cf_diff = [], [], 0.0
        for cls, cid, kwargs, shape in [*window_grid(rank), *window_extras(rank)]:
            case, skip = run_case(family, cid, cls, kwargs, shape, "computed by the reference")
            if skip is not None and "only supports NHWC" in skip["error"]:
                case = channels_first_via_last(family, cid, cls, kwargs, shape, skip)
                skipped.append({**skip, "resolved": "via channels_last, see the case notes"})
                cases.append(case)
                continue
            if skip is not None:
                skipped.append(skip)
                continue
            if kwargs.get("data_format") == "channels_first":
                cf_diff = max(cf_diff, cross_check_channels_first(cls, kwargs, case))
            cases.append(case)
        extra = dict(
            notes=NOTES.format(cf=cf_diff),
            skipped=skipped,
            probes=window_probes(rank),
            configs=window_configs(rank),
        )
        write_fixtures(family, cases, meta(GENERATOR, **extra))
        print(f"{family}: {len(cases)} cases, {len(skipped)} skipped, cf {cf_diff:.3g}")
    cases, skipped = [], []
    for cls, cid, kwargs, shape, call_fn in global_grid():
        case, skip = run_case(
            "global_pooling", cid, cls, kwargs, shape, "computed by the reference", None, call_fn
        )
        if skip is not None:
            skipped.append(skip)
            continue
        cases.append(case)
    notes = (
        "GlobalAverage/MaxPooling1D/2D, inputs and g ~ N(0, 1), loss = sum(y * g). Cases "
        "ending in _mask pass call/mask, a boolean (N, steps) mask with at least one step "
        "kept per sample, to GlobalAveragePooling1D: masked steps leave the mean."
    )
    extra = dict(notes=notes, skipped=skipped, probes=global_probes(), configs=global_configs())
    write_fixtures("global_pooling", cases, meta(GENERATOR, **extra))
    print(f"global_pooling: {len(cases)} cases, {len(skipped)} skipped")


if __name__ == "__main__":
    main()
