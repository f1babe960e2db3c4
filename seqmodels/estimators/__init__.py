"""scikit-learn estimators over variable-length sequences (lists of `(time_i, features)` arrays).

    from seqmodels.estimators import SequenceClassifier
    clf = SequenceClassifier(cell="gru", units=32, epochs=20).fit(X_train, y_train)
    clf.score(X_test, y_test)

`clone`, `get_params` / `set_params`, pickling, `GridSearchCV` and `Pipeline`
work. Started in issue #6: the tagger and the transducer are still to come.
"""

from seqmodels.estimators.classifier import SequenceClassifier
from seqmodels.estimators.regressor import SequenceRegressor

__all__ = ["SequenceClassifier", "SequenceRegressor"]
