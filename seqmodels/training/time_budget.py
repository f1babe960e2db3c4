"""TimeBudget: stop `fit()` once a wall-clock budget is spent."""

from __future__ import annotations

import time

import keras


class TimeBudget(keras.callbacks.Callback):
    """Stops training after the epoch during which `minutes` of wall clock have passed.

    The clock starts when training starts (`on_train_begin`), so building the
    pipeline does not count; the epoch in progress always finishes.

    Args:
        minutes: float > 0.

    >>> TimeBudget(1.5).minutes
    1.5
    """

    def __init__(self, minutes: float):
        super().__init__()
        if not isinstance(minutes, (int, float)) or minutes <= 0:
            raise ValueError(f"Expected `minutes` > 0. Received: minutes={minutes!r}")
        self.minutes = float(minutes)
        self.start = None
        self.stopped_epoch = None

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        if time.perf_counter() - self.start > 60 * self.minutes:
            self.model.stop_training = True
            self.stopped_epoch = epoch


__all__ = ["TimeBudget"]
