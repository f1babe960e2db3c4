"""OneToMany: one vector in, a token sequence out (generation, trained by teacher forcing)."""

import keras
from keras import ops

from seqmodels.checks import check_choice, check_positive_int
from seqmodels.decoding import decode
from seqmodels.decoding.resolve import resolve_strategy
from seqmodels.models.building import BuildByCall
from seqmodels.models.config import ArgumentsConfig
from seqmodels.models.decoders import PlainDecoder
from seqmodels.models.inputs import TokenEmbedding, check_sequence_rank, read_sequence

CONDITIONINGS = ("initial_state", "every_step", "both")
DECODER_ARGUMENTS = ("cell", "units", "num_layers", "dropout", "recurrent_dropout", "layer_dropout",
                     "cell_options")


@keras.saving.register_keras_serializable(package="seqmodels")
class OneToMany(ArgumentsConfig, BuildByCall, keras.Model):
    """One-to-many: a vector sets the start and the decoder unrolls a token sequence.

        h_0 = tanh(W_s v)                          (conditioning "initial_state" / "both")
        h_t = cells([emb(y_{t-1}); v], h_{t-1})    (v joined at every step: "every_step" / "both")
        logits_t = W_o h_t

    Args:
        vocabulary_size: int. Output ids (and logits) in `[0, vocabulary_size)`.
        embedding_dim: int. Size of the token embeddings.
        cell: `"elman"`, `"gru"`, `"lstm"`, `"mingru"` or `"minlstm"`.
        units: int. Units of every decoder layer.
        num_layers: int. Depth of the decoder.
        conditioning: `"initial_state"`, `"every_step"` or `"both"`.
        dropout: float in [0, 1). Input dropout inside each cell (one mask per sequence).
        recurrent_dropout: float in [0, 1). Recurrent dropout inside each cell.
        layer_dropout: float in [0, 1). Dropout between stacked layers.
        cell_options: dict or None. More arguments of every cell (`{"layer_norm": True}`).

    Call arguments:
        inputs: dict with `vector` float `(B, D)` and `decoder_inputs`
            (`<s>` + target ids, `(B, T)`), optionally `decoder_inputs_mask`.

    Returns:
        logits `(B, T, vocabulary_size)`; train against `target + </s>`.

    Example:

    >>> import numpy as np
    >>> model = OneToMany(10, embedding_dim=4, units=8)
    >>> tuple(model({"vector": np.ones((2, 3), "float32"),
    ...              "decoder_inputs": np.array([[2, 5, 6], [2, 7, 0]])}).shape)
    (2, 3, 10)
    """

    def __init__(self, vocabulary_size, embedding_dim=32, cell="lstm", units=64, num_layers=1,
                 conditioning="both", dropout=0.0, recurrent_dropout=0.0, layer_dropout=0.0,
                 cell_options=None, **kwargs):
        super().__init__(**kwargs)
        self.vocabulary_size = check_positive_int("vocabulary_size", vocabulary_size)
        self.embedding_dim = check_positive_int("embedding_dim", embedding_dim)
        self.conditioning = check_choice("conditioning", conditioning, CONDITIONINGS)
        self.embedding = TokenEmbedding(vocabulary_size, embedding_dim, name="embedding")
        self.decoder = PlainDecoder(cell=cell, units=units, num_layers=num_layers,
                                    dropout=dropout, recurrent_dropout=recurrent_dropout,
                                    layer_dropout=layer_dropout, cell_options=cell_options,
                                    name="decoder",
                                    bridge="zeros" if conditioning == "every_step" else "vector")
        for name in DECODER_ARGUMENTS:  # checked by the decoder, kept here under their names
            setattr(self, name, getattr(self.decoder, name))
        # Also held here, for the weight layout of saved files (see EncoderDecoder).
        self.bridge_layers = list(getattr(self.decoder.bridge_layer, "maps", []))
        self.output_layer = keras.layers.Dense(vocabulary_size, name="logits")

    def integer_inputs(self):
        return ("decoder_inputs",)

    def encode(self, inputs):
        """`vector (B, D)` -> decoding state `{"vector", "states"}`."""
        vector = inputs["vector"] if isinstance(inputs, dict) else inputs
        if len(vector.shape) != 2:
            raise ValueError(
                f"Expected `vector` of shape (batch, features). Received: shape={vector.shape}.")
        vector = ops.cast(vector, "float32")
        return {"vector": vector, **self.decoder.initial_state(vector)}

    def _step_inputs(self, embedded, vector):
        """Joins the vector to every step's input when conditioning asks for it."""
        if self.conditioning == "initial_state":
            return embedded
        if len(embedded.shape) == 3:  # (B, T, E): repeat the vector over time
            vector = ops.repeat(vector[:, None], ops.shape(embedded)[1], axis=1)
        return ops.concatenate([embedded, vector], axis=-1)

    def call(self, inputs, training=False):
        state = self.encode(inputs)
        ids, mask = read_sequence(inputs, "decoder_inputs")
        check_sequence_rank(ids, tokens=True, name="decoder_inputs")
        embedded = self.embedding(ids, name="decoder_inputs")  # (B, T, E)
        x = self._step_inputs(embedded, state["vector"])  # (B, T, F)
        outputs, _ = self.decoder(x, state, mask=mask, training=training)
        return self.output_layer(outputs)  # (B, T, V)

    def decode_step(self, tokens, state, training=False):
        """`tokens (B,)`, state -> `(logits (B, V), state, weights (B, 1) of ones)`."""
        embedded = self.embedding(ops.expand_dims(tokens, 1), name="tokens")[:, 0]  # (B, E)
        h, state, _ = self.decoder.step(self._step_inputs(embedded, state["vector"]), state,
                                        training=training)
        logits = self.output_layer(h)
        return logits, state, ops.ones_like(logits[:, :1])

    def generate(self, inputs, strategy="greedy", max_length=20, min_length=0):
        """Free-running generation from `vector (B, D)`; see `seqmodels.decoding.decode`."""
        return decode(self.decode_step, self.encode(inputs), resolve_strategy(strategy),
                      max_length=max_length, min_length=min_length)


__all__ = ["CONDITIONINGS", "OneToMany"]
