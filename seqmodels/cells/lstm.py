"""LSTMCell: long short-term memory (Hochreiter & Schmidhuber 1997, with forget gate)."""

import keras
from keras import initializers, ops

from seqmodels.cells.gated import GatedCell
from seqmodels.cells.sections import CELL_SECTIONS
from seqmodels.docstrings import with_sections


@keras.saving.register_keras_serializable(package="seqmodels")
@with_sections(CELL_SECTIONS)
class LSTMCell(GatedCell):
    """Long short-term memory cell.

    Gate order in every weight: input `i`, forget `f`, candidate `g`, output
    `o` — the order of `keras.layers.LSTM`, `torch.nn.LSTM` and cuDNN. With
    `z = x_t W + h_{t-1} U + b` split in four:

        i = sigmoid(z_i); f = sigmoid(z_f); g = tanh(z_g); o = sigmoid(z_o)
        c_t = f * c_{t-1} + i * g
        h_t = o * tanh(c_t)

    Weights: `kernel (features, 4 units)`, `recurrent_kernel (units, 4 units)`,
    `bias (4 units,)` — exactly `keras.layers.LSTM`'s. With `layer_norm=True`
    the cell state is also normalised before the output tanh:
    `h_t = o * tanh(LN(c_t))` (Ba et al. 2016).

    {gated_arguments}
        unit_forget_bias: bool. Start the forget-gate bias at 1 (Jozefowicz et al.
            2015), which keeps the memory open early in training. Default True.

    Call arguments:
        inputs: float tensor `(batch, features)`.
        states: list `[h_{t-1}, c_{t-1}]`, each `(batch, units)`.
        training: bool. Dropout is active only when True.

    Returns:
        `(h_t, [h_t, c_t])`, each `(batch, units)`.

    Example:

    >>> layer = keras.layers.RNN(LSTMCell(4), return_state=True)
    >>> output, h, c = layer(ops.ones((2, 5, 3)))
    >>> tuple(output.shape), tuple(c.shape)
    ((2, 4), (2, 4))
    """

    gates = 4

    def __init__(self, units, unit_forget_bias=True, **kwargs):
        super().__init__(units, **kwargs)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.state_size = [self.units, self.units]
        if self.layer_norm:
            self.cell_norm = self._norm("cell_norm")

    def bias_shape(self):
        return (self.gates * self.units,)

    def bias_init(self, shape, dtype=None):
        if not self.unit_forget_bias:
            return self.bias_initializer(shape, dtype=dtype)
        units = self.units
        return ops.concatenate([
            self.bias_initializer((units,), dtype=dtype),
            initializers.get("ones")((units,), dtype=dtype),
            self.bias_initializer((2 * units,), dtype=dtype),
        ])

    def build(self, input_shape):
        super().build(input_shape)
        if self.layer_norm:
            self.cell_norm.build((None, self.units))

    def _project(self, inputs):
        projected = self._input_preactivation(inputs)  # (..., 4 units)
        if self.use_bias:
            projected = projected + self.bias
        return projected

    def step(self, projected, states, training=False):
        h_prev, c_prev = states  # (batch, units) each
        z = projected + self._recurrent_preactivation(self.dropped_state(h_prev, training))
        z_i, z_f, z_g, z_o = ops.split(z, 4, axis=-1)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        o = self.recurrent_activation(z_o)
        c = f * c_prev + i * self.activation(z_g)
        h = o * self.activation(self.cell_norm(c) if self.layer_norm else c)
        return h, [h, c]

    def get_config(self):
        return {**super().get_config(), "unit_forget_bias": self.unit_forget_bias}
