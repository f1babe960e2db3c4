"""AlignedManyToMany: one output per input step (tagging, per-step regression)."""

import keras

from seqmodels.checks import check_choice, check_positive_int
from seqmodels.models.base import HEAD_TASKS, EncodingModel


@keras.saving.register_keras_serializable(package="seqmodels")
class AlignedManyToMany(EncodingModel):
    """Aligned many-to-many: an output at every time step (tagging, per-step regression).

    Padded steps never count: train with the pipeline's `sample_weight`
    (`pipelines.batching` makes it 0 on padding) and, for classes, a loss
    such as `SparseCategoricalCrossentropy(from_logits=True)`; metrics then
    skip padding too. Outputs at padded steps are defined but meaningless.

    Args:
        num_outputs: int. Tags (logits) or per-step regression targets.
        task: `"classification"` or `"regression"`.
        **encoder arguments: see `seqmodels.models.base.EncodingModel`;
        use `bidirectional=True` for tagging, where the right context matters.

    Call arguments:
        inputs: dict with `inputs` (features `(batch, time, features)` or token
            ids `(batch, time[, slots])`) and optionally `inputs_mask`.

    Returns:
        `(batch, time, num_outputs)` logits or values.

    Example:

    >>> import numpy as np
    >>> tagger = AlignedManyToMany(5, vocabulary_size=20, cell="lstm", units=8,
    ...                            bidirectional=True)
    >>> tuple(tagger({"inputs": np.array([[4, 7, 9, 0]])}).shape)
    (1, 4, 5)
    """

    def __init__(self, num_outputs, task="classification", **kwargs):
        super().__init__(**kwargs)
        self.num_outputs = check_positive_int("num_outputs", num_outputs)
        self.task = check_choice("task", task, HEAD_TASKS)
        self.head = keras.layers.Dense(self.num_outputs, name="head")

    def call(self, inputs, training=False):
        outputs, _, _ = self.encode(inputs, training=training)  # (B, T, D*U)
        return self.head(self.output_dropout_layer(outputs, training=training))  # (B, T, O)


__all__ = ["AlignedManyToMany"]
