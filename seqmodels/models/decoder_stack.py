"""DecoderStack: stacked recurrent cells with a full-sequence path and a one-step path.

The full path (training, teacher forcing) runs `Recurrent` layers over the
whole target sequence; the one-step path (decoding) calls the very same
cells once. Both compute the same function, which the tests hold equal.
"""

import keras

from seqmodels.cells.registry import check_cell_name, get_cell
from seqmodels.checks import check_positive_int, check_rate
from seqmodels.layers.recurrent import Recurrent


@keras.saving.register_keras_serializable(package="seqmodels")
class DecoderStack(keras.layers.Layer):
    """`num_layers` cells of kind `cell`, each `units` wide, run in sequence or one step.

    States are a flat list: layer 0's states, then layer 1's, ... (`[h]` per
    GRU/Elman/minimal layer, `[h, c]` per LSTM layer), each `(batch, units)`.
    """

    def __init__(self, cell="lstm", units=128, num_layers=1, dropout=0.0,
                 recurrent_dropout=0.0, layer_dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.cell = check_cell_name(cell)
        self.units = check_positive_int("units", units)
        self.num_layers = check_positive_int("num_layers", num_layers)
        self.dropout = check_rate("dropout", dropout)
        self.recurrent_dropout = check_rate("recurrent_dropout", recurrent_dropout)
        self.layer_dropout = check_rate("layer_dropout", layer_dropout)
        self.layers_ = [
            Recurrent(get_cell(cell, units, dropout=dropout, recurrent_dropout=recurrent_dropout),
                      return_sequences=True, return_state=True, name=f"recurrent_{i}")
            for i in range(num_layers)
        ]
        self.between = keras.layers.Dropout(self.layer_dropout, name="layer_dropout")
        self.supports_masking = True  # the mask is an explicit argument

    @property
    def cells(self):
        return [layer.cell for layer in self.layers_]

    @property
    def state_sizes(self):
        """Sizes of the flat state list."""
        return [size for cell in self.cells for size in cell.state_sizes]

    def build(self, inputs_shape):
        shape = tuple(inputs_shape)
        for layer in self.layers_:
            layer.build(shape)
            shape = shape[:-1] + (self.units,)

    def _split(self, states):
        """Flat list -> one list per layer."""
        out, i = [], 0
        for cell in self.cells:
            n = len(cell.state_sizes)
            out.append(list(states[i:i + n]))
            i += n
        return out

    def call(self, inputs, states, mask=None, training=False):
        """Full path: `(B, T, F)`, flat states -> `((B, T, units), flat final states)`."""
        x, finals = inputs, []
        for i, (layer, s) in enumerate(zip(self.layers_, self._split(states))):
            if i > 0:
                x = self.between(x, training=training)
            x, *final = layer(x, initial_state=s, mask=mask, training=training)
            finals.extend(final)
        return x, finals

    def step(self, inputs, states, training=False):
        """One step: `(B, F)`, flat states -> `((B, units), flat new states)`."""
        x, new = inputs, []
        for i, (cell, s) in enumerate(zip(self.cells, self._split(states))):
            if i > 0:
                x = self.between(x, training=training)
            x, s = cell(x, s, training=training)
            new.extend(s)
        return x, new

    def draw_dropout_masks(self, inputs_shape_tensor, states):
        """Before a hand-written loop: one dropout mask per sequence, as `Recurrent` does."""
        x = inputs_shape_tensor
        for cell, s in zip(self.cells, self._split(states)):
            cell.reset_dropout_mask()
            cell.reset_recurrent_dropout_mask()
            cell.get_dropout_mask(x)
            cell.get_recurrent_dropout_mask(s[0])
            x = s[0]

    def reset_dropout_masks(self):
        for cell in self.cells:
            cell.reset_dropout_mask()
            cell.reset_recurrent_dropout_mask()

    def compute_mask(self, inputs, states, mask=None):
        return None

    def get_config(self):
        return {
            **super().get_config(),
            "cell": self.cell,
            "units": self.units,
            "num_layers": self.num_layers,
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "layer_dropout": self.layer_dropout,
        }


__all__ = ["DecoderStack"]
