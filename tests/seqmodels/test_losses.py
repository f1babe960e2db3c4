"""SequenceLoss: Keras's masked mean in one process, the global-batch mean under replicas."""

import keras
import numpy as np
import pytest

import seqmodels  # noqa: F401  (registers SequenceLoss)
from seqmodels.losses import SequenceLoss

RNG = np.random.default_rng(0)
LOGITS = RNG.normal(size=(4, 5, 6)).astype("float32")
TARGETS = RNG.integers(1, 6, (4, 5)).astype("int32")
LENGTHS = np.array([5, 3, 1, 2])
WEIGHTS = (np.arange(5)[None] < LENGTHS[:, None]).astype("float32")


def reference(logits, targets, weights):
    """NumPy: mean of -log softmax[target] over the steps of weight 1."""
    log_p = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    picked = np.take_along_axis(log_p, targets[..., None], -1)[..., 0]
    return float(-(picked * weights).sum() / weights.sum())


def test_it_is_the_mean_over_real_steps_as_numpy_computes_it():
    value = SequenceLoss()(TARGETS, LOGITS, sample_weight=WEIGHTS)
    np.testing.assert_allclose(float(value), reference(LOGITS, TARGETS, WEIGHTS), rtol=1e-6)


def test_it_equals_keras_cross_entropy_with_a_mask_or_an_ignored_class():
    keras_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    expected = float(keras_loss(TARGETS, LOGITS, sample_weight=WEIGHTS)) * WEIGHTS.size \
        / WEIGHTS.sum()  # Keras divides a weighted sum by every step, padding included
    np.testing.assert_allclose(float(SequenceLoss()(TARGETS, LOGITS, WEIGHTS)), expected,
                               rtol=1e-6)
    padded = np.where(WEIGHTS > 0, TARGETS, 0)
    ignoring = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0)
    np.testing.assert_allclose(float(SequenceLoss(ignore_class=0)(padded, LOGITS)),
                               float(ignoring(padded, LOGITS)), rtol=1e-6)


@pytest.mark.parametrize("from_logits", [True, False])
def test_label_smoothing_equals_keras_categorical_cross_entropy_on_one_hot_targets(from_logits):
    predictions = LOGITS if from_logits else np.asarray(keras.ops.softmax(LOGITS))
    one_hot = np.eye(6, dtype="float32")[TARGETS]
    keras_loss = keras.losses.CategoricalCrossentropy(from_logits=from_logits,
                                                      label_smoothing=0.2)
    expected = float(keras_loss(one_hot, predictions, sample_weight=WEIGHTS)) * WEIGHTS.size \
        / WEIGHTS.sum()
    ours = SequenceLoss(from_logits=from_logits, label_smoothing=0.2)
    value = float(ours(TARGETS, predictions, sample_weight=WEIGHTS))
    np.testing.assert_allclose(value, expected, rtol=1e-5)
    plain = float(SequenceLoss(from_logits=from_logits)(TARGETS, predictions, WEIGHTS))
    assert abs(value - plain) > 1e-3  # the smoothing is applied, not ignored


def test_label_smoothing_outside_zero_to_one_is_refused_naming_the_value():
    expected = r"label_smoothing.*\[0, 1\).*Received: label_smoothing=1\.5"
    with pytest.raises(ValueError, match=expected):
        SequenceLoss(label_smoothing=1.5)


def test_an_implicit_keras_mask_on_the_predictions_is_not_read():
    masked = keras.ops.convert_to_tensor(LOGITS)
    try:
        masked._keras_mask = keras.ops.convert_to_tensor(WEIGHTS[:, ::-1] > 0)
    except AttributeError:  # backends whose tensors take no attributes carry no mask either
        pytest.skip("this backend's tensors carry no Keras mask")
    np.testing.assert_allclose(float(SequenceLoss()(TARGETS, masked, WEIGHTS)),
                               reference(LOGITS, TARGETS, WEIGHTS), rtol=1e-6)


def test_weights_of_one_per_sequence_and_no_weights_read_as_expected():
    per_sequence = np.array([1.0, 0.0, 1.0, 1.0], "float32")
    expected = reference(LOGITS, TARGETS, np.repeat(per_sequence[:, None], 5, 1))
    np.testing.assert_allclose(float(SequenceLoss()(TARGETS, LOGITS, per_sequence)), expected,
                               rtol=1e-6)
    np.testing.assert_allclose(float(SequenceLoss()(TARGETS, LOGITS)),
                               reference(LOGITS, TARGETS, np.ones_like(WEIGHTS)), rtol=1e-6)


def test_all_weights_zero_give_zero_not_nan():
    assert float(SequenceLoss()(TARGETS, LOGITS, np.zeros_like(WEIGHTS))) == 0.0


def test_mean_squared_error_of_one_vector_per_sequence():
    y, p = np.array([[1.0, 2.0], [3.0, 5.0]]), np.array([[1.5, 2.0], [3.0, 4.0]])
    assert float(SequenceLoss("mean_squared_error")(y, p)) == pytest.approx((0.125 + 0.5) / 2)
    assert float(SequenceLoss("mean_squared_error")(y, p, [0.0, 1.0])) == pytest.approx(0.5)


def test_an_unknown_kind_is_refused_naming_the_kinds():
    with pytest.raises(ValueError, match=r"Expected `kind` in .*Received: kind='hinge'"):
        SequenceLoss("hinge")


def test_a_model_compiled_with_it_round_trips_through_keras_in_safe_mode(tmp_path):
    from seqmodels.models import ManyToOne

    model = ManyToOne(3, units=4)
    model(np.zeros((1, 2, 2), "float32"))
    model.compile("adam", SequenceLoss(ignore_class=0, label_smoothing=0.1))
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras", safe_mode=True)
    assert isinstance(loaded.loss, SequenceLoss)
    assert loaded.loss.get_config() == model.loss.get_config()
