#!/usr/bin/env bash
# Create .venv, install convlayers with its test tools, then lint and run the suite.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh" test
cd "$root"
"$venv/bin/ruff" check .
"$venv/bin/ruff" format --check .
"$venv/bin/python" -m pytest "$@"
