"""SequenceRegressor: scikit-learn regressor over variable-length float sequences."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin

from seqmodels.estimators.base import SequenceEstimator


class SequenceRegressor(RegressorMixin, SequenceEstimator):
    """One value (or vector) per sequence; targets are standardised inside, undone on predict.

    >>> import numpy as np
    >>> X = [np.ones((t, 1)) for t in range(2, 12)]
    >>> reg = SequenceRegressor(units=4, epochs=1, random_state=0).fit(X, np.arange(10.0))
    >>> reg.predict(X).shape
    (10,)
    """

    _task = "regression"

    def _target_dtype(self):
        return np.float32

    def fit(self, X, y):
        """Learns from `X` (list of `(time_i, features)`) and `y` `(n,)` or `(n, targets)`."""
        arrays = self._sequences(X, fitting=True)
        y = np.asarray(y, dtype=np.float32)
        if y.ndim not in (1, 2) or len(y) != len(arrays) or not np.all(np.isfinite(y)):
            raise ValueError(f"Expected finite y of shape ({len(arrays)},) or ({len(arrays)}, k). "
                             f"Received: shape={y.shape}.")
        self.single_target_ = y.ndim == 1
        y2 = y.reshape(len(y), -1)
        self.y_mean_, self.y_scale_ = y2.mean(axis=0), y2.std(axis=0) + 1e-8
        return self._fit(arrays, (y2 - self.y_mean_) / self.y_scale_, y2.shape[1], "mse")

    def _export_options(self):
        return {"output_scaling": (self.y_mean_, self.y_scale_)}

    def predict(self, X):
        values = self._raw(X) * self.y_scale_ + self.y_mean_
        return values[:, 0] if self.single_target_ else values


__all__ = ["SequenceRegressor"]
