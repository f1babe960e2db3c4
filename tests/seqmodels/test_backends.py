"""The model stack on whichever Keras backend runs the suite (TensorFlow, and JAX in `make test`).

tf.data pipelines feed `fit()` on every backend (Keras converts each batch);
the model trains, decodes by beam search and survives a `.keras` round trip.
"""

import keras
import numpy as np

from pipelines import (
    Vocabulary,
    bucket_by_length,
    from_sequences,
    from_texts,
    pad_to_batch_max,
    teacher_forcing,
)
from seqmodels.layers import implementations
from seqmodels.models import EncoderDecoder, ManyToOne
from tests.seqmodels.models.helpers import reload

WORDS = ["cat", "dog", "cot", "cog", "tag", "god"]
PRONS = ["K AE T", "D AO G", "K AA T", "K AA G", "T AE G", "G AA D"]


def test_a_tf_data_pipeline_trains_a_many_to_one_model(rng):
    keras.utils.set_random_seed(0)
    X = [rng.normal(size=(t, 3)).astype("float32") for t in rng.integers(5, 30, 128)]
    y = np.array([int(x[:, 0].mean() > 0) for x in X])
    train = from_sequences(X, y).shuffle(128, seed=0).apply(bucket_by_length(32))
    model = ManyToOne(2, cell="lstm", units=16, pooling="mean")
    model.compile(keras.optimizers.Adam(0.01),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  weighted_metrics=["accuracy"])
    history = model.fit(train, epochs=8, verbose=0).history
    assert history["loss"][-1] < 0.7 * history["loss"][0]
    assert history["accuracy"][-1] > 0.8
    assert {used for used, _ in implementations(model).values()} <= {"fused", "loop"}


def test_an_encoder_decoder_learns_by_teacher_forcing_and_beam_search_reads_it_back():
    keras.utils.set_random_seed(0)
    letters = Vocabulary.from_corpus(WORDS, level="char")
    phones = Vocabulary.from_corpus(PRONS, level="word")
    model = EncoderDecoder(letters.size, phones.size, embedding_dim=16, units=32)
    model.compile(keras.optimizers.Adam(0.01),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0))
    pairs = from_texts(WORDS, letters, PRONS, target_vocabulary=phones)
    history = model.fit(pairs.apply(teacher_forcing()).apply(pad_to_batch_max(6)),
                        epochs=80, verbose=0).history
    assert history["loss"][-1] < 0.05
    source = letters.encode(WORDS).to_tensor().numpy()  # (6, 3) ids: every word has 3 letters
    batch = {"inputs": source, "inputs_mask": source != 0}
    for strategy in ("greedy", "beam"):
        tokens = np.asarray(model.generate(batch, strategy=strategy)["tokens"])
        tokens = tokens[:, 0] if tokens.ndim == 3 else tokens
        assert phones.decode_python(tokens) == PRONS, strategy
    loaded = reload(model)
    np.testing.assert_array_equal(np.asarray(loaded.generate(batch)["tokens"]),
                                  np.asarray(model.generate(batch)["tokens"]))
