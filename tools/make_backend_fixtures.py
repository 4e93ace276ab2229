"""Golden values of ``tf.keras.backend`` and ``tf.keras.utils`` functions.

Written to ``tests/fixtures/backend.{npz,json}``.

Each case calls one tf-keras 2.21 backend function on seeded NumPy inputs with given
keyword arguments and records the result, so ``convlayers.backend`` can be checked
function by function.

Run: ``TF_USE_LEGACY_KERAS=1 tools/.venv/bin/python tools/make_backend_fixtures.py``.
"""

from __future__ import annotations

import numpy as np
import tf_keras
from fixture_io import write_fixtures
from tf_reference import meta, seed_for

K = tf_keras.backend
FAMILY = "backend"

# (case id, function, input shapes, kwargs); inputs are N(0, 1) float32 unless the id
# says "pos" (|x| + 0.1) or "int" (integers 0..3).
CALLS = [
    ("abs", "abs", [(2, 3)], {}),
    ("square", "square", [(2, 3)], {}),
    ("sqrt_pos", "sqrt", [(2, 3)], {}),
    ("sqrt_neg", "sqrt", [(2, 3)], {}),
    ("exp", "exp", [(2, 3)], {}),
    ("log_pos", "log", [(2, 3)], {}),
    ("pow", "pow", [(2, 3)], {"a": 3}),
    ("sign", "sign", [(2, 3)], {}),
    ("sin", "sin", [(4,)], {}),
    ("cos", "cos", [(4,)], {}),
    ("clip", "clip", [(3, 4)], {"min_value": -0.5, "max_value": 0.7}),
    ("clip_inverted", "clip", [(3, 4)], {"min_value": 0.5, "max_value": 0.1}),
    ("clip_no_max", "clip", [(3, 4)], {"min_value": -0.2, "max_value": None}),
    ("maximum", "maximum", [(2, 3), (2, 3)], {}),
    ("minimum", "minimum", [(2, 3), (1, 3)], {}),
    ("mean_all", "mean", [(2, 3, 4)], {}),
    ("mean_axis", "mean", [(2, 3, 4)], {"axis": -1, "keepdims": True}),
    ("mean_axes", "mean", [(2, 3, 4)], {"axis": [0, 2]}),
    ("sum_axis", "sum", [(2, 3, 4)], {"axis": 1}),
    ("sum_all_keep", "sum", [(2, 3)], {"keepdims": True}),
    ("prod_axis", "prod", [(2, 3, 4)], {"axis": 2}),
    ("max_axis", "max", [(2, 3, 4)], {"axis": 1, "keepdims": True}),
    ("min_all", "min", [(2, 3, 4)], {}),
    ("var_axis", "var", [(5, 4)], {"axis": 0}),
    ("std_all", "std", [(5, 4)], {}),
    ("argmax", "argmax", [(3, 5)], {}),
    ("argmin_axis0", "argmin", [(3, 5)], {"axis": 0}),
    ("l2_normalize", "l2_normalize", [(3, 4)], {"axis": -1}),
    ("l2_normalize_all", "l2_normalize", [(3, 4)], {}),
    ("relu", "relu", [(3, 4)], {}),
    ("relu_alpha_max", "relu", [(3, 4)], {"alpha": 0.1, "max_value": 0.5}),
    ("relu_threshold", "relu", [(3, 4)], {"threshold": 0.3}),
    ("elu", "elu", [(3, 4)], {"alpha": 0.5}),
    ("sigmoid", "sigmoid", [(3, 4)], {}),
    ("hard_sigmoid", "hard_sigmoid", [(3, 4)], {}),
    ("tanh", "tanh", [(3, 4)], {}),
    ("softmax", "softmax", [(3, 4)], {}),
    ("softmax_axis0", "softmax", [(3, 4)], {"axis": 0}),
    ("softplus", "softplus", [(3, 4)], {}),
    ("softsign", "softsign", [(3, 4)], {}),
    ("reshape", "reshape", [(2, 6)], {"shape": (3, 4)}),
    ("permute", "permute_dimensions", [(2, 3, 4)], {"pattern": (2, 0, 1)}),
    ("transpose", "transpose", [(2, 3, 4)], {}),
    ("expand_dims", "expand_dims", [(2, 3)], {"axis": 1}),
    ("squeeze", "squeeze", [(2, 1, 3)], {"axis": 1}),
    ("flatten", "flatten", [(2, 3)], {}),
    ("batch_flatten", "batch_flatten", [(2, 3, 4)], {}),
    ("repeat_elements", "repeat_elements", [(2, 3)], {"rep": 2, "axis": 1}),
    ("tile", "tile", [(2, 3)], {"n": (2, 1)}),
    ("dot_2d", "dot", [(2, 3), (3, 4)], {}),
    ("dot_nd", "dot", [(2, 3), (4, 3, 5)], {}),
    ("dot_3d", "dot", [(2, 5, 3), (3, 4)], {}),
    ("one_hot_int", "one_hot", [(2, 3)], {"num_classes": 4}),
    # tf.keras.utils, called on NumPy arrays
    ("to_categorical_int", "utils.to_categorical", [(5,)], {}),
    ("to_categorical_col_int", "utils.to_categorical", [(4, 1)], {"num_classes": 6}),
    ("to_categorical_2d_int", "utils.to_categorical", [(2, 3)], {"num_classes": 4}),
    ("normalize", "utils.normalize", [(3, 4)], {}),
    ("normalize_axis0_l1", "utils.normalize", [(3, 4)], {"axis": 0, "order": 1}),
]


def inputs(cid: str, shapes) -> list[np.ndarray]:
    rng = np.random.default_rng(seed_for(FAMILY, cid))
    arrays = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    if "pos" in cid:
        arrays = [np.abs(a) + np.float32(0.1) for a in arrays]
    if "int" in cid:
        arrays = [rng.integers(0, 4, s).astype(np.int64) for s in shapes]
    return arrays


def main() -> None:
    cases = []
    for cid, name, shapes, kwargs in CALLS:
        args = inputs(cid, shapes)
        if name.startswith("utils."):
            result = np.asarray(getattr(tf_keras.utils, name[6:])(*args, **kwargs))
        else:
            tensors = [K.constant(a, dtype=a.dtype.name) for a in args]
            result = np.asarray(K.get_value(getattr(K, name)(*tensors, **kwargs)))
        arrays = {f"x{i}": a for i, a in enumerate(args)}
        arrays["y"] = result
        cases.append(
            {
                "id": cid,
                "layer": name,
                "config": kwargs,
                "input_shape": [list(s) for s in shapes],
                "output_shape": list(result.shape),  # the npz keeps a 0-d result as 1-d
                "notes": "",
                "arrays": arrays,
            }
        )
    extras = {
        "epsilon": K.epsilon(),
        "floatx": K.floatx(),
        "image_data_format": K.image_data_format(),
    }
    write_fixtures(FAMILY, cases, meta(__file__.split("/")[-1], defaults=extras))


if __name__ == "__main__":
    main()
