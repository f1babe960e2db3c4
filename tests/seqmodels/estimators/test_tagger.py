"""SequenceTagger: one label per step, over token lists, strings and float sequences."""

import pickle

import numpy as np
import pytest

from seqmodels.estimators import SequenceTagger

LEXICON = {"the": "DET", "a": "DET", "cat": "NOUN", "dog": "NOUN", "bird": "NOUN",
           "runs": "VERB", "sees": "VERB", "big": "ADJ", "red": "ADJ"}
WORDS = sorted(LEXICON)


def sentences(rng, n):
    X = [[WORDS[i] for i in rng.integers(0, len(WORDS), rng.integers(2, 9))] for _ in range(n)]
    return X, [[LEXICON[w] for w in s] for s in X]


def test_tagger_learns_word_tags_and_keeps_their_names(rng):
    X, y = sentences(rng, 240)
    tagger = SequenceTagger(units=16, epochs=12, random_state=0).fit(X[:200], y[:200])
    assert tagger.classes_.tolist() == ["ADJ", "DET", "NOUN", "VERB"]
    assert tagger.vocabulary_.level == "word"
    predicted = tagger.predict(X[200:])
    assert [len(p) for p in predicted] == [len(s) for s in X[200:]]
    assert tagger.score(X[200:], y[200:]) >= 0.95  # 4 tags: chance ~0.3
    proba = tagger.predict_proba(X[200:203])
    assert [p.shape for p in proba] == [(len(s), 4) for s in X[200:203]]
    np.testing.assert_allclose(np.concatenate(proba).sum(-1), 1.0, rtol=1e-5)
    assert tagger.predict([["the", "unheard-of"]])[0].shape == (2,)  # OOV token: still tagged


def test_tagger_over_float_sequences_and_strings(rng):
    X = [rng.normal(size=(t, 1)).astype("float32") for t in rng.integers(3, 15, 120)]
    y = [np.where(x[:, 0] > 0, "up", "down") for x in X]
    tagger = SequenceTagger(units=8, epochs=15, learning_rate=0.01, random_state=0).fit(
        X[:100], y[:100])
    assert tagger.score(X[100:], y[100:]) >= 0.9
    chars = ["abcab", "cba", "aab"]
    vowels = [["V" if c == "a" else "C" for c in s] for s in chars]
    fitted = SequenceTagger(units=4, epochs=1, random_state=0).fit(chars, vowels)
    assert fitted.vocabulary_.level == "char"
    assert [len(p) for p in fitted.predict(["ab", "c"])] == [2, 1]


def test_tagger_errors_name_the_item_before_training(rng):
    X, y = sentences(rng, 5)
    y[3] = y[3][:-1]
    with pytest.raises(ValueError, match=r"y\[3\] has \d+ labels, but its sequence has \d+ steps"):
        SequenceTagger(epochs=1).fit(X, y)
    with pytest.raises(ValueError, match=r"X\[1\] is a str, but X\[0\] made X a list of "
                                         r"token lists"):
        SequenceTagger(epochs=1).fit([["a", "b"], "ab"], [["x", "y"], ["x", "y"]])
    with pytest.raises(ValueError, match=r"X\[0\] has a token that is not a string or holds "
                                         r"whitespace"):
        SequenceTagger(epochs=1).fit([["a b"]], [["x"]])
    with pytest.raises(ValueError, match="requires y to be passed"):
        SequenceTagger(epochs=1).fit(X, None)
    with pytest.raises(ValueError, match=r"at least 2 distinct labels.*labelled \['N'\]"):
        SequenceTagger(epochs=1).fit([["a", "b"], ["c"]], [["N", "N"], ["N"]])


def test_tagger_pickles_and_exports_what_it_predicts(rng, tmp_path):
    import tensorflow as tf

    X, y = sentences(rng, 60)
    tagger = SequenceTagger(units=8, epochs=3, random_state=0).fit(X, y)
    again = pickle.loads(pickle.dumps(tagger))
    assert [p.tolist() for p in again.predict(X[:10])] == [p.tolist() for p in
                                                          tagger.predict(X[:10])]
    served = tf.saved_model.load(str(tagger.export(tmp_path / "tagger")))
    out = served.signatures["serving_default"](inputs=tf.constant([" ".join(s) for s in X[:10]]))
    assert [c.decode() for c in out["classes"].numpy()] == [" ".join(p) for p in
                                                             tagger.predict(X[:10])]
