"""One-to-many: generate a sorted sequence from its bag-of-symbols vector.

    .venv/bin/python benchmarks/quality/one_to_many.py --seeds 0 1 2

Input: a vector of the counts of 8 symbols (3-12 symbols in all); output:
the symbols in sorted order, then END. The model sees the vector once (it
sets the initial state and joins every step's input) and must unroll the
whole sequence: when to move to the next symbol and when to stop.
Trained by teacher forcing with `fit()`; scored by greedy decoding as the
share of held-out vectors whose whole sequence is exact.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

import keras  # noqa: E402

from benchmarks.quality.common import save_result, seed_everything  # noqa: E402
from seqmodels import constants  # noqa: E402
from seqmodels.models import OneToMany  # noqa: E402

SYMBOLS, FIRST_ID = 8, constants.NUM_SPECIAL_TOKENS  # symbol s has id FIRST_ID + s


def make(n, rng, max_count=12):
    """`(vectors (n, 8), decoder_inputs (n, 13), labels (n, 13))`, padded with 0."""
    vectors = np.zeros((n, SYMBOLS), "float32")
    decoder_inputs = np.zeros((n, max_count + 1), "int32")
    labels = np.zeros((n, max_count + 1), "int32")
    for i in range(n):
        symbols = np.sort(rng.integers(0, SYMBOLS, rng.integers(3, max_count + 1)))
        vectors[i] = np.bincount(symbols, minlength=SYMBOLS)
        ids = symbols + FIRST_ID
        decoder_inputs[i, : len(ids) + 1] = [constants.START_ID, *ids]
        labels[i, : len(ids) + 1] = [*ids, constants.END_ID]
    return vectors, decoder_inputs, labels


def run(seed, args):
    seed_everything(seed)
    rng = np.random.default_rng(seed)
    train, test = make(args.train, rng), make(1000, np.random.default_rng(10_000 + seed))
    model = OneToMany(FIRST_ID + SYMBOLS, embedding_dim=16, cell=args.cell, units=args.units,
                      conditioning="both")
    model.compile(keras.optimizers.Adam(3e-3),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0))
    start = time.perf_counter()
    model.fit({"vector": train[0], "decoder_inputs": train[1]}, train[2], epochs=args.epochs,
              batch_size=128, verbose=0)
    tokens = np.asarray(model.generate({"vector": test[0]}, "greedy", max_length=13)["tokens"])
    exact = np.mean([np.array_equal(t[0], label) for t, label in zip(tokens, test[2])])
    return {"seed": seed, "exact_match": float(exact), "seconds": time.perf_counter() - start}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--train", type=int, default=20000)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--cell", default="lstm")
    parser.add_argument("--units", type=int, default=64)
    parser.add_argument("--name", default="one_to_many")
    args = parser.parse_args(argv)
    runs = [run(seed, args) for seed in args.seeds]
    for r in runs:
        print(r)
    exact = np.array([r["exact_match"] for r in runs])
    result = {"command": "benchmarks/quality/one_to_many.py " + " ".join(argv or sys.argv[1:]),
              "args": vars(args), "runs": runs, "mean": float(exact.mean()),
              "std": float(exact.std())}
    print(f"exact-sequence accuracy {result['mean']:.4f} +- {result['std']:.4f}")
    print(save_result(args.name, result))


if __name__ == "__main__":
    main()
