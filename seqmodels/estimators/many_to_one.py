"""What the classifier and the regressor share: a `ManyToOne` model, one output per sequence."""

from __future__ import annotations

import numpy as np

from seqmodels.estimators.base import SequenceEstimator


class ManyToOneEstimator(SequenceEstimator):
    """Base of `SequenceClassifier` and `SequenceRegressor`.

    Args:
        pooling: how the steps become one vector: `"mean"`, `"max"`, `"last"`
            or `"attention"` (see `seqmodels.models.SequencePooling`).
        Others: see `SequenceEstimator`.
    """

    def __init__(self, cell="gru", units=32, num_layers=1, bidirectional=True, pooling="mean",
                 dropout=0.0, embedding_dim=32, epochs=20, batch_size=32, learning_rate=3e-3,
                 bucketing=True, validation_split=0.0, early_stopping=None, distribution=None,
                 random_state=None, verbose=0, strategy=None,
                 checkpoint_dir=None, checkpoint_every=100, scale_inputs=False,
                 learning_rate_halvings=None, average_epochs=None):
        super().__init__(
            cell=cell, units=units, num_layers=num_layers, bidirectional=bidirectional,
            dropout=dropout, embedding_dim=embedding_dim, epochs=epochs, batch_size=batch_size,
            learning_rate=learning_rate, bucketing=bucketing, validation_split=validation_split,
            early_stopping=early_stopping, distribution=distribution,
            random_state=random_state, verbose=verbose, strategy=strategy,
            checkpoint_dir=checkpoint_dir, checkpoint_every=checkpoint_every,
            scale_inputs=scale_inputs, learning_rate_halvings=learning_rate_halvings,
            average_epochs=average_epochs)
        self.pooling = pooling

    def _build_model(self):
        from seqmodels.models import ManyToOne

        return ManyToOne(
            self._num_outputs, task=self._task, cell=self.cell, units=self.units,
            num_layers=self.num_layers, bidirectional=self.bidirectional, pooling=self.pooling,
            dropout=self.dropout, output_dropout=self.dropout, **self._model_inputs())

    def _dummy_targets(self, items):
        return np.zeros(len(items), np.int32 if self._task == "classification" else np.float32)

    def _raw(self, X):
        """Model outputs `(n, num_outputs)` in the order of `X`."""
        items = self._read_inputs(X, fitting=False)
        return np.asarray(self.model_.predict(self._batches(items), verbose=0))


__all__ = ["ManyToOneEstimator"]
