"""List what tf-keras 2.21 has in each Keras namespace that convlayers does not (yet).

Run with the package's venv: ``.venv/bin/python tools/namespace_report.py``. Reads
``tests/fixtures/keras_namespaces.json``; imports no TensorFlow.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "keras_namespaces.json"


def main() -> None:
    keras = json.loads(FIXTURE.read_text())["namespaces"]
    for namespace, names in keras.items():
        try:
            module = importlib.import_module(f"convlayers.{namespace}")
        except ImportError:
            print(f"{namespace}: no convlayers.{namespace} module")
            continue
        have = [n for n in names if hasattr(module, n)]
        missing = [n for n in names if not hasattr(module, n)]
        print(f"{namespace}: {len(have)} of {len(names)}")
        print(f"  have: {', '.join(have)}")
        print(f"  missing: {', '.join(missing)}")


if __name__ == "__main__":
    main()
