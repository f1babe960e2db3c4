"""Python data -> datasets: specs, values and order are exactly the input."""

import numpy as np
import tensorflow as tf

from pipelines import Vocabulary, from_sequences, from_texts, from_token_lists
from tests.conftest import random_sequences


def test_float_sequences_round_trip_exactly(rng):
    X, _ = random_sequences(rng, n=25)
    y = rng.integers(0, 5, len(X))
    ds = from_sequences(X, y)
    assert ds.element_spec == (
        {"inputs": tf.TensorSpec((None, 3), tf.float32)},
        tf.TensorSpec((), tf.int32),
    )
    items = list(ds.as_numpy_iterator())
    assert len(items) == len(X)
    for (x, label), original, original_label in zip(items, X, y):
        np.testing.assert_array_equal(x["inputs"], original)
        assert label == original_label


def test_regression_vector_targets_and_no_targets():
    X = [np.ones((2, 1)), np.ones((3, 1))]
    ds = from_sequences(X, [[0.5, 1.5], [2.0, 3.0]], task="regression")
    assert ds.element_spec[1] == tf.TensorSpec((2,), tf.float32)
    only_x = from_sequences(X)
    assert only_x.element_spec == {"inputs": tf.TensorSpec((None, 1), tf.float32)}


def test_per_step_regression_keeps_each_target_with_its_sequence(rng):
    X, lengths = random_sequences(rng, n=10, features=2)
    y = [rng.normal(size=n).astype(np.float32) for n in lengths]
    for (x, t), n, target in zip(from_sequences(X, y, task="per_step_regression"), lengths, y):
        assert x["inputs"].shape[0] == t.shape[0] == n
        np.testing.assert_array_equal(t.numpy(), target)


def test_token_lists_and_texts_agree():
    vocab = Vocabulary.from_corpus(["a b c", "b c"], level="word")
    texts = ["c b", "a zzz"]
    ids = vocab.encode_python(texts)
    assert [i.tolist() for i in ids] == [[5, 4], [6, 1]]  # b=4, c=5, a=6, zzz -> OOV
    from_ids = [x["inputs"].tolist() for x in from_token_lists(ids).as_numpy_iterator()]
    from_str = [x["inputs"].tolist() for x in from_texts(texts, vocab).as_numpy_iterator()]
    assert from_ids == from_str == [[5, 4], [6, 1]]


def test_texts_given_as_token_lists_are_joined():
    vocab = Vocabulary.from_corpus([["hello", "world"]], level="word")
    ds = from_texts([["world", "hello"]], vocab, [1], task="classification")
    x, y = next(ds.as_numpy_iterator())
    assert x["inputs"].tolist() == [5, 4] and y == 1
