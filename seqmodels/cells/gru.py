"""GRUCell: the gated recurrent unit (Cho et al. 2014) in the cuDNN / Keras / PyTorch form."""

import keras
from keras import ops

from seqmodels.cells.gated import GatedCell
from seqmodels.cells.sections import CELL_SECTIONS
from seqmodels.docstrings import with_sections


@keras.saving.register_keras_serializable(package="seqmodels")
@with_sections(CELL_SECTIONS)
class GRUCell(GatedCell):
    """Gated recurrent unit, with the reset gate applied after the recurrent product.

    Gate order in every weight: update `z`, reset `r`, candidate `n`
    (the order of `keras.layers.GRU`; PyTorch stores r, z, n — see
    `seqmodels.cells.conversion`). With `x_* = x_t W_* + b_x*` and
    `u_* = h_{t-1} U_* + b_h*`:

        z_t = sigmoid(x_z + u_z)
        r_t = sigmoid(x_r + u_r)
        n_t = tanh(x_n + r_t * u_n)
        h_t = z_t * h_{t-1} + (1 - z_t) * n_t

    This is `keras.layers.GRU(reset_after=True)` (its default), `torch.nn.GRU`
    and cuDNN's GRU. Weights: `kernel (features, 3 units)`,
    `recurrent_kernel (units, 3 units)`, `bias (2, 3 units)` (row 0 input
    bias, row 1 recurrent bias).

    {gated_arguments}

    {one_state_call}

    Example:

    >>> cell = GRUCell(4)
    >>> cell.build((None, 3))   # kernel, recurrent_kernel, bias (input row, recurrent row)
    >>> [tuple(w.shape) for w in cell.weights]
    [(3, 12), (4, 12), (2, 12)]
    """

    gates = 3

    def __init__(self, units, **kwargs):
        super().__init__(units, **kwargs)
        self.state_size = self.units

    def bias_shape(self):
        return (2, self.gates * self.units)

    def _project(self, inputs):
        projected = self._input_preactivation(inputs)  # (..., 3 units)
        if self.use_bias:
            projected = projected + self.bias[0]
        return projected

    def step(self, projected, states, training=False):
        h_prev = states[0] if isinstance(states, (list, tuple)) else states  # (batch, units)
        inner = self._recurrent_preactivation(self.dropped_state(h_prev, training))
        if self.use_bias:
            inner = inner + self.bias[1]  # (batch, 3 units)
        x_z, x_r, x_n = ops.split(projected, 3, axis=-1)
        u_z, u_r, u_n = ops.split(inner, 3, axis=-1)
        z = self.recurrent_activation(x_z + u_z)
        r = self.recurrent_activation(x_r + u_r)
        n = self.activation(x_n + r * u_n)
        h = z * h_prev + (1.0 - z) * n
        return h, [h]
