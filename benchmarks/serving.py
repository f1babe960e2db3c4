"""Serving throughput and latency of an exported G2P SavedModel, from a TensorFlow-only process.

    .venv/bin/python benchmarks/serving.py saved_models/g2p --json benchmarks/results/serving.json

The parent writes the CMUdict held-out test words to a file and starts a
child process in which `keras`, `seqmodels` and `pipelines` cannot be
imported; the child loads the latest version with `tf.saved_model.load` and
measures, on the same words:

- words/s at batch 256 through `greedy` and `serving_default` (beam 4),
  after one warm-up batch, over `--batches` batches;
- latency at batch 1 (p50, p99, ms) of both, over `--calls` single words.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


def child(model_dir, words_file, batches, calls, batch_size):
    for name in ("keras", "seqmodels", "pipelines", "tensorflow_datasets"):
        sys.modules[name] = None  # prove the artifact needs TensorFlow alone
    import numpy as np
    import tensorflow as tf

    words = pathlib.Path(words_file).read_text().split()
    loaded = tf.saved_model.load(model_dir)
    rows = {"model": model_dir, "tensorflow": tf.__version__, "cpus": os.cpu_count(),
            "batch_size": batch_size}
    for name in ("greedy", "serving_default"):
        fn = loaded.signatures[name]
        fn(inputs=tf.constant(words[:batch_size]))  # warm-up (graph already traced on load)
        start, done = time.perf_counter(), 0
        for b in range(1, batches + 1):
            chunk = words[b * batch_size:(b + 1) * batch_size]
            fn(inputs=tf.constant(chunk))
            done += len(chunk)
        rows[f"{name}_words_per_s"] = done / (time.perf_counter() - start)
        latencies = []
        for word in words[:calls]:
            t = time.perf_counter()
            fn(inputs=tf.constant([word]))
            latencies.append(1000 * (time.perf_counter() - t))
        rows[f"{name}_p50_ms"] = float(np.percentile(latencies, 50))
        rows[f"{name}_p99_ms"] = float(np.percentile(latencies, 99))
    print(json.dumps(rows))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="model directory (saved_models/g2p) or a version dir")
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(*args.child, args.batches, args.calls, args.batch_size)

    sys.path.insert(0, str(ROOT))
    from pipelines.datasets import load
    from seqmodels.export import latest_version

    model_dir = pathlib.Path(args.model)
    if not (model_dir / "saved_model.pb").exists():
        model_dir = latest_version(model_dir)
    words = [e["word"].decode() for e in load("cmudict_g2p", "test").as_numpy_iterator()]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(words))
    command = [sys.executable, __file__, str(model_dir), "--batches", str(args.batches),
               "--calls", str(args.calls), "--batch-size", str(args.batch_size),
               "--child", str(model_dir), f.name]
    out = subprocess.run(command, capture_output=True, text=True, check=False,
                         env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    os.unlink(f.name)
    if out.returncode != 0:
        sys.exit(out.stderr[-3000:])
    rows = json.loads(out.stdout.strip().splitlines()[-1])
    rows["command"] = "benchmarks/serving.py " + " ".join(argv or sys.argv[1:])
    print(json.dumps(rows, indent=2))
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
