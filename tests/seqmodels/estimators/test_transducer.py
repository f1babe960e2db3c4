"""SequenceTransducer: strings (or token lists) to strings (or token lists), beam search."""

import pickle

import numpy as np
import pytest

from seqmodels.estimators import SequenceTransducer


def words(rng, n, letters="abcde"):
    return ["".join(rng.choice(list(letters), rng.integers(2, 6))) for _ in range(n)]


def test_transducer_learns_a_monotonic_mapping_and_scores_exact_matches(rng):
    X = words(rng, 500)
    y = [w.upper() for w in X]
    model = SequenceTransducer(units=32, epochs=12, learning_rate=1e-2, batch_size=32,
                               random_state=0).fit(X[:450], y[:450])
    assert model.score(X[450:], y[450:]) >= 0.9  # exact-match share over 50 held-out words
    assert all(isinstance(p, str) for p in model.predict(X[450:455]))
    greedy = model.set_params(beam_width=1)
    assert greedy.score(X[450:], y[450:]) >= 0.9


def test_token_lists_in_and_out(rng):
    X = [w.split() for w in ["one two", "two one", "one one two"]]
    y = [["1", "2"], ["2", "1"], ["1", "1", "2"]]
    model = SequenceTransducer(units=8, epochs=2, random_state=0).fit(X, y)
    assert model.target_vocabulary_.level == "word"
    assert all(isinstance(p, list) for p in model.predict(X))


def test_errors_before_training():
    with pytest.raises(ValueError, match="reads strings or token lists; received numeric"):
        SequenceTransducer(epochs=1).fit([np.zeros((3, 2))], ["ab"])
    with pytest.raises(ValueError, match="Expected y as 2 target sequences, one per item"):
        SequenceTransducer(epochs=1).fit(["ab", "cd"], ["AB"])
    with pytest.raises(ValueError, match=r"y\[1\] is an empty sequence"):
        SequenceTransducer(epochs=1).fit(["ab", "cd"], ["AB", ""])
    with pytest.raises(ValueError, match=r"Expected `attention` in"):
        SequenceTransducer(attention="dot", epochs=1).fit(["ab"], ["AB"])
    with pytest.raises(ValueError, match=r"`beam_width` to be an integer >= 1"):
        SequenceTransducer(beam_width=0, epochs=1).fit(["ab"], ["AB"])
    with pytest.raises(ValueError, match=r"`label_smoothing` in \[0, 1\)"):
        SequenceTransducer(label_smoothing=1.0, epochs=1).fit(["ab"], ["AB"])


def test_label_smoothing_trains_on_the_smoothed_sequence_loss(rng):
    X = words(rng, 24)
    y = [w.upper() for w in X]
    model = SequenceTransducer(units=8, epochs=8, learning_rate=0.05, label_smoothing=0.2,
                               random_state=0).fit(X, y)
    x, targets, weights = model.model_batch(X, y)
    logits = np.asarray(model.model_(x), "float64")
    log_p = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    nll = -np.take_along_axis(log_p, targets[..., None], -1)[..., 0]
    uniform = -log_p.mean(-1)  # the cross-entropy against the uniform distribution
    mean = lambda steps: (steps * weights).sum() / weights.sum()  # noqa: E731
    assert abs(mean(uniform) - mean(nll)) > 0.1  # trained: the two terms differ
    compiled = model.model_.evaluate(x, targets, sample_weight=weights, verbose=0)
    compiled = compiled[0] if isinstance(compiled, list) else compiled
    assert compiled == pytest.approx(0.8 * mean(nll) + 0.2 * mean(uniform), rel=1e-4)


def test_pickles_and_exports_what_it_predicts(rng, tmp_path):
    import tensorflow as tf

    X = words(rng, 80)
    y = [w.upper() for w in X]
    model = SequenceTransducer(units=16, epochs=3, beam_width=3, random_state=0).fit(X, y)
    again = pickle.loads(pickle.dumps(model))
    assert again.predict(X[:8]) == model.predict(X[:8])
    served = tf.saved_model.load(str(model.export(tmp_path / "upper")))
    out = served.signatures["serving_default"](inputs=tf.constant(X[:8]))
    assert [s.decode() for s in out["outputs"].numpy()] == model.predict(X[:8])


def test_the_decoding_function_is_built_once_and_never_pickled(rng):
    X = words(rng, 40)
    model = SequenceTransducer(units=8, epochs=1, beam_width=2, random_state=0)
    model.fit(X, [w.upper() for w in X])
    first = model.predict(X[:4])
    run = model._decoder()
    assert model.predict(X[:4]) == first and model._decoder() is run  # reused, not retraced
    again = pickle.loads(pickle.dumps(model))  # after predict: the tf.function stays behind
    assert "_decoder_cache" not in again.__dict__ and again.predict(X[:4]) == first
    assert model.set_params(beam_width=1)._decoder() is not run  # new settings, new function
