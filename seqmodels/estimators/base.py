"""What the many-to-one estimators share: hyperparameters, the pipeline, the fit loop.

scikit-learn conventions (`doc/developers/develop.rst`): `__init__` stores the
hyperparameters untouched; `fit` validates everything before any training and
returns `self`; learned state ends in `_` (`model_`, `history_`,
`n_features_in_`). Part of the layer that joins `pipelines` and `seqmodels`.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted


class SequenceEstimator(BaseEstimator):
    """Base of `SequenceClassifier` and `SequenceRegressor` (a `ManyToOne` model inside).

    Args:
        cell: `"elman"`, `"gru"`, `"lstm"`, `"mingru"` or `"minlstm"`.
        units, num_layers, bidirectional, pooling, dropout: the `ManyToOne`'s.
        epochs, batch_size, learning_rate: the training loop's (Adam).
        bucketing: bool. Batch by length (`bucket_by_length`) instead of padding
            each batch to its longest sequence.
        random_state: int or None. Seeds Keras, the shuffle and the weights.
        verbose: int. Keras's `fit` verbosity (1: a progress bar).
    """

    _task = None

    def __init__(self, cell="gru", units=32, num_layers=1, bidirectional=True, pooling="mean",
                 dropout=0.0, epochs=20, batch_size=32, learning_rate=3e-3, bucketing=True,
                 random_state=None, verbose=0):
        self.cell = cell
        self.units = units
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.pooling = pooling
        self.dropout = dropout
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.bucketing = bucketing
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ #
    def _sequences(self, X, *, fitting):
        """Validated float sequences `(time_i, features)`; names the bad item."""
        from pipelines.validation import validate_feature_sequences

        arrays = validate_feature_sequences(X, name="X")
        if not fitting:
            check_is_fitted(self, "model_")
            for i, array in enumerate(arrays):
                if array.shape[1] != self.n_features_in_:
                    raise ValueError(
                        f"X[{i}] has {array.shape[1]} features per step, but this estimator "
                        f"was fitted with {self.n_features_in_}.")
        return arrays

    def _batches(self, arrays, y=None, *, shuffle=False):
        import tensorflow as tf

        from pipelines import bucket_by_length, from_sequences, pad_to_batch_max

        targets = y if y is not None else np.zeros(len(arrays), self._target_dtype())
        ds = from_sequences(arrays, targets, task=self._task)
        if shuffle:
            ds = ds.shuffle(len(arrays), seed=self.random_state)
        batching = bucket_by_length if (self.bucketing and shuffle) else pad_to_batch_max
        return ds.apply(batching(self.batch_size)).prefetch(tf.data.AUTOTUNE)

    def _fit(self, arrays, targets, num_outputs, loss):
        import keras

        from seqmodels.models import ManyToOne

        if self.random_state is not None:
            keras.utils.set_random_seed(self.random_state)
        self.n_features_in_ = arrays[0].shape[1]
        self.model_ = ManyToOne(
            num_outputs, task=self._task, cell=self.cell, units=self.units,
            num_layers=self.num_layers, bidirectional=self.bidirectional,
            pooling=self.pooling, dropout=self.dropout, head_dropout=self.dropout)
        self.model_.compile(keras.optimizers.Adam(self.learning_rate), loss)
        history = self.model_.fit(self._batches(arrays, targets, shuffle=True),
                                  epochs=self.epochs, verbose=self.verbose)
        self.history_ = {k: [float(v) for v in vs] for k, vs in history.history.items()}
        return self

    def export(self, directory, **options):
        """The fitted model as a SavedModel in `directory/<version>/` (see `seqmodels.export`).

        Its `serving_default` takes padded `inputs` `(B, T, F)` + `lengths` `(B,)` and
        returns what `predict` returns here (class names, or values in target units).
        """
        from seqmodels.export import export_saved_model

        check_is_fitted(self, "model_")
        return export_saved_model(self.model_, directory, **self._export_options(), **options)

    def _raw(self, X):
        """Model outputs `(n, num_outputs)` in the order of `X`."""
        arrays = self._sequences(X, fitting=False)
        return np.asarray(self.model_.predict(self._batches(arrays), verbose=0))


__all__ = ["SequenceEstimator"]
