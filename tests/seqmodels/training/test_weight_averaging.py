"""AverageLastEpochs: the model ends on the mean of its last epochs' weights."""

import keras
import numpy as np
import pytest

from seqmodels.models import ManyToOne
from seqmodels.training import AverageLastEpochs


class RecordWeights(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.copies = []

    def on_epoch_end(self, epoch, logs=None):
        self.copies.append([np.array(v.numpy(), copy=True) for v in self.model.weights])


def _fit(epochs, callbacks, optimizer="adam"):
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 5, 3)).astype("float32"), rng.integers(0, 2, size=32)
    model = ManyToOne(2, units=6)
    model.compile(optimizer, keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit({"inputs": x}, y, epochs=epochs, batch_size=8, verbose=0, callbacks=callbacks)
    return model, x


@pytest.mark.parametrize("average, epochs", [(3, 5), (4, 2)])
def test_fit_ends_on_the_mean_of_the_last_epochs_weights(average, epochs):
    recorder = RecordWeights()
    model, x = _fit(epochs, [recorder, AverageLastEpochs(average)])
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
    model, _ = _fit(3, [recorder, AverageLastEpochs(1)])
    for variable, copy in zip(model.weights, recorder.copies[-1]):
        np.testing.assert_array_equal(np.asarray(variable), copy)


def test_refuses_bad_counts_and_the_optimizers_own_moving_average():
    for bad in (0, 2.5, True):
        with pytest.raises(ValueError, match=f"Received: epochs={bad!r}"):
            AverageLastEpochs(bad)
    with pytest.raises(ValueError, match="use_ema=True"):
        _fit(1, [AverageLastEpochs(2)], optimizer=keras.optimizers.Adam(use_ema=True))
