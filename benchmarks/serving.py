"""Throughput, latency and quality of exported G2P SavedModels, in a TensorFlow-only process.

    .venv/bin/python benchmarks/serving.py saved_models/g2p --json benchmarks/results/serving.json
    .venv/bin/python benchmarks/serving.py /tmp/before /tmp/after --labels before after

The parent writes the CMUdict held-out test words to a file and starts a
child process in which `keras`, `seqmodels` and `pipelines` cannot be
imported; the child loads every model with `tf.saved_model.load`, makes one
warm-up pass (timed: an XLA export compiles each chunk shape on first use)
and then, for `greedy` and `serving_default` (beam 4), in `--rounds`
interleaved rounds (model after model, so a busy moment hits them alike):

- words/s at batch 256 over every test word, in dataset order (not sorted);
- latency at batch 1 (p50, p99, ms) over `--calls` single words.

The medians over rounds are reported, with each model's ratio to the first.
The parent scores the outputs of the batch pass (WER / PER, any reference
counts), so a speed-up that changes an output shows.
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
SIGNATURES = ("greedy", "serving_default")


def _batch_pass(fn, words, batch_size):
    """`(words/s, outputs)` of one pass over `words` at `batch_size`."""
    import tensorflow as tf

    outputs, start = [], time.perf_counter()
    for i in range(0, len(words), batch_size):
        out = fn(inputs=tf.constant(words[i:i + batch_size]))
        outputs.extend(s.decode() for s in out["outputs"].numpy().tolist())
    return len(words) / (time.perf_counter() - start), outputs


def _latencies(fn, words):
    import tensorflow as tf

    latencies = []
    for word in words:
        t = time.perf_counter()
        fn(inputs=tf.constant([word]))
        latencies.append(1000 * (time.perf_counter() - t))
    return latencies


def child(words_file, out_file, models, rounds, calls, batch_size):
    for name in ("keras", "seqmodels", "pipelines", "tensorflow_datasets"):
        sys.modules[name] = None  # prove the artifact needs TensorFlow alone
    import numpy as np
    import tensorflow as tf

    words = pathlib.Path(words_file).read_text().split("\n")
    loaded = [tf.saved_model.load(m) for m in models]
    runs = {(m, s): {"words_per_s": [], "p50_ms": [], "p99_ms": []}
            for m in range(len(models)) for s in SIGNATURES}
    outputs, cold = {}, {}
    for m, model in enumerate(loaded):  # warm-up: a whole pass (XLA compiles on first use)
        for name in SIGNATURES:
            start = time.perf_counter()
            _batch_pass(model.signatures[name], words, batch_size)
            _latencies(model.signatures[name], words[:calls])
            cold[(m, name)] = time.perf_counter() - start
    for _ in range(rounds):
        for m, model in enumerate(loaded):
            for name in SIGNATURES:
                fn, row = model.signatures[name], runs[(m, name)]
                speed, outputs[(m, name)] = _batch_pass(fn, words, batch_size)
                latencies = _latencies(fn, words[:calls])
                row["words_per_s"].append(speed)
                row["p50_ms"].append(float(np.percentile(latencies, 50)))
                row["p99_ms"].append(float(np.percentile(latencies, 99)))
    result = {"tensorflow": tf.__version__, "cpus": os.cpu_count(), "models": []}
    for m, directory in enumerate(models):
        entry = {"model": directory}
        for name in SIGNATURES:
            for key, values in runs[(m, name)].items():
                entry[f"{name}_{key}"] = float(np.median(values))
                entry[f"{name}_{key}_rounds"] = values
            entry[f"{name}_outputs"] = outputs[(m, name)]
            entry[f"{name}_warm_up_seconds"] = cold[(m, name)]
        result["models"].append(entry)
    pathlib.Path(out_file).write_text(json.dumps(result))


def _score(entry, references):
    from seqmodels.metrics import error_rates

    for name in SIGNATURES:
        hyps = [o.split() for o in entry.pop(f"{name}_outputs")]
        rates = error_rates(hyps, references)
        entry[f"{name}_wer"], entry[f"{name}_per"] = rates["wer"], rates["per"]
        entry[f"{name}_hypotheses"] = hyps


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+",
                        help="model directories (saved_models/g2p) or version dirs")
    parser.add_argument("--labels", nargs="+", help="one name per model (default: the paths)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(*args.child, args.models, args.rounds, args.calls, args.batch_size)

    sys.path.insert(0, str(ROOT))
    from pipelines.datasets import load
    from seqmodels.export import latest_version

    labels = args.labels or args.models
    if len(labels) != len(args.models):
        sys.exit(f"Expected one label per model. Received {len(labels)} labels for "
                 f"{len(args.models)} models.")
    dirs = [str(p if (p / "saved_model.pb").exists() else latest_version(p))
            for p in map(pathlib.Path, args.models)]
    examples = list(load("cmudict_g2p", "test").as_numpy_iterator())
    words = [e["word"].decode() for e in examples]
    references = [[p.decode().split() for p in e["pronunciations"]] for e in examples]
    with tempfile.TemporaryDirectory() as tmp:
        words_file, out_file = pathlib.Path(tmp, "words.txt"), pathlib.Path(tmp, "out.json")
        words_file.write_text("\n".join(words))
        command = [sys.executable, __file__, *dirs, "--rounds", str(args.rounds),
                   "--calls", str(args.calls), "--batch-size", str(args.batch_size),
                   "--child", str(words_file), str(out_file)]
        out = subprocess.run(command, capture_output=True, text=True, check=False,
                             env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
        if out.returncode != 0:
            sys.exit(out.stderr[-3000:])
        result = json.loads(out_file.read_text())
    for label, entry in zip(labels, result["models"]):
        entry["label"] = label
        _score(entry, references)
    first = result["models"][0]
    for entry in result["models"]:
        for name in SIGNATURES:
            entry[f"{name}_speedup"] = (entry[f"{name}_words_per_s"]
                                        / first[f"{name}_words_per_s"])
            entry[f"{name}_outputs_differing_from_first"] = sum(
                a != b for a, b in zip(entry[f"{name}_hypotheses"],
                                       first[f"{name}_hypotheses"]))
    for entry in result["models"]:
        for name in SIGNATURES:
            entry.pop(f"{name}_hypotheses")
    result.update(test_words=len(words), batch_size=args.batch_size,
                  command="benchmarks/serving.py " + " ".join(argv or sys.argv[1:]))
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        pathlib.Path(args.json).write_text(text + "\n")


if __name__ == "__main__":
    main()
