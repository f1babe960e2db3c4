"""BestModelCheckpoint: the best model so far, written atomically, never from a NaN state."""

from __future__ import annotations

import math
import os
import pathlib

import keras


class BestModelCheckpoint(keras.callbacks.Callback):
    """Saves the model (`.keras`) whenever `monitor` improves (lower is better).

    Unlike `keras.callbacks.ModelCheckpoint`, which writes the file in place
    (a kill during the write leaves it unreadable and the previous best is
    lost), the model is written to a temporary file beside `path` and
    renamed over it: `path` is always a whole model. A NaN or Inf value of
    `monitor` is never an improvement.

    Args:
        path: the `.keras` file.
        monitor: the epoch log to minimise (`"val_loss"`, `"loss"`).
        best: the value to beat (a resumed run passes its best so far).

    >>> BestModelCheckpoint("best.keras").best
    inf
    """

    def __init__(self, path, monitor="val_loss", best=None):
        super().__init__()
        self.path = pathlib.Path(path)
        if self.path.suffix != ".keras":
            raise ValueError(f"Expected `path` to end in .keras. Received: path={str(path)!r}.")
        self.monitor = monitor
        self.best = math.inf if best is None or not math.isfinite(best) else float(best)

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is None or not math.isfinite(float(value)) or float(value) >= self.best:
            return
        self.best = float(value)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.stem}.{os.getpid()}.partial.keras")
        self.model.save(tmp)
        os.replace(tmp, self.path)


__all__ = ["BestModelCheckpoint"]
