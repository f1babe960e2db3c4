"""JapaneseVowels (many-to-one): test accuracy on the official 270/370 split.

    .venv/bin/python benchmarks/quality/vowels.py --seeds 0 1 2
    .venv/bin/python benchmarks/quality/vowels.py --select --folds 5 --seeds 0 1 2

A `ManyToOne` classifier over the 12 standardised LPC coefficients, masks
explicit, trained by `fit()`; the last epoch's model is scored. Published:
FCN 0.993, InceptionTime 0.992, TWIESN 0.965. Also reported: the ensemble of
the seeds (mean of their class probabilities).

`--select` chooses the configuration without the test set: each of
`CANDIDATES` is scored by stratified k-fold cross-validation inside the 270
training utterances (seed 0, standardised on each fold's training part),
the best mean fold accuracy wins (the earlier candidate on a tie), and only
that configuration is trained on the whole training split, once per seed,
and scored once on the test split.
"""

from __future__ import annotations

import argparse
import functools
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


@functools.cache
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


#: What `--select` chooses among (on top of the command line's settings): the best
#: test-informed configuration of the earlier table, the same with an exponential
#: moving average of the weights (Keras's `use_ema`), and that with more input noise.
CANDIDATES = {
    "bigru2": {"layers": 2, "dropout": 0.5, "noise": 0.15},
    "bigru2_ema": {"layers": 2, "dropout": 0.5, "noise": 0.15, "ema": 0.99},
    "bigru2_ema_noise": {"layers": 2, "dropout": 0.5, "noise": 0.25, "ema": 0.99},
}


def fit_and_score(seed, config, train, held_out):
    """Train on `train` = (features, labels); probabilities and accuracy on `held_out`."""
    seed_everything(seed)
    (xtr, ytr), (xte, yte) = train, held_out
    steps = np.concatenate(xtr)
    mean, std = steps.mean(0), steps.std(0) + 1e-6
    model = ManyToOne(NUM_CLASSES, cell=config.cell, units=config.units, bidirectional=True,
                      num_layers=config.layers, pooling=config.pooling, dropout=config.dropout,
                      output_dropout=config.dropout)
    schedule = keras.optimizers.schedules.CosineDecay(
        config.learning_rate, config.epochs * int(np.ceil(len(ytr) / config.batch_size)))
    ema = {"use_ema": True, "ema_momentum": config.ema} if config.ema else {}
    model.compile(keras.optimizers.Adam(schedule, **ema),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(dataset(xtr, ytr, mean, std, config.batch_size, seed, config.noise),
              epochs=config.epochs, verbose=0)  # with use_ema, fit ends on the EMA weights
    logits = model.predict(dataset(xte, yte, mean, std, 128), verbose=0)
    probabilities = keras.ops.softmax(logits).numpy()
    return probabilities, float(np.mean(probabilities.argmax(-1) == yte))


def run(seed, args):
    start, test = time.perf_counter(), arrays("test")
    probabilities, accuracy = fit_and_score(seed, args, arrays("train"), test)
    return ({"seed": seed, "test_accuracy": accuracy, "seconds": time.perf_counter() - start},
            probabilities, test[1])


def stratified_folds(labels, folds, seed=0):
    """`folds` index arrays partitioning range(len(labels)), each class spread evenly."""
    rng = np.random.default_rng(seed)
    parts = [[] for _ in range(folds)]
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        for k, chunk in enumerate(np.array_split(members, folds)):
            parts[k].extend(chunk.tolist())
    return [np.array(sorted(p)) for p in parts]


def cross_validate(config, folds):
    """Mean and per-fold accuracy of `config` over stratified folds of the training split."""
    features, labels = arrays("train")
    scores = []
    for held in stratified_folds(labels, folds):
        keep = np.setdiff1d(np.arange(len(labels)), held)
        train = ([features[i] for i in keep], labels[keep])
        valid = ([features[i] for i in held], labels[held])
        scores.append(fit_and_score(0, config, train, valid)[1])
    return float(np.mean(scores)), scores


def select(args):
    """The candidate with the best cross-validated accuracy, and every candidate's scores."""
    table = {}
    for name, overrides in CANDIDATES.items():
        config = argparse.Namespace(**{**vars(args), **overrides})
        start = time.perf_counter()
        mean, scores = cross_validate(config, args.folds)
        table[name] = {"overrides": overrides, "cv_accuracy": mean, "folds": scores,
                       "seconds": time.perf_counter() - start}
        print(name, table[name], flush=True)
    best = max(table, key=lambda name: table[name]["cv_accuracy"])  # first of equals
    return best, table


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
    parser.add_argument("--ema", type=float, default=0.0,
                        help="momentum of an exponential moving average of the weights")
    parser.add_argument("--select", action="store_true",
                        help="choose among CANDIDATES by cross-validation on the training split")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--name", default="vowels")
    args = parser.parse_args(argv)
    selection = None
    if args.select:
        best, table = select(args)
        selection = {"chosen": best, "folds": args.folds, "candidates": table}
        args = argparse.Namespace(**{**vars(args), **CANDIDATES[best]})
        print("chosen by cross-validation:", best, flush=True)
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
              "max": float(accuracies.max()), "ensemble_accuracy": ensemble,
              "selection": selection}
    print(f"test accuracy {result['mean']:.4f} +- {result['std']:.4f} "
          f"(min {result['min']:.4f}, max {result['max']:.4f}); ensemble {ensemble:.4f}")
    print(save_result(args.name, result))


if __name__ == "__main__":
    main()
