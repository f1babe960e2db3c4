"""AverageLastEpochs: the model ends on the mean of its last epochs' weights."""

import keras
import numpy as np
import pytest

from seqmodels.training import AverageLastEpochs
from tests.seqmodels.training.helpers import RecordWeights, fit_small_classifier


@pytest.mark.parametrize("average, epochs", [(3, 5), (4, 2)])
def test_fit_ends_on_the_mean_of_the_last_epochs_weights(average, epochs):
    recorder = RecordWeights()
    model, _, x = fit_small_classifier(epochs, [recorder, AverageLastEpochs(average)])
    last = recorder.copies[-average:]  # a run shorter than `average` averages all it has
    assert len(last) == min(average, epochs)
    for i, variable in enumerate(model.weights):
        expected = np.mean([copy[i] for copy in last], axis=0)
        np.testing.assert_allclose(np.asarray(variable), expected, rtol=1e-6, atol=1e-7)
    moved = [not np.allclose(np.asarray(v), recorder.copies[-1][i])
             for i, v in enumerate(model.weights)]
    assert any(moved)  # the average is not the last epoch's weights
    assert np.isfinite(np.asarray(model.predict({"inputs": x}, verbose=0))).all()


def test_one_epoch_keeps_the_last_weights():
    recorder = RecordWeights()
    model, _, _ = fit_small_classifier(3, [recorder, AverageLastEpochs(1)])
    for variable, copy in zip(model.weights, recorder.copies[-1]):
        np.testing.assert_array_equal(np.asarray(variable), copy)


def test_refuses_bad_counts_and_the_optimizers_own_moving_average():
    for bad in (0, 2.5, True):
        with pytest.raises(ValueError, match=f"Received: epochs={bad!r}"):
            AverageLastEpochs(bad)
    with pytest.raises(ValueError, match="use_ema=True"):
        fit_small_classifier(1, [AverageLastEpochs(2)],
                             optimizer=keras.optimizers.Adam(use_ema=True))
