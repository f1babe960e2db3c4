"""LuongDecoder: the recurrence first, then multiplicative attention over all steps at once.

    h_t = cells(emb(y_{t-1}), h_{t-1})
    c_t = sum_s softmax_s(h_t W_a . m_s) m_s
    a_t = tanh(W_c [c_t; h_t])

(Luong et al. 2015, "general" score, without input feeding.) The fast path:
`call` runs the decoder's `Recurrent` layers over the whole target sequence
(cuDNN-shaped), then reads the memory for every step in one batched product.
"""

import keras

from seqmodels.docstrings import with_sections
from seqmodels.models.attention import LuongAttention
from seqmodels.models.decoders.attentional import AttentionalDecoder
from seqmodels.models.decoders.plain import DECODER_SECTIONS


@keras.saving.register_keras_serializable(package="seqmodels")
@with_sections(DECODER_SECTIONS)
class LuongDecoder(AttentionalDecoder):
    """Multiplicative attention read after the decoder's recurrence.

    {decoder_arguments}

    Returns (`call`): `(attentional (B, T, units), weights (B, T, S))`.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.attention = LuongAttention(self.units, name="attention")

    def call(self, inputs, state, mask=None, training=False):
        """`inputs (B, T, E)`, state -> `(attentional (B, T, units), weights (B, T, S))`."""
        h, _ = super().call(inputs, state, mask=mask, training=training)  # (B, T, U)
        return self.attention(h, state["memory"], state["keys"], state["memory_mask"])

    def step(self, inputs, state, training=False):
        """`inputs (N, E)`, state -> `(attentional (N, units), new state, weights (N, S))`."""
        h, states = self.step_cells(inputs, state["states"], training=training)
        attentional, weights = self.attend(h, state)
        return attentional, {**state, "states": states}, weights


__all__ = ["LuongDecoder"]
