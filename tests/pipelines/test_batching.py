"""Batching: nothing lost, duplicated or altered; masks equal lengths; buckets and budgets hold."""

import collections

import keras
import numpy as np
import pytest
import tensorflow as tf

from pipelines import (
    batch_by_token_budget,
    bucket_by_length,
    dataset_lengths,
    from_sequences,
    from_token_lists,
    length_boundaries,
    pad_to_batch_max,
    pad_to_length,
    teacher_forcing,
)
from tests.conftest import random_sequences

STRATEGIES = {
    "batch_max": lambda: pad_to_batch_max(8),
    "global_max": lambda: pad_to_length(8, 40),
    "bucket_auto": lambda: bucket_by_length(8, max_padding=0.1),
    "bucket_fixed": lambda: bucket_by_length(8, boundaries=[5, 12, 40]),
    "token_budget": lambda: batch_by_token_budget(120, max_padding=0.1),
}


def _key(array) -> bytes:
    return np.ascontiguousarray(array).tobytes() + str(array.shape).encode()


def _unpad(batches):
    """Batches -> list of (sequence without padding, label), checking the mask on the way."""
    items = []
    for x, y in batches.as_numpy_iterator():
        mask = x["inputs_mask"]
        assert mask.dtype == np.bool_ and mask.shape == x["inputs"].shape[:2]
        for row, row_mask, label in zip(x["inputs"], mask, y):
            n = int(row_mask.sum())
            assert row_mask[:n].all() and not row_mask[n:].any(), "mask is not a prefix"
            assert not row[n:].any(), "padding is not zero"
            items.append((row[:n], int(label)))
    return items


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_multiset_of_sequences_is_exactly_the_input(name, rng):
    X, lengths = random_sequences(rng, n=97, features=2, high=40)
    y = rng.integers(0, 3, len(X))
    batches = from_sequences(X, y).apply(STRATEGIES[name]())
    out = collections.Counter((_key(s), label) for s, label in _unpad(batches))
    expected = collections.Counter((_key(s), int(label)) for s, label in zip(X, y))
    assert out == expected


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_masks_match_lengths_for_tagging_targets_and_weights(name, rng):
    lengths = rng.integers(1, 41, 50)
    X = [rng.integers(4, 20, n) for n in lengths]
    Y = [rng.integers(0, 5, n) for n in lengths]
    batches = from_token_lists(X, Y, task="tagging").apply(STRATEGIES[name]())
    seen = []
    for x, y, weights in batches.as_numpy_iterator():
        row_lengths = x["inputs_mask"].sum(axis=1)
        np.testing.assert_array_equal(weights.sum(axis=1), row_lengths)
        np.testing.assert_array_equal(weights.astype(bool), x["inputs_mask"])
        assert y.shape == x["inputs"].shape and weights.dtype == np.float32
        seen.extend(row_lengths.tolist())
    assert sorted(seen) == sorted(lengths.tolist())


def test_bucketing_never_puts_a_sequence_in_a_batch_wider_than_its_bucket(rng):
    uppers = [4, 9, 17, 40]
    X, _ = random_sequences(rng, n=300, features=1, high=40)
    batches = from_sequences(X, [0] * len(X)).apply(bucket_by_length(16, boundaries=uppers))
    for x, _ in batches.as_numpy_iterator():
        row_lengths = x["inputs_mask"].sum(axis=1)
        bucket = np.searchsorted(uppers, row_lengths)  # index of the first upper >= length
        assert len(set(bucket.tolist())) == 1, f"lengths {row_lengths} span buckets"
        lower = uppers[bucket[0] - 1] if bucket[0] else 0
        assert lower < row_lengths.min() and x["inputs"].shape[1] == row_lengths.max()
        assert x["inputs"].shape[1] <= uppers[bucket[0]]


def test_token_budget_keeps_every_batch_under_the_budget(rng):
    X, lengths = random_sequences(rng, n=400, features=1, high=60)
    budget = 200
    batches = from_sequences(X, [0] * len(X)).apply(batch_by_token_budget(budget))
    sizes = []
    for x, _ in batches.as_numpy_iterator():
        batch, width = x["inputs"].shape[:2]
        assert batch * width <= budget
        sizes.append(batch)
    assert sum(sizes) == len(X) and max(sizes) > 2 * min(sizes)  # sizes really vary


def test_token_budget_smaller_than_longest_sequence_is_an_error(rng):
    X = [np.ones((50, 1)), np.ones((3, 1))]
    with pytest.raises(ValueError, match=r"max_tokens=10 is smaller than the longest sequence"):
        from_sequences(X, [0, 1]).apply(batch_by_token_budget(10))


def _fingerprint(dataset):
    return [
        (x["inputs"].shape, x["inputs"].sum().round(4), y.tolist())
        for x, y in dataset.as_numpy_iterator()
    ]


@pytest.mark.parametrize("name", ["batch_max", "bucket_auto", "token_budget"])
def test_deterministic_given_a_seed(name, rng):
    X, _ = random_sequences(rng, n=120, features=2, high=40)
    y = np.arange(len(X)) % 7

    def run(seed):
        source = from_sequences(X, y).shuffle(64, seed=seed)
        return _fingerprint(source.apply(STRATEGIES[name]()))

    assert run(1) == run(1)
    assert run(1) != run(2)


def test_length_boundaries_bound_the_padded_fraction(rng):
    for trial in range(20):
        lengths = np.clip(rng.lognormal(np.log(30), 1.0, 2000).round(), 1, 400).astype(int)
        max_padding = [0.02, 0.05, 0.1, 0.3][trial % 4]
        uppers = length_boundaries(lengths, max_padding=max_padding)
        assert uppers == sorted(set(uppers)) and uppers[-1] == lengths.max()
        padded_to = np.array(uppers)[np.searchsorted(uppers, lengths)]
        assert 1 - lengths.sum() / padded_to.sum() <= max_padding + 1e-12


def test_length_boundaries_merge_small_buckets():
    lengths = [1] * 10 + [5] * 2 + [9] * 10
    assert length_boundaries(lengths, max_padding=0.0) == [1, 5, 9]
    assert length_boundaries(lengths, max_padding=0.0, min_bucket_size=5) == [1, 9]
    with pytest.raises(ValueError,
                       match=r"`max_padding` to be a float in \[0, 1\). Received: max_padding="):
        length_boundaries(lengths, max_padding=1.0)


def test_invalid_arguments_name_what_was_received():
    with pytest.raises(ValueError,
                       match=r"`batch_size` to be a positive integer. Received: batch_size="):
        pad_to_batch_max(0)
    with pytest.raises(ValueError, match=r"strictly increasing positive ints; received \[9, 3\]"):
        from_sequences([np.ones((2, 1))], [0]).apply(bucket_by_length(2, boundaries=[9, 3]))
    with pytest.raises(ValueError, match=r"Expected elements \(x, y\) or x"):
        tf.data.Dataset.from_tensor_slices([[1, 2]]).apply(pad_to_batch_max(2))


def test_seq2seq_element_length_covers_targets_and_weights_exclude_padding():
    X = [[5, 6], [7, 8, 9, 10, 11, 12]]
    Y = [[4, 4, 4, 4, 4], [4]]
    ds = from_token_lists(X, Y, task="seq2seq").apply(teacher_forcing())
    assert dataset_lengths(ds).tolist() == [6, 6]  # max(input, decoder input, label)
    x, labels, weights = next(ds.apply(pad_to_batch_max(2)).as_numpy_iterator())
    assert labels.tolist() == [[4, 4, 4, 4, 4, 3], [4, 3, 0, 0, 0, 0]]
    assert weights.tolist() == [[1] * 6, [1, 1, 0, 0, 0, 0]]
    assert x["decoder_inputs"].tolist() == [[2, 4, 4, 4, 4, 4], [2, 4, 0, 0, 0, 0]]
    np.testing.assert_array_equal(x["decoder_inputs_mask"], weights.astype(bool))
    assert x["inputs_mask"].sum(axis=1).tolist() == [2, 6]


def test_padding_and_bucketing_do_not_change_a_masked_models_outputs(rng):
    """At the model boundary: a masked LSTM gives each sequence the same output in any batch."""
    keras.utils.set_random_seed(0)
    inputs = keras.Input((None, 2), name="inputs")
    mask = keras.Input((None,), dtype="bool", name="inputs_mask")
    out = keras.layers.LSTM(4)(inputs, mask=mask)
    model = keras.Model({"inputs": inputs, "inputs_mask": mask}, out)
    X, _ = random_sequences(rng, n=30, features=2, high=25)
    ids = np.arange(len(X))

    def outputs(batching):
        result = {}
        for x, y in from_sequences(X, ids).apply(batching).as_numpy_iterator():
            for label, row in zip(y, model.predict_on_batch(x)):
                result[int(label)] = row
        return result

    alone = outputs(pad_to_batch_max(1))
    for batching in (pad_to_length(7, 25), bucket_by_length(4, max_padding=0.2)):
        other = outputs(batching)
        for i in ids:
            np.testing.assert_allclose(other[i], alone[i], atol=1e-5)


def test_pad_to_length_names_an_element_longer_than_the_fixed_length():
    ds = from_sequences([np.ones((3, 1)), np.ones((9, 1))], [0, 1]).apply(pad_to_length(2, 5))
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"longer than the fixed batch length 5"
    ):
        list(ds)
