"""EpochMetric: a number from the model at each epoch end, monitored like any metric."""

import keras
import numpy as np
import pytest

from seqmodels.models import ManyToOne
from seqmodels.training import EpochMetric
from tests.seqmodels.training.helpers import RecordWeights, fit_small_classifier


class Scripted:
    """`fn` returning the given values in turn, counting its calls."""

    def __init__(self, values):
        self.values, self.calls = list(values), 0

    def __call__(self, model):
        assert isinstance(model, ManyToOne)
        self.calls += 1
        return self.values[self.calls - 1]






def test_early_stopping_on_the_logged_value_stops_and_restores_the_best_epoch():
    fn, recorder = Scripted([0.5, 0.4, 0.45, 0.47, 0.3]), RecordWeights()
    stop = keras.callbacks.EarlyStopping("val_wer", mode="min", patience=1,
                                         restore_best_weights=True)
    model, history, _ = fit_small_classifier(5, [recorder, EpochMetric("val_wer", fn), stop])
    assert history.history["val_wer"] == [0.5, 0.4, 0.45]  # epoch 3 did not improve: stop
    for variable, best in zip(model.weights, recorder.copies[1]):  # epoch 2's weights
        np.testing.assert_array_equal(np.asarray(variable), best)
    assert not all(np.array_equal(a, b) for a, b in zip(recorder.copies[1], recorder.copies[2]))


def test_every_n_epochs_computes_on_those_and_the_last_and_repeats_between():
    fn = Scripted([0.9, 0.7, 0.6, 0.5])
    _, history, _ = fit_small_classifier(5, [EpochMetric("val_wer", fn, every=2)])
    assert history.history["val_wer"] == [0.9, 0.7, 0.7, 0.6, 0.5]  # epochs 1, 2, 4, 5
    assert fn.calls == 4


def test_refuses_non_finite_values_clashing_names_and_bad_arguments():
    with pytest.raises(ValueError, match="computed nan at epoch 2"):
        fit_small_classifier(3, [EpochMetric("val_wer", Scripted([0.5, float("nan")]))])
    with pytest.raises(ValueError, match="'loss' is already logged"):
        fit_small_classifier(1, [EpochMetric("loss", Scripted([0.5]))])
    for kwargs, message in (({"name": ""}, "name=''"), ({"fn": 3}, "fn=3"),
                            ({"every": 0}, "every=0")):
        with pytest.raises(ValueError, match=message):
            EpochMetric(**{"name": "val_wer", "fn": len, **kwargs})
