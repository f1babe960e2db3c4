"""Shared by the callback tests: a weight recorder and a small seeded fit."""

import keras
import numpy as np

from seqmodels.models import ManyToOne


class RecordWeights(keras.callbacks.Callback):
    """Keeps a copy of every weight at each epoch end."""

    def __init__(self):
        super().__init__()
        self.copies = []

    def on_epoch_end(self, epoch, logs=None):
        self.copies.append([np.array(v.numpy(), copy=True) for v in self.model.weights])


def fit_small_classifier(epochs, callbacks, optimizer="adam"):
    """A seeded ManyToOne fitted on 32 random sequences: `(model, history, x)`."""
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 5, 3)).astype("float32"), rng.integers(0, 2, size=32)
    model = ManyToOne(2, units=6)
    model.compile(optimizer, keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit({"inputs": x}, y, epochs=epochs, batch_size=8, verbose=0,
                        callbacks=callbacks)
    return model, history, x
