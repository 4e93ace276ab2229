#!/usr/bin/env bash
# The peer report in one command: creates benchmarks/.venv (convlayers, Keras 3.15.1 on its
# torch backend, matplotlib), sets the malloc thresholds of shared/PEERS.md (unless
# BENCH_MALLOC=default), finds the tf-keras 2.21 reference venv and runs bench.py with the
# arguments given, e.g.
#   bash benchmarks/run.sh --write benchmarks/RESULTS.md            # the full report
#   bash benchmarks/run.sh --only conv1d-c --rounds 2 --repeat 1     # a smoke run
# The reference venv: $TFREF_PYTHON, else tools/.venv of this checkout, else tools/.venv
# of the main worktree (when this is a git worktree). Without one, tf-keras is left out.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
venv="${BENCH_VENV:-$here/.venv}"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
# reinstall only when the package's metadata or this script changed
stamp="$venv/.installed"
if [ ! -f "$stamp" ] || [ "$root/pyproject.toml" -nt "$stamp" ] || [ "$here/run.sh" -nt "$stamp" ]; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        -c "$root/constraints/cpu.txt" -e "$root" "keras==3.15.1" "matplotlib>=3.8"
    touch "$stamp"
fi
if [ "${BENCH_MALLOC:-peers}" != default ]; then
    export MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=4294967296
fi
export KERAS_BACKEND=torch OMP_NUM_THREADS=2
export BENCH_COMMAND="bash benchmarks/run.sh $*"

tfref="${TFREF_PYTHON:-}"
if [ -z "$tfref" ]; then
    for candidate in "$root/tools/.venv/bin/python" \
        "$(dirname "$(git -C "$root" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || echo /nonexistent/.git)")/tools/.venv/bin/python"; do
        if [ -x "$candidate" ]; then
            tfref="$candidate"
            break
        fi
    done
fi
extra=()
if [ -n "$tfref" ] && [ -x "$tfref" ]; then
    extra=(--tfkeras-python "$tfref")
else
    echo "no tf-keras reference venv (\$TFREF_PYTHON or tools/.venv): tf-keras left out" >&2
fi
exec "$venv/bin/python" "$here/bench.py" "${extra[@]}" "$@"
