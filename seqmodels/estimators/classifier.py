"""SequenceClassifier: scikit-learn classifier over variable-length float sequences."""

from __future__ import annotations

import numpy as np
from scipy.special import softmax
from sklearn.base import ClassifierMixin

from seqmodels.estimators.base import SequenceEstimator


class SequenceClassifier(ClassifierMixin, SequenceEstimator):
    """One label per sequence; X is a list of arrays `(time_i, features)`.

    >>> import numpy as np
    >>> X = [np.full((t, 2), float(t % 2)) for t in range(3, 23)]
    >>> y = [t % 2 for t in range(3, 23)]
    >>> clf = SequenceClassifier(units=8, epochs=2, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape, clf.classes_.tolist()
    ((3,), [0, 1])
    """

    _task = "classification"

    def _target_dtype(self):
        return np.int32

    def fit(self, X, y):
        """Learns from `X` (list of `(time_i, features)`) and `y` (one label each)."""
        import keras

        arrays = self._sequences(X, fitting=True)
        y = np.asarray(y)
        if y.ndim != 1 or len(y) != len(arrays):
            raise ValueError(f"Expected y of shape ({len(arrays)},), one label per sequence. "
                             f"Received: shape={y.shape}.")
        self.classes_, encoded = np.unique(y, return_inverse=True)
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        return self._fit(arrays, encoded.astype(np.int32), len(self.classes_), loss)

    def _export_options(self):
        return {"class_names": [str(c) for c in self.classes_]}

    def predict_proba(self, X):
        """`(n, n_classes)` class probabilities, columns in the order of `classes_`."""
        return softmax(self._raw(X), axis=1)

    def predict(self, X):
        """`(n,)` labels of `classes_`."""
        best = np.argmax(self.predict_proba(X), axis=1)
        return self.classes_[best]


__all__ = ["SequenceClassifier"]
