"""StopOnNonFiniteLoss: end `fit()` at the first NaN / Inf loss, before anything saves it."""

from __future__ import annotations

import math

import keras


class NonFiniteLossError(ArithmeticError):
    """The training loss became NaN or Inf; the model's weights are not to be trusted.

    Attributes:
        epoch, step: 1-based epoch and 0-based step of the batch whose loss was not finite.
        loss: the value logged (nan, inf or -inf).
    """

    def __init__(self, epoch: int, step: int, loss: float):
        self.epoch, self.step, self.loss = epoch, step, loss
        super().__init__(
            f"The training loss became {loss} at epoch {epoch}, step {step}: training stopped "
            "there and nothing was saved from that state. Lower `learning_rate`, check the "
            "inputs and targets for NaN / Inf, or scale them.")


class StopOnNonFiniteLoss(keras.callbacks.Callback):
    """Raises `NonFiniteLossError` at the end of the first batch whose loss is NaN or Inf.

    Unlike `keras.callbacks.TerminateOnNaN` (which sets `stop_training`, so
    the epoch's end still runs and checkpoint / backup callbacks write the
    NaN weights), raising ends `fit()` at once: no `on_epoch_end` of that
    epoch runs, so `ModelCheckpoint`, `BackupAndRestore` and run directories
    keep the last finite state. Every estimator adds it to `fit()`.

    Args:
        data: the `EpochData` trained on, if any: the step named counts from
            the epoch's start even when a resumed epoch starts mid-way.

    >>> StopOnNonFiniteLoss().epoch
    0
    """

    def __init__(self, data=None):
        super().__init__()
        self.epoch, self.data = 0, data

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch + 1

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            first = 0 if self.data is None else self.data.first_step
            raise NonFiniteLossError(self.epoch, first + batch, float(loss))


__all__ = ["NonFiniteLossError", "StopOnNonFiniteLoss"]
