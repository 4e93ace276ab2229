#!/usr/bin/env bash
# Create .venv, install convlayers, then run the end-to-end demo.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh" test
cd "$root"
"$venv/bin/python" examples/demo.py "$@"
