"""scikit-learn estimators over variable-length sequences, one per shape of inputs and outputs.

    SequenceClassifier   sequence -> label                 (many-to-one)
    SequenceRegressor    sequence -> value(s)              (many-to-one)
    SequenceTagger       sequence -> a label per step      (aligned many-to-many)
    SequenceTransducer   sequence -> sequence              (encoder-decoder, beam search)
    SequenceForecaster   series -> its next steps          (many-to-one over windows)

    from seqmodels.estimators import SequenceClassifier
    clf = SequenceClassifier(cell="gru", units=32, epochs=20).fit(X_train, y_train)
    clf.score(X_test, y_test)

X is a list of float arrays `(time_i, features)` (or a 2-D / 3-D array of
equal-length series), a list of strings, or a list of token lists.
`clone`, `get_params` / `set_params`, pickling, `GridSearchCV` and `Pipeline`
work; `export(path)` writes the SavedModel of `seqmodels.export`.
"""

from seqmodels.estimators.classifier import SequenceClassifier
from seqmodels.estimators.forecaster import SequenceForecaster
from seqmodels.estimators.regressor import SequenceRegressor
from seqmodels.estimators.tagger import SequenceTagger
from seqmodels.estimators.transducer import SequenceTransducer

__all__ = ["SequenceClassifier", "SequenceForecaster", "SequenceRegressor", "SequenceTagger",
           "SequenceTransducer"]
