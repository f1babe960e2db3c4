"""Exported classifiers, taggers and regressors: padded values + lengths (or strings) in."""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from pipelines import Vocabulary
from seqmodels.constants import SERVING_MAX_INPUT_LENGTH
from seqmodels.export import export_saved_model
from seqmodels.models import AlignedManyToMany, ManyToOne
from tests.seqmodels.models.helpers import feature_batch, reload


def masked(model, batch):
    return np.asarray(model(batch))


def test_classifier_takes_padded_values_and_lengths(rng, tmp_path):
    keras.utils.set_random_seed(0)
    model = ManyToOne(3, cell="gru", units=8, pooling="mean", bidirectional=True)
    batch = feature_batch(rng)
    expected = keras.ops.softmax(masked(model, batch)).numpy()
    path = export_saved_model(model, tmp_path / "clf", class_names=["a", "b", "c"])
    fn = tf.saved_model.load(str(path)).signatures["serving_default"]
    lengths = batch["inputs_mask"].sum(1).astype("int32")
    out = fn(inputs=tf.constant(batch["inputs"]), lengths=tf.constant(lengths))
    np.testing.assert_allclose(out["probabilities"].numpy(), expected, atol=1e-5)
    labels = expected.argmax(-1)
    assert out["labels"].numpy().tolist() == labels.tolist()
    assert [c.decode() for c in out["classes"].numpy()] == [["a", "b", "c"][i] for i in labels]


def test_lengths_outside_the_padded_width_are_refused(rng, tmp_path):
    model = ManyToOne(2, units=4)
    model(feature_batch(rng))
    loaded = tf.saved_model.load(str(export_saved_model(model, tmp_path / "m")))
    fn = loaded.signatures["serving_default"]
    x = tf.zeros((2, 5, 3))
    with pytest.raises(tf.errors.InvalidArgumentError, match="lengths <= the time dimension"):
        fn(inputs=x, lengths=tf.constant([5, 6]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="lengths >= 0"):
        fn(inputs=x, lengths=tf.constant([-1, 2]))



def test_inputs_of_another_shape_are_refused_naming_the_input(rng, tmp_path):
    """A loaded signature runs on any shape it is sent: the graph checks shapes first."""
    model = ManyToOne(2, units=4)
    model(feature_batch(rng))
    path = export_saved_model(model, tmp_path / "m")
    fn = tf.saved_model.load(str(path)).signatures["serving_default"]
    expected = r"Expected `inputs` of shape \(\?, \?, 3\): \(batch, time, features\)"
    for inputs in (tf.zeros((2, 5, 4)), tf.zeros((2, 5)), tf.zeros((2, 5, 3, 1))):
        with pytest.raises(tf.errors.InvalidArgumentError, match=expected):
            fn(inputs=inputs, lengths=tf.constant([5, 5]))
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"Expected `lengths` of shape \(\?,\): \(batch,\)"):
        fn(inputs=tf.zeros((2, 5, 3)), lengths=tf.constant([[5, 5]]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="expected to be a float tensor"):
        fn(inputs=tf.constant([["a"]]), lengths=tf.constant([1]))  # TensorFlow's own check
    assert fn(inputs=tf.zeros((2, 5, 3)), lengths=tf.constant([5, 2]))["labels"].shape == (2,)
    metadata = json.loads((path / "seqmodels.json").read_text())
    assert metadata["serving"]["features"] == 3
    assert metadata["serving"]["max_input_length"] == SERVING_MAX_INPUT_LENGTH  # the default


def test_a_string_model_refuses_a_batch_that_is_not_one_string_per_row(tmp_path):
    words = Vocabulary.from_corpus(["the cat sat", "a dog ran"], level="word")
    model = ManyToOne(2, vocabulary_size=words.size, units=4)
    model({"inputs": np.array([[4, 5]])})
    path = export_saved_model(model, tmp_path / "m", vocabulary=words)
    fn = tf.saved_model.load(str(path)).signatures["serving_default"]
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"Expected `inputs` of shape \(\?,\): \(batch,\): one string"):
        fn(inputs=tf.constant([["the cat", "a dog"]]))
    assert fn(inputs=tf.constant(["the cat", "a dog"]))["labels"].shape == (2,)


def test_malformed_calls_are_refused_naming_the_input(rng, tmp_path):
    model = ManyToOne(2, units=4, pooling="mean")
    model(feature_batch(rng))
    path = export_saved_model(model, tmp_path / "m", max_input_length=6, overlong="error")
    fn = tf.saved_model.load(str(path)).signatures["serving_default"]
    x = rng.normal(size=(2, 5, 3)).astype("float32")
    cases = [
        ((x, [5, 5, 5]), r"Expected `lengths` with one entry per row of `inputs`"),
        ((np.zeros((2, 0, 3), "float32"), [0, 0]), r"at least one time step"),
        ((np.where(np.arange(5)[None, :, None] == 1, np.nan, x).astype("float32"), [5, 2]),
         r"Expected finite `inputs` in the real steps"),
        ((np.zeros((1, 7, 3), "float32"), [7]), r"longer than max_input_length=6 steps"),
    ]
    for (inputs, lengths), message in cases:
        with pytest.raises(tf.errors.InvalidArgumentError, match=message):
            fn(inputs=tf.constant(inputs), lengths=tf.constant(lengths, tf.int32))
    padded_nan = x.copy()
    padded_nan[1, 3:] = np.nan  # NaN in the padding of row 1 is ignored
    out = fn(inputs=tf.constant(padded_nan), lengths=tf.constant([5, 3]))
    expected = fn(inputs=tf.constant(np.where(np.isnan(padded_nan), 0, padded_nan)),
                  lengths=tf.constant([5, 3]))
    np.testing.assert_allclose(out["probabilities"].numpy(), expected["probabilities"].numpy())


def test_over_long_float_inputs_are_truncated_by_default_policy(rng, tmp_path):
    model = ManyToOne(2, units=4, pooling="mean")
    model(feature_batch(rng))
    fn = tf.saved_model.load(str(export_saved_model(model, tmp_path / "m", max_input_length=4))
                             ).signatures["serving_default"]
    x = rng.normal(size=(1, 9, 3)).astype("float32")
    long = fn(inputs=tf.constant(x), lengths=tf.constant([9]))["probabilities"].numpy()
    cut = fn(inputs=tf.constant(x[:, :4]), lengths=tf.constant([4]))["probabilities"].numpy()
    np.testing.assert_allclose(long, cut, atol=1e-6)


def test_an_estimator_export_bounds_inputs_by_its_training_data(rng, tmp_path):
    from seqmodels.estimators import SequenceClassifier
    from seqmodels.export import read_metadata

    X = [rng.normal(size=(t, 2)).astype("float32") for t in (3, 7, 5, 4)]
    clf = SequenceClassifier(units=4, epochs=1, random_state=0).fit(X, [0, 1, 0, 1])
    assert clf.max_input_length_ == 7
    serving = read_metadata(clf.export(tmp_path / "clf"))["serving"]
    assert serving["max_input_length"] == 14  # 2x the longest training input
    served = read_metadata(clf.export(tmp_path / "clf", max_input_length=50))["serving"]
    assert served["max_input_length"] == 50


def test_forecaster_maps_raw_values_to_raw_forecasts(rng, tmp_path):
    keras.utils.set_random_seed(1)
    model = ManyToOne(1, task="regression", cell="gru", units=4)
    raw = rng.normal(50.0, 20.0, size=(3, 6, 1)).astype("float32")
    mean, scale = np.array([50.0]), np.array([20.0])
    expected = masked(model, {"inputs": (raw - 50.0) / 20.0}) * 20.0 + 50.0
    path = export_saved_model(model, tmp_path / "f", input_scaling=(mean, scale),
                              output_scaling=(mean, scale))
    fn = tf.saved_model.load(str(path)).signatures["serving_default"]
    out = fn(inputs=tf.constant(raw), lengths=tf.constant([6, 6, 6]))
    np.testing.assert_allclose(out["values"].numpy(), expected, rtol=1e-5, atol=1e-4)


def test_text_tagger_returns_one_tag_per_word(tmp_path):
    keras.utils.set_random_seed(2)
    words = Vocabulary.from_corpus(["the cat sat", "a dog ran"], level="word")
    tags = ["DET", "NOUN", "VERB"]
    model = AlignedManyToMany(3, vocabulary_size=words.size, units=8, bidirectional=True)
    sentences = ["the cat sat", "a dog", "the unknownword"]
    ids = words.encode(sentences).to_tensor()
    expected = masked(model, {"inputs": ids, "inputs_mask": ids != 0}).argmax(-1)
    path = export_saved_model(model, tmp_path / "tagger", vocabulary=words, class_names=tags)
    fn = tf.saved_model.load(str(path)).signatures["serving_default"]
    out = fn(inputs=tf.constant(sentences))
    lengths = [3, 2, 2]
    for row, n in enumerate(lengths):
        assert out["labels"].numpy()[row, :n].tolist() == expected[row, :n].tolist()
        assert (out["labels"].numpy()[row, n:] == -1).all()
        assert out["classes"].numpy()[row].decode().split() == [tags[i] for i in expected[row, :n]]


def test_token_model_without_vocabulary_is_refused(tmp_path):
    model = AlignedManyToMany(3, vocabulary_size=10, units=4)
    model({"inputs": np.array([[4, 5]])})
    with pytest.raises(ValueError, match="pass the `vocabulary`"):
        export_saved_model(model, tmp_path / "t")
    with pytest.raises(ValueError, match="takes .*Received unknown options: \\['beam_width'\\]"):
        export_saved_model(model, tmp_path / "t", beam_width=3)


def test_a_model_reloaded_from_keras_exports_the_same_function(rng, tmp_path):
    keras.utils.set_random_seed(3)
    model = ManyToOne(2, cell="lstm", units=4, pooling="last")
    batch = feature_batch(rng)
    expected = keras.ops.softmax(masked(model, batch)).numpy()
    path = export_saved_model(reload(model), tmp_path / "m")  # the checkpoint -> the server
    fn = tf.saved_model.load(str(path)).signatures["serving_default"]
    out = fn(inputs=tf.constant(batch["inputs"]),
             lengths=tf.constant(batch["inputs_mask"].sum(1).astype("int32")))
    np.testing.assert_allclose(out["probabilities"].numpy(), expected, atol=1e-5)
