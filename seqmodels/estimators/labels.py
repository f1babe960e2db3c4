"""ClassLabels: what the estimators that predict labels of `classes_` share.

`SequenceClassifier` (one label per sequence) and `SequenceTagger` (one per
step) learn `classes_` from y, output one logit per class, train with the
masked cross-entropy, report accuracy, and export the class names.
"""

from __future__ import annotations


class ClassLabels:
    """Mixin (before `SequenceEstimator`) of the estimators whose outputs are `classes_`."""

    @property
    def _num_outputs(self):
        return len(self.classes_)

    def _loss(self):
        from seqmodels.losses import SequenceLoss

        return SequenceLoss()

    def _metrics(self):
        return ["accuracy"]

    def _export_options(self):
        return {"class_names": [str(c) for c in self.classes_], **self._vocabulary_option()}


__all__ = ["ClassLabels"]
