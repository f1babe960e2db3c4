"""EncoderDecoderEnsemble: mean log-probabilities at every step, decoded and saved as one model."""

import keras
import numpy as np
import pytest
from keras import ops

from seqmodels.decoding import BeamSearch, Greedy
from seqmodels.models import EncoderDecoder, EncoderDecoderEnsemble, ManyToOne
from tests.seqmodels.models.helpers import reload, token_batch

SOURCE_VOCAB, TARGET_VOCAB = 14, 9


def batch_of(rng):
    target = token_batch(rng, (5, 3, 4), TARGET_VOCAB)
    target[:, 0] = 2  # <s>
    return {"inputs": token_batch(rng, (6, 4, 5), SOURCE_VOCAB), "decoder_inputs": target}


def members(batch):
    """Three members that differ in cell, attention and depth; peaked output layers."""
    keras.utils.set_random_seed(7)
    models = [EncoderDecoder(SOURCE_VOCAB, TARGET_VOCAB, embedding_dim=6, units=10, cell=cell,
                             attention=attention, decoder_layers=layers)
              for cell, attention, layers in (("lstm", "luong", 1), ("gru", "bahdanau", 2),
                                              ("lstm", None, 1))]
    for model in models:
        model(batch)
        model.output_layer.kernel.assign(model.output_layer.kernel * 8.0)
    return models


def log_softmax(x):
    x = np.asarray(x, "float64")
    x = x - x.max(-1, keepdims=True)
    return x - np.log(np.exp(x).sum(-1, keepdims=True))


def test_every_step_is_the_normalised_mean_of_the_members_log_probabilities(rng):
    batch = batch_of(rng)
    models = members(batch)
    ensemble = EncoderDecoderEnsemble(models)
    mean = np.mean([log_softmax(m(batch)) for m in models], axis=0)
    np.testing.assert_allclose(np.asarray(ensemble(batch)), log_softmax(mean), atol=1e-5)
    # the step path: each member stepped on its own state, by hand
    state, own = ensemble.encode(batch), [m.encode(batch) for m in models]
    for t in range(batch["decoder_inputs"].shape[1]):
        tokens = batch["decoder_inputs"][:, t]
        logits, state, _ = ensemble.decode_step(tokens, state)
        steps = [m.decode_step(tokens, s) for m, s in zip(models, own)]
        own = [s for _, s, _ in steps]
        expected = log_softmax(np.mean([log_softmax(x) for x, _, _ in steps], axis=0))
        np.testing.assert_allclose(np.asarray(logits), expected, atol=1e-5)


def test_greedy_follows_the_mean_distribution_not_any_one_member(rng):
    batch = batch_of(rng)
    models = members(batch)
    ensemble = EncoderDecoderEnsemble(models)
    result = ensemble.generate(batch, Greedy(), max_length=6, min_length=6)
    tokens = np.asarray(result["tokens"])[:, 0]  # (B, 6)
    own, last, total = [m.encode(batch) for m in models], np.full(3, 2), np.zeros(3)
    for t in range(6):
        steps = [m.decode_step(last, s) for m, s in zip(models, own)]
        own = [s for _, s, _ in steps]
        mean = log_softmax(np.mean([log_softmax(x) for x, _, _ in steps], axis=0))
        mean[:, :4] = -np.inf  # pad, oov, <s>, and </s> before min_length
        last = mean.argmax(-1)
        total += mean[np.arange(3), last]
        np.testing.assert_array_equal(tokens[:, t], last)
    np.testing.assert_allclose(np.asarray(result["log_probs"])[:, 0], total, rtol=1e-5)
    alone = [np.asarray(m.generate(batch, Greedy(), max_length=6, min_length=6)["tokens"])
             for m in models]
    assert all(not np.array_equal(a[:, 0], tokens) for a in alone)  # not one member's output


def test_an_ensemble_of_copies_decodes_as_the_model_itself(rng):
    batch = batch_of(rng)
    model = members(batch)[1]  # Bahdanau: the state carries `feed` too
    ensemble = EncoderDecoderEnsemble([model, model])
    strategy = BeamSearch(3, alpha=0.6, n_best=3)
    alone, both = model.generate(batch, strategy), ensemble.generate(batch, strategy)
    np.testing.assert_array_equal(np.asarray(both["tokens"]), np.asarray(alone["tokens"]))
    np.testing.assert_allclose(np.asarray(both["log_probs"]), np.asarray(alone["log_probs"]),
                               atol=1e-5)


def test_keras_round_trip_in_safe_mode_keeps_every_member(rng):
    batch = batch_of(rng)
    ensemble = EncoderDecoderEnsemble(members(batch))
    restored = reload(ensemble)
    assert [type(m.decoder.attention).__name__ if m.attention else None
            for m in restored.members] == ["LuongAttention", "BahdanauAttention", None]
    np.testing.assert_allclose(np.asarray(restored(batch)), np.asarray(ensemble(batch)),
                               atol=1e-6)
    strategy = BeamSearch(2)
    np.testing.assert_array_equal(np.asarray(restored.generate(batch, strategy)["tokens"]),
                                  np.asarray(ensemble.generate(batch, strategy)["tokens"]))


def test_bad_members_name_what_was_received(rng):
    model = EncoderDecoder(SOURCE_VOCAB, TARGET_VOCAB, embedding_dim=4, units=4)
    with pytest.raises(ValueError, match="at least 2"):
        EncoderDecoderEnsemble([model])
    with pytest.raises(ValueError, match=r"members\[1\] of type ManyToOne"):
        EncoderDecoderEnsemble([model, ManyToOne(2)])
    other = EncoderDecoder(SOURCE_VOCAB, TARGET_VOCAB + 1, embedding_dim=4, units=4)
    with pytest.raises(ValueError, match=r"members\[1\].target_vocabulary_size=10"):
        EncoderDecoderEnsemble([model, other])
    assert ops.shape(EncoderDecoderEnsemble([model, model])(batch_of(rng)))[-1] == TARGET_VOCAB


def test_built_members_make_a_built_ensemble_that_round_trips_uncalled(rng):
    batch = batch_of(rng)
    ensemble = EncoderDecoderEnsemble(members(batch))
    assert ensemble.built
    restored = reload(ensemble)  # saved before the ensemble itself was ever called
    np.testing.assert_allclose(np.asarray(restored(batch)), np.asarray(ensemble(batch)),
                               atol=1e-6)
