#!/usr/bin/env bash
# Create benchmarks/.venv (convlayers + Keras 3 on the torch backend) and run the
# benchmark with the malloc settings of shared/PEERS.md. Arguments go to bench.py,
# e.g. `bash benchmarks/run.sh --write benchmarks/RESULTS.md`. If a tf-keras reference
# venv exists ($TFREF_PYTHON, default /work/venvs/tfref/bin/python), LocallyConnected1D
# is also timed in tf-keras in the same run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
venv="${BENCH_VENV:-$here/.venv}"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -c "$root/constraints/cpu.txt" -e "$root" "keras==3.15.1"
export MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=4294967296
export KERAS_BACKEND=torch OMP_NUM_THREADS=2
# tf-keras (LocallyConnected1D reference timings) when its venv exists: tools/README.md
tfref="${TFREF_PYTHON:-/work/venvs/tfref/bin/python}"
extra=()
if [ -x "$tfref" ]; then
    extra=(--tfkeras-python "$tfref")
fi
exec "$venv/bin/python" "$here/bench.py" "${extra[@]}" "$@"
