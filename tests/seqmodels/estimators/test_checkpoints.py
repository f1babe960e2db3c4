"""An estimator's `checkpoint_dir`: a fit taken up after it stopped (finished, crashed, NaN,
early-stopped) ends as one fit never stopped, bit for bit; other settings are refused."""

import keras
import numpy as np
import pytest

from seqmodels.estimators import SequenceClassifier, SequenceTransducer
from seqmodels.training import NonFiniteLossError, read_progress


def data(n=48, seed=0):
    rng = np.random.default_rng(seed)
    X = [rng.normal(size=(t, 2)).astype("float32") for t in rng.integers(2, 10, n)]
    return X, np.array([int(x[:, 0].sum() > 0) for x in X])


def classifier(checkpoint_dir=None, **params):
    return SequenceClassifier(**{"units": 4, "epochs": 3, "batch_size": 8, "dropout": 0.1,
                                 "validation_split": 0.25, "random_state": 5,
                                 "checkpoint_dir": checkpoint_dir, "checkpoint_every": 2,
                                 **params})


def assert_same(a, b):
    for u, v in zip(a.model_.get_weights(), b.model_.get_weights(), strict=True):
        np.testing.assert_array_equal(u, v)
    assert a.history_ == b.history_


class Crash(keras.callbacks.Callback):
    """Raises at the end of the `at`-th training batch of this fit (a crash, in-process)."""

    def __init__(self, at):
        super().__init__()
        self.at, self.seen = at, 0

    def on_train_batch_end(self, batch, logs=None):
        self.seen += 1
        if self.seen == self.at:
            raise KeyboardInterrupt("crash")


def test_a_finished_fit_is_taken_up_as_it_is_or_trained_on_to_more_epochs(tmp_path):
    X, y = data()
    straight = classifier().fit(X, y)
    first = classifier(tmp_path).fit(X, y)
    assert_same(first, straight)
    again = classifier(tmp_path).fit(X, y)  # nothing left to train: the same model
    assert_same(again, straight)
    assert int(again.model_.optimizer.iterations.numpy()) == \
        int(straight.model_.optimizer.iterations.numpy())
    assert_same(classifier(tmp_path, epochs=5).fit(X, y), classifier(epochs=5).fit(X, y))
    with pytest.raises(ValueError, match=r"holds 5 trained epochs, more than this fit's "
                                         r"epochs=4"):
        classifier(tmp_path, epochs=4).fit(X, y)


def test_a_crashed_fit_goes_on_from_its_last_checkpoint(tmp_path):
    X, y = data()
    with pytest.raises(KeyboardInterrupt):
        classifier(tmp_path).fit(X, y, callbacks=[Crash(7)])
    progress = read_progress(tmp_path)
    assert (progress["epoch"], progress["step"]) == (0, 6)  # 7 batches an epoch, every 2
    assert_same(classifier(tmp_path).fit(X, y), classifier().fit(X, y))


def test_a_resumed_fit_leaves_no_start_epoch_behind_for_later_fits(tmp_path):
    X, y = data()
    with pytest.raises(KeyboardInterrupt):
        classifier(tmp_path).fit(X, y, callbacks=[Crash(10)])  # resumes in epoch 2
    resumed = classifier(tmp_path).fit(X, y)
    resumed.set_params(checkpoint_dir=None, epochs=5).resume_fit(X, y)
    assert len(resumed.history_["loss"]) == 5  # epochs 4 and 5 trained on, not 2 to 5


def test_a_transducer_resumes_bit_identical(tmp_path):
    X = ["ab", "ba", "abb", "bba", "aab", "bab", "a", "b"] * 3
    y = [s.upper()[::-1] for s in X]

    def transducer(checkpoint_dir=None):
        return SequenceTransducer(units=6, embedding_dim=4, epochs=2, batch_size=4, dropout=0.1,
                                  random_state=2, checkpoint_dir=checkpoint_dir,
                                  checkpoint_every=2)

    with pytest.raises(KeyboardInterrupt):
        transducer(tmp_path).fit(X, y, callbacks=[Crash(9)])
    assert_same(transducer(tmp_path).fit(X, y), transducer().fit(X, y))


@pytest.mark.parametrize("change, named", [
    ({"units": 5}, r"units: 4 -> 5"),
    ({"learning_rate": 1e-3}, r"learning_rate: 0.003 -> 0.001"),
])
def test_a_checkpoint_of_other_settings_is_refused_naming_them(tmp_path, change, named):
    X, y = data()
    classifier(tmp_path, epochs=1).fit(X, y)
    with pytest.raises(ValueError, match=r"checkpoint of another training configuration.*"
                                         + named):
        classifier(tmp_path, epochs=1, **change).fit(X, y)


def test_a_checkpoint_of_other_data_is_refused(tmp_path):
    X, y = data()
    classifier(tmp_path, epochs=1).fit(X, y)
    X2, y2 = data(seed=1)
    with pytest.raises(ValueError, match=r"another training configuration \(data: '[0-9a-f]+' "
                                         r"-> '[0-9a-f]+'\)"):
        classifier(tmp_path, epochs=1).fit(X2, y2)


def test_a_damaged_newest_checkpoint_falls_back_to_the_one_before(tmp_path):
    X, y = data()
    with pytest.raises(KeyboardInterrupt):
        classifier(tmp_path).fit(X, y, callbacks=[Crash(9)])
    newest = tmp_path / "checkpoint.npz"
    newest.write_bytes(newest.read_bytes()[:100])  # a disk that lost the end of it
    with pytest.warns(RuntimeWarning, match=r"checkpoint.npz cannot be read.*before it"):
        resumed = classifier(tmp_path).fit(X, y)
    assert_same(resumed, classifier().fit(X, y))


class PoisonAt(keras.callbacks.Callback):
    """Sets the first weight to NaN before the `at`-th batch of this fit (a diverging run)."""

    def __init__(self, at):
        super().__init__()
        self.at, self.seen = at, 0

    def on_train_batch_begin(self, batch, logs=None):
        self.seen += 1
        if self.seen == self.at:
            weight = self.model.trainable_weights[0]
            weight.assign(np.full(weight.shape, np.nan, "float32"))


def test_a_nan_loss_keeps_the_last_finite_checkpoint_and_resumes_from_it(tmp_path):
    X, y = data()
    with pytest.raises(NonFiniteLossError, match=r"at epoch 2, step 3"):
        classifier(tmp_path).fit(X, y, callbacks=[PoisonAt(11)])
    progress = read_progress(tmp_path)
    assert (progress["epoch"], progress["step"]) == (1, 2)  # before the NaN batch
    saved = np.load(tmp_path / "checkpoint.npz")
    assert all(np.isfinite(saved[k]).all() for k in saved.files
               if k.startswith("model_") and saved[k].dtype.kind == "f")
    with pytest.raises(NonFiniteLossError, match=r"at epoch 2, step 3"):  # the same batch,
        classifier(tmp_path).fit(X, y, callbacks=[PoisonAt(2)])  # counted from the epoch's start
    assert_same(classifier(tmp_path).fit(X, y), classifier().fit(X, y))


def test_early_stopping_state_survives_a_crash(tmp_path):
    X, y = data()
    params = {"epochs": 12, "early_stopping": 1, "learning_rate": 0.05}
    straight = classifier(**params).fit(X, y)
    assert len(straight.history_["loss"]) < 12  # it stopped early
    stopped_at = len(straight.history_["loss"])
    with pytest.raises(KeyboardInterrupt):
        classifier(tmp_path, **params).fit(X, y, callbacks=[Crash(5 * stopped_at - 2)])
    assert_same(classifier(tmp_path, **params).fit(X, y), straight)
    assert read_progress(tmp_path)["stopped"]
    assert_same(classifier(tmp_path, **params).fit(X, y), straight)  # stopped: stays so


def test_averaged_epochs_and_the_halving_schedule_survive_a_crash(tmp_path):
    X, y = data()
    params = {"epochs": 4, "average_epochs": 3, "learning_rate_halvings": [1, 2],
              "learning_rate": 0.05}
    straight = classifier(**params).fit(X, y)
    with pytest.raises(KeyboardInterrupt):  # in epoch 3, after two epoch-end copies
        classifier(tmp_path, **params).fit(X, y, callbacks=[Crash(17)])
    assert read_progress(tmp_path)["averaging"] == 2
    resumed = classifier(tmp_path, **params).fit(X, y)
    assert_same(resumed, straight)
    np.testing.assert_allclose(resumed.history_["learning_rate"], [0.05, 0.025, 0.0125, 0.0125],
                               rtol=1e-6)
    assert_same(classifier(tmp_path, **params).fit(X, y), straight)  # finished: the same average


def test_without_a_seed_the_checkpoint_keeps_the_drawn_one(tmp_path):
    X, y = data()
    with pytest.raises(KeyboardInterrupt):
        classifier(tmp_path, random_state=None).fit(X, y, callbacks=[Crash(7)])
    seed = read_progress(tmp_path)["seed"]
    resumed = classifier(tmp_path, random_state=None).fit(X, y)
    assert_same(resumed, classifier(random_state=seed).fit(X, y))
