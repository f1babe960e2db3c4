"""Decoding: beam 1 == greedy, wide beam == exhaustive search, graph mode, sampling, limits."""

import itertools

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from seqmodels.decoding import BeamSearch, Greedy, Sampling, decode, length_penalty
from seqmodels.models import EncoderDecoder
from tests.seqmodels.models.helpers import token_batch

END, REAL = 3, (4, 5, 6)  # vocabulary: pad, oov, <s>, </s> and three real symbols


@pytest.fixture(scope="module")
def model():
    keras.utils.set_random_seed(3)
    model = EncoderDecoder(10, 7, embedding_dim=6, units=12, attention="bahdanau")
    model(source())
    kernel, bias = model.output_layer.kernel, model.output_layer.bias
    kernel.assign(kernel * 20.0)  # a peaked, input-dependent distribution
    # as after training: no mass on pad / oov / <s>; END likely, but not always first
    bias.assign(ops.convert_to_tensor([-10.0, -10.0, -10.0, -1.5, 1.5, 1.0, 0.0]))
    return model


def source(rng=None):
    rng = rng or np.random.default_rng(0)
    return {"inputs": token_batch(rng, (5, 3, 4), 10), "decoder_inputs": np.full((3, 1), 2)}


def _complete_sequences(model, prefix, state, total, max_length, alpha):
    """Yields `(length-normalised score, sequence)` of every completion of `prefix`."""
    last = prefix[-1] if prefix else 2
    logits, state, _ = model.decode_step(np.array([last]), state)
    log_probs = np.asarray(ops.log_softmax(logits))[0]
    for token in (END,) + REAL:
        sequence, score = prefix + [token], total + float(log_probs[token])
        if token == END or len(sequence) == max_length:
            yield score / float(length_penalty(len(sequence), alpha)), sequence
        else:
            yield from _complete_sequences(model, sequence, state, score, max_length, alpha)


def exhaustive_best(model, batch, max_length, alpha):
    """Scores every sequence over REAL + END up to max_length; returns the best per input."""
    best = []
    for i in range(batch["inputs"].shape[0]):
        state = model.encode({"inputs": batch["inputs"][i:i + 1]})
        best.append(max(_complete_sequences(model, [], state, 0.0, max_length, alpha)))
    return best


@pytest.mark.parametrize("alpha", [0.0, 1.0])
def test_wide_beam_finds_the_exhaustive_optimum(model, alpha):
    batch, max_length = source(), 4
    result = model.generate(batch, BeamSearch(4**max_length, alpha=alpha, n_best=2),
                            max_length=max_length)
    for i, (score, sequence) in enumerate(exhaustive_best(model, batch, max_length, alpha)):
        n = int(result["lengths"][i, 0])
        assert np.asarray(result["tokens"])[i, 0, :n].tolist() == sequence
        assert float(result["scores"][i, 0]) == pytest.approx(score, abs=1e-4)
    assert np.all(np.asarray(result["scores"][:, 0]) >= np.asarray(result["scores"][:, 1]))
    assert any(len(s) > 1 for _, s in exhaustive_best(model, batch, max_length, alpha))


def test_beam_of_width_one_is_greedy(model):
    batch = source(np.random.default_rng(5))
    greedy = model.generate(batch, Greedy(), max_length=7)
    beam = model.generate(batch, BeamSearch(1), max_length=7)
    np.testing.assert_array_equal(np.asarray(greedy["tokens"]), np.asarray(beam["tokens"]))
    np.testing.assert_allclose(np.asarray(greedy["scores"]), np.asarray(beam["scores"]),
                               atol=1e-5)


def test_greedy_picks_the_argmax_at_every_step(model):
    batch = source()
    result = model.generate(batch, "greedy", max_length=5)
    state, tokens = model.encode(batch), np.full(3, 2)
    for t in range(5):
        logits, state, _ = model.decode_step(tokens, state)
        logits = np.array(logits)
        logits[:, :3] = -np.inf  # pad, oov, <s> are never emitted
        expected = logits.argmax(-1)
        done = np.asarray(result["lengths"][:, 0]) <= t
        assert np.all(np.asarray(result["tokens"])[~done, 0, t] == expected[~done])
        tokens = expected


def test_finished_hypotheses_are_frozen_and_padded(model):
    result = model.generate(source(), BeamSearch(5, alpha=0.6), max_length=6)
    tokens, lengths = np.asarray(result["tokens"]), np.asarray(result["lengths"])
    for row, n in zip(tokens.reshape(-1, 6), lengths.ravel()):
        assert np.all(row[n:] == 0)
        assert END not in row[: n - 1]
        assert row[n - 1] == END or n == 6


def test_min_and_max_length_are_respected(model):
    result = model.generate(source(), BeamSearch(3), max_length=5, min_length=3)
    tokens, lengths = np.asarray(result["tokens"]), np.asarray(result["lengths"])
    assert tokens.shape[-1] == 5
    assert np.all(lengths >= 4) and np.all(lengths <= 5)  # 3 real tokens before END at least
    assert not np.any(tokens[..., :3] == END)


@pytest.mark.tensorflow_only  # tf.GradientTape / tf.function / SavedModel
def test_decoding_inside_tf_function_with_unknown_batch_and_length(model):
    strategy = BeamSearch(3, alpha=0.6, n_best=2)

    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.int64)])
    def run(ids):
        result = model.generate({"inputs": ids}, strategy, max_length=tf.shape(ids)[1] + 3)
        return result["tokens"], result["scores"]

    for batch in (source(), {"inputs": token_batch(np.random.default_rng(1), (2, 7), 10)}):
        tokens, scores = run(batch["inputs"])
        eager = model.generate(batch, strategy, max_length=batch["inputs"].shape[1] + 3)
        np.testing.assert_array_equal(tokens.numpy(), np.asarray(eager["tokens"]))
        np.testing.assert_allclose(scores.numpy(), np.asarray(eager["scores"]), atol=1e-5)


def test_attention_is_returned_per_output_step(model):
    batch = source()
    result = model.generate(batch, BeamSearch(2), max_length=4, return_attention=True)
    attention = np.asarray(result["attention"])  # (B, n, L, S)
    assert attention.shape == (3, 2, 4, 5)
    lengths = np.asarray(result["lengths"])
    for b, k in itertools.product(range(3), range(2)):
        np.testing.assert_allclose(attention[b, k, : lengths[b, k]].sum(-1), 1.0, atol=1e-5)
        assert np.all(attention[b, k, :, batch["inputs"][b] == 0] < 1e-6)


def test_sampling_is_reproducible_with_a_seed_and_top_k_one_is_greedy(model):
    batch = source()
    first = model.generate(batch, Sampling(seed=7), max_length=6)["tokens"]
    second = model.generate(batch, Sampling(seed=7), max_length=6)["tokens"]
    np.testing.assert_array_equal(np.asarray(first), np.asarray(second))
    greedy = model.generate(batch, "greedy", max_length=6)["tokens"]
    for strategy in (Sampling(top_k=1, seed=1), Sampling(top_p=1e-6, seed=1),
                     Sampling(temperature=1e-4, seed=1)):
        np.testing.assert_array_equal(
            np.asarray(model.generate(batch, strategy, max_length=6)["tokens"]),
            np.asarray(greedy))


def test_sampling_follows_the_model_distribution():
    """On a fixed distribution, sampled first tokens match its probabilities."""
    probabilities = np.array([0, 0, 0, 0.1, 0.6, 0.3], "float32")

    def step(tokens, state):
        logits = ops.log(ops.convert_to_tensor(probabilities) + 1e-12)
        return ops.tile(logits[None], (ops.shape(tokens)[0], 1)), state, ops.ones((1, 1))

    state = {"h": ops.zeros((4000, 1))}
    tokens = np.asarray(decode(step, state, Sampling(seed=0), max_length=1)["tokens"])[:, 0, 0]
    frequencies = np.bincount(tokens, minlength=6) / tokens.size
    np.testing.assert_allclose(frequencies[3:], probabilities[3:], atol=0.03)
    top2 = np.asarray(decode(step, state, Sampling(top_k=2, seed=0), max_length=1)["tokens"])
    assert set(np.unique(top2)) == {4, 5}
    nucleus = np.asarray(decode(step, state, Sampling(top_p=0.85, seed=0), max_length=1)["tokens"])
    assert set(np.unique(nucleus)) == {4, 5}


def test_top_p_stops_at_an_exact_tie_of_the_mass():
    """0.5 + 0.3 reaches top_p = 0.8 exactly (0.79999995 in float32): the 0.2 token is out."""
    logits = ops.log(ops.convert_to_tensor(np.array([[0.2, 0.5, 0.3]], "float32")))
    kept = np.asarray(Sampling(top_p=0.8)._truncate(logits)) > -1e8
    assert kept.tolist() == [[False, True, True]]
    kept = np.asarray(Sampling(top_p=0.81)._truncate(logits)) > -1e8  # just above: all three
    assert kept.tolist() == [[True, True, True]]


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: BeamSearch(0), r"width=0"),
        (lambda: BeamSearch(2, n_best=3), r"n_best <= width"),
        (lambda: BeamSearch(2, alpha=-1), r"alpha=-1"),
        (lambda: Sampling(temperature=0), r"temperature=0"),
        (lambda: Sampling(top_p=1.5), r"top_p=1.5"),
        (lambda: Sampling(top_k=0), r"top_k=0"),
    ],
)
def test_bad_strategy_arguments_name_what_was_received(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_unknown_strategy_name_is_refused(model):
    with pytest.raises(ValueError, match=r"strategy='beam_search'"):
        model.generate(source(), "beam_search")


def _uniform_step(tokens, state):
    return ops.zeros((ops.shape(tokens)[0], 6)), state, ops.ones((1, 1))


@pytest.mark.parametrize("options, message", [
    ({"max_length": -1}, r"`max_length` to be an integer >= 1. Received: max_length=-1"),
    ({"max_length": 0}, r"max_length=0"),
    ({"max_length": 2.5}, r"max_length=2.5"),
    ({"max_length": 3, "min_length": -1}, r"`min_length` to be an integer >= 0"),
    ({"max_length": 3, "min_length": 4}, r"`min_length` <= `max_length`"),
    ({"max_length": 3, "end_id": 0}, r"not one of the reserved \(0, 1, 2\).*end_id=0"),
    ({"max_length": 3, "end_id": 2}, r"would never finish. Received: end_id=2"),
])
def test_decode_refuses_lengths_and_end_ids_that_cannot_be_meant(options, message):
    state = {"h": ops.zeros((2, 1))}
    with pytest.raises(ValueError, match=message):
        decode(_uniform_step, state, Greedy(), **options)


def test_generate_refuses_a_negative_max_length(model):
    with pytest.raises(ValueError, match=r"max_length=-1"):
        model.generate(source(), "greedy", max_length=-1)
