"""SequenceTagger: one label per step (aligned many-to-many)."""

from __future__ import annotations

import numpy as np
from scipy.special import softmax

from seqmodels.estimators.base import SequenceEstimator, encode_labels
from seqmodels.estimators.labels import ClassLabels


class SequenceTagger(ClassLabels, SequenceEstimator):
    """A label for every step: part-of-speech tags, segmentation, per-frame classes.

    X: as for `SequenceClassifier` (float sequences, strings, token lists).
    y: one label sequence per item, as long as the item (`len(y[i])` equals
    the number of steps of `X[i]`); labels are any hashable values.
    `predict` returns a list of label arrays, one per item, of its length.
    `score` is the accuracy over all real steps.

    Args: see `SequenceEstimator` (bidirectional by default: the tag of a
    step often depends on what follows it).

    >>> tagger = SequenceTagger(units=8, epochs=1, random_state=0)
    >>> _ = tagger.fit([["the", "cat"], ["a", "dog", "ran"]], [["D", "N"], ["D", "N", "V"]])
    >>> [len(tags) for tags in tagger.predict([["the", "dog"], ["cats"]])]
    [2, 1]
    """

    _task = "tagging"

    def _learn_targets(self, y, items):
        labels = _label_sequences(y, [len(item) for item in items])
        self.classes_ = np.unique(np.concatenate(labels))
        if len(self.classes_) < 2:
            raise ValueError(
                "Expected y with at least 2 distinct labels: a tagger learns to tell classes "
                f"apart. Received: every step labelled {self.classes_.tolist()[:1]}.")
        return [np.searchsorted(self.classes_, row).astype(np.int32) for row in labels]

    def _encode_targets(self, y, items, name="y"):
        labels = _label_sequences(y, [len(item) for item in items], name)
        return [encode_labels(self.classes_, row, f"{name}[{i}]") for i, row in enumerate(labels)]

    def _build_model(self):
        from seqmodels.models import AlignedManyToMany

        return AlignedManyToMany(
            self._num_outputs, task="classification", cell=self.cell, units=self.units,
            num_layers=self.num_layers, bidirectional=self.bidirectional, dropout=self.dropout,
            output_dropout=self.dropout, **self._model_inputs())

    def _dummy_targets(self, items):
        return [np.zeros(len(item), np.int32) for item in items]

    def predict_proba(self, X):
        """A list of `(time_i, n_classes)` probabilities, columns in the order of `classes_`."""
        items = self._read_inputs(X, fitting=False)
        rows = []
        for x, _, _ in self._batches(items):  # in order, padded to each batch's longest
            logits = np.asarray(self.model_.predict_on_batch(x))
            lengths = np.asarray(x["inputs_mask"]).sum(axis=1)
            rows.extend(softmax(row[:n], axis=-1) for row, n in zip(logits, lengths))
        return rows

    def predict(self, X):
        """A list of label arrays, `predict(X)[i]` as long as `X[i]`."""
        proba = self.predict_proba(X)  # checks that the estimator is fitted
        return [self.classes_[np.argmax(p, axis=-1)] for p in proba]

    def score(self, X, y, sample_weight=None):
        """Accuracy over every step of every sequence."""
        predicted = self.predict(X)
        labels = _label_sequences(y, [len(p) for p in predicted])
        hits = np.concatenate([p == t for p, t in zip(predicted, labels)])
        return float(np.mean(hits))


def _label_sequences(y, lengths, name="y"):
    """`y` as arrays, `y[i]` checked to have `lengths[i]` labels."""
    if isinstance(y, str | bytes) or not hasattr(y, "__len__") or len(y) != len(lengths):
        got = len(y) if hasattr(y, "__len__") else type(y).__name__
        raise ValueError(f"Expected {name} as {len(lengths)} label sequences, one per item. "
                         f"Received: {got}.")
    out = []
    for i, (row, n) in enumerate(zip(y, lengths)):
        row = np.asarray(list(row) if isinstance(row, str) else row)
        if row.ndim != 1 or len(row) != n:
            raise ValueError(f"{name}[{i}] has {row.shape[0] if row.ndim else 0} labels, but "
                             f"its sequence has {n} steps: a tagger needs one label per step.")
        out.append(row)
    return out


__all__ = ["SequenceTagger"]
