"""SequencePooling: one vector per sequence from its valid steps (the many-to-one read-out)."""

import keras
from keras import ops

POOLING_MODES = ("last", "mean", "max", "attention")


def masked_fill_value(dtype):
    """A very negative number that stays finite in `dtype` (float16 included)."""
    return -1e4 if "16" in str(dtype) else -1e9


@keras.saving.register_keras_serializable(package="seqmodels")
class SequencePooling(keras.layers.Layer):
    """Reduces `(batch, time, features)` to `(batch, features)` over valid steps only.

    Modes:
        `"last"`: the output at the last valid step (for a unidirectional
            encoder the final state; a bidirectional model uses its final
            states instead, see `ManyToOne`).
        `"mean"`: the mean over valid steps.
        `"max"`: the maximum over valid steps.
        `"attention"`: `softmax_t(v . tanh(W h_t))`-weighted sum over valid
            steps (Yang et al. 2016); the weights are kept for inspection.

    Call arguments:
        sequences: float `(batch, time, features)`.
        mask: bool `(batch, time)` or None.
        return_weights: bool. Also return the `(batch, time)` pooling weights.
    """

    def __init__(self, mode="mean", attention_units=None, **kwargs):
        super().__init__(**kwargs)
        if mode not in POOLING_MODES:
            raise ValueError(f"Expected `mode` in {POOLING_MODES}. Received: mode={mode!r}.")
        self.mode = mode
        self.attention_units = attention_units
        self.supports_masking = True  # the mask is an explicit argument; none is passed on
        if mode == "attention":
            self.score_hidden = keras.layers.Dense(
                attention_units or 64, activation="tanh", name="score_hidden",
                dtype=self.dtype_policy)
            self.score = keras.layers.Dense(1, use_bias=False, name="score",
                                            dtype=self.dtype_policy)

    def build(self, sequences_shape):
        if self.mode == "attention":
            self.score_hidden.build(sequences_shape)
            self.score.build(tuple(sequences_shape[:-1]) + (self.score_hidden.units,))

    def call(self, sequences, mask=None, return_weights=False):
        batch, time = ops.shape(sequences)[0], ops.shape(sequences)[1]
        if mask is None:
            mask = ops.ones((batch, time), dtype="bool")
        mask = ops.cast(mask, "bool")
        weights = self._weights(sequences, mask)  # (B, T)
        if self.mode == "max":
            fill = ops.full_like(sequences, masked_fill_value(sequences.dtype))
            pooled = ops.max(ops.where(mask[..., None], sequences, fill), axis=1)
        else:
            pooled = ops.sum(sequences * weights[..., None], axis=1)  # (B, F)
        # A row with no valid step pools to zeros in every mode (never max's fill value, never
        # the padding at step 0 that "last" would point at).
        any_valid = ops.any(mask, axis=1, keepdims=True)  # (B, 1)
        pooled = ops.where(any_valid, pooled, ops.zeros_like(pooled))
        weights = ops.where(any_valid, weights, ops.zeros_like(weights))
        return (pooled, weights) if return_weights else pooled

    def _weights(self, sequences, mask):
        """`(batch, time)` weights that sum to 1 over the valid steps of each sequence."""
        valid = ops.cast(mask, sequences.dtype)
        if self.mode == "attention":
            scores = self.score(self.score_hidden(sequences))[..., 0]  # (B, T)
            scores = ops.where(mask, scores, masked_fill_value(scores.dtype))
            return ops.softmax(scores, axis=-1) * valid
        if self.mode == "last":
            last = ops.maximum(ops.sum(ops.cast(mask, "int32"), axis=1) - 1, 0)  # (B,)
            return ops.one_hot(last, ops.shape(sequences)[1], dtype=sequences.dtype)
        return valid / ops.maximum(ops.sum(valid, axis=1, keepdims=True), 1.0)

    def compute_output_shape(self, sequences_shape):
        return (sequences_shape[0], sequences_shape[-1])

    def compute_mask(self, sequences, mask=None):
        return None

    def get_config(self):
        return {**super().get_config(), "mode": self.mode,
                "attention_units": self.attention_units}


__all__ = ["POOLING_MODES", "SequencePooling"]
