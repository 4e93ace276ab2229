"""The public names of tf-keras 2.21's namespaces: ``tests/fixtures/keras_namespaces.json``.

Tests check that what convlayers exports under a Keras namespace is spelled as tf-keras
spells it, and ``tools/namespace_report.py`` lists what tf-keras has that we do not.

Run: ``TF_USE_LEGACY_KERAS=1 tools/.venv/bin/python tools/make_namespace_fixtures.py``.
"""

from __future__ import annotations

import tf_keras
from fixture_io import FIXTURES, write_json
from tf_reference import meta

MODULES = [
    "layers",
    "models",
    "backend",
    "utils",
    "activations",
    "constraints",
    "initializers",
    "regularizers",
    "callbacks",
    "optimizers",
    "losses",
    "metrics",
]


def public_names(module) -> list[str]:
    return sorted(
        name
        for name in dir(module)
        if not name.startswith("_") and not isinstance(getattr(module, name), type(tf_keras))
    )


def main() -> None:
    names = {name: public_names(getattr(tf_keras, name)) for name in MODULES}
    path = FIXTURES / "keras_namespaces.json"
    write_json(path, {**meta(__file__.split("/")[-1]), "namespaces": names}, inline_depth=2)


if __name__ == "__main__":
    main()
