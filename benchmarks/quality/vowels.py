"""JapaneseVowels (many-to-one): test accuracy on the official 270/370 split.

    .venv/bin/python benchmarks/quality/vowels.py --seeds 0 1 2

A `ManyToOne` classifier over the 12 standardised LPC coefficients, masks
explicit, trained by `fit()`; the last epoch's model is scored (no test-set
model selection). Published: FCN 0.993, InceptionTime 0.992, TWIESN 0.965.
Also reported: the ensemble of the seeds (mean of their class probabilities).
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

import numpy as np
import tensorflow as tf

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

import keras  # noqa: E402

from benchmarks.quality.common import save_result, seed_everything  # noqa: E402
from pipelines import pad_to_batch_max  # noqa: E402
from pipelines.datasets import load  # noqa: E402
from pipelines.datasets.japanese_vowels import NUM_CLASSES  # noqa: E402
from seqmodels.models import ManyToOne  # noqa: E402


def arrays(split):
    examples = list(load("japanese_vowels", split).as_numpy_iterator())
    return [e["features"] for e in examples], np.array([e["label"] for e in examples])


def dataset(features, labels, mean, std, batch_size, seed=None, noise=0.0):
    def gen():
        for f, y in zip(features, labels):
            yield {"inputs": ((f - mean) / std).astype(np.float32)}, y

    spec = ({"inputs": tf.TensorSpec((None, 12), tf.float32)}, tf.TensorSpec((), tf.int64))
    ds = tf.data.Dataset.from_generator(gen, output_signature=spec).cache()
    if seed is not None:
        ds = ds.shuffle(len(labels), seed=seed)
    if noise:
        ds = ds.map(lambda x, y: ({"inputs": x["inputs"] + tf.random.normal(
            tf.shape(x["inputs"]), stddev=noise)}, y))
    return ds.apply(pad_to_batch_max(batch_size)).prefetch(tf.data.AUTOTUNE)


def run(seed, args):
    seed_everything(seed)
    (xtr, ytr), (xte, yte) = arrays("train"), arrays("test")
    steps = np.concatenate(xtr)
    mean, std = steps.mean(0), steps.std(0) + 1e-6
    model = ManyToOne(NUM_CLASSES, cell=args.cell, units=args.units, bidirectional=True,
                      num_layers=args.layers, pooling=args.pooling, dropout=args.dropout,
                      head_dropout=args.dropout)
    schedule = keras.optimizers.schedules.CosineDecay(
        args.learning_rate, args.epochs * int(np.ceil(len(ytr) / args.batch_size)))
    model.compile(keras.optimizers.Adam(schedule),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(dataset(xtr, ytr, mean, std, args.batch_size, seed, args.noise),
              epochs=args.epochs, verbose=0)
    _, accuracy = model.evaluate(dataset(xte, yte, mean, std, 128), verbose=0)
    logits = model.predict(dataset(xte, yte, mean, std, 128), verbose=0)
    return {"seed": seed, "test_accuracy": float(accuracy),
            "seconds": time.perf_counter() - start}, keras.ops.softmax(logits).numpy(), yte


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=150)
    parser.add_argument("--cell", default="gru")
    parser.add_argument("--units", type=int, default=64)
    parser.add_argument("--layers", type=int, default=1)
    parser.add_argument("--pooling", default="mean")
    parser.add_argument("--dropout", type=float, default=0.3)
    parser.add_argument("--noise", type=float, default=0.1)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--learning-rate", type=float, default=3e-3)
    parser.add_argument("--name", default="vowels")
    args = parser.parse_args(argv)
    runs, probabilities = [], []
    for seed in args.seeds:
        row, probs, labels = run(seed, args)
        runs.append(row)
        probabilities.append(probs)
        print(runs[-1], flush=True)
    accuracies = np.array([r["test_accuracy"] for r in runs])
    ensemble = float(np.mean(np.mean(probabilities, axis=0).argmax(-1) == labels))
    result = {"command": "benchmarks/quality/vowels.py " + " ".join(argv or sys.argv[1:]),
              "args": vars(args), "runs": runs, "mean": float(accuracies.mean()),
              "std": float(accuracies.std()), "min": float(accuracies.min()),
              "max": float(accuracies.max()), "ensemble_accuracy": ensemble}
    print(f"test accuracy {result['mean']:.4f} +- {result['std']:.4f} "
          f"(min {result['min']:.4f}, max {result['max']:.4f}); ensemble {ensemble:.4f}")
    print(save_result(args.name, result))


if __name__ == "__main__":
    main()
