"""ManyToOne: a sequence in, one label or value out (sequence classification / regression)."""

import keras

from seqmodels.checks import check_choice, check_positive_int
from seqmodels.models.base import HEAD_TASKS, EncodingModel
from seqmodels.models.pooling import POOLING_MODES, SequencePooling


@keras.saving.register_keras_serializable(package="seqmodels")
class ManyToOne(EncodingModel):
    """Many-to-one: encoder, pooling over valid steps, output layer (one answer per sequence).

    Args:
        num_outputs: int. Classes (the model returns logits) or regression targets.
        task: `"classification"` (logits; train with
            `SparseCategoricalCrossentropy(from_logits=True)`) or `"regression"`.
        pooling: `"last"` (the encoder's final state: for a bidirectional
            encoder, the forward state after the last valid step joined to the
            backward state after the first), `"mean"`, `"max"` or `"attention"`.
        **encoder arguments: see `seqmodels.models.base.EncodingModel`.

    Call arguments:
        inputs: dict with `inputs` (float `(batch, time, features)`, or token
            ids `(batch, time)` with `vocabulary_size` set) and optionally
            `inputs_mask` bool `(batch, time)`; padded steps never affect the result.

    Returns:
        `(batch, num_outputs)` logits or values.

    Example:

    >>> import numpy as np
    >>> model = ManyToOne(3, cell="gru", units=8, pooling="mean")
    >>> x = {"inputs": np.ones((2, 5, 4), "float32"),
    ...      "inputs_mask": np.array([[1, 1, 1, 0, 0], [1] * 5], bool)}
    >>> tuple(model(x).shape)
    (2, 3)
    """

    def __init__(self, num_outputs, task="classification", pooling="last", **kwargs):
        super().__init__(**kwargs)
        self.num_outputs = check_positive_int("num_outputs", num_outputs)
        self.task = check_choice("task", task, HEAD_TASKS)
        self.pooling = check_choice("pooling", pooling, POOLING_MODES)
        self.pooling_layer = SequencePooling(pooling, name="pooling")
        self.head = keras.layers.Dense(self.num_outputs, name="head")

    def call(self, inputs, training=False):
        outputs, states, mask = self.encode(inputs, training=training)
        if self.pooling == "last":
            vector = self.encoder.summary_vector(states)  # (B, D*U)
        else:
            vector = self.pooling_layer(outputs, mask=mask)  # (B, D*U)
        return self.head(self.output_dropout_layer(vector, training=training))


__all__ = ["ManyToOne"]
