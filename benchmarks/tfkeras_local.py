"""Time tf-keras 2.21 LocallyConnected1D on the workloads of ``workloads_local.py``.

Runs only in the reference venv (TensorFlow + tf_keras), never imported by bench.py:

    TF_USE_LEGACY_KERAS=1 MALLOC_MMAP_THRESHOLD_=33554432 \\
        MALLOC_TRIM_THRESHOLD_=4294967296 /work/venvs/tfref/bin/python \\
        benchmarks/tfkeras_local.py [--only a-i1 b-i3] [--budget 1.5] [--graph-only] [--json]

For each workload and ``implementation`` it prints the median (and min) ms of a
forward and of a training step (forward + gradients of ``sum(outputs)`` w.r.t. the
input and every weight), eager and under ``tf.function``, with 2 intra-op threads.
``bench.py --tfkeras-python`` runs it with ``--graph-only --json`` (one JSON object per
line) to put tf-keras beside our layer in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf
import tf_keras

SIZES = {
    "a": dict(batch=32, length=128, channels=16, filters=32, k=3),
    "b": dict(batch=64, length=512, channels=32, filters=64, k=5),
}


def timed(fn, budget: float, min_reps: int) -> tuple[float, float]:
    for _ in range(2):
        fn()
    samples = []
    start = time.perf_counter()
    while len(samples) < min_reps or time.perf_counter() - start < budget:
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1e3)
        if len(samples) >= 500:
            break
    return statistics.median(samples), min(samples)


def run(key: str, impl: int, budget: float, graph_only: bool) -> dict:
    size = SIZES[key]
    x = tf.random.normal((size["batch"], size["length"], size["channels"]))
    t0 = time.perf_counter()
    layer = tf_keras.layers.LocallyConnected1D(size["filters"], size["k"], implementation=impl)
    layer.build(x.shape)
    build_s = time.perf_counter() - t0

    def fwd():
        return layer(x)

    def train():
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(layer(x))
        return tape.gradient(loss, [x, *layer.trainable_weights])

    fwd_fn, train_fn = tf.function(fwd), tf.function(train)
    min_reps = 3 if (key, impl) == ("b", 2) else 20
    result = {"build_s": round(build_s, 2)}
    timings = [
        ("eager fwd", fwd),
        ("eager train", train),
        ("tf.function fwd", lambda: fwd_fn().numpy()),
        ("tf.function train", lambda: [g.numpy() for g in train_fn()]),
    ]
    for name, fn in timings[2:] if graph_only else timings:
        med, best = timed(fn, budget, min_reps)
        result[name] = (round(med, 3), round(best, 3))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", help="e.g. a-i1 b-i3")
    parser.add_argument("--budget", type=float, default=1.5)
    parser.add_argument("--graph-only", action="store_true", help="skip the eager timings")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    args = parser.parse_args()
    tf.config.threading.set_intra_op_parallelism_threads(2)
    tf.config.threading.set_inter_op_parallelism_threads(2)
    versions = {"tensorflow": tf.__version__, "tf_keras": tf_keras.__version__}
    if args.json:
        print(json.dumps({"versions": versions}), flush=True)
    else:
        print(f"tensorflow {tf.__version__}, tf_keras {tf_keras.__version__}; ms as (median, min)")
    for key in SIZES:
        for impl in (1, 2, 3):
            name = f"{key}-i{impl}"
            if args.only and name not in args.only:
                continue
            result = run(key, impl, args.budget, args.graph_only)
            if args.json:
                print(json.dumps({"size": key, "implementation": impl, **result}), flush=True)
            else:
                print(name, result, flush=True)


if __name__ == "__main__":
    main()
