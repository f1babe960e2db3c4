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

    @property
    def _num_outputs(self):
        return len(self.y_mean_)

    def _learn_targets(self, y, items):
        y2 = self._as_matrix(y, items, "y")
        self.single_target_ = np.asarray(y, dtype=np.float32).ndim == 1
        self.y_mean_, self.y_scale_ = y2.mean(axis=0), y2.std(axis=0) + 1e-8
        return (y2 - self.y_mean_) / self.y_scale_

    def _encode_targets(self, y, items, name="y"):
        y2 = self._as_matrix(y, items, name)
        if y2.shape[1] != self._num_outputs:
            raise ValueError(f"{name} has {y2.shape[1]} targets per sequence; y had "
                             f"{self._num_outputs}.")
        return (y2 - self.y_mean_) / self.y_scale_

    @staticmethod
    def _as_matrix(y, items, name):
        """Finite float32 `(n, k)` targets, or a ValueError naming the problem."""
        try:
            y = np.asarray(y, dtype=np.float32)
        except (TypeError, ValueError):
            raise ValueError(f"Expected numeric {name} (one value or vector per sequence)."
                             ) from None
        if y.ndim not in (1, 2) or len(y) != len(items) or not np.all(np.isfinite(y)):
            raise ValueError(f"Expected finite {name} of shape ({len(items)},) or "
                             f"({len(items)}, k). Received: shape={y.shape}.")
        return y.reshape(len(y), -1)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True  # y may be (n, k)
        return tags

    def _loss(self):
        from seqmodels.losses import SequenceLoss

        return SequenceLoss("mean_squared_error")

    def _export_options(self):
        return {"output_scaling": (self.y_mean_, self.y_scale_), **self._vocabulary_option()}

    def predict(self, X):
        """`(n,)` (or `(n, targets)`) values in the units of `y`."""
        values = self._raw(X).astype(np.float64) * self.y_scale_ + self.y_mean_
        return values[:, 0] if self.single_target_ else values


__all__ = ["SequenceRegressor"]
