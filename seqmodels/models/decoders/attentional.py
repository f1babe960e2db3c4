"""AttentionalDecoder: what the decoders with attention share.

Their state adds the attention keys of the memory, projected once per source
(`keys (B, S, K)`), and their outputs are attentional vectors
`a_t = tanh(W_c [c_t; h_t])` (see `seqmodels.models.attention`).
"""

from keras import ops

from seqmodels.models.decoders.plain import PlainDecoder


class AttentionalDecoder(PlainDecoder):
    """Base of `LuongDecoder` and `BahdanauDecoder`: keys in the state, attention by index.

    Subclasses create `self.attention` (a `seqmodels.models.attention` layer of
    width `units`) in their constructor, and write `call` and `step`.
    """

    SOURCE_STATE = ("memory", "memory_mask", "keys")
    """The state entries that hold the source, `(B, S, ...)`; the first is the memory."""

    def initial_state(self, source, memory=None, memory_mask=None):
        """As `PlainDecoder.initial_state`, plus `keys (B, S, K)`; `memory` is required."""
        if memory is None:
            raise ValueError(f"Expected a `memory` for {type(self).__name__}'s attention. "
                             "Received: memory=None.")
        state = super().initial_state(source, memory, memory_mask)
        if not self.attention.built:  # its weights make the keys
            self.attention.build((None, None, self.units), memory.shape)
        state["keys"] = self.attention.keys(memory)
        return state

    def attend(self, h, state):
        """`h (N, units)` of `N = B * K` hypotheses, source entries of B rows ->
        `(attentional (N, units), weights (N, S))`; the source is read by index."""
        memory = state["memory"]
        batch, length = ops.shape(memory)[0], ops.shape(memory)[1]
        query = ops.reshape(h, (batch, -1, self.units))  # (B, K, U): a source's hypotheses
        attentional, weights = self.attention(
            query, memory, state["keys"], state["memory_mask"])  # (B, K, U), (B, K, S)
        return ops.reshape(attentional, (-1, self.units)), ops.reshape(weights, (-1, length))


__all__ = ["AttentionalDecoder"]
