"""Batching strategies side by side, in one run: padding, pipeline throughput, epoch time.

20,000 long-tailed sequences (lognormal lengths, median 40, sigma 1, capped
at 500; 32 features), 4 classes whose signal is a class-dependent offset
(N(0, 0.5) on 8 of the 32 features) at every step, under noise N(0, 1), so a
masked LSTM has something to learn and longer sequences are easier. For each strategy:

- padded-timestep fraction over one epoch;
- input-pipeline throughput, elements/s over one full pass (no model);
- epoch time of a masked LSTM (mean over epochs after the first, which traces);
- held-out accuracy after the same number of epochs (2,000 sequences, same
  distribution, evaluated with pad-to-batch-max so every model sees the same batches).

Run: python benchmarks/batching.py [--num 20000] [--epochs 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from pipelines import (  # noqa: E402
    batch_by_token_budget,
    bucket_by_length,
    from_sequences,
    pad_to_batch_max,
    pad_to_length,
)

FEATURES, CLASSES, BATCH = 32, 4, 64


def make_data(n: int, seed: int, cap: int = 500):
    """Sequences `(time_i, 32)` with lognormal lengths and a class offset on 8 features."""
    rng = np.random.default_rng(seed)
    lengths = np.clip(np.round(rng.lognormal(np.log(40), 1.0, n)), 1, cap).astype(int)
    labels = rng.integers(0, CLASSES, n)
    offsets = np.zeros((CLASSES, FEATURES), dtype=np.float32)  # the task: fixed, whatever the seed
    offsets[:, :8] = np.random.default_rng(1234).normal(0, 0.5, (CLASSES, 8))
    X = [
        rng.normal(0, 1, (t, FEATURES)).astype(np.float32) + offsets[c]
        for t, c in zip(lengths, labels)
    ]
    return X, labels, lengths


def strategies(max_length: int, tokens: int):
    return {
        "pad to global max": pad_to_length(BATCH, max_length),
        "pad to batch max": pad_to_batch_max(BATCH),
        "bucketing (auto, 5%)": bucket_by_length(BATCH, max_padding=0.05),
        f"token budget {tokens}": batch_by_token_budget(tokens, max_padding=0.05),
        f"token budget {4 * tokens}": batch_by_token_budget(4 * tokens, max_padding=0.05),
    }


def padding_and_throughput(batches: tf.data.Dataset) -> tuple[float, float, int]:
    """(padded fraction, elements/s, number of batches) over one full pass."""
    real = total = elements = count = 0
    start = time.perf_counter()
    for x, _ in batches:
        mask = x["inputs_mask"]
        real += int(tf.reduce_sum(tf.cast(mask, tf.int64)))
        total += int(tf.size(mask))
        elements += int(mask.shape[0])
        count += 1
    seconds = time.perf_counter() - start
    return 1.0 - real / total, elements / seconds, count


def pure_throughput(batches: tf.data.Dataset) -> float:
    """elements/s of the pipeline alone (no Python work per batch beyond iteration)."""
    start, elements = time.perf_counter(), 0
    for x, _ in batches:
        elements += x["inputs"].shape[0]
    return elements / (time.perf_counter() - start)


def make_model(units: int):
    inputs = keras.Input((None, FEATURES), name="inputs")
    mask = keras.Input((None,), dtype="bool", name="inputs_mask")
    state = keras.layers.LSTM(units)(inputs, mask=mask)
    model = keras.Model({"inputs": inputs, "inputs_mask": mask}, keras.layers.Dense(CLASSES)(state))
    model.compile(
        optimizer=keras.optimizers.Adam(3e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


class EpochTimer(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.times = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.times.append(time.perf_counter() - self._start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num", type=int, default=20_000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--units", type=int, default=32)
    parser.add_argument("--tokens", type=int, default=4096)
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    X, y, lengths = make_data(args.num, seed=0)
    X_test, y_test, _ = make_data(2_000, seed=1)
    print(
        f"{args.num} sequences: median length {np.median(lengths):.0f}, mean {lengths.mean():.1f}, "
        f"max {lengths.max()}; {os.cpu_count()} CPUs, TF {tf.__version__}, {platform.processor()}"
    )
    source = from_sequences(X, y).cache()
    list(source)  # fill the cache so every strategy reads from memory
    test = from_sequences(X_test, y_test).cache().apply(pad_to_batch_max(BATCH))

    rows = []
    for name, batching in strategies(int(lengths.max()), args.tokens).items():
        keras.utils.set_random_seed(0)
        start = time.perf_counter()
        batches = source.shuffle(4096, seed=0).apply(batching).prefetch(tf.data.AUTOTUNE)
        setup = time.perf_counter() - start  # includes the length pass of "auto" boundaries
        padded, _, num_batches = padding_and_throughput(batches)
        throughput = pure_throughput(batches)
        row = {
            "strategy": name,
            "batches": num_batches,
            "padded_fraction": padded,
            "setup_s": setup,
            "elements_per_s": throughput,
        }
        if not args.skip_training:
            model, timer = make_model(args.units), EpochTimer()
            model.fit(batches, epochs=args.epochs, shuffle=False, verbose=0, callbacks=[timer])
            _, accuracy = model.evaluate(test, verbose=0)
            row.update(
                epoch_s=float(np.mean(timer.times[1:] or timer.times)),
                first_epoch_s=timer.times[0],
                test_accuracy=float(accuracy),
            )
        rows.append(row)
        print(json.dumps(row), flush=True)

    reference = next(r for r in rows if r["strategy"] == "pad to batch max")
    print(
        "\n| strategy | batches | padded steps | setup s | pipeline elements/s | epoch s "
        "| speed-up vs batch max | held-out accuracy |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        epoch = r.get("epoch_s")
        speedup = reference["epoch_s"] / epoch if epoch else float("nan")
        print(
            f"| {r['strategy']} | {r['batches']} | {100 * r['padded_fraction']:.1f}% "
            f"| {r['setup_s']:.1f} | {r['elements_per_s']:,.0f} "
            f"| {epoch or float('nan'):.1f} | {speedup:.2f}x "
            f"| {r.get('test_accuracy', float('nan')):.3f} |"
        )
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=2)


if __name__ == "__main__":
    main()
