"""EncoderDecoder: sequence-to-sequence with attention, trained by teacher forcing.

    inputs          source ids (B, S)   -embed-> RecurrentEncoder -> memory (B, S, M)
                                                                 \\-> final states -bridge-> s_0
    decoder_inputs  <s> + target (B, T) -embed-> decoder (s_0, memory) -> logits (B, T, V)

The model embeds, encodes and reads the logits; the decoder (the `attention`
argument picks one of `seqmodels.models.decoders`; its bridge makes its
initial states from the encoder's final states) does the rest:

`"luong"` (the fast path): the decoder RNN runs over the whole target
sequence at once (cuDNN-shaped), then multiplicative attention reads the
memory for all steps in one batched product (`LuongDecoder`).

`"bahdanau"`: additive attention inside the recurrence with input feeding
(`BahdanauDecoder`); the only decoder that steps through time in training,
so the only one with scheduled sampling.

`None`: no attention; the source reaches the decoder through the bridge only
(`PlainDecoder`).

Training (`call`) and decoding (`decode_step`, which the strategies of
`seqmodels.decoding` drive) compute the same function, step for step.
"""

import keras
from keras import ops

from seqmodels.checks import check_choice, check_positive_int, check_rate
from seqmodels.layers.call_checks import check_same_batch
from seqmodels.models.building import BuildByCall
from seqmodels.models.config import ArgumentsConfig
from seqmodels.models.decoders import DECODERS, make_decoder
from seqmodels.models.encoder import RecurrentEncoder
from seqmodels.models.generation import generate
from seqmodels.models.inputs import TokenEmbedding, check_sequence_rank, read_sequence

ATTENTIONS = tuple(DECODERS)
BRIDGES = ("dense", "zeros")


@keras.saving.register_keras_serializable(package="seqmodels")
class EncoderDecoder(ArgumentsConfig, BuildByCall, keras.Model):
    """Sequence-to-sequence with attention: a many-to-many encoder-decoder.

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
        learn_initial_state: bool. The encoder learns its `h_0` instead of zeros (the
            decoder's initial states come from the bridge).
        cell_options: dict or None. More arguments of every cell, encoder and decoder
            (as `RecurrentEncoder`'s, e.g. `{"layer_norm": True}`).

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
        learn_initial_state=False,
        cell_options=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.source_vocabulary_size = check_positive_int("source_vocabulary_size",
                                                         source_vocabulary_size)
        self.target_vocabulary_size = check_positive_int("target_vocabulary_size",
                                                         target_vocabulary_size)
        self.embedding_dim = check_positive_int("embedding_dim", embedding_dim)
        self.units = check_positive_int("units", units)
        self.encoder_units = check_positive_int("encoder_units", encoder_units or units)
        self.attention = check_choice("attention", attention, ATTENTIONS)
        self.attention_units = attention_units
        self.bridge = check_choice("bridge", bridge, BRIDGES)
        self.output_dropout = check_rate("output_dropout", output_dropout)
        self.scheduled_sampling = bool(scheduled_sampling)

        self.source_embedding = TokenEmbedding(source_vocabulary_size, embedding_dim,
                                               name="source_embedding")
        self.target_embedding = TokenEmbedding(target_vocabulary_size, embedding_dim,
                                               name="target_embedding")
        self.encoder = RecurrentEncoder(
            cell=cell, units=self.encoder_units, num_layers=encoder_layers,
            bidirectional=bidirectional_encoder, dropout=dropout,
            recurrent_dropout=recurrent_dropout, layer_dropout=layer_dropout,
            learn_initial_state=learn_initial_state, cell_options=cell_options, name="encoder")
        self.decoder = make_decoder(
            attention, attention_units=attention_units, scheduled_sampling=scheduled_sampling,
            cell=cell, units=units, num_layers=decoder_layers, dropout=dropout,
            recurrent_dropout=recurrent_dropout, layer_dropout=layer_dropout, bridge=bridge,
            cell_options=cell_options, name="decoder")
        # The arguments the encoder and decoder check, kept here under their names.
        self.cell, self.bidirectional_encoder = self.encoder.cell, self.encoder.bidirectional
        self.encoder_layers, self.decoder_layers = self.encoder.num_layers, self.decoder.num_layers
        self.dropout, self.recurrent_dropout, self.layer_dropout = (
            self.encoder.dropout, self.encoder.recurrent_dropout, self.encoder.layer_dropout)
        self.learn_initial_state = self.encoder.learn_initial_state
        self.cell_options = self.encoder.cell_options
        # The decoder's bridge maps and attention, also held here: Keras names a model's
        # weights in its files by these attributes (and numbers the direct sub-layers by
        # class), so files written before the decoders were classes keep loading
        # (tests/seqmodels/models/test_saved_files.py; checked on Keras 3.15).
        self.bridge_layers = list(getattr(self.decoder.bridge_layer, "maps", []))
        self.attention_layer = getattr(self.decoder, "attention", None)
        self.output_dropout_layer = keras.layers.Dropout(self.output_dropout,
                                                         name="output_dropout")
        self.output_layer = keras.layers.Dense(target_vocabulary_size, name="logits")
        self.sampling_probability = None  # the scheduled-sampling schedule's state (Bahdanau)
        if self.scheduled_sampling:
            self.sampling_probability = self.add_weight(
                shape=(), initializer="zeros", trainable=False, name="sampling_probability")

    @property
    def source_state(self):
        """The decoding-state entries that hold the source, `(B, S, ...)`, the memory first:
        read by every hypothesis of an input (`decode_step`), never tiled or reordered."""
        return self.decoder.SOURCE_STATE

    def integer_inputs(self):
        return ("inputs", "decoder_inputs")

    def encode(self, inputs, training=False):
        """Source -> decoding state: a dict of tensors, each with batch as first dimension.

        `memory (B, S, M)`, `memory_mask (B, S)`, `states` (the decoder's
        initial states, a list, each `(B, units)`), and what the decoder adds:
        `keys (B, S, K)` with attention, `feed (B, units)` for Bahdanau.
        """
        ids, mask = read_sequence(inputs, "inputs")
        check_sequence_rank(ids, tokens=True, name="inputs")
        embedded = self.source_embedding(ids, name="inputs")  # (B, S, E)
        memory, final = self.encoder(embedded, mask=mask, training=training)
        if mask is None:
            mask = ops.ones(ops.shape(memory)[:2], dtype="bool")
        return self.decoder.initial_state(final, memory, mask)

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
        options = {}
        if self.scheduled_sampling:
            if not self.output_layer.built:  # called inside the decoder's loop
                self.output_layer.build((None, self.units))
            options.update(feedback=self._embedded_prediction,
                           sampling_probability=self.sampling_probability)
        outputs, weights = self.decoder(embedded, state, mask=mask, training=training, **options)
        return self._logits(outputs, training), weights

    def _logits(self, outputs, training=False):
        """Decoder outputs `(..., units)` -> logits `(..., V)`."""
        return self.output_layer(self.output_dropout_layer(outputs, training=training))

    def _embedded_prediction(self, outputs):
        """Decoder outputs `(B, units)` -> the embedding `(B, E)` of their greedy token."""
        predicted = ops.argmax(self._logits(outputs), axis=-1)  # (B,)
        return self.target_embedding(ops.expand_dims(predicted, 1))[:, 0]

    def decode_step(self, tokens, state, training=False):
        """One decoder step for `N = B * K` hypotheses: `tokens (N,)`, state dict ->
        `(logits (N, V), state, attention weights (N, S))`.

        `state` is what `encode` returns (or a previous step): its per-hypothesis
        entries (`states`, `feed`) have N rows, its source entries
        (`source_state`) B rows, and hypotheses `b * K ... b * K + K - 1` read
        source `b` (K = 1 as `encode` gives it). The same function as the full
        path at each time step (held equal by the tests).
        """
        embedded = self.target_embedding(ops.expand_dims(tokens, 1), name="tokens")[:, 0]  # (N, E)
        outputs, state, weights = self.decoder.step(embedded, state, training=training)
        return self._logits(outputs, training), state, weights

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


__all__ = ["ATTENTIONS", "BRIDGES", "EncoderDecoder"]
