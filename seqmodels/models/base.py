"""What the sequence-reading models share: optional token embedding + recurrent encoder."""

import warnings

import keras

from seqmodels.checks import check_positive_int, check_rate
from seqmodels.models.building import BuildByCall
from seqmodels.models.config import ArgumentsConfig
from seqmodels.models.encoder import RecurrentEncoder
from seqmodels.models.inputs import TokenEmbedding, embed_or_check, read_sequence

ENCODER_ARGUMENTS = ("cell", "units", "num_layers", "bidirectional", "dropout", "recurrent_dropout",
                     "layer_dropout", "learn_initial_state", "cell_options")
HEAD_TASKS = ("classification", "regression")  # the `task` values of a model's output head


class EncodingModel(ArgumentsConfig, BuildByCall, keras.Model):
    """Base of `ManyToOne` and `AlignedManyToMany`: reads `inputs` (+ `inputs_mask`) and encodes.

    Args (shared):
        vocabulary_size: int or None. Set it for token-id inputs `(batch, time)`
            or `(batch, time, slots)`; leave None for float features
            `(batch, time, features)`.
        embedding_dim: int. Size of each token embedding.
        cell: `"elman"`, `"gru"`, `"lstm"`, `"mingru"` or `"minlstm"`.
        units: int. Hidden units per direction.
        num_layers: int. Depth of the encoder.
        bidirectional: bool. Read each sequence both ways.
        dropout: float in [0, 1). Input dropout inside each cell (one mask per sequence).
        recurrent_dropout: float in [0, 1). Recurrent dropout inside each cell.
        layer_dropout: float in [0, 1). Dropout between stacked layers.
        learn_initial_state: bool. Learn `h_0` instead of zeros.
        cell_options: dict or None. More arguments of every cell (see `RecurrentEncoder`).
        output_dropout: float in [0, 1). Dropout before the output layer (as
            `EncoderDecoder`'s). `head_dropout`, its former name, is accepted with a
            DeprecationWarning (and read from files saved with it).
    """

    def __init__(
        self,
        *,
        vocabulary_size=None,
        embedding_dim=64,
        cell="lstm",
        units=64,
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        recurrent_dropout=0.0,
        layer_dropout=0.0,
        learn_initial_state=False,
        cell_options=None,
        output_dropout=0.0,
        **kwargs,
    ):
        head_dropout = kwargs.pop("head_dropout", None)  # the former name, deprecated
        super().__init__(**kwargs)
        self.vocabulary_size = None if vocabulary_size is None else check_positive_int(
            "vocabulary_size", vocabulary_size)
        self.embedding_dim = check_positive_int("embedding_dim", embedding_dim)
        self.output_dropout = check_rate("output_dropout",
                                         _renamed(head_dropout, output_dropout))
        self.embedding = None
        if self.vocabulary_size is not None:
            self.embedding = TokenEmbedding(self.vocabulary_size, self.embedding_dim,
                                            name="embedding")
        self.encoder = RecurrentEncoder(
            cell=cell, units=units, num_layers=num_layers, bidirectional=bidirectional,
            dropout=dropout, recurrent_dropout=recurrent_dropout, layer_dropout=layer_dropout,
            learn_initial_state=learn_initial_state, cell_options=cell_options, name="encoder",
        )
        for name in ENCODER_ARGUMENTS:  # checked by the encoder, kept here under their names
            setattr(self, name, getattr(self.encoder, name))
        self.output_dropout_layer = keras.layers.Dropout(self.output_dropout,
                                                         name="output_dropout")
        self.feature_size = None  # F of float inputs, recorded by `build` (the export reads it)

    def integer_inputs(self):
        return ("inputs",) if self.vocabulary_size is not None else ()

    def build(self, input_shape):
        """Records `feature_size` (F of float inputs `(B, T, F)`), then builds by calling."""
        shape = input_shape.get("inputs") if isinstance(input_shape, dict) else input_shape
        if self.embedding is None and shape is not None and len(shape) == 3:
            self.feature_size = shape[-1]
        super().build(input_shape)

    def encode(self, inputs, training=False):
        """`inputs` dict -> `(outputs (B, T, D*U), states, mask (B, T) or None)`."""
        x, mask = read_sequence(inputs, "inputs")
        x = embed_or_check(self.embedding, x, features=self.feature_size)  # (B, T, F)
        outputs, states = self.encoder(x, mask=mask, training=training)
        return outputs, states, mask



def _renamed(head_dropout, output_dropout):
    """`output_dropout`, or the value given under its former name `head_dropout`."""
    if head_dropout is None:
        return output_dropout
    warnings.warn("`head_dropout` is deprecated: use `output_dropout` (the name "
                  "EncoderDecoder uses for the same dropout).", DeprecationWarning, stacklevel=3)
    if output_dropout not in (0.0, head_dropout):
        raise ValueError("Expected one of `output_dropout` and its former name `head_dropout`. "
                         f"Received: output_dropout={output_dropout!r}, "
                         f"head_dropout={head_dropout!r}.")
    return head_dropout


__all__ = ["HEAD_TASKS", "EncodingModel"]
