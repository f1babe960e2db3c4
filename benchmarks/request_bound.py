"""How long one over-long request keeps an exported model busy, bounded and unbounded.

    python benchmarks/request_bound.py

A character classifier (LSTM, 64 units) exported twice: with the default
`max_input_length` (1024, SERVING_MAX_INPUT_LENGTH) and with `None`. One
request of 100,000 characters, and one of 1,000 as a baseline; median of 3.
"""

import statistics
import tempfile
import time

import numpy as np
import tensorflow as tf

from pipelines import Vocabulary
from seqmodels.export import export_saved_model
from seqmodels.models import ManyToOne


def seconds(fn, text, repeats=3):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(inputs=tf.constant([text]))["labels"].numpy()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    letters = Vocabulary.from_corpus(["abcdefghijklmnopqrstuvwxyz"], level="char")
    model = ManyToOne(2, vocabulary_size=letters.size, units=64)
    model(np.ones((1, 4), "int32"))
    base = tempfile.mkdtemp()
    bounded = tf.saved_model.load(str(export_saved_model(model, base + "/b", vocabulary=letters)))
    unbounded = tf.saved_model.load(str(export_saved_model(
        model, base + "/u", vocabulary=letters, max_input_length=None)))
    long_text, short_text = "abcde" * 20_000, "abcde" * 200
    rows = []
    for name, loaded in (("default (1024)", bounded), ("None", unbounded)):
        fn = loaded.signatures["serving_default"]
        seconds(fn, short_text, repeats=1)  # warm-up
        rows.append((name, seconds(fn, short_text), seconds(fn, long_text)))
    print("| max_input_length | 1,000 chars (s) | 100,000 chars (s) |")
    print("|---|---|---|")
    for name, short, long in rows:
        print(f"| {name} | {short:.3f} | {long:.3f} |")


if __name__ == "__main__":
    main()
