"""Turkish Web Treebank UPOS tagging (aligned many-to-many), official split.

    .venv/bin/python benchmarks/quality/turkish_pos.py --seeds 0 1 2

Each token is read as several symbols sharing one embedding table: the
lower-cased word (train words seen at least twice, else OOV), its suffixes
of 1-4 characters, its first 2 characters and a shape class (capitalised,
digit, punctuation, ...). Turkish is agglutinative, and 21.5% of test
tokens are unseen words, so the suffixes carry most of the tag; word
dropout (the word slot hidden with probability 0.25 in training) teaches
the model to use them.
`AlignedManyToMany`, bidirectional, padded steps weighted 0. The last epoch's
model is scored on the test split; also reported, the ensemble of the seeds
(mean of their tag probabilities). Floor: most-frequent tag 89.4%.

`--select` chooses among `CANDIDATES` by UPOS accuracy on the dev split
(`validation`, mean over `--select-seeds`), trained on the train split; only
the chosen configuration is then scored on the test split, once per seed.

    .venv/bin/python benchmarks/quality/turkish_pos.py --select --name turkish_pos_selected
"""

from __future__ import annotations

import argparse
import collections
import pathlib
import sys
import time

import numpy as np
import tensorflow as tf

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

import keras  # noqa: E402

from benchmarks.quality.common import save_result, seed_everything, select  # noqa: E402
from pipelines import pad_to_batch_max  # noqa: E402
from pipelines.datasets import load  # noqa: E402
from seqmodels.models import AlignedManyToMany  # noqa: E402
from seqmodels.training import AverageLastEpochs  # noqa: E402

#: What `--select` chooses among (on top of the command line's settings).
CANDIDATES = {
    "bilstm2_128_e12": {"units": 128, "epochs": 12, "average": None},
    "bilstm2_128_e16_avg4": {"units": 128, "epochs": 16, "average": 4},
    "bilstm2_192_e12_avg3": {"units": 192, "epochs": 12, "average": 3},
    "bilstm2_128_e16_avg4_emb64": {"units": 128, "epochs": 16, "average": 4,
                                   "embedding_dim": 64},
}

SLOTS = ("word", "suffix1", "suffix2", "suffix3", "suffix4", "suffix5", "prefix2", "prefix3",
         "shape")


def shape_of(token):
    if token.isdigit():
        return "digit"
    if not any(c.isalnum() for c in token):
        return "punct"
    if token[:1].isupper():
        return "upper" if token.isupper() and len(token) > 1 else "title"
    return "lower"


def symbols(token):
    word = token.lower()
    return [word, word[-1:], word[-2:], word[-3:], word[-4:], word[-5:], word[:2], word[:3],
            shape_of(token)]


def read(split):
    sentences = []
    for e in load("turkish_pos", split).as_numpy_iterator():
        sentences.append(([t.decode() for t in e["tokens"]], [t.decode() for t in e["upos"]]))
    return sentences


class SymbolTable:
    """One id space for all slots: ids 0 (pad) and 1 (OOV) are shared."""

    def __init__(self, sentences, min_word_count=2):
        counts = [collections.Counter() for _ in SLOTS]
        for tokens, _ in sentences:
            for token in tokens:
                for slot, symbol in enumerate(symbols(token)):
                    counts[slot][symbol] += 1
        self.ids, next_id = [], 2
        for slot, counter in enumerate(counts):
            keep = [s for s, c in counter.items() if c >= (min_word_count if slot == 0 else 1)]
            self.ids.append({s: next_id + i for i, s in enumerate(sorted(keep))})
            next_id += len(keep)
        self.size = next_id

    def encode(self, tokens):
        return np.array([[self.ids[k].get(s, 1) for k, s in enumerate(symbols(t))]
                         for t in tokens], dtype=np.int32)  # (T, slots)


def word_dropout(rate, seed):
    """Training only: the word slot becomes OOV with probability `rate`, so the model
    learns to tag from suffixes and shape, as it must for the 21.5% unseen test words."""
    generator = tf.random.Generator.from_seed(seed)

    def drop(x, y):
        ids = x["inputs"]  # (T, slots)
        hide = generator.uniform(tf.shape(ids[:, :1])) < rate  # (T, 1)
        first = tf.where(hide, tf.ones_like(ids[:, :1]), ids[:, :1])
        return {"inputs": tf.concat([first, ids[:, 1:]], axis=1)}, y

    return drop


def dataset(sentences, table, tags, batch_size, seed=None, drop_words=0.0):
    def gen():
        for tokens, upos in sentences:
            yield {"inputs": table.encode(tokens)}, np.array([tags[t] for t in upos], np.int32)

    spec = ({"inputs": tf.TensorSpec((None, len(SLOTS)), tf.int32)},
            tf.TensorSpec((None,), tf.int32))
    ds = tf.data.Dataset.from_generator(gen, output_signature=spec).cache()
    if seed is not None:
        ds = ds.shuffle(len(sentences), seed=seed)
    if drop_words:
        ds = ds.map(word_dropout(drop_words, seed or 0))
    return ds.apply(pad_to_batch_max(batch_size)).prefetch(tf.data.AUTOTUNE)


def tag_probabilities(model, sentences, table, tags, batch_size=128):
    """`(probabilities (N, C), gold (N,))` over the real tokens of `sentences`, in order."""
    probs, gold = [], []
    for x, y, weight in dataset(sentences, table, tags, batch_size):
        real = weight.numpy() > 0
        probs.append(keras.ops.softmax(model.predict_on_batch(x)).numpy()[real])
        gold.append(y.numpy()[real])
    return np.concatenate(probs), np.concatenate(gold)


def run(seed, data, args, scored="test"):
    """Trains on the train split; scores the `scored` split (`"test"` or `"validation"`)."""
    seed_everything(seed)
    train, valid, test = data
    table = SymbolTable(train)
    tags = {t: i for i, t in enumerate(sorted({t for _, u in train for t in u}))}
    model = AlignedManyToMany(len(tags), vocabulary_size=table.size,
                              embedding_dim=args.embedding_dim, cell=args.cell,
                              units=args.units, num_layers=args.layers, bidirectional=True,
                              dropout=args.dropout, layer_dropout=args.dropout,
                              output_dropout=args.dropout)
    model.compile(keras.optimizers.Adam(args.learning_rate),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  weighted_metrics=["accuracy"])
    start = time.perf_counter()
    history = model.fit(dataset(train, table, tags, args.batch_size, seed, args.word_dropout),
                        validation_data=dataset(valid, table, tags, 128),
                        epochs=args.epochs, verbose=2,
                        callbacks=[AverageLastEpochs(args.average)] if args.average else [])
    probs, gold = tag_probabilities(model, test if scored == "test" else valid, table, tags)
    return {"seed": seed, f"{scored}_accuracy": float(np.mean(probs.argmax(-1) == gold)),
            "last_epoch_val_accuracy": float(history.history["val_accuracy"][-1]),
            "seconds": time.perf_counter() - start}, probs, gold


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--cell", default="lstm")
    parser.add_argument("--units", type=int, default=128)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--embedding-dim", type=int, default=32)
    parser.add_argument("--dropout", type=float, default=0.3)
    parser.add_argument("--word-dropout", type=float, default=0.25)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--learning-rate", type=float, default=2e-3)
    parser.add_argument("--average", type=int, default=None,
                        help="end on the mean weights of the last N epochs (AverageLastEpochs)")
    parser.add_argument("--select", action="store_true",
                        help="choose among CANDIDATES on the dev split, then score the test")
    parser.add_argument("--select-seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--name", default="turkish_pos")
    args = parser.parse_args(argv)
    data = tuple(read(s) for s in ("train", "validation", "test"))
    selection = None
    if args.select:
        def dev_accuracy(config):
            rows = [run(seed, data, config, scored="validation")[0]
                    for seed in args.select_seeds]
            return np.mean([r["validation_accuracy"] for r in rows]), rows

        chosen, table = select(CANDIDATES, args, dev_accuracy, higher_is_better=True)
        selection = {"chosen": chosen, "split": "validation (dev)", "table": table}
        args = argparse.Namespace(**{**vars(args), **CANDIDATES[chosen]})
        print("chosen on the dev split:", chosen, flush=True)
    runs, probabilities = [], []
    for seed in args.seeds:
        row, probs, gold = run(seed, data, args)
        runs.append(row)
        probabilities.append(probs)
        print(runs[-1], flush=True)
    acc = np.array([r["test_accuracy"] for r in runs])
    ensemble = float(np.mean(np.mean(probabilities, axis=0).argmax(-1) == gold))
    result = {"command": "benchmarks/quality/turkish_pos.py " + " ".join(argv or sys.argv[1:]),
              "args": vars(args), "runs": runs, "mean": float(acc.mean()),
              "std": float(acc.std()), "ensemble_accuracy": ensemble,
              "test_tokens_floor": 0.894, "selection": selection}
    print(f"UPOS test accuracy {result['mean']:.4f} +- {result['std']:.4f}; "
          f"ensemble of the seeds {ensemble:.4f}")
    print(save_result(args.name, result))


if __name__ == "__main__":
    main()
