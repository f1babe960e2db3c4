import numpy as np
import pytest
import tensorflow as tf

from pipelines import Vocabulary, from_sequences, from_texts, from_token_lists, teacher_forcing
from seqmodels import constants


def test_decoder_inputs_are_start_plus_target_and_labels_target_plus_end():
    targets = [[5, 6, 7], [8]]
    ds = from_token_lists([[9], [10, 11]], targets, task="seq2seq").apply(teacher_forcing())
    for (x, labels), target in zip(ds.as_numpy_iterator(), targets):
        assert x["decoder_inputs"].tolist() == [constants.START_ID, *target]
        assert labels.tolist() == [*target, constants.END_ID]
        # the decoder reads the true previous token: input at t+1 is the label at t
        np.testing.assert_array_equal(x["decoder_inputs"][1:], labels[:-1])


def test_from_strings_end_to_end():
    graphemes = Vocabulary.from_corpus(["cat", "dog"], level="char")
    phonemes = Vocabulary.from_corpus(["K AE T", "D AO G"], level="word")
    ds = from_texts(["cat"], graphemes, ["K AE T"], target_vocabulary=phonemes)
    x, labels = next(ds.apply(teacher_forcing()).as_numpy_iterator())
    assert phonemes.decode_python([x["decoder_inputs"]]) == ["K AE T"]
    assert phonemes.decode_python([labels]) == ["K AE T"]
    assert labels[-1] == constants.END_ID and x["decoder_inputs"][0] == constants.START_ID


def test_rejects_non_sequence_targets():
    ds = from_sequences([np.ones((2, 1))], [1])
    with pytest.raises(ValueError, match=r"integer target sequences of shape \(time,\)"):
        ds.apply(teacher_forcing())
    with pytest.raises(ValueError, match=r"elements \(x, target\) with x a dict"):
        tf.data.Dataset.from_tensor_slices([1]).apply(teacher_forcing())
