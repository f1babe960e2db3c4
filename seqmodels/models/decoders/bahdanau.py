"""BahdanauDecoder: additive attention inside the recurrence, with input feeding.

As `tfa.seq2seq.AttentionWrapper(BahdanauAttention, output_attention=True)`:

    h_t = cells([emb(y_{t-1}); a_{t-1}], h_{t-1})
    c_t = sum_s softmax_s(v . tanh(W_q h_t + W_k m_s)) m_s
    a_t = tanh(W_c [c_t; h_t])

The attentional vector `a_{t-1}` (the state's `feed`) joins the next input,
so `call` scans `step` over time. Only this decoder steps through time in
training, so only it offers scheduled sampling (Bengio et al. 2015): with
probability `sampling_probability` (the model's variable, which
`seqmodels.training.ScheduledSampling` drives), a step reads the embedding
of the previous step's own greedy prediction instead of `emb(y_{t-1})`.
"""

import keras
from keras import ops

from seqmodels.docstrings import with_sections
from seqmodels.layers.scan import time_scan
from seqmodels.models.attention import BahdanauAttention
from seqmodels.models.decoders.attentional import AttentionalDecoder
from seqmodels.models.decoders.plain import DECODER_SECTIONS


@keras.saving.register_keras_serializable(package="seqmodels")
@with_sections(DECODER_SECTIONS)
class BahdanauDecoder(AttentionalDecoder):
    """Additive attention inside the recurrence, the attentional vector fed to the next step.

    {decoder_arguments}
        attention_units: int or None. Width of the additive score (default `units`).
        scheduled_sampling: bool. In training, feed back the decoder's own
            predictions with probability `sampling_probability`; `call` then
            needs `feedback` and `sampling_probability`.

    The state adds `feed (N, units)`, the previous attentional vector.
    """

    def __init__(self, *args, attention_units=None, scheduled_sampling=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.attention_units = attention_units
        self.scheduled_sampling = bool(scheduled_sampling)
        self.attention = BahdanauAttention(self.units, attention_units, name="attention")
        if self.scheduled_sampling:
            self.seed_generator = keras.random.SeedGenerator(0)

    def step_inputs_size(self, embedding_dim):
        return embedding_dim + self.units  # [emb(y_{t-1}); a_{t-1}]

    def initial_state(self, source, memory=None, memory_mask=None):
        """As `AttentionalDecoder.initial_state`, plus `feed (B, units)` of zeros."""
        state = super().initial_state(source, memory, memory_mask)
        state["feed"] = ops.zeros((ops.shape(memory)[0], self.units), dtype=memory.dtype)
        return state

    def step(self, inputs, state, training=False):
        """`inputs (N, E)`, state -> `(attentional (N, units), new state, weights (N, S))`."""
        joined = ops.concatenate([inputs, state["feed"]], axis=-1)
        h, states = self.step_cells(joined, state["states"], training=training)
        attentional, weights = self.attend(h, state)
        return attentional, {**state, "states": states, "feed": attentional}, weights

    def call(self, inputs, state, mask=None, training=False, feedback=None,
             sampling_probability=None):
        """`step` scanned over time: `inputs (B, T, E)`, state ->
        `(attentional (B, T, units), weights (B, T, S))`.

        With scheduled sampling: `feedback`, a function from attentional vectors
        `(B, units)` to the embeddings `(B, E)` of their greedy predictions, and
        `sampling_probability`, a scalar (a variable, set between batches).
        Steps past a sequence's end compute values that the loss masks out.
        """
        if self.scheduled_sampling and (feedback is None or sampling_probability is None):
            raise ValueError("Expected `feedback` (attentional vectors -> embedded predictions) "
                             "and `sampling_probability` for scheduled sampling. Received: "
                             f"feedback={feedback!r}, sampling_probability="
                             f"{sampling_probability!r}.")
        coins = None
        if self.scheduled_sampling and training:  # outside training: teacher forcing
            coins = self._sampling_coins(ops.shape(inputs)[0], ops.shape(inputs)[1])
        xs = inputs if coins is None else ops.concatenate([inputs, coins], axis=-1)
        if training:
            first = ops.concatenate([inputs[:, 0], state["feed"]], axis=-1)
            self.draw_dropout_masks(first, state["states"])

        def one_step(carry, x_t):
            states, feed, _ = carry
            if coins is not None:
                x_t = self._maybe_sample(x_t, feed, feedback, sampling_probability)
            attentional, new, weights = self.step(
                x_t, {**state, "states": states, "feed": feed}, training=training)
            return list(new["states"]), attentional, weights

        weights0 = ops.zeros(ops.shape(state["memory"])[:2], dtype=inputs.dtype)  # (B, S)
        carry = (list(state["states"]), state["feed"], weights0)
        # (T, B, ...) stacks of every carry; on TF via tf.scan (keras.ops.scan loses shapes)
        _, attentional, weights = time_scan(one_step, ops.transpose(xs, (1, 0, 2)), carry)
        self.reset_dropout_masks()
        return ops.transpose(attentional, (1, 0, 2)), ops.transpose(weights, (1, 0, 2))

    def _sampling_coins(self, batch, time):
        """`(B, T, 1)` uniforms; 1.0 (never sample) at t = 0."""
        coins = keras.random.uniform((batch, time, 1), seed=self.seed_generator)
        return ops.concatenate([ops.ones((batch, 1, 1)), coins[:, 1:]], axis=1)

    def _maybe_sample(self, x_t, feed, feedback, probability):
        """`[emb(y_{t-1}); coin]` -> `emb(y_{t-1})`, or w.p. p the embedded own prediction."""
        embedded, coin = x_t[:, :-1], x_t[:, -1:]  # (B, E), (B, 1)
        return ops.where(coin < probability, feedback(feed), embedded)


__all__ = ["BahdanauDecoder"]
