"""SequenceLoss: a weighted mean of per-step (or per-sequence) losses over the *global* batch.

Keras's losses average each replica's batch on its own: with a mask (or
`sample_weight`) on padded steps, a replica divides by its own number of real
steps, and under `tf.distribute` replicas holding different numbers of real
steps then train on another loss than one process does. `SequenceLoss`
divides the weighted sum by the weights summed over every replica, so one
process, `MirroredStrategy` and `MultiWorkerMirroredStrategy` compute the
same loss and the same gradients from the same global batch.

It reads only `sample_weight` (and `ignore_class`): a Keras mask carried by
the predictions (`_keras_mask`) is not used, so the loss does not depend on
implicit mask propagation. The estimators compile with it; compile your own
models with it to train on padded sequences under a distribution strategy.
"""

from __future__ import annotations

import keras
from keras import ops

KINDS = ("sparse_categorical_crossentropy", "mean_squared_error")


def _global_sum(value):
    """`value` summed over the replicas of the current `tf.distribute` step (itself elsewhere)."""
    if keras.backend.backend() != "tensorflow":
        return value
    import tensorflow as tf

    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return value
    return context.all_reduce(tf.distribute.ReduceOp.SUM, value)


def _weights_like(losses, sample_weight):
    """`sample_weight` (None, `(B,)`, `(B, T)` or `(B, T, 1)`) broadcast to `losses`' shape."""
    if sample_weight is None:
        return ops.ones_like(losses)
    weights = ops.cast(ops.convert_to_tensor(sample_weight), losses.dtype)
    rank, target = len(weights.shape), len(losses.shape)
    if rank > target:
        weights = ops.reshape(weights, ops.shape(weights)[:target])
    elif rank < target:
        weights = ops.reshape(weights, (*ops.shape(weights), *(1,) * (target - rank)))
    return ops.broadcast_to(weights, ops.shape(losses))


@keras.saving.register_keras_serializable(package="seqmodels")
class SequenceLoss(keras.losses.Loss):
    """`sum(loss * weight) / sum(weight)`, both sums over the global batch.

    Args:
        kind: `"sparse_categorical_crossentropy"` (integer targets `(B[, T])`,
            predictions `(B[, T], C)`) or `"mean_squared_error"` (targets and
            predictions `(B, k)`).
        from_logits: the cross-entropy reads logits (default) or probabilities.
        ignore_class: a target id weighted 0 wherever it occurs (the padding id
            of a decoder's targets), or None.
        label_smoothing: float in [0, 1). The cross-entropy's target puts
            `1 - label_smoothing` on the true class and spreads
            `label_smoothing` evenly over all C classes (Szegedy et al. 2016;
            `keras.losses.CategoricalCrossentropy(label_smoothing=...)` on
            one-hot targets). Not used by `"mean_squared_error"`.

    `sample_weight` is `(B,)` or `(B, T)`, 0 on padding; without it every
    target weighs 1. All weights 0 gives 0, not NaN. Under a distribution
    strategy the value is this replica's share of the global mean (it sums to
    the global mean over the replicas, as Keras expects of a loss there).

    >>> loss = SequenceLoss()
    >>> y_true = [[1, 2, 0]]
    >>> logits = [[[0.0, 2.0, 0.0], [0.0, 0.0, 2.0], [9.0, 0.0, 0.0]]]
    >>> round(float(loss(y_true, logits, sample_weight=[[1.0, 1.0, 0.0]])), 4)
    0.2395
    """

    def __init__(self, kind="sparse_categorical_crossentropy", from_logits=True,
                 ignore_class=None, label_smoothing=0.0, name="sequence_loss", **kwargs):
        if kind not in KINDS:
            raise ValueError(f"Expected `kind` in {KINDS}. Received: kind={kind!r}.")
        if not 0.0 <= float(label_smoothing) < 1.0:
            raise ValueError("Expected `label_smoothing` in [0, 1). "
                             f"Received: label_smoothing={label_smoothing!r}.")
        super().__init__(name=name, reduction="sum_over_batch_size", **kwargs)
        self.kind = kind
        self.from_logits = bool(from_logits)
        self.ignore_class = ignore_class
        self.label_smoothing = float(label_smoothing)

    def call(self, y_true, y_pred):
        """Unreduced losses: `(B[, T])` cross-entropies or `(B,)` mean squared errors."""
        if self.kind == "mean_squared_error":
            y_true = ops.reshape(ops.cast(y_true, y_pred.dtype), ops.shape(y_pred))
            return ops.mean(ops.square(y_pred - y_true), axis=-1)
        y_true = ops.cast(y_true, "int32")
        if self.ignore_class is not None:
            # any valid id in its place: its weight is 0
            y_true = ops.where(ops.equal(y_true, self.ignore_class), 0, y_true)
        if not self.label_smoothing:
            return keras.losses.sparse_categorical_crossentropy(
                y_true, y_pred, from_logits=self.from_logits)
        one_hot = ops.one_hot(y_true, ops.shape(y_pred)[-1], dtype=y_pred.dtype)  # (B[, T], C)
        return keras.losses.categorical_crossentropy(
            one_hot, y_pred, from_logits=self.from_logits, label_smoothing=self.label_smoothing)

    def __call__(self, y_true, y_pred, sample_weight=None):
        with keras.name_scope(self.name):
            y_true = ops.convert_to_tensor(y_true)
            y_pred = ops.convert_to_tensor(y_pred, dtype=self.dtype)
            losses = self.call(y_true, y_pred)
            weights = _weights_like(losses, sample_weight)
            if self.ignore_class is not None:
                keep = ops.not_equal(y_true, self.ignore_class)
                weights = weights * ops.cast(ops.reshape(keep, ops.shape(losses)), losses.dtype)
            total = _global_sum(ops.sum(weights))
            return ops.divide_no_nan(ops.sum(losses * weights), total)

    def get_config(self):
        config = super().get_config()
        config.pop("reduction", None)
        return {**config, "kind": self.kind, "from_logits": self.from_logits,
                "ignore_class": self.ignore_class, "label_smoothing": self.label_smoothing}


__all__ = ["KINDS", "SequenceLoss"]
