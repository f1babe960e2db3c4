"""RecurrentEncoder: a stack of (optionally bidirectional) recurrent layers, masks explicit."""

import keras
from keras import ops

from seqmodels.cells.registry import check_cell_name, get_cell
from seqmodels.checks import check_positive_int, check_rate
from seqmodels.layers.recurrent import Recurrent
from seqmodels.models.config import ArgumentsConfig


@keras.saving.register_keras_serializable(package="seqmodels")
class RecurrentEncoder(ArgumentsConfig, keras.layers.Layer):
    """Stacked (deeper), optionally bidirectional, recurrent layers over a sequence.

    Each layer is a `seqmodels.layers.Recurrent` around a fresh cell named by
    `cell` (parameters are shared over time, not over layers); with
    `bidirectional=True` each layer is wrapped in `keras.layers.Bidirectional`
    and the two directions are concatenated.

    Args:
        cell: `"elman"`, `"gru"`, `"lstm"`, `"mingru"` or `"minlstm"`.
        units: int. Hidden units per direction.
        num_layers: int. Depth of the stack.
        bidirectional: bool. Read each sequence both ways.
        dropout: float. Input dropout inside each cell (one mask per sequence).
        recurrent_dropout: float. Recurrent dropout inside each cell.
        layer_dropout: float. Dropout on the outputs between stacked layers.
        learn_initial_state: bool. Learn `h_0` instead of zeros.
        cell_options: dict or None. More arguments of every cell, e.g.
            `{"activation": "relu", "recurrent_initializer": "identity"}` for an
            IRNN (Le et al. 2015), or `{"layer_norm": True}`; values must be
            serializable (names, numbers).

    Call arguments:
        sequences: float `(batch, time, features)`.
        mask: bool `(batch, time)` or None, True at real steps.

    Returns:
        `(outputs, states)`: `outputs` `(batch, time, directions * units)`
        (zero at padded steps when bidirectional), and `states`, one list per
        layer of that layer's final states, each `(batch, directions * units)`
        (for LSTM `[h, c]`, both directions concatenated).
    """

    def __init__(
        self,
        cell="lstm",
        units=64,
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        recurrent_dropout=0.0,
        layer_dropout=0.0,
        learn_initial_state=False,
        cell_options=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.cell = check_cell_name(cell)
        self.cell_options = dict(cell_options or {})
        self.units = check_positive_int("units", units)
        self.num_layers = check_positive_int("num_layers", num_layers)
        self.bidirectional = bool(bidirectional)
        self.dropout = check_rate("dropout", dropout)
        self.recurrent_dropout = check_rate("recurrent_dropout", recurrent_dropout)
        self.layer_dropout = check_rate("layer_dropout", layer_dropout)
        self.learn_initial_state = bool(learn_initial_state)
        self.stack = [self._make_layer(i) for i in range(self.num_layers)]
        self.between = keras.layers.Dropout(self.layer_dropout, name="layer_dropout")
        self.supports_masking = True  # the mask is an explicit argument

    def _make_layer(self, index):
        cell = get_cell(self.cell, self.units, dropout=self.dropout,
                        recurrent_dropout=self.recurrent_dropout, dtype=self.dtype_policy,
                        **self.cell_options)
        layer = Recurrent(cell, return_sequences=True, return_state=True,
                          learn_initial_state=self.learn_initial_state,
                          name=f"recurrent_{index}", dtype=self.dtype_policy)
        if self.bidirectional:
            return keras.layers.Bidirectional(layer, name=f"bidirectional_{index}")
        return layer

    @property
    def output_size(self):
        return self.units * (2 if self.bidirectional else 1)

    @property
    def states_per_layer(self):
        """How many final states each layer returns (the cell's `state_sizes`: 2 for LSTM)."""
        layer = self.stack[0].forward_layer if self.bidirectional else self.stack[0]
        return len(layer.cell.state_sizes)

    def build(self, sequences_shape):
        shape = tuple(sequences_shape)
        for layer in self.stack:
            layer.build(shape)
            shape = shape[:2] + (self.output_size,)

    def call(self, sequences, mask=None, training=False):
        x, states = sequences, []
        for i, layer in enumerate(self.stack):
            if i > 0:
                x = self.between(x, training=training)
            x, *final = layer(x, mask=mask, training=training)  # (B, T, D*U), states
            states.append(self._merge_directions(final))
        return x, states

    def _merge_directions(self, final):
        """Bidirectional returns forward states then backward states: concatenate pairwise."""
        if not self.bidirectional:
            return list(final)
        n = len(final) // 2
        return [ops.concatenate([f, b], axis=-1) for f, b in zip(final[:n], final[n:])]

    def summary_vector(self, states):
        """The last layer's final hidden state `(batch, directions * units)`: the summary."""
        return states[-1][0]

    def compute_output_shape(self, sequences_shape):
        batch, time = sequences_shape[0], sequences_shape[1]
        state = (batch, self.output_size)
        return (batch, time, self.output_size), [
            [state] * self.states_per_layer for _ in range(self.num_layers)
        ]

    def compute_mask(self, sequences, mask=None):
        return None


__all__ = ["RecurrentEncoder"]
