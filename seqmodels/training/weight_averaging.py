"""Checkpoint averaging: the model ends `fit()` on the mean of its weights at the last epochs.

Averaging the parameters of the last few checkpoints (Vaswani et al. 2017
averaged the last 5 or 20) gives a model that usually scores better than any
one of them, at no cost at inference: it is one model of the same shape.
Keras's own `use_ema=True` optimizers keep an exponential moving average
instead, updated every step; this callback is the epoch-level, equal-weight
counterpart.
"""

from __future__ import annotations

import collections

import keras
import numpy as np


def _is_float(variable) -> bool:
    return "float" in str(keras.backend.standardize_dtype(variable.dtype))


class AverageLastEpochs(keras.callbacks.Callback):
    """Sets the model's floating-point weights to their mean over the last `epochs` epoch ends.

    At each epoch end the callback keeps a copy of every weight (the newest
    `epochs` copies); when training ends it assigns each floating-point
    weight the mean of its copies (integer state, such as a random seed,
    keeps its last value). A run shorter than `epochs` averages the epochs it
    has. `ExactResume(averaging=...)` checkpoints the copies, so a resumed
    fit averages the same epochs as one never stopped. Put it after
    callbacks that restore weights themselves
    (`EarlyStopping(restore_best_weights=True)`), or leave those out: the
    average replaces whatever weights training ended on.

    Args:
        epochs: int >= 1. How many of the last epoch ends to average (1: the
            last epoch's weights, unchanged).

    Example:

    >>> AverageLastEpochs(epochs=5).epochs
    5
    """

    def __init__(self, epochs=5):
        super().__init__()
        if not isinstance(epochs, int) or isinstance(epochs, bool) or epochs < 1:
            raise ValueError(
                f"Expected `epochs` to be an integer >= 1. Received: epochs={epochs!r}.")
        self.epochs = epochs
        self._copies = collections.deque(maxlen=epochs)

    def on_train_begin(self, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if getattr(optimizer, "use_ema", False):
            raise ValueError(
                "AverageLastEpochs replaces the weights when training ends, and so would the "
                "optimizer's exponential moving average (use_ema=True): use one of the two. "
                f"Received: an optimizer with use_ema=True and epochs={self.epochs}.")
        self._copies.clear()

    def on_epoch_end(self, epoch, logs=None):
        self._copies.append([np.array(v.numpy(), copy=True) for v in self.model.weights])

    @property
    def copies(self):
        """The kept epoch-end copies, oldest first: `[[array per model weight] per epoch]`."""
        return list(self._copies)

    def restore(self, copies):
        """Takes up `copies` (as `copies` gave them) kept by an earlier, interrupted fit."""
        self._copies.clear()
        self._copies.extend(copies)

    def on_train_end(self, logs=None):
        if not self._copies:
            return
        for i, variable in enumerate(self.model.weights):
            if _is_float(variable):
                mean = np.mean([copy[i] for copy in self._copies], axis=0, dtype="float64")
                variable.assign(mean.astype(self._copies[-1][i].dtype))


__all__ = ["AverageLastEpochs"]
