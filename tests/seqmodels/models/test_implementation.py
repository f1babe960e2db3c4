"""Every model computes the same function on the fused path and on the loop, and trains alike."""

import keras
import numpy as np
import pytest

from seqmodels.layers import implementations, set_implementation
from seqmodels.models import AlignedManyToMany, EncoderDecoder, ManyToOne, OneToMany
from tests.seqmodels.models.helpers import feature_batch, token_batch


def _seq2seq_batch(rng):
    target = token_batch(rng, (5, 3, 4, 2), 9)
    target[:, 0] = 2
    return {"inputs": token_batch(rng, (6, 4, 5, 1), 14), "decoder_inputs": target}


MODELS = {
    "many_to_one": (lambda cell: ManyToOne(3, cell=cell, units=6, num_layers=2,
                                           bidirectional=True, learn_initial_state=True),
                    feature_batch),
    "aligned": (lambda cell: AlignedManyToMany(4, cell=cell, units=5, num_layers=2,
                                               bidirectional=True, dropout=0.2), feature_batch),
    "one_to_many": (lambda cell: OneToMany(10, embedding_dim=4, cell=cell, units=8,
                                           num_layers=2),
                    lambda rng: {"vector": rng.normal(size=(3, 4)).astype("float32"),
                                 "decoder_inputs": np.array([[2, 5, 6, 7], [2, 8, 0, 0],
                                                             [2, 4, 4, 0]])}),
    "seq2seq_luong": (lambda cell: EncoderDecoder(14, 9, embedding_dim=6, units=8, cell=cell,
                                                  encoder_layers=2, decoder_layers=2),
                      _seq2seq_batch),
    "seq2seq_bahdanau": (lambda cell: EncoderDecoder(14, 9, embedding_dim=6, units=8, cell=cell,
                                                     attention="bahdanau"), _seq2seq_batch),
    "seq2seq_plain": (lambda cell: EncoderDecoder(14, 9, embedding_dim=6, units=8, cell=cell,
                                                  attention=None, bidirectional_encoder=False),
                      _seq2seq_batch),
}


def _paths(model):
    return {used for used, _ in implementations(model).values()}


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("name", list(MODELS))
def test_outputs_do_not_depend_on_the_implementation(rng, name, cell):
    make, batch_of = MODELS[name]
    batch = batch_of(rng)
    keras.utils.set_random_seed(0)
    model = make(cell)
    model(batch)
    outputs = {}
    for implementation in ("loop", "fused"):
        set_implementation(model, implementation)
        assert _paths(model) == {implementation}
        outputs[implementation] = np.asarray(model(batch))
    np.testing.assert_allclose(outputs["fused"], outputs["loop"], atol=1e-5)


@pytest.mark.parametrize("name", ["many_to_one", "seq2seq_luong"])
def test_training_steps_agree_across_implementations(rng, name):
    """Same initial weights, same batches: the same losses and weights after 3 Adam steps."""
    make, batch_of = MODELS[name]
    batch = batch_of(rng)
    if name == "many_to_one":
        y = np.array([0, 1, 2, 1])
    else:
        y = np.concatenate([batch["decoder_inputs"][:, 1:], np.zeros((4, 1), int)], axis=1)
    results = {}
    for implementation in ("loop", "fused"):
        keras.utils.set_random_seed(0)
        model = make("lstm")
        model(batch)
        set_implementation(model, implementation)
        model.compile(optimizer=keras.optimizers.Adam(0.01),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        losses = [float(model.train_on_batch(batch, y)) for _ in range(3)]
        results[implementation] = losses, [np.asarray(w) for w in model.weights]
    np.testing.assert_allclose(results["fused"][0], results["loop"][0], rtol=1e-5)
    for a, b in zip(results["loop"][1], results["fused"][1]):
        np.testing.assert_allclose(b, a, atol=1e-5)
