"""SequenceClassifier: scikit-learn classifier over variable-length sequences."""

from __future__ import annotations

import numpy as np
from scipy.special import softmax
from sklearn.base import ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d

from seqmodels.estimators.base import encode_labels
from seqmodels.estimators.labels import ClassLabels
from seqmodels.estimators.many_to_one import ManyToOneEstimator


class SequenceClassifier(ClassifierMixin, ClassLabels, ManyToOneEstimator):
    """One label per sequence (many-to-one).

    X: a list of float arrays `(time_i, features)`, a 2-D / 3-D array of
    equal-length series, a list of strings (one step per character) or a list
    of token lists. y: one label per sequence (any hashable values).

    >>> import numpy as np
    >>> X = [np.full((t, 2), float(t % 2)) for t in range(3, 23)]
    >>> y = [t % 2 for t in range(3, 23)]
    >>> clf = SequenceClassifier(units=8, epochs=2, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape, clf.classes_.tolist()
    ((3,), [0, 1])
    """

    _task = "classification"

    def _learn_targets(self, y, items):
        y = self._labels(y, items, "y")
        self.classes_ = np.unique(y)
        return np.searchsorted(self.classes_, y).astype(np.int32)

    def _encode_targets(self, y, items, name="y"):
        return encode_labels(self.classes_, self._labels(y, items, name), name)

    @staticmethod
    def _labels(y, items, name):
        """One class label per sequence, as a 1-D array (a column vector warns and is raveled)."""
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if len(y) != len(items):
            raise ValueError(f"Expected {name} of shape ({len(items)},), one label per "
                             f"sequence. Received: shape={y.shape}.")
        return y

    def predict_proba(self, X):
        """`(n, n_classes)` class probabilities, columns in the order of `classes_`."""
        return softmax(self._raw(X), axis=1)

    def predict(self, X):
        """`(n,)` labels of `classes_`."""
        proba = self.predict_proba(X)  # checks that the estimator is fitted
        return self.classes_[np.argmax(proba, axis=1)]


__all__ = ["SequenceClassifier"]
