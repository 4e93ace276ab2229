# Shared by scripts/demo.sh and scripts/test.sh: create .venv and install the
# package (with the extras given as $1) under constraints/cpu.txt.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${CONVLAYERS_VENV:-$root/.venv}"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -c "$root/constraints/cpu.txt" -e "$root[$1]"
