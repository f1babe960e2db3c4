"""A tiny grapheme-to-phoneme model, exported once per test module."""

import keras
import pytest

from pipelines import Vocabulary, from_texts, pad_to_batch_max, teacher_forcing
from seqmodels.export import export_saved_model
from seqmodels.models import EncoderDecoder

WORDS = ["cat", "dog", "hello", "world", "tea", "code"]
PRONS = ["K AE T", "D AO G", "HH AH L OW", "W ER L D", "T IY", "K OW D"]
QUERIES = ["cat", "hello", "we", "zz9!", "odd"]


def tiny_g2p(attention="bahdanau", seed=0, epochs=80):
    """Trained by `fit()` for a few seconds on six words: it pronounces them, then stops."""
    keras.utils.set_random_seed(seed)
    letters = Vocabulary.from_corpus(WORDS, level="char")
    phones = Vocabulary.from_corpus(PRONS, level="word")
    model = EncoderDecoder(letters.size, phones.size, embedding_dim=8, units=16,
                           attention=attention, decoder_layers=2)
    pairs = from_texts(WORDS, letters, PRONS, target_vocabulary=phones)
    batches = pairs.apply(teacher_forcing()).apply(pad_to_batch_max(len(WORDS))).cache()
    model.compile(keras.optimizers.Adam(0.03),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0))
    model.fit(batches, epochs=epochs, verbose=0)
    return model, letters, phones


@pytest.fixture(scope="module")
def g2p(tmp_path_factory):
    model, letters, phones = tiny_g2p()
    base = tmp_path_factory.mktemp("saved_models") / "g2p"
    path = export_saved_model(model, base, source_vocabulary=letters, target_vocabulary=phones,
                              max_input_length=8, data={"words": WORDS},
                              metrics={"wer": 1.0})
    return model, letters, phones, path
