"""EpochMetric: a number computed from the model at each epoch end, logged for other callbacks.

Keras's `fit()` logs what its compiled metrics compute batch by batch. A
sequence model is often judged by something only decoding gives: the word
error rate of free-running outputs on the validation split. `EpochMetric`
computes such a number once per epoch and writes it into the epoch's logs,
where `keras.callbacks.EarlyStopping`, `ReduceLROnPlateau`,
`ModelCheckpoint` and the `History` read it like any metric.
"""

from __future__ import annotations

import math

import keras


class EpochMetric(keras.callbacks.Callback):
    """Logs `name = fn(model)` at the end of every `every`-th epoch (and of the last).

    Put it before the callbacks that monitor `name` in the `callbacks` list:
    Keras hands each callback the same logs, in list order.

    Args:
        name: str. The log key, e.g. `"val_wer"`; must not clash with a metric
            `fit()` already logs.
        fn: callable `model -> float`, e.g. the WER of greedy decoding on the
            validation split. A NaN or infinite result stops training with an
            error naming it.
        every: int >= 1. Compute it every `every` epochs (decoding is costly);
            between, the last value is logged again, so monitors see a number
            every epoch.

    Example:

    >>> metric = EpochMetric("val_wer", lambda model: 0.25)
    >>> metric.name
    'val_wer'
    """

    def __init__(self, name, fn, every=1):
        super().__init__()
        if not isinstance(name, str) or not name:
            raise ValueError(f"Expected `name` to be a non-empty string. Received: name={name!r}.")
        if not callable(fn):
            raise ValueError(f"Expected `fn` to be a callable model -> float. Received: "
                             f"fn={fn!r}.")
        if not isinstance(every, int) or isinstance(every, bool) or every < 1:
            raise ValueError(f"Expected `every` to be an integer >= 1. Received: every={every!r}.")
        self.name, self.fn, self.every = name, fn, every
        self.value = None

    def on_train_begin(self, logs=None):
        self.value = None

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        if self.name in logs:
            raise ValueError(f"EpochMetric name {self.name!r} is already logged by fit() "
                             f"(logs: {sorted(logs)}): choose another name.")
        last = epoch + 1 == self.params.get("epochs")
        if self.value is None or (epoch + 1) % self.every == 0 or last:
            value = float(self.fn(self.model))
            if not math.isfinite(value):
                raise ValueError(f"EpochMetric {self.name!r} computed {value} at epoch "
                                 f"{epoch + 1}: expected a finite number.")
            self.value = value
        logs[self.name] = self.value


__all__ = ["EpochMetric"]
