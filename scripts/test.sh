#!/usr/bin/env bash
# Create .venv, install convlayers with its test and docs tools, then lint and run the
# suite (which also builds the docs site with warnings as errors: tests/test_docs.py).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh" test,docs
cd "$root"
"$venv/bin/ruff" check .
"$venv/bin/ruff" format --check .
"$venv/bin/python" -m pytest "$@"
