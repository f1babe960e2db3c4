"""MinGRUCell: the minimal GRU of Feng et al. (2024)."""

import keras
from keras import ops

from seqmodels.cells.minimal import MinimalCell, log_positive_activation
from seqmodels.cells.sections import CELL_SECTIONS
from seqmodels.docstrings import with_sections


@keras.saving.register_keras_serializable(package="seqmodels")
@with_sections(CELL_SECTIONS)
class MinGRUCell(MinimalCell):
    """Minimal GRU: the gates see only x_t, so the recurrence is linear in h.

        z_t = sigmoid(x_t W_z + b_z)
        n_t = g(x_t W_n + b_n)            (g > 0: the paper's positive activation)
        h_t = (1 - z_t) * h_{t-1} + z_t * n_t

    Kernel columns: `[z | n]`, `kernel (features, 2 units)`. In
    `seqmodels.layers.Recurrent` a whole sequence runs as a scan (see
    `path`); inside `keras.layers.RNN` it runs step by step, with the same result.

    {minimal_arguments}

    {one_state_call}

    Example:

    >>> from seqmodels.layers import Recurrent
    >>> layer = Recurrent(MinGRUCell(4), return_sequences=True)
    >>> tuple(layer(ops.ones((2, 5, 3))).shape), layer.implementation_used
    ((2, 5, 4), 'scan')
    """

    gates = 2

    def log_coefficients(self, projected):
        k_z, k_n = ops.split(projected, 2, axis=-1)
        log_a = -ops.softplus(k_z)  # log(1 - z)
        log_b = -ops.softplus(-k_z) + log_positive_activation(k_n)  # log(z * n)
        return log_a, log_b
