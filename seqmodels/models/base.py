"""What the sequence-reading models share: optional token embedding + recurrent encoder."""

import keras

from seqmodels.checks import check_positive_int, check_rate
from seqmodels.models.building import BuildByCall
from seqmodels.models.encoder import RecurrentEncoder
from seqmodels.models.inputs import TokenEmbedding, embed_or_check, read_sequence

HEAD_TASKS = ("classification", "regression")  # the `task` values of a model's output head


class EncodingModel(BuildByCall, keras.Model):
    """Base of `ManyToOne` and `AlignedManyToMany`: reads `inputs` (+ `inputs_mask`) and encodes.

    Args (shared):
        vocabulary_size: int or None. Set it for token-id inputs `(batch, time)`
            or `(batch, time, slots)`; leave None for float features
            `(batch, time, features)`.
        embedding_dim: int. Size of each token embedding.
        cell, units, num_layers, bidirectional, dropout, recurrent_dropout,
        layer_dropout, learn_initial_state, cell_options: the `RecurrentEncoder`'s.
        head_dropout: float. Dropout before the output layer.
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
        head_dropout=0.0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.vocabulary_size = None if vocabulary_size is None else check_positive_int(
            "vocabulary_size", vocabulary_size)
        self.embedding_dim = check_positive_int("embedding_dim", embedding_dim)
        self.head_dropout = check_rate("head_dropout", head_dropout)
        self.embedding = None
        if self.vocabulary_size is not None:
            self.embedding = TokenEmbedding(self.vocabulary_size, self.embedding_dim,
                                            name="embedding")
        self.encoder = RecurrentEncoder(
            cell=cell, units=units, num_layers=num_layers, bidirectional=bidirectional,
            dropout=dropout, recurrent_dropout=recurrent_dropout, layer_dropout=layer_dropout,
            learn_initial_state=learn_initial_state, cell_options=cell_options, name="encoder",
        )
        self.head_dropout_layer = keras.layers.Dropout(self.head_dropout, name="head_dropout")
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

    def encoder_config(self):
        return {
            "vocabulary_size": self.vocabulary_size,
            "embedding_dim": self.embedding_dim,
            "cell": self.encoder.cell,
            "units": self.encoder.units,
            "num_layers": self.encoder.num_layers,
            "bidirectional": self.encoder.bidirectional,
            "dropout": self.encoder.dropout,
            "recurrent_dropout": self.encoder.recurrent_dropout,
            "layer_dropout": self.encoder.layer_dropout,
            "learn_initial_state": self.encoder.learn_initial_state,
            "cell_options": self.encoder.cell_options,
            "head_dropout": self.head_dropout,
        }

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable, **self.encoder_config()}


__all__ = ["HEAD_TASKS", "EncodingModel"]
