"""EncoderDecoder: sequence-to-sequence with attention, trained by teacher forcing.

    inputs          source ids (B, S)   -embed-> RecurrentEncoder -> memory (B, S, M)
                                                                 \\-> final states -bridge-> s_0
    decoder_inputs  <s> + target (B, T) -embed-> decoder (s_0, memory) -> logits (B, T, V)

Two decoders (the `attention` argument):

`"luong"` (the fast path): the decoder RNN runs over the whole target
sequence at once (one `Recurrent` per layer, cuDNN-shaped), then
multiplicative attention reads the memory for all steps in one batched
product (Luong et al. 2015, without input feeding).

`"bahdanau"`: additive attention *inside* the recurrence with input feeding
(the attentional vector `a_{t-1}` joins the next input), as
`tfa.seq2seq.AttentionWrapper(BahdanauAttention, output_attention=True)`:

    h_t = cells([emb(y_{t-1}); a_{t-1}], h_{t-1})
    c_t = sum_s softmax_s(v . tanh(W_q h_t + W_k m_s)) m_s
    a_t = tanh(W_c [c_t; h_t]);   logits_t = W_o a_t

Only this decoder loops over time in Python-visible steps, so only it
supports scheduled sampling (`scheduled_sampling=True`: with probability
`sampling_probability`, a variable driven by
`seqmodels.training.ScheduledSampling`, the decoder reads its own previous
greedy prediction instead of `y_{t-1}`).

`None`: no attention; the source reaches the decoder through the bridge only.

Both paths share the one-step function `decode_step`, which the decoding
strategies of `seqmodels.decoding` drive.
"""

import keras
from keras import ops

from seqmodels.checks import check_choice, check_positive_int, check_rate
from seqmodels.layers.call_checks import check_same_batch
from seqmodels.layers.scan import time_scan
from seqmodels.models.attention import BahdanauAttention, LuongAttention
from seqmodels.models.building import BuildByCall
from seqmodels.models.decoder_stack import DecoderStack
from seqmodels.models.encoder import RecurrentEncoder
from seqmodels.models.generation import generate
from seqmodels.models.inputs import TokenEmbedding, check_sequence_rank, read_sequence

ATTENTIONS = ("luong", "bahdanau", None)
BRIDGES = ("dense", "zeros")


@keras.saving.register_keras_serializable(package="seqmodels")
class EncoderDecoder(BuildByCall, keras.Model):
    """Sequence-to-sequence with attention (the seed's many-to-many encoder-decoder).

    Args:
        source_vocabulary_size: int. Source ids lie in `[0, source_vocabulary_size)`.
        target_vocabulary_size: int. Target ids (and logits) `[0, target_vocabulary_size)`.
        embedding_dim: int. Size of source and target embeddings.
        cell: `"elman"`, `"gru"`, `"lstm"`, `"mingru"` or `"minlstm"` (encoder and decoder).
        units: int. Decoder units (and attentional vector width).
        encoder_units: int or None. Encoder units per direction (default `units`).
        encoder_layers, decoder_layers: int. Depths.
        bidirectional_encoder: bool.
        attention: `"luong"`, `"bahdanau"` or None.
        attention_units: int or None. Bahdanau score width (default `units`).
        bridge: `"dense"` (decoder initial states are `Dense` maps of the
            encoder's final states, layer by layer) or `"zeros"`.
        dropout, recurrent_dropout, layer_dropout: rates inside the encoder and
            decoder cells, and between stacked layers.
        output_dropout: float. Dropout on the attentional vector before the logits.
        scheduled_sampling: bool. Enable scheduled sampling (Bahdanau decoder only).

    Call arguments:
        inputs: dict with `inputs` (source ids `(B, S)`), `decoder_inputs`
            (`<s>` + target, `(B, T)`), and optionally `inputs_mask` /
            `decoder_inputs_mask` (bool; default: ids != 0).

    Returns:
        logits `(B, T, target_vocabulary_size)`. Train with
        `SparseCategoricalCrossentropy(from_logits=True, ignore_class=0)`
        against `target + </s>` (as packed by `pipelines.teacher_forcing`).

    Example:

    >>> import numpy as np
    >>> model = EncoderDecoder(12, 9, embedding_dim=8, units=16, attention="bahdanau")
    >>> batch = {"inputs": np.array([[4, 5, 6, 0]]), "decoder_inputs": np.array([[2, 4, 7]])}
    >>> tuple(model(batch).shape)
    (1, 3, 9)
    """

    SOURCE_STATE = ("memory", "memory_mask", "keys")
    """The decoding-state entries that hold the source, `(B, S, ...)`: shared by every
    hypothesis of an input (`decode_step`), never tiled or reordered per beam."""

    def __init__(
        self,
        source_vocabulary_size,
        target_vocabulary_size,
        embedding_dim=64,
        cell="lstm",
        units=128,
        encoder_units=None,
        encoder_layers=1,
        decoder_layers=1,
        bidirectional_encoder=True,
        attention="luong",
        attention_units=None,
        bridge="dense",
        dropout=0.0,
        recurrent_dropout=0.0,
        layer_dropout=0.0,
        output_dropout=0.0,
        scheduled_sampling=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        check_choice("attention", attention, ATTENTIONS)
        check_choice("bridge", bridge, BRIDGES)
        if scheduled_sampling and attention != "bahdanau":
            raise ValueError(
                "scheduled_sampling needs the in-loop decoder: set attention='bahdanau'. "
                f"Received: attention={attention!r}.")
        self.source_vocabulary_size = check_positive_int("source_vocabulary_size",
                                                     source_vocabulary_size)
        self.target_vocabulary_size = check_positive_int("target_vocabulary_size",
                                                     target_vocabulary_size)
        self.embedding_dim = check_positive_int("embedding_dim", embedding_dim)
        self.units = check_positive_int("units", units)
        self.encoder_units = check_positive_int("encoder_units", encoder_units or units)
        self.attention = attention
        self.attention_units = attention_units
        self.bridge = bridge
        self.output_dropout = check_rate("output_dropout", output_dropout)
        self.scheduled_sampling = bool(scheduled_sampling)

        self.source_embedding = TokenEmbedding(source_vocabulary_size, embedding_dim,
                                               name="source_embedding")
        self.target_embedding = TokenEmbedding(target_vocabulary_size, embedding_dim,
                                               name="target_embedding")
        self.encoder = RecurrentEncoder(
            cell=cell, units=self.encoder_units, num_layers=encoder_layers,
            bidirectional=bidirectional_encoder, dropout=dropout,
            recurrent_dropout=recurrent_dropout, layer_dropout=layer_dropout, name="encoder")
        self.decoder = DecoderStack(
            cell=cell, units=units, num_layers=decoder_layers, dropout=dropout,
            recurrent_dropout=recurrent_dropout, layer_dropout=layer_dropout, name="decoder")
        self.bridge_layers = []
        if bridge == "dense":
            self.bridge_layers = [
                keras.layers.Dense(units, activation="tanh" if k == 0 else None,
                                   name=f"bridge_{i}_{k}")
                for i in range(decoder_layers) for k in range(self.encoder.states_per_layer)
            ]
        self.attention_layer = None
        if attention == "luong":
            self.attention_layer = LuongAttention(units, name="attention")
        elif attention == "bahdanau":
            self.attention_layer = BahdanauAttention(units, attention_units, name="attention")
        self.output_dropout_layer = keras.layers.Dropout(self.output_dropout,
                                                         name="output_dropout")
        self.output_layer = keras.layers.Dense(target_vocabulary_size, name="logits")
        self.sampling_probability = None
        if self.scheduled_sampling:
            self.sampling_probability = self.add_weight(
                shape=(), initializer="zeros", trainable=False, name="sampling_probability")
        self.seed_generator = keras.random.SeedGenerator(0)

    # ------------------------------------------------------------------ #
    # Encoder side
    # ------------------------------------------------------------------ #
    def integer_inputs(self):
        return ("inputs", "decoder_inputs")

    def encode(self, inputs, training=False):
        """Source -> decoding state: a dict of tensors, each with batch as first dimension.

        `memory (B, S, M)`, `memory_mask (B, S)`, `keys (B, S, K)`, `states`
        (flat decoder states, each `(B, units)`) and, for Bahdanau, `feed (B, units)`.
        """
        ids, mask = read_sequence(inputs, "inputs")
        check_sequence_rank(ids, tokens=True, name="inputs")
        embedded = self.source_embedding(ids, name="inputs")  # (B, S, E)
        memory, final = self.encoder(embedded, mask=mask, training=training)
        batch = ops.shape(memory)[0]
        if mask is None:
            mask = ops.ones(ops.shape(memory)[:2], dtype="bool")
        state = {"memory": memory, "memory_mask": mask, "states": self._bridge(final, batch)}
        if self.attention_layer is not None:
            if not self.attention_layer.built:  # its weights make the keys
                self.attention_layer.build((None, None, self.units), memory.shape)
            state["keys"] = self.attention_layer.keys(memory)
        if self.attention == "bahdanau":
            state["feed"] = ops.zeros((batch, self.units), dtype=memory.dtype)
        return state

    def _bridge(self, final, batch):
        """Encoder final states (one list per layer) -> flat decoder initial states."""
        if self.bridge == "zeros":
            return [ops.zeros((batch, size)) for size in self.decoder.state_sizes]
        per_layer = self.encoder.states_per_layer
        states = []
        for i in range(self.decoder.num_layers):
            source = final[min(i, len(final) - 1)]
            states.extend(self.bridge_layers[i * per_layer + k](source[k])
                          for k in range(per_layer))
        return states

    # ------------------------------------------------------------------ #
    # Decoder side
    # ------------------------------------------------------------------ #
    def call(self, inputs, training=False):
        logits, _ = self.teacher_forced(inputs, training=training)
        return logits

    def teacher_forced(self, inputs, training=False):
        """The full (training) path: `(logits (B, T, V), attention weights (B, T, S) or None)`."""
        state = self.encode(inputs, training=training)
        ids, mask = read_sequence(inputs, "decoder_inputs")
        check_sequence_rank(ids, tokens=True, name="decoder_inputs")
        check_same_batch(read_sequence(inputs, "inputs")[0], ids, ("inputs", "decoder_inputs"))
        embedded = self.target_embedding(ids, name="decoder_inputs")  # (B, T, E)
        if self.attention == "bahdanau":
            attentional, weights = self._bahdanau_sequence(embedded, state, training)
        else:
            attentional, _ = self.decoder(embedded, state["states"], mask=mask,
                                          training=training)  # (B, T, U)
            weights = None
            if self.attention == "luong":
                attentional, weights = self.attention_layer(
                    attentional, state["memory"], state["keys"], state["memory_mask"])
        return self._logits(attentional, training), weights

    def _logits(self, attentional, training=False):
        return self.output_layer(self.output_dropout_layer(attentional, training=training))

    def decode_step(self, tokens, state, training=False):
        """One decoder step for `N = B * K` hypotheses: `tokens (N,)`, state dict ->
        `(logits (N, V), state, attention weights (N, S))`.

        `state` is what `encode` returns (or a previous step): its per-hypothesis
        entries (`states`, `feed`) have N rows, its source entries
        (`SOURCE_STATE`) B rows, and hypotheses `b * K ... b * K + K - 1` read
        source `b` (K = 1 as `encode` gives it). The same function as the full
        path at each time step (held equal by the tests).
        """
        embedded = self.target_embedding(ops.expand_dims(tokens, 1), name="tokens")[:, 0]  # (N, E)
        state = dict(state)
        attentional, state["states"], weights = self._step(
            embedded, state["states"], state.get("feed"), state, training)
        if self.attention == "bahdanau":
            state["feed"] = attentional
        return self._logits(attentional, training), state, weights

    def _step(self, embedded, states, feed, source, training):
        """`emb(y_{t-1}) (N, E)`, states, `a_{t-1} (N, U)` (Bahdanau) or None ->
        `(attentional (N, U), states, weights (N, S))`."""
        inputs = embedded if feed is None else ops.concatenate([embedded, feed], axis=-1)
        h, states = self.decoder.step(inputs, states, training=training)  # (N, U)
        attentional, weights = self._attend(h, source)
        return attentional, states, weights

    def _attend(self, h, source):
        """`h (N, U)` of `N = B * K` hypotheses; source entries of B rows ->
        `(attentional (N, U), weights (N, S))`. The source is read by index, never tiled."""
        memory = source["memory"]
        batch, length = ops.shape(memory)[0], ops.shape(memory)[1]
        if self.attention_layer is None:
            return h, ops.zeros((ops.shape(h)[0], length), h.dtype)
        query = ops.reshape(h, (batch, -1, self.units))  # (B, K, U): a source's hypotheses
        attentional, weights = self.attention_layer(
            query, memory, source["keys"], source["memory_mask"])  # (B, K, U), (B, K, S)
        return ops.reshape(attentional, (-1, self.units)), ops.reshape(weights, (-1, length))

    def generate(self, inputs, strategy="greedy", max_length=None, min_length=0,
                 return_attention=False):
        """Free-running decoding of a batch of sources (see `seqmodels.decoding.decode`).

        Args:
            inputs: dict with `inputs` (source ids `(B, S)`) and optionally `inputs_mask`.
            strategy: `"greedy"`, `"beam"` (width 4) or a `seqmodels.decoding` strategy.
            max_length: most tokens per output (default `2 * S + 10`).
            min_length: fewest tokens before END may be chosen.
            return_attention: also return the attention weights `(B, n, L, S)`.

        Returns:
            the dict of `seqmodels.decoding.decode`: `tokens`, `lengths`, `scores`, ...
        """
        return generate(self, inputs, strategy, max_length=max_length, min_length=min_length,
                        return_attention=return_attention)

    def _bahdanau_sequence(self, embedded, state, training):
        """Scan the Bahdanau `_step` over time: `(B, T, E)` -> `((B, T, U), (B, T, S))`."""
        self._build_step_layers(embedded.shape[-1])
        batch, time = ops.shape(embedded)[0], ops.shape(embedded)[1]
        inputs = embedded
        if self.scheduled_sampling:
            coins = self._sampling_coins(batch, time, training)  # (B, T, 1)
            inputs = ops.concatenate([embedded, coins], axis=-1)
        if training:
            first = ops.concatenate([embedded[:, 0], state["feed"]], axis=-1)
            self.decoder.draw_dropout_masks(first, state["states"])

        def step(carry, x_t):
            states, feed, _ = carry
            if self.scheduled_sampling:
                x_t = self._maybe_sample(x_t, feed)
            attentional, states, weights = self._step(x_t, states, feed, state, training)
            return list(states), attentional, weights

        weights0 = ops.zeros(ops.shape(state["memory"])[:2], dtype=embedded.dtype)  # (B, S)
        carry = (list(state["states"]), state["feed"], weights0)
        # (T, B, ...) stacks of every carry; on TF via tf.scan (keras.ops.scan loses shapes)
        _, attentional, weights = time_scan(
            step, ops.transpose(inputs, (1, 0, 2)), carry)
        self.decoder.reset_dropout_masks()
        return ops.transpose(attentional, (1, 0, 2)), ops.transpose(weights, (1, 0, 2))

    def _build_step_layers(self, embedding_dim):
        """Layers called inside the loop must own their weights before it starts."""
        if not self.decoder.built:
            self.decoder.build((None, None, embedding_dim + self.units))
        if not self.output_layer.built:  # (the attention layer: built by `encode`)
            self.output_layer.build((None, self.units))

    def _sampling_coins(self, batch, time, training):
        """`(B, T, 1)` uniforms; 1.0 (never sample) at t = 0 and outside training."""
        if not training:
            return ops.ones((batch, time, 1))
        coins = keras.random.uniform((batch, time, 1), seed=self.seed_generator)
        return ops.concatenate([ops.ones((batch, 1, 1)), coins[:, 1:]], axis=1)

    def _maybe_sample(self, x_t, feed):
        """Scheduled sampling: swap `emb(y_{t-1})` for `emb(argmax logits_{t-1})` w.p. p."""
        embedded, coin = x_t[:, :-1], x_t[:, -1:]  # (B, E), (B, 1)
        predicted = ops.argmax(self._logits(feed), axis=-1)  # (B,)
        own = self.target_embedding(ops.expand_dims(predicted, 1))[:, 0]  # (B, E)
        return ops.where(coin < self.sampling_probability, own, embedded)

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "source_vocabulary_size": self.source_vocabulary_size,
            "target_vocabulary_size": self.target_vocabulary_size,
            "embedding_dim": self.embedding_dim,
            "cell": self.encoder.cell,
            "units": self.units,
            "encoder_units": self.encoder_units,
            "encoder_layers": self.encoder.num_layers,
            "decoder_layers": self.decoder.num_layers,
            "bidirectional_encoder": self.encoder.bidirectional,
            "attention": self.attention,
            "attention_units": self.attention_units,
            "bridge": self.bridge,
            "dropout": self.encoder.dropout,
            "recurrent_dropout": self.encoder.recurrent_dropout,
            "layer_dropout": self.encoder.layer_dropout,
            "output_dropout": self.output_dropout,
            "scheduled_sampling": self.scheduled_sampling,
        }


__all__ = ["ATTENTIONS", "BRIDGES", "EncoderDecoder"]
