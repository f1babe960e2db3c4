"""CMUdict G2P data and decoding helpers of the benchmarks that train raw Keras models.

The library's own G2P path is the `cmudict_g2p` task (`seqmodels.runs.tasks`,
whose estimator decodes through `SequenceTransducer.predict`); these helpers
serve the experiments that need a bare `EncoderDecoder` (exposure bias,
scheduled sampling, interpretability, GPU decoding).
"""

from __future__ import annotations

import time


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


__all__ = ["decode_words", "evaluate", "make_dataset", "read_split", "vocabularies"]
