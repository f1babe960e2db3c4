"""Forecasting windows for time series: an input window -> the next value(s).

    series  (time, features)  ->  inputs (input_width, features), targets (horizon, features)

`forecast_split` cuts one series at `train_end` and fits the scaler on the
training part only (`series[:train_end]`), so no statistic of the test period
leaks into training. A window belongs to the training set when all its
targets lie before `train_end`, to the test set when all lie at or after it;
test inputs may reach back into the training period, as in a real forecast.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import tensorflow as tf
from sklearn.preprocessing import StandardScaler

from pipelines.sources import from_sequences
from seqmodels.checks import check_positive_int


def _as_2d(series) -> np.ndarray:
    array = np.asarray(series, dtype=np.float32)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise ValueError(
            f"Expected a series of shape (time,) or (time, features); received shape {array.shape}."
        )
    if not np.all(np.isfinite(array)):
        first = int(np.argwhere(~np.isfinite(array))[0][0])
        raise ValueError(f"The series contains NaN or inf (first at time index {first}).")
    return array


def forecast_windows(
    series, *, input_width: int, horizon: int = 1, stride: int = 1
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All windows of a series.

    Args:
        series: `(time,)` or `(time, features)`.
        input_width: steps the model reads.
        horizon: steps it predicts, right after the input window.
        stride: steps between window starts.

    Returns:
        `(inputs, targets, target_start)`: `(n, input_width, features)`,
        `(n, horizon, features)` and the time index of each window's first target.

    Example:
    >>> x, y, t = forecast_windows(np.arange(5.0), input_width=2, horizon=1)
    >>> x[:, :, 0].tolist(), y[:, :, 0].tolist(), t.tolist()
    ([[0.0, 1.0], [1.0, 2.0], [2.0, 3.0]], [[2.0], [3.0], [4.0]], [2, 3, 4])
    """
    for name, value in (("input_width", input_width), ("horizon", horizon), ("stride", stride)):
        check_positive_int(name, value)
    array = _as_2d(series)
    total = input_width + horizon
    if len(array) < total:
        raise ValueError(
            f"The series has {len(array)} steps; a window needs input_width + horizon = {total}."
        )
    starts = np.arange(0, len(array) - total + 1, stride)
    inputs = np.stack([array[s : s + input_width] for s in starts])
    targets = np.stack([array[s + input_width : s + total] for s in starts])
    return inputs, targets, starts + input_width


@dataclasses.dataclass
class ForecastSplit:
    """Train and test windows of one series, scaled by a scaler fitted on the train part.

    `train` and `test` are unbatched datasets of `({"inputs": (input_width, features)},
    (horizon, features))`, in time order; batch them with `pipelines.batching`.
    """

    train: tf.data.Dataset
    test: tf.data.Dataset
    scaler: StandardScaler
    train_targets: np.ndarray
    test_targets: np.ndarray
    test_target_start: np.ndarray

    def inverse_transform(self, values) -> np.ndarray:
        """Scaled values `(..., features)` -> original units."""
        values = np.asarray(values, dtype=np.float32)
        flat = values.reshape(-1, self.scaler.n_features_in_)
        return self.scaler.inverse_transform(flat).reshape(values.shape)


def forecast_split(
    series,
    *,
    train_end: int,
    input_width: int,
    horizon: int = 1,
    scale: bool = True,
) -> ForecastSplit:
    """Windows of a series split at `train_end`, scaled with train-only statistics.

    Example:
    >>> s = forecast_split(np.arange(10.0), train_end=6, input_width=3)
    >>> float(s.scaler.mean_[0]), len(s.train_targets), s.test_target_start.tolist()
    (2.5, 3, [6, 7, 8, 9])
    """
    array = _as_2d(series)
    if not input_width + horizon <= train_end < len(array):
        raise ValueError(
            f"train_end must leave at least one training window and one test step: "
            f"expected {input_width + horizon} <= train_end < {len(array)}; "
            f"received train_end={train_end}."
        )
    scaler = StandardScaler(with_mean=scale, with_std=scale).fit(array[:train_end])
    scaled = scaler.transform(array).astype(np.float32)
    inputs, targets, first = forecast_windows(scaled, input_width=input_width, horizon=horizon)
    is_train = first + horizon <= train_end
    is_test = first >= train_end
    return ForecastSplit(
        train=from_sequences(list(inputs[is_train]), targets[is_train], task="regression"),
        test=from_sequences(list(inputs[is_test]), targets[is_test], task="regression"),
        scaler=scaler,
        train_targets=targets[is_train],
        test_targets=targets[is_test],
        test_target_start=first[is_test],
    )


__all__ = ["ForecastSplit", "forecast_split", "forecast_windows"]
