"""Hypothesis settings profiles of the fuzz tests, and their helpers on ``sys.path``.

* ``ci`` (the default): derandomized (a fixed seed: every run draws the same examples),
  no example database, a small budget per test; the whole fuzz folder runs in well
  under a minute.
* ``long``: thousands of examples per test, random seeds (a failure prints the seed and
  a reproduction blob), failures kept in ``.hypothesis/`` and replayed first next time.

Choose with ``--hypothesis-profile=long`` or ``CONVLAYERS_FUZZ_PROFILE=long``;
``CONVLAYERS_FUZZ_EXAMPLES=N`` sets the examples per test (see tests/fuzz/README.md).
"""

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).parent))

_COMMON = {
    "deadline": None,  # a loaded machine: timing is not a property of these layers
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
settings.register_profile("ci", max_examples=50, derandomize=True, database=None, **_COMMON)
settings.register_profile("long", max_examples=3000, print_blob=True, **_COMMON)


def pytest_configure(config):
    """Load ``--hypothesis-profile``, else ``$CONVLAYERS_FUZZ_PROFILE``, else ``ci``;
    ``$CONVLAYERS_FUZZ_EXAMPLES`` overrides its example count."""
    chosen = config.getoption("--hypothesis-profile", default=None)
    chosen = chosen or os.environ.get("CONVLAYERS_FUZZ_PROFILE", "ci")
    examples = os.environ.get("CONVLAYERS_FUZZ_EXAMPLES")
    if examples:
        base = settings.get_profile(chosen)
        settings.register_profile(f"{chosen}-{examples}", base, max_examples=int(examples))
        chosen = f"{chosen}-{examples}"
    settings.load_profile(chosen)
