"""`seqmodels demo`: a many-to-one classifier on JapaneseVowels, end to end.

Until the main job lands this is what `make demo` runs: the offline TFDS
builder reads the data shipped in aeon, the pipelines standardise and batch
the variable-length sequences (dense + explicit mask), a masked LSTM trains
with `fit()`, and the test accuracy on the official 370 test utterances is
printed beside the published figures.

Part of the CLI layer: like the CLI it joins `pipelines` and `seqmodels`.
"""

from __future__ import annotations

import time

PUBLISHED = {"FCN": 0.993, "InceptionTime": 0.992, "TWIESN (echo-state RNN)": 0.965}


def _standardiser(train):
    """Mean and std of every feature over all real time steps of the training split."""
    import numpy as np

    steps = np.concatenate([e["features"] for e in train.as_numpy_iterator()])
    return steps.mean(axis=0), steps.std(axis=0) + 1e-6


def build_model(num_features: int, num_classes: int, units: int = 64):
    """A masked LSTM classifier.

    inputs `(batch, time, features)` + inputs_mask `(batch, time)` -> logits `(batch, classes)`.
    """
    import keras

    inputs = keras.Input((None, num_features), name="inputs")
    mask = keras.Input((None,), dtype="bool", name="inputs_mask")
    state = keras.layers.LSTM(units, name="encoder")(inputs, mask=mask)  # last valid step
    logits = keras.layers.Dense(num_classes, name="classifier")(state)
    return keras.Model({"inputs": inputs, "inputs_mask": mask}, logits, name="vowels_lstm")


def run(*, epochs: int = 60, batch_size: int = 32, seed: int = 0, data_dir=None) -> dict:
    """Trains and evaluates; returns `{"test_accuracy", "epochs", "seconds"}`."""
    import keras
    import tensorflow as tf
    import tensorflow_datasets as tfds

    from pipelines import pad_to_batch_max
    from pipelines.datasets import load
    from pipelines.datasets.japanese_vowels import NUM_CLASSES, NUM_FEATURES

    keras.utils.set_random_seed(seed)
    tfds.disable_progress_bar()
    start = time.perf_counter()
    raw = {split: load("japanese_vowels", split, data_dir) for split in ("train", "test")}
    mean, std = _standardiser(raw["train"])

    def to_xy(example):
        return {"inputs": (example["features"] - mean) / std}, example["label"]

    def batches(split, shuffle):
        ds = raw[split].map(to_xy).cache()
        if shuffle:
            ds = ds.shuffle(512, seed=seed)
        return ds.apply(pad_to_batch_max(batch_size)).prefetch(tf.data.AUTOTUNE)

    model = build_model(NUM_FEATURES, NUM_CLASSES)
    model.compile(
        optimizer=keras.optimizers.Adam(3e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(batches("train", shuffle=True), epochs=epochs, shuffle=False, verbose=0)
    _, accuracy = model.evaluate(batches("test", shuffle=False), verbose=0)
    return {
        "test_accuracy": float(accuracy),
        "epochs": epochs,
        "seconds": time.perf_counter() - start,
    }


def main(*, epochs: int = 60, seed: int = 0, data_dir=None) -> int:
    print(f"JapaneseVowels: masked LSTM(64), {epochs} epochs, seed {seed} (official 270/370 split)")
    result = run(epochs=epochs, seed=seed, data_dir=data_dir)
    print(f"test accuracy: {result['test_accuracy']:.4f}  ({result['seconds']:.0f} s)")
    print("published: " + ", ".join(f"{k} {v:.3f}" for k, v in PUBLISHED.items()))
    return 0
