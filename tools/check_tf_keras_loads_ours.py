"""Check that tf-keras 2.21 rebuilds a convlayers model config and computes its outputs.

Two steps, each in its own venv (convlayers never imports TensorFlow):

    .venv/bin/python tools/check_tf_keras_loads_ours.py write DIR
    TF_USE_LEGACY_KERAS=1 tools/.venv/bin/python tools/check_tf_keras_loads_ours.py check DIR

``write`` builds a functional model with merge layers, symbolic arithmetic (op layers),
slicing, padding, cropping, upsampling, Permute, SpatialDropout and a Lambda given by name,
and writes ``DIR/model.json`` (``Model.to_json()``) and ``DIR/io.npz`` (inputs and the
outputs of our model in inference). ``check`` loads the JSON with
``tf_keras.models.model_from_json`` and compares the reference's outputs with ours.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

SHAPES = [(2, 4, 3), (2, 4, 3), (2, 1, 3), (2, 4, 5, 2)]


def double(t):
    return t * 2.0


def write(folder: Path) -> None:
    import torch

    import convlayers
    from convlayers import layers as L

    x, y, z = (convlayers.Input(s[1:], name=n) for s, n in zip(SHAPES, "xyz"))
    img = convlayers.Input(SHAPES[3][1:], name="img")
    outputs = [
        x + y, x - y, x * y, L.average([x, y, x]), L.maximum([x, y]), L.minimum([x, z]),
        L.concatenate([x, y], axis=1), x + 1.5, 2.0 - x, x / 4.0, 2.0 / (x * x + 1.0), -x,
        x**2, abs(x), x % 0.75, x + z, x[:, 1:3], x[..., ::2], x[:, None, 1], x[:, ::-1],
        x[1:], x // 0.75, x > y, L.ZeroPadding1D((1, 2))(x), L.Cropping1D((1, 0))(x),
        L.UpSampling1D(3)(x), L.Permute((2, 1))(x), L.ZeroPadding2D(((1, 0), (2, 1)))(img),
        L.Cropping2D(((1, 1), (0, 1)), data_format="channels_first")(img),
        L.UpSampling2D((2, 3), interpolation="bilinear")(img),
        L.UpSampling2D(2, data_format="channels_first")(img), L.SpatialDropout1D(0.3)(x),
        L.SpatialDropout2D(0.3, data_format="channels_first")(img),
        L.Lambda(double, name="twice")(x),
    ]  # fmt: skip
    model = convlayers.Model([x, y, z, img], outputs).eval()
    rng = np.random.default_rng(0)
    inputs = [rng.standard_normal(s).astype(np.float32) for s in SHAPES]
    results = model([torch.tensor(a) for a in inputs])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "model.json").write_text(model.to_json())
    arrays = {f"in{i}": a for i, a in enumerate(inputs)}
    arrays.update({f"out{i}": r.numpy() for i, r in enumerate(results)})
    np.savez(folder / "io.npz", **arrays)
    print(f"wrote {len(outputs)} outputs to {folder}")


def check(folder: Path) -> None:
    import tf_keras

    model = tf_keras.models.model_from_json(
        (folder / "model.json").read_text(), custom_objects={"double": double}
    )
    io = np.load(folder / "io.npz")
    results = model([io[f"in{i}"] for i in range(len(SHAPES))], training=False)
    bad = [
        i
        for i, r in enumerate(results)
        if r.shape != io[f"out{i}"].shape
        or not np.allclose(r.numpy(), io[f"out{i}"], rtol=1e-5, atol=1e-6)
    ]
    print(f"tf-keras rebuilt the model; {len(results)} outputs, mismatches: {bad}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    {"write": write, "check": check}[sys.argv[1]](Path(sys.argv[2]))
