"""Write golden fixtures: ``tests/fixtures/<family>.npz`` (arrays) + ``<family>.json`` (index).

Shared by every ``tools/make_*_fixtures.py`` generator. No TensorFlow import here.

A case is a dict with keys ``id``, ``layer``, ``config``, ``input_shape``, ``notes``,
``weight_names``, ``trainable_weight_names`` and ``arrays`` (field -> ndarray); the arrays go
to the npz as ``"<id>/<field>"``, everything else to the json index. The npz is written with
fixed zip timestamps so a rerun produces byte-identical files.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
_EPOCH = (1980, 1, 1, 0, 0, 0)


def _jsonable(obj):
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"not JSON serializable: {obj!r}")


def _dumps(obj, depth: int, inline_depth: int) -> str:
    """Indented JSON down to ``inline_depth`` levels, single-line below that."""
    if depth >= inline_depth or not isinstance(obj, (dict, list, tuple)) or not obj:
        return json.dumps(obj, default=_jsonable)
    pad, inner = " " * depth, " " * (depth + 1)
    if isinstance(obj, dict):
        items = [
            f"{inner}{json.dumps(k)}: {_dumps(v, depth + 1, inline_depth)}" for k, v in obj.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    items = [inner + _dumps(v, depth + 1, inline_depth) for v in obj]
    return "[\n" + ",\n".join(items) + "\n" + pad + "]"


def write_json(path: Path, data, inline_depth: int = 3) -> None:
    """Write ``data`` as JSON (tuples become lists), one line per entry below ``inline_depth``."""
    path.write_text(_dumps(data, 0, inline_depth) + "\n")


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """``np.savez_compressed`` equivalent with deterministic bytes (fixed timestamps)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for key, value in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(value), allow_pickle=False)
            info = zipfile.ZipInfo(f"{key}.npy", date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue())


def write_fixtures(family: str, cases: list[dict], meta: dict) -> tuple[Path, Path]:
    """Write ``<family>.npz`` and ``<family>.json`` under ``tests/fixtures``; return the paths.

    ``meta`` holds ``generator``, ``tensorflow``, ``tf_keras`` and any extra top-level entries
    (e.g. ``notes``, ``skipped``); ``cases`` is the list described in the module docstring.
    """
    FIXTURES.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {}
    index: dict[str, dict] = {}
    for case in cases:
        cid = case["id"]
        if cid in index:
            raise ValueError(f"duplicate case id {cid!r}")
        if "/" in cid:
            raise ValueError(f"case id must not contain '/': {cid!r}")
        entry = {k: v for k, v in case.items() if k not in ("id", "arrays")}
        entry["fields"] = list(case["arrays"])
        index[cid] = entry
        for field, value in case["arrays"].items():
            arrays[f"{cid}/{field}"] = np.asarray(value)
    head = {k: meta[k] for k in ("generator", "tensorflow", "tf_keras")}
    extra = {k: v for k, v in meta.items() if k not in head}
    npz_path = FIXTURES / f"{family}.npz"
    json_path = FIXTURES / f"{family}.json"
    write_npz(npz_path, arrays)
    write_json(json_path, {**head, "family": family, **extra, "cases": index})
    return npz_path, json_path
