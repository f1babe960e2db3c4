"""validation_split, early_stopping and distribution; hyperparameters checked before training."""

import keras
import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from seqmodels.estimators import SequenceClassifier
from seqmodels.training import NonFiniteLossError
from tests.seqmodels.training.helpers import RecordWeights


def data(rng, n=40):
    X = [rng.normal(size=(t, 2)).astype("float32") for t in rng.integers(3, 12, n)]
    return X, np.array([int(x[:, 0].sum() > 0) for x in X])


def test_validation_split_reports_validation_metrics(rng):
    X, y = data(rng)
    clf = SequenceClassifier(units=4, epochs=2, validation_split=0.25, random_state=0).fit(X, y)
    assert len(clf.history_["val_loss"]) == 2 and len(clf.history_["val_accuracy"]) == 2
    train, valid = clf._split(len(X), 0)
    assert len(valid) == 10 and not set(train) & set(valid)
    assert np.array_equal(clf._split(len(X), 0)[1], valid)  # a resumed fit holds out the same
    assert not np.array_equal(clf._split(len(X), 1)[1], valid)


def test_early_stopping_stops_when_nothing_improves(rng):
    X, y = data(rng)
    clf = SequenceClassifier(units=4, epochs=20, learning_rate=0.0, early_stopping=2,
                             random_state=0).fit(X, y)  # a zero step: the loss never improves
    assert len(clf.history_["loss"]) == 3


def test_mirrored_strategy_builds_in_scope_and_trains_alike(rng):
    import tensorflow as tf

    X, y = data(rng)
    frozen = {s: SequenceClassifier(units=4, epochs=1, learning_rate=0.0, distribution=s,
                                    random_state=0).fit(X, y) for s in (None, "mirrored")}
    assert isinstance(frozen["mirrored"].model_.distribute_strategy, tf.distribute.MirroredStrategy)
    # same initial weights and the same function
    np.testing.assert_allclose(frozen["mirrored"].predict_proba(X), frozen[None].predict_proba(X),
                               atol=1e-6)
    trained = {s: SequenceClassifier(units=4, epochs=3, distribution=s, random_state=0).fit(X, y)
               for s in (None, "mirrored")}
    losses = [trained[s].history_["loss"][-1] for s in (None, "mirrored")]
    assert losses[1] == pytest.approx(losses[0], rel=0.02)  # not bit-identical: see docs


def test_strategy_is_a_deprecated_alias_of_distribution(rng):
    X, y = data(rng, 8)
    with pytest.warns(FutureWarning, match=r"`strategy` is deprecated.*distribution='mirrored'"):
        clf = SequenceClassifier(units=4, epochs=1, strategy="mirrored", random_state=0).fit(X, y)
    assert clf.distribution_name() == "mirrored"
    assert clf.get_params()["distribution"] is None and clf.get_params()["strategy"] == "mirrored"


@pytest.mark.parametrize("params, message", [
    ({"cell": "rnn"}, r"Expected `cell` in \('elman', 'gru', 'lstm', 'mingru', 'minlstm'\)"),
    ({"units": 0}, r"`units` to be an integer >= 1. Received: units=0"),
    ({"epochs": 2.5}, r"`epochs` to be an integer >= 1. Received: epochs=2.5"),
    ({"validation_split": 1.0}, r"`validation_split` in \[0, 1\)"),
    ({"early_stopping": 0}, r"`early_stopping` to be an integer >= 1"),
    ({"distribution": "multi-host"}, r"Expected `distribution` in \(None, 'none', 'mirrored', "
                                     r"'multi-worker'\). Received: distribution='multi-host'"),
    ({"distribution": "mirrored", "strategy": "none"},
     r"one of `distribution` and its deprecated alias `strategy`"),
    ({"dropout": 1.5}, r"`dropout` to be a float in \[0, 1\). Received: dropout=1.5"),
    ({"learning_rate": -1e-3},
     r"`learning_rate` to be a finite number >= 0. Received: learning_rate=-0.001"),
    ({"learning_rate": float("nan")},
     r"`learning_rate` to be a finite number >= 0. Received: learning_rate=nan"),
    ({"learning_rate": float("inf")},
     r"`learning_rate` to be a finite number >= 0. Received: learning_rate=inf"),
    ({"checkpoint_every": 0},
     r"`checkpoint_every` to be an integer >= 1. Received: checkpoint_every=0"),
    ({"checkpoint_dir": 3}, r"`checkpoint_dir` to be a path or None. Received: checkpoint_dir=3"),
    ({"random_state": -1}, r"`random_state` to be an integer >= 0. Received: random_state=-1"),
    ({"learning_rate_halvings": [3, 3]}, r"`learning_rate_halvings` to be a list of strictly "
                                         r"increasing integers >= 1 \(epoch counts\). "
                                         r"Received: learning_rate_halvings=\[3, 3\]"),
    ({"learning_rate_halvings": [0]}, r"strictly increasing integers >= 1.*=\[0\]"),
    ({"learning_rate_halvings": 7}, r"strictly increasing integers >= 1.*halvings=7"),
    ({"average_epochs": 0}, r"`average_epochs` to be an integer >= 1. Received: average_epochs=0"),
    ({"average_epochs": 2, "early_stopping": 1},
     r"Expected one of `early_stopping` .* and `average_epochs` .* Received: "
     r"early_stopping=1, average_epochs=2"),
])
def test_bad_hyperparameters_are_refused_before_training(rng, params, message):
    X, y = data(rng, 8)
    with pytest.raises(ValueError, match=message):
        SequenceClassifier(**params).fit(X, y)


class _PoisonAt(keras.callbacks.Callback):
    """Sets the first weight to NaN before step 1 of epoch 2 (a diverging run, on purpose)."""

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        if self.epoch == 1 and batch == 1:
            weight = self.model.trainable_weights[0]
            weight.assign(np.full(weight.shape, np.nan, "float32"))


def test_a_nan_loss_stops_fit_at_once_naming_epoch_and_step(rng):
    X, y = data(rng)
    seen = []

    class EpochEnds(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(epoch)

    clf = SequenceClassifier(units=4, epochs=5, batch_size=8, bucketing=False, random_state=0)
    with pytest.raises(NonFiniteLossError, match=r"became nan at epoch 2, step 1") as raised:
        clf.fit(X, y, callbacks=[_PoisonAt(), EpochEnds()])
    assert (raised.value.epoch, raised.value.step) == (2, 1)
    assert seen == [0]  # epoch 2 never ended: no checkpoint or backup saw the NaN weights
    assert not hasattr(clf, "model_")  # and the estimator keeps no NaN model
    with pytest.raises(NotFittedError):
        clf.predict(X)


def test_resume_fit_trains_on_to_epochs_in_all(rng):
    X, y = data(rng)
    clf = SequenceClassifier(units=4, epochs=2, random_state=0).fit(X, y)
    first, steps = list(clf.history_["loss"]), int(clf.model_.optimizer.iterations.numpy())
    clf.set_params(epochs=4).resume_fit(X, y)
    assert len(clf.history_["loss"]) == 4 and clf.history_["loss"][:2] == first
    assert clf.model_.optimizer.iterations.numpy() == 2 * steps  # the same optimizer, on
    with pytest.raises(ValueError, match=r"`epochs` > the 4 epochs already trained"):
        clf.resume_fit(X, y)


def test_string_inputs_to_a_classifier(rng):
    X = ["good", "great", "bad", "awful", "goodgood", "badbad"] * 4
    y = [1, 1, 0, 0, 1, 0] * 4
    clf = SequenceClassifier(units=8, epochs=10, learning_rate=0.02, random_state=0).fit(X, y)
    assert clf.vocabulary_.level == "char" and clf.score(X, y) >= 0.9


def test_validation_data_is_encoded_like_the_training_data(rng):
    X, y = data(rng)
    labels = np.where(y == 1, "pos", "neg")
    clf = SequenceClassifier(units=4, epochs=2, random_state=0).fit(
        X[:30], labels[:30], validation_data=(X[30:], labels[30:]))
    assert len(clf.history_["val_accuracy"]) == 2
    with pytest.raises(ValueError, match=r"y_val has labels not seen in y: \['maybe'\]"):
        SequenceClassifier(epochs=1).fit(X[:30], labels[:30],
                                         validation_data=(X[30:32], ["pos", "maybe"]))
    with pytest.raises(ValueError, match=r"X_val\[0\] has 3 features per step"):
        SequenceClassifier(epochs=1).fit(X[:30], labels[:30],
                                         validation_data=([np.zeros((4, 3))], ["pos"]))


def test_predictions_follow_the_order_of_x_though_training_batches_by_length(rng):
    X, y = data(rng, 60)
    clf = SequenceClassifier(units=4, epochs=2, bucketing=True, random_state=0).fit(X, y)
    order = rng.permutation(len(X))
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(clf.predict_proba([X[i] for i in order]), proba[order], atol=1e-6)
    lengths = np.array([len(x) for x in X])
    assert not np.array_equal(np.argsort(lengths, kind="stable"), np.arange(len(X)))  # mixed


def test_the_learning_rate_halves_after_the_given_epochs(rng):
    X, y = data(rng)
    clf = SequenceClassifier(units=4, epochs=5, learning_rate=0.01, learning_rate_halvings=[1, 3],
                             random_state=0).fit(X, y)
    np.testing.assert_allclose(clf.history_["learning_rate"],
                               [0.01, 0.005, 0.005, 0.0025, 0.0025], rtol=1e-6)
    assert float(clf.model_.optimizer.learning_rate.numpy()) == pytest.approx(0.0025)


def test_average_epochs_ends_on_the_mean_of_the_last_epochs_weights(rng):
    X, y = data(rng)
    record = RecordWeights()
    clf = SequenceClassifier(units=4, epochs=4, learning_rate=0.05, average_epochs=3,
                             random_state=0).fit(X, y, callbacks=[record])
    for i, weight in enumerate(clf.model_.get_weights()):
        expected = np.mean([copy[i] for copy in record.copies[-3:]], axis=0, dtype="float64")
        np.testing.assert_allclose(weight, expected, rtol=1e-6, atol=1e-7)
    last = record.copies[-1]
    assert any(not np.allclose(w, v) for w, v in zip(clf.model_.get_weights(), last))
