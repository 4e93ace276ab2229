"""Golden fixtures for ``tf.keras.utils.pad_sequences`` from tf-keras 2.21.

Writes ``tests/fixtures/utils.json``: the arguments of each case, the reference's output
(values, dtype, shape) or the error it raises.
Run: ``TF_USE_LEGACY_KERAS=1 tools/.venv/bin/python tools/make_utils_fixtures.py``.
"""

from __future__ import annotations

import numpy as np
import tf_keras
from fixture_io import FIXTURES, write_json
from tf_reference import meta

GENERATOR = "tools/make_utils_fixtures.py"
SEQUENCES = [[1, 2, 3], [4, 5], [], [6, 7, 8, 9, 10]]
CASES = {
    "defaults": dict(sequences=SEQUENCES),
    "maxlen3": dict(sequences=SEQUENCES, maxlen=3),
    "post_post": dict(sequences=SEQUENCES, maxlen=4, padding="post", truncating="post"),
    "pre_post": dict(sequences=SEQUENCES, maxlen=2, padding="pre", truncating="post"),
    "value_float": dict(sequences=[[0.5, 1.5], [2.5]], dtype="float32", value=-1.0),
    "vectors": dict(sequences=[[[1, 2], [3, 4]], [[5, 6]]], maxlen=3),
    "maxlen_longer": dict(sequences=[[1], [2, 3]], maxlen=5, padding="post"),
    "bad_padding": dict(sequences=SEQUENCES, padding="middle"),
    "bad_truncating": dict(sequences=SEQUENCES, maxlen=2, truncating="middle"),
    "not_iterable": dict(sequences=[[1, 2], 3]),
    "ragged_vectors": dict(sequences=[[[1, 2]], [[1, 2, 3]]]),
}


def run(kwargs):
    try:
        out = tf_keras.utils.pad_sequences(**kwargs)
    except Exception as exc:  # record what the reference raises
        return {"error": f"{type(exc).__name__}: {exc}"}
    return {"values": np.asarray(out).tolist(), "dtype": str(out.dtype), "shape": list(out.shape)}


def main():
    cases = {name: {"kwargs": kwargs, **run(kwargs)} for name, kwargs in CASES.items()}
    write_json(FIXTURES / "utils.json", {**meta(GENERATOR), "pad_sequences": cases}, inline_depth=4)
    print(f"utils: {len(cases)} pad_sequences cases")


if __name__ == "__main__":
    main()
