"""SequenceForecaster: the next `horizon` steps of a series from its last `window` steps."""

from __future__ import annotations

import numpy as np

from seqmodels.checks import check_int
from seqmodels.estimators.regressor import SequenceRegressor


def _series(X, name="X") -> tuple[list, bool]:
    """`(series, univariate)`: float32 `(time, features)` arrays from one series or a list.

    A 1-D array is one univariate series, a 2-D array one series `(time, features)`
    (not a batch: that is the other estimators' reading), a list several series.
    """
    if type(X).__module__.startswith("pandas"):
        raise ValueError(f"Expected {name} as a series (an array) or a list of series. Received "
                         f"a pandas {type(X).__name__}: pass df[columns].to_numpy(), or for a "
                         "long table of several series pipelines.from_dataframe(...).X.")
    items = [X] if isinstance(X, np.ndarray) else list(X)
    if not items:
        raise ValueError(f"Expected {name} to hold at least one series. Received none.")
    series, univariate = [], []
    for i, item in enumerate(items):
        try:
            array = np.asarray(item, dtype=np.float32)
        except (TypeError, ValueError):
            raise ValueError(f"Expected {name}[{i}] as a numeric series.") from None
        univariate.append(array.ndim == 1)
        array = array[:, None] if array.ndim == 1 else array
        if array.ndim != 2 or not np.all(np.isfinite(array)):
            raise ValueError(f"Expected {name}[{i}] as a finite series of shape (time,) or "
                             f"(time, features). Received: shape {np.shape(item)}"
                             + ("" if array.ndim != 2 else ", with NaN or Inf") + ".")
        series.append(array)
    return series, all(univariate)


class SequenceForecaster(SequenceRegressor):
    """Forecasts the next `horizon` steps of a series, reading its last `window` steps.

    X: one series (a 1-D array `(time,)`, or a 2-D array `(time, features)`)
    or a list of series. `fit(X)` learns from every window of the series
    (`pipelines.forecast_windows`); with `validation_split` the last share of
    each series is held out in time order (its windows' targets all come
    after the training part). Inputs (`scale_inputs`, on by default) and
    targets are standardised with statistics of the training part only, and
    the export holds both scalings: raw values in, raw forecasts out.
    `predict(X)` forecasts the `horizon` steps after the end of each series:
    `(n, horizon)` for univariate series, `(n, horizon, features)` otherwise.

    Args:
        window: int. Steps read per forecast (a series to `predict` needs at
            least this many; only its last `window` are read).
        horizon: int. Steps forecast.
        stride: int. Steps between the training windows' starts.
        Others: see `SequenceRegressor` (`pooling="last"`, one direction and
            no bucketing by default: every window has the same length).

    >>> import numpy as np
    >>> series = np.sin(np.arange(200) / 5.0)
    >>> f = SequenceForecaster(window=12, horizon=3, units=8, epochs=2, random_state=0)
    >>> f.fit(series).predict(series).shape
    (1, 3)
    """

    def __init__(self, window=24, horizon=1, stride=1, cell="gru", units=32, num_layers=1,
                 bidirectional=False, pooling="last", dropout=0.0, epochs=20, batch_size=32,
                 learning_rate=3e-3, validation_split=0.0, early_stopping=None,
                 distribution=None, random_state=None, verbose=0, strategy=None,
                 checkpoint_dir=None, checkpoint_every=100, scale_inputs=True,
                 learning_rate_halvings=None, average_epochs=None):
        super().__init__(
            cell=cell, units=units, num_layers=num_layers, bidirectional=bidirectional,
            pooling=pooling, dropout=dropout, epochs=epochs, batch_size=batch_size,
            learning_rate=learning_rate, bucketing=False, validation_split=validation_split,
            early_stopping=early_stopping, distribution=distribution,
            random_state=random_state, verbose=verbose, strategy=strategy,
            checkpoint_dir=checkpoint_dir, checkpoint_every=checkpoint_every,
            scale_inputs=scale_inputs, learning_rate_halvings=learning_rate_halvings,
            average_epochs=average_epochs)
        self.window = window
        self.horizon = horizon
        self.stride = stride

    def check_params(self):

        super().check_params()
        for name in ("window", "horizon", "stride"):
            check_int(name, getattr(self, name), 1)

    def _windows(self, series, name):
        """Inputs `(n, window, F)` and flat targets `(n, horizon * F)` of every window."""
        from pipelines import forecast_windows

        inputs, targets = [], []
        for i, s in enumerate(series):
            if len(s) < self.window + self.horizon:
                raise ValueError(f"{name}[{i}] has {len(s)} steps; a training window needs "
                                 f"window + horizon = {self.window + self.horizon}.")
            x, t, _ = forecast_windows(s, input_width=self.window, horizon=self.horizon,
                                       stride=self.stride)
            inputs.append(x)
            targets.append(t.reshape(len(t), -1))
        return np.concatenate(inputs), np.concatenate(targets)

    def _split_in_time(self, series):
        """Each series cut so its last `validation_split` share is validation (None: none)."""
        if not self.validation_split:
            return series, None
        train, valid = [], []
        for i, s in enumerate(series):
            cut = len(s) - int(round(len(s) * float(self.validation_split)))
            if cut < self.window + self.horizon or len(s) - cut < self.horizon:
                raise ValueError(f"validation_split={self.validation_split} of X[{i}] "
                                 f"({len(s)} steps) leaves no training or validation window.")
            train.append(s[:cut])
            valid.append(s[max(cut - self.window, 0):])  # inputs may reach back, as in use
        return train, valid

    def fit(self, X, y=None, callbacks=None, validation_data=None):
        """Learns from every window of the series `X` (`y` unused: targets are the series).

        `validation_data`: validation series (instead of `validation_split`).
        """
        self.check_params()
        series, self.univariate_ = _series(X)
        self.n_series_features_ = series[0].shape[1]
        if any(s.shape[1] != self.n_series_features_ for s in series):
            raise ValueError("Expected every series of X with the same number of features.")
        if validation_data is not None:  # series of their own (a `(X_val, None)` pair, too)
            given = validation_data[0] if isinstance(validation_data, tuple) else validation_data
            train, valid = series, _series(given, "validation_data")[0]
        else:
            train, valid = self._split_in_time(series)
        inputs, targets = self._windows(train, "X")
        held = None
        if valid is not None:
            held = self._windows(valid, "the validation series")
            held = (list(held[0]), held[1])
        # With `held` the base fit splits nothing: the split is in time, above.
        return super().fit(list(inputs), targets, callbacks=callbacks, validation_data=held)

    def predict(self, X):
        """The `horizon` steps after each series: `(n, horizon[, features])` in its units."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "model_")
        series, _ = _series(X)
        for i, s in enumerate(series):
            if len(s) < self.window or s.shape[1] != self.n_series_features_:
                raise ValueError(f"Expected X[{i}] with at least window={self.window} steps of "
                                 f"{self.n_series_features_} features. Received: shape "
                                 f"{s.shape}.")
        flat = super().predict([s[-self.window:] for s in series]).reshape(len(series), -1)
        values = flat.reshape(len(series), self.horizon, self.n_series_features_)
        return values[..., 0] if self.univariate_ else values

    def score(self, X, y, sample_weight=None):
        """R^2 of `predict(X)` against the `horizon` steps that followed each series."""
        from sklearn.metrics import r2_score

        predicted = self.predict(X)
        truth = np.asarray(y, np.float32).reshape(predicted.shape)
        return float(r2_score(truth.reshape(len(truth), -1), predicted.reshape(len(truth), -1),
                              sample_weight=sample_weight))

    def _export_options(self):
        """Raw series in (any length: only the last `window` steps are read), raw values out."""
        return {**super()._export_options(), "last_steps": self.window}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False  # the targets are the series itself
        return tags


__all__ = ["SequenceForecaster"]
