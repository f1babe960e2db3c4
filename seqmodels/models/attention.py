"""Attention over an encoder's memory, from Keras's own attention layers.

Both mechanisms end the same way (Luong et al. 2015, eq. 5): the context
`c_t` (a weighted mean of the memory) is joined to the decoder state `h_t`
and squashed into the *attentional vector* `a_t = tanh(W_c [c_t; h_t])`,
from which the logits are read. They differ in the score:

    LuongAttention      score(h_t, m_s) = h_t W_a . m_s        (general; keras.layers.Attention)
    BahdanauAttention   score(h_t, m_s) = v . tanh(W_q h_t + W_k m_s)
                                                               (keras.layers.AdditiveAttention)

Padded memory steps get zero weight (the mask is passed explicitly).
"""

import keras
from keras import ops

from seqmodels.checks import check_positive_int


class _Attention(keras.layers.Layer):
    """Shared: memory projection to keys, weights over memory, attentional vector."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = check_positive_int("units", units)
        self.supports_masking = True  # masks are explicit arguments
        self.output_layer = keras.layers.Dense(
            self.units, activation="tanh", use_bias=False, name="attentional")

    def keys(self, memory):
        """`(B, S, M)` -> keys `(B, S, K)`; computed once per source sentence."""
        return self.key_layer(memory)

    def call(self, query, memory, keys, memory_mask):
        """`query (B, Tq, U)`, `memory (B, S, M)`, `keys (B, S, K)`, `memory_mask (B, S)` ->
        `(attentional (B, Tq, units), weights (B, Tq, S))`."""
        context, weights = self.score_layer(
            [self.project_query(query), memory, keys],
            mask=[None, ops.cast(memory_mask, "bool")],
            return_attention_scores=True,
        )  # (B, Tq, M), (B, Tq, S)
        attentional = self.output_layer(ops.concatenate([context, query], axis=-1))
        return attentional, weights

    def compute_output_shape(self, query_shape, memory_shape, keys_shape, memory_mask_shape):
        return (tuple(query_shape[:2]) + (self.units,),
                (query_shape[0], query_shape[1], memory_shape[1]))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@keras.saving.register_keras_serializable(package="seqmodels")
class LuongAttention(_Attention):
    """Multiplicative ("general") attention applied after the decoder RNN.

    The score `h_t W_a . m_s` is computed as `h_t . k_s` with keys `k_s = m_s W_a^T`
    projected once per source (`keys`), so a decoding step does not project its query.

    Args:
        units: int. Width of the attentional vector `a_t`.
    """

    def build(self, query_shape, memory_shape, keys_shape=None, memory_mask_shape=None):
        memory_width = memory_shape[-1]
        self.query_layer = keras.layers.Dense(memory_width, use_bias=False, name="query")
        self.query_layer.build(query_shape)
        self.score_layer = keras.layers.Attention(score_mode="dot", name="score")
        self.score_layer.build([query_shape, memory_shape])
        self.output_layer.build(tuple(query_shape[:-1]) + (memory_width + query_shape[-1],))

    def keys(self, memory):
        """`(B, S, M)` -> keys `(B, S, U)`: `m_s W_a^T` (the score of the projected query)."""
        kernel = ops.cast(self.query_layer.kernel, memory.dtype)  # (units, M)
        return ops.matmul(memory, ops.transpose(kernel))

    def project_query(self, query):
        return query


@keras.saving.register_keras_serializable(package="seqmodels")
class BahdanauAttention(_Attention):
    """Additive attention, used inside the decoder's recurrence.

    Args:
        units: int. Width of the attentional vector `a_t`.
        attention_units: int or None. Width of the additive score's hidden layer
            (default `units`).
    """

    def __init__(self, units, attention_units=None, **kwargs):
        super().__init__(units, **kwargs)
        self.attention_units = check_positive_int("attention_units", attention_units or units)
        self.query_layer = keras.layers.Dense(self.attention_units, use_bias=False, name="query")
        self.key_layer = keras.layers.Dense(self.attention_units, use_bias=False, name="key")
        self.score_layer = keras.layers.AdditiveAttention(use_scale=True, name="score")

    def build(self, query_shape, memory_shape, keys_shape=None, memory_mask_shape=None):
        self.query_layer.build(query_shape)
        if not self.key_layer.built:  # `keys()` may have run first
            self.key_layer.build(memory_shape)
        keys = tuple(memory_shape[:-1]) + (self.attention_units,)
        self.score_layer.build([tuple(query_shape[:-1]) + (self.attention_units,), memory_shape,
                                keys])
        self.output_layer.build(tuple(query_shape[:-1]) + (memory_shape[-1] + query_shape[-1],))

    def project_query(self, query):
        return self.query_layer(query)

    def get_config(self):
        return {**super().get_config(), "attention_units": self.attention_units}


__all__ = ["BahdanauAttention", "LuongAttention"]
