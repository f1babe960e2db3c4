"""EncoderDecoder: step path == teacher-forced path, masks, scheduled sampling, round trip."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from seqmodels.decoding import BeamSearch, Greedy, decode
from seqmodels.models import EncoderDecoder
from tests.seqmodels.models.helpers import reload, token_batch

SOURCE_VOCAB, TARGET_VOCAB = 14, 9


def batch_of(rng):
    source = token_batch(rng, (6, 4, 5), SOURCE_VOCAB)
    target = token_batch(rng, (5, 3, 4), TARGET_VOCAB)
    target[:, 0] = 2  # <s>
    return {"inputs": source, "decoder_inputs": target}


def stepwise_logits(model, batch):
    """Feeds the true previous tokens through `decode_step`, one step at a time."""
    state = model.encode(batch)
    logits = []
    for t in range(batch["decoder_inputs"].shape[1]):
        step_logits, state, _ = model.decode_step(batch["decoder_inputs"][:, t], state)
        logits.append(np.asarray(step_logits))
    return np.stack(logits, axis=1)


@pytest.mark.parametrize("attention", ["luong", "bahdanau", None])
@pytest.mark.parametrize("cell", ["lstm", "gru", "mingru"])
def test_step_path_equals_teacher_forced_path(rng, attention, cell):
    batch = batch_of(rng)
    model = EncoderDecoder(SOURCE_VOCAB, TARGET_VOCAB, embedding_dim=6, units=10, cell=cell,
                           attention=attention, encoder_layers=2, decoder_layers=2)
    full = np.asarray(model(batch))
    real = batch["decoder_inputs"] != 0
    np.testing.assert_allclose(stepwise_logits(model, batch)[real], full[real], atol=1e-5)


@pytest.mark.parametrize("attention", ["luong", "bahdanau"])
def test_padding_the_source_or_the_target_changes_nothing(rng, attention):
    batch = batch_of(rng)
    model = EncoderDecoder(SOURCE_VOCAB, TARGET_VOCAB, embedding_dim=6, units=10,
                           attention=attention)
    full = np.asarray(model(batch))
    for i in range(3):
        n_src = int((batch["inputs"][i] != 0).sum())
        n_tgt = int((batch["decoder_inputs"][i] != 0).sum())
        alone = model({"inputs": batch["inputs"][i:i + 1, :n_src],
                       "decoder_inputs": batch["decoder_inputs"][i:i + 1, :n_tgt]})
        np.testing.assert_allclose(full[i, :n_tgt], np.asarray(alone)[0], atol=1e-5)


@pytest.mark.parametrize("attention", ["luong", "bahdanau", None])
@pytest.mark.parametrize("strategy", [Greedy(), BeamSearch(4, alpha=0.6)])
def test_generate_reads_one_source_copy_as_tiled_copies_would(rng, attention, strategy):
    """`generate` keeps one copy of the source per input, read by the K hypotheses
    of that input; the reference tiles the whole state K times (the plain loop)."""
    batch = batch_of(rng)
    model = EncoderDecoder(SOURCE_VOCAB, TARGET_VOCAB, embedding_dim=6, units=10,
                           attention=attention)
    model(batch)
    model.output_layer.kernel.assign(model.output_layer.kernel * 10.0)  # peaked: no near-ties
    shared = model.generate(batch, strategy, max_length=7, min_length=3, return_attention=True)
    tiled = decode(model.decode_step, model.encode(batch), strategy, max_length=7, min_length=3,
                   attention_length=batch["inputs"].shape[1])
    np.testing.assert_array_equal(np.asarray(shared["tokens"]), np.asarray(tiled["tokens"]))
    if attention is not None:  # each hypothesis attends its own source only (lengths 6, 4, 5)
        weights = np.asarray(shared["attention"])  # (B, n, L, S)
        padded = batch["inputs"] == 0  # (B, S)
        assert np.all(weights.transpose(0, 3, 1, 2)[padded] < 1e-6)
    for key in ("log_probs", "attention"):
        np.testing.assert_allclose(np.asarray(shared[key]), np.asarray(tiled[key]), atol=1e-5)


@pytest.mark.parametrize("attention", ["luong", "bahdanau"])
def test_attention_weights_are_a_distribution_over_real_source_steps(rng, attention):
    batch = batch_of(rng)
    model = EncoderDecoder(SOURCE_VOCAB, TARGET_VOCAB, embedding_dim=6, units=10,
                           attention=attention)
    _, weights = model.teacher_forced(batch)
    weights = np.asarray(weights)  # (B, T, S)
    np.testing.assert_allclose(weights.sum(-1), 1.0, atol=1e-5)
    padded_source = batch["inputs"] == 0
    assert np.all(weights.transpose(0, 2, 1)[padded_source] < 1e-6)


def test_scheduled_sampling_at_zero_is_teacher_forcing_and_at_one_feeds_own_argmax(rng):
    batch = batch_of(rng)
    model = EncoderDecoder(SOURCE_VOCAB, TARGET_VOCAB, embedding_dim=6, units=10,
                           attention="bahdanau", scheduled_sampling=True)
    forced = np.asarray(model(batch, training=False))
    np.testing.assert_allclose(np.asarray(model(batch, training=True)), forced, atol=1e-6)
    model.sampling_probability.assign(1.0)
    np.testing.assert_allclose(np.asarray(model(batch, training=False)), forced, atol=1e-6)
    sampled = np.asarray(model(batch, training=True))
    # expected: step 0 reads <s>, every later step reads argmax of the previous logits
    state, tokens, expected = model.encode(batch), batch["decoder_inputs"][:, 0], []
    for _ in range(batch["decoder_inputs"].shape[1]):
        logits, state, _ = model.decode_step(tokens, state)
        expected.append(np.asarray(logits))
        tokens = ops.argmax(logits, axis=-1)
    np.testing.assert_allclose(sampled, np.stack(expected, 1), atol=1e-5)


@pytest.mark.tensorflow_only  # its loss threshold holds for the TF backend's seeded stream
def test_fit_with_dropout_and_scheduled_sampling_lowers_the_loss(rng):
    keras.utils.set_random_seed(0)
    source = token_batch(rng, rng.integers(2, 7, 64), SOURCE_VOCAB)
    target = np.where(source > 0, source % 5 + 4, 0)  # a per-symbol transduction
    decoder_inputs = np.concatenate([np.full((64, 1), 2), target], 1)
    lengths = (target > 0).sum(1)
    labels = np.concatenate([target, np.zeros((64, 1), int)], 1)
    labels[np.arange(64), lengths] = 3  # </s>
    model = EncoderDecoder(SOURCE_VOCAB, TARGET_VOCAB, embedding_dim=8, units=16,
                           attention="bahdanau", dropout=0.1, scheduled_sampling=True)
    model.compile(keras.optimizers.Adam(1e-2),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0))
    model.sampling_probability.assign(0.25)
    history = model.fit({"inputs": source, "decoder_inputs": decoder_inputs}, labels,
                        epochs=8, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.6 * history.history["loss"][0]


def test_keras_round_trip_keeps_every_argument(rng):
    batch = batch_of(rng)
    model = EncoderDecoder(
        SOURCE_VOCAB, TARGET_VOCAB, embedding_dim=5, cell="gru", units=12, encoder_units=7,
        encoder_layers=2, decoder_layers=3, bidirectional_encoder=False, attention="bahdanau",
        attention_units=9, bridge="zeros", dropout=0.1, recurrent_dropout=0.2,
        layer_dropout=0.3, output_dropout=0.4, scheduled_sampling=True, name="g2p")
    model.sampling_probability.assign(0.3)
    expected = np.asarray(model(batch))
    loaded = reload(model)
    assert loaded.get_config() == model.get_config()
    assert float(loaded.sampling_probability.numpy()) == pytest.approx(0.3)
    np.testing.assert_allclose(np.asarray(loaded(batch)), expected, atol=1e-6)


@pytest.mark.tensorflow_only  # tf.GradientTape / tf.function / SavedModel
def test_runs_in_tf_function_with_unknown_batch_and_lengths(rng):
    batch = batch_of(rng)
    model = EncoderDecoder(SOURCE_VOCAB, TARGET_VOCAB, embedding_dim=6, units=10,
                           attention="bahdanau")
    expected = np.asarray(model(batch))
    spec = tf.TensorSpec([None, None], tf.int64)
    graph = tf.function(model.call, input_signature=[{"inputs": spec, "decoder_inputs": spec}])
    np.testing.assert_allclose(np.asarray(graph(batch)), expected, atol=1e-5)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"attention": "dot"}, r"Expected `attention` in .* Received: attention='dot'"),
        ({"bridge": "copy"}, r"bridge='copy'"),
        ({"attention": "luong", "scheduled_sampling": True}, r"attention='bahdanau'"),
        ({"units": 0}, r"units=0"),
    ],
)
def test_bad_arguments_name_what_was_received(kwargs, message):
    with pytest.raises(ValueError, match=message):
        EncoderDecoder(SOURCE_VOCAB, TARGET_VOCAB, **kwargs)


def test_missing_decoder_inputs_name_the_expected_key(rng):
    model = EncoderDecoder(SOURCE_VOCAB, TARGET_VOCAB, embedding_dim=4, units=6)
    with pytest.raises(ValueError, match=r"key 'decoder_inputs'"):
        model({"inputs": token_batch(rng, (3, 2), SOURCE_VOCAB)})
