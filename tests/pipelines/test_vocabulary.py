"""Vocabulary: fixed special ids, invertible, deterministic, in-graph, saved with a model."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from pipelines import Vocabulary
from seqmodels import constants


def test_special_ids_come_first_and_tokens_by_frequency():
    vocab = Vocabulary.from_corpus(["abca", "bz"], level="char")
    assert vocab.tokens == ["a", "b", "c", "z"]  # a:2, b:2 (ties alphabetical), c:1, z:1
    assert [vocab.id_to_token(i) for i in range(4)] == list(constants.SPECIAL_TOKENS)
    assert vocab.encode(["ab"]).to_list() == [[4, 5]]
    assert vocab.size == len(vocab) == 8


def test_round_trip_ids_to_strings_char_and_word():
    texts = ["hello world", "low", "dol"]
    for level, expected in (("char", texts), ("word", texts)):
        vocab = Vocabulary.from_corpus(texts, level=level)
        ids = vocab.encode(texts)
        assert vocab.decode_python(ids) == expected


def test_unknown_tokens_map_to_oov_and_decode_shows_it():
    vocab = Vocabulary.from_corpus(["ab"], level="char")
    ids = vocab.encode(["axb"]).to_list()
    assert ids == [[4, constants.OOV_ID, 5]]
    assert vocab.decode_python(ids) == ["a[UNK]b"]


def test_decode_strips_pad_start_end_from_dense_batches():
    vocab = Vocabulary.from_corpus(["ab"], level="char")
    dense = np.array([[2, 4, 5, 3, 0], [2, 5, 3, 0, 0]])
    assert vocab.decode_python(dense) == ["ab", "b"]
    raw = vocab.decode(dense, strip_special=False).numpy().tolist()
    assert raw == [b"<s>ab</s>", b"<s>b</s>"]


def test_min_count_and_max_size():
    texts = ["aaab", "aab", "c"]
    assert Vocabulary.from_corpus(texts, min_count=2).tokens == ["a", "b"]
    assert Vocabulary.from_corpus(texts, max_size=1).tokens == ["a"]


def test_build_is_deterministic_whatever_the_input_order():
    words = ["the cat", "a dog", "the dog", "cat a"]
    first = Vocabulary.from_corpus(words, level="word").tokens
    assert Vocabulary.from_corpus(list(reversed(words)), level="word").tokens == first


def test_invalid_tokens_and_levels_are_rejected():
    with pytest.raises(ValueError, match=r"tokens\[1\]='a' is a duplicate"):
        Vocabulary(["a", "a"])
    with pytest.raises(ValueError, match=r"tokens\[0\]='<s>' is a special token"):
        Vocabulary(["<s>"])
    with pytest.raises(ValueError, match=r"tokens\[0\]='a b' contains whitespace"):
        Vocabulary(["a b"], level="word")
    with pytest.raises(ValueError,
                       match=r"Expected `level` in \('char', 'word'\). Received: level="):
        Vocabulary(["a"], level="byte")


def test_save_and_load_json(tmp_path):
    vocab = Vocabulary.from_corpus(["çay ışık", "ğ"], level="char")
    path = tmp_path / "vocab.json"
    vocab.save(path)
    loaded = Vocabulary.load(path)
    assert loaded.tokens == vocab.tokens and loaded.level == "char"
    assert loaded.encode(["ışık"]).to_list() == vocab.encode(["ışık"]).to_list()
    path.write_text('{"format": 99}')
    with pytest.raises(ValueError, match=r"not a seqmodels vocabulary file of format 1"):
        Vocabulary.load(path)


def test_usable_inside_tf_data_and_tf_function():
    vocab = Vocabulary.from_corpus(["abc"], level="char")
    ds = tf.data.Dataset.from_tensor_slices(["cab", "b"]).batch(2).map(vocab.encode)
    assert next(iter(ds)).to_list() == [[6, 4, 5], [5]]

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
    def round_trip(texts):
        return vocab.decode(vocab.encode(texts))

    assert round_trip(tf.constant(["bca", "zz"])).numpy().tolist() == [b"bca", b"[UNK][UNK]"]


def test_saved_and_loaded_with_a_model_in_safe_mode(tmp_path):
    vocab = Vocabulary.from_corpus(["hello", "help"], level="char")
    model = _Encoder(vocab)
    inputs = tf.constant(["hole", "x"])
    expected = model(inputs)
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert loaded.vocabulary.tokens == vocab.tokens and loaded.vocabulary.level == "char"
    np.testing.assert_array_equal(loaded(inputs), expected)
    assert expected.numpy().tolist() == [[6, 7, 4, 5], [1, 0, 0, 0]]  # l=4 e=5 h=6 o=7


@keras.saving.register_keras_serializable(package="seqmodels_tests")
class _Encoder(keras.Model):
    """Strings -> dense ids: a model that owns a Vocabulary."""

    def __init__(self, vocabulary, **kwargs):
        super().__init__(**kwargs)
        self.vocabulary = vocabulary

    def build(self, input_shape=None):
        self.built = True

    def call(self, texts):
        return self.vocabulary.encode(texts).to_tensor(0)

    def get_config(self):
        return {
            **super().get_config(),
            "vocabulary": keras.saving.serialize_keras_object(self.vocabulary),
        }

    @classmethod
    def from_config(cls, config):
        config["vocabulary"] = keras.saving.deserialize_keras_object(config["vocabulary"])
        return cls(**config)


@pytest.mark.parametrize("options, message", [
    ({"max_size": -1}, r"`max_size` to be an integer >= 1 or None. Received: max_size=-1"),
    ({"max_size": 0}, r"max_size=0"),
    ({"min_count": 0}, r"`min_count` to be an integer >= 1. Received: min_count=0"),
])
def test_bad_corpus_options_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        Vocabulary.from_corpus(["abc"], **options)


def test_decode_refuses_ids_outside_the_vocabulary():
    vocabulary = Vocabulary.from_corpus(["abc"])  # ids 0..6
    assert vocabulary.decode_python([[4, 5, 6]]) == ["abc"]
    for bad in (7, -1):
        with pytest.raises(ValueError, match=rf"Expected ids in \[0, 7\).*Received: id {bad}"):
            vocabulary.decode_python([[4, bad]])
    graph = tf.function(lambda ids: vocabulary.decode(ids))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Expected ids in \[0, 7\)"):
        graph(tf.constant([[4, 9]]))
