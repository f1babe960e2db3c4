"""AlignedManyToMany: padded steps never count in loss or metrics; padding changes nothing."""

import keras
import numpy as np
import pytest

from pipelines import from_token_lists, pad_to_batch_max
from seqmodels.models import AlignedManyToMany
from tests.seqmodels.models.helpers import feature_batch, reload


@pytest.mark.parametrize("bidirectional", [False, True])
def test_padded_batch_equals_each_sequence_alone(rng, bidirectional):
    batch = feature_batch(rng)
    model = AlignedManyToMany(4, cell="lstm", units=5, num_layers=2,
                              bidirectional=bidirectional)
    out = np.asarray(model(batch))
    for i, n in enumerate(batch["inputs_mask"].sum(1)):
        alone = np.asarray(model({"inputs": batch["inputs"][i:i + 1, :n]}))[0]
        np.testing.assert_allclose(out[i, :n], alone, atol=1e-5)


def test_loss_and_metrics_ignore_padded_steps_whatever_their_labels(rng):
    """The pipeline's sample weights make padded labels irrelevant, in loss and accuracy."""
    tokens = [rng.integers(4, 20, n) for n in (7, 2, 5, 3)]
    tags = [rng.integers(0, 3, len(t)) for t in tokens]
    x, y, weights = next(iter(from_token_lists(tokens, tags, task="tagging")
                              .apply(pad_to_batch_max(4))))
    model = AlignedManyToMany(3, vocabulary_size=20, embedding_dim=4, units=6,
                              bidirectional=True)
    model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  weighted_metrics=["accuracy"])
    garbage = np.where(weights.numpy() > 0, y.numpy(), 2)  # padded labels changed
    first = model.evaluate(x, y, sample_weight=weights, verbose=0, return_dict=True)
    second = model.evaluate(x, garbage, sample_weight=weights, verbose=0, return_dict=True)
    assert first == pytest.approx(second, abs=1e-6)
    logits = np.asarray(model(x))
    real = weights.numpy() > 0
    expected = np.mean(logits.argmax(-1)[real] == y.numpy()[real])
    assert first["accuracy"] == pytest.approx(expected, abs=1e-6)


def test_several_symbols_per_step_share_one_table():
    model = AlignedManyToMany(2, vocabulary_size=30, embedding_dim=4, units=5)
    ids = np.array([[[5, 6, 7], [8, 9, 10], [0, 0, 0]]])  # (B, T, slots), last step padding
    out = np.asarray(model({"inputs": ids}))
    assert out.shape == (1, 3, 2)
    assert model.embedding.table.embeddings.shape == (30, 4)
    alone = np.asarray(model({"inputs": ids[:, :2]}))
    np.testing.assert_allclose(out[:, :2], alone, atol=1e-6)


def test_round_trip_per_step_regression(rng):
    batch = feature_batch(rng)
    model = AlignedManyToMany(2, task="regression", cell="elman", units=4, output_dropout=0.2,
                              learn_initial_state=True)
    expected = np.asarray(model(batch))
    loaded = reload(model)
    assert loaded.get_config() == model.get_config()
    np.testing.assert_allclose(np.asarray(loaded(batch)), expected, atol=1e-6)


def test_fit_learns_to_tag_each_step_with_the_previous_symbol(rng):
    """Tag_t = symbol_{t-1} (0 at t = 0): needs memory across one step."""
    keras.utils.set_random_seed(0)
    tokens = [rng.integers(4, 8, n) for n in rng.integers(2, 10, 300)]
    tags = [np.concatenate([[0], t[:-1] - 3]) for t in tokens]
    ds = from_token_lists(tokens, tags, task="tagging").apply(pad_to_batch_max(30))
    model = AlignedManyToMany(5, vocabulary_size=8, embedding_dim=8, units=16)
    model.compile(keras.optimizers.Adam(1e-2),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  weighted_metrics=["accuracy"])
    model.fit(ds, epochs=15, verbose=0)
    assert model.evaluate(ds, verbose=0, return_dict=True)["accuracy"] > 0.97
