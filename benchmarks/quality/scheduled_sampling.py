"""Exposure bias on CMUdict G2P: teacher forcing alone vs scheduled sampling, same budget.

    .venv/bin/python benchmarks/quality/scheduled_sampling.py --train-words 20000 --epochs 10

Both runs train the in-loop (Bahdanau, input-feeding) decoder on the same
words with the same seed; one adds `ScheduledSampling` (linear schedule:
the probability of reading its own previous prediction grows by `--step`
per epoch up to `--max-probability`). Reported for each: token accuracy
with teacher forcing on the test words, free-running (greedy) WER/PER, and
`exposure_bias`: the per-position token accuracy of the same labels with the
true history and with the model's own (greedy); their gap is the exposure bias.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

import keras  # noqa: E402

from benchmarks.g2p_data import evaluate, make_dataset, read_split, vocabularies  # noqa: E402
from benchmarks.quality.common import save_result, seed_everything  # noqa: E402
from seqmodels.decoding import Greedy  # noqa: E402
from seqmodels.diagnostics import exposure_bias  # noqa: E402
from seqmodels.models import EncoderDecoder  # noqa: E402
from seqmodels.training import ScheduledSampling  # noqa: E402


def run(scheduled, data, args):
    seed_everything(args.seed)
    train, test, letters, phones = data
    model = EncoderDecoder(letters.size, phones.size, embedding_dim=64, units=args.units,
                           encoder_units=args.units, attention="bahdanau",
                           scheduled_sampling=scheduled)
    model.compile(keras.optimizers.Adam(2e-3, clipnorm=5.0),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0),
                  weighted_metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    callbacks = []
    if scheduled:
        callbacks.append(ScheduledSampling("linear", k=1.0, c=args.step,
                                           minimum=1.0 - args.max_probability))
    start = time.perf_counter()
    model.fit(make_dataset(train, letters, phones, 128, shuffle_seed=args.seed),
              epochs=args.epochs, verbose=2, callbacks=callbacks)
    if scheduled:
        model.sampling_probability.assign(0.0)  # evaluation always reads the true tokens
    _, forced = model.evaluate(make_dataset(test, letters, phones, 512), verbose=0)
    free = evaluate(model, test, letters, phones, Greedy())
    return {"teacher_forced_token_accuracy": float(forced), "greedy": free,
            "exposure_bias": measure_exposure_bias(model, make_dataset(test, letters, phones, 512)),
            "train_seconds": time.perf_counter() - start}


def measure_exposure_bias(model, batches):
    """`seqmodels.diagnostics.exposure_bias` over every batch, weighted by tokens."""
    totals = {"teacher_forced": 0.0, "free_running": 0.0, "tokens": 0}
    for x, labels, _ in batches:
        part = exposure_bias(model, {k: v.numpy() for k, v in x.items()}, labels.numpy())
        for key in ("teacher_forced", "free_running"):
            totals[key] += part[key] * part["tokens"]
        totals["tokens"] += part["tokens"]
    result = {k: totals[k] / totals["tokens"] for k in ("teacher_forced", "free_running")}
    return {**result, "gap": result["teacher_forced"] - result["free_running"],
            "tokens": totals["tokens"]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-words", type=int, default=20000)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--units", type=int, default=128)
    parser.add_argument("--step", type=float, default=0.05)
    parser.add_argument("--max-probability", type=float, default=0.25)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--name", default="scheduled_sampling")
    args = parser.parse_args(argv)
    train = read_split("train", limit=args.train_words)
    test = read_split("test")
    letters, phones = vocabularies(train)
    data = (train, test, letters, phones)
    result = {"command": "benchmarks/quality/scheduled_sampling.py " + " ".join(
        argv or sys.argv[1:]), "args": vars(args)}
    for label, scheduled in (("teacher_forcing", False), ("scheduled_sampling", True)):
        result[label] = run(scheduled, data, args)
        print(label, result[label], flush=True)
    print(save_result(args.name, result))


if __name__ == "__main__":
    main()
