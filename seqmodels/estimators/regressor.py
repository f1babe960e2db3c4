"""SequenceRegressor: scikit-learn regressor over variable-length sequences."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin

from seqmodels.estimators.many_to_one import ManyToOneEstimator


class SequenceRegressor(RegressorMixin, ManyToOneEstimator):
    """One value (or vector) per sequence; targets are standardised inside, undone on predict.

    X: as for `SequenceClassifier`. y: `(n,)` or `(n, targets)` finite numbers.

    >>> import numpy as np
    >>> X = [np.ones((t, 1)) for t in range(2, 12)]
    >>> reg = SequenceRegressor(units=4, epochs=1, random_state=0).fit(X, np.arange(10.0))
    >>> reg.predict(X).shape
    (10,)
    """

    _task = "regression"

    def fit(self, X, y):
        """Learns from `X` and `y` `(n,)` or `(n, targets)`; returns `self`."""
        self._check_params()
        self._require_y(y)
        items = self._read_inputs(X, fitting=True)
        try:
            y = np.asarray(y, dtype=np.float32)
        except (TypeError, ValueError):
            raise ValueError("Expected numeric y (one value or vector per sequence).") from None
        if y.ndim not in (1, 2) or len(y) != len(items) or not np.all(np.isfinite(y)):
            raise ValueError(f"Expected finite y of shape ({len(items)},) or ({len(items)}, k). "
                             f"Received: shape={y.shape}.")
        self.single_target_ = y.ndim == 1
        y2 = y.reshape(len(y), -1)
        self.y_mean_, self.y_scale_ = y2.mean(axis=0), y2.std(axis=0) + 1e-8
        self._num_outputs = y2.shape[1]
        return self._train(items, (y2 - self.y_mean_) / self.y_scale_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True  # y may be (n, k)
        return tags

    def _loss(self):
        return "mse"

    def _export_options(self):
        return {"output_scaling": (self.y_mean_, self.y_scale_), **self._vocabulary_option()}

    def predict(self, X):
        """`(n,)` (or `(n, targets)`) values in the units of `y`."""
        values = self._raw(X).astype(np.float64) * self.y_scale_ + self.y_mean_
        return values[:, 0] if self.single_target_ else values


__all__ = ["SequenceRegressor"]
