"""tf-keras 2.21 under ``tf.function``: one layer, in its own process, in the reference venv.

``bench.py`` calls :func:`time_tfkeras` (no TensorFlow import on its side): it runs this
file with the reference venv's Python, which builds the tf-keras layer of a workload's
spec (the same class name, arguments and input shape as our layer), and times, with the
benchmark's own ``timing`` module, a forward and a training step (forward + gradients of
``sum(outputs)`` w.r.t. the input and every trainable weight), each a ``tf.function``,
each alone in a loop, with 2 intra-op and 2 inter-op threads. It prints one JSON line.

The training step returns the loss with the gradients, as a real one does (Keras's
``train_step`` returns it for the logs). A step that returned only the gradients would
not time tf-keras's forward at all: ``d sum(y) / dy`` is all ones whatever ``y`` is, so
no gradient needs the convolution's output and grappler prunes it from the graph
(measured on Conv1D (a): 12.7 ms without the loss, 17.3 ms with it, forward alone 5.8).
By hand, in the reference venv (``tools/.venv``)::

    TF_USE_LEGACY_KERAS=1 tools/.venv/bin/python benchmarks/tfkeras_runner.py \\
        --spec '{"cls": "Conv1D", "kwargs": {"filters": 64, "kernel_size": 3}, \\
                 "input_shape": [32, 1024, 64]}' --rounds 10
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TIMEOUT_SECONDS = 900  # one layer's process; a hung one must not stall the whole run


def time_tfkeras(python: str, spec: dict, rounds: int, max_seconds: float | None) -> dict:
    """Run this file in the reference venv ``python`` for ``spec``; its JSON record.

    The record has ``fwd`` and ``train`` (samples, ms per call), ``build_s`` and
    ``versions``, or ``error`` when the process failed (reported, never fatal).
    """
    command = [python, str(Path(__file__).resolve()), "--spec", json.dumps(spec)]
    command += ["--rounds", str(rounds)]
    if max_seconds is not None:
        command += ["--max-seconds", str(max_seconds)]
    env = {**os.environ, "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    try:
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=TIMEOUT_SECONDS
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {TIMEOUT_SECONDS} s"}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {done.returncode}: {tail[:300]}"}
    return json.loads(lines[-1])


def _measure(spec: dict, rounds: int, max_seconds: float | None) -> dict:
    """Build the tf-keras layer of ``spec`` and time both phases (reference venv only)."""
    import tensorflow as tf
    import tf_keras

    sys.path.insert(0, str(HERE))
    from timing import time_alone

    tf.config.threading.set_intra_op_parallelism_threads(2)
    tf.config.threading.set_inter_op_parallelism_threads(2)
    x = tf.random.normal(spec["input_shape"])
    start = time.perf_counter()
    layer = getattr(tf_keras.layers, spec["cls"])(**spec["kwargs"])
    layer.build(x.shape)
    build_s = time.perf_counter() - start

    @tf.function
    def forward():
        return layer(x)

    @tf.function
    def train():
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(layer(x))
        return loss, tape.gradient(loss, [x, *layer.trainable_weights])

    steps = {
        "fwd": lambda: forward().numpy(),
        "train": lambda: [t.numpy() for t in tf.nest.flatten(train())],
    }
    record = {
        "versions": {"tensorflow": tf.__version__, "tf_keras": tf_keras.__version__},
        "build_s": round(build_s, 3),
    }
    for phase, step in steps.items():
        record[phase] = time_alone(step, rounds, max_seconds=max_seconds)
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--spec", required=True, help="JSON: cls, kwargs, input_shape")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--max-seconds", type=float, default=None, help="time budget per phase")
    args = parser.parse_args()
    record = _measure(json.loads(args.spec), args.rounds, args.max_seconds)
    print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
