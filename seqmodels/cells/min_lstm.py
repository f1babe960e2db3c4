"""MinLSTMCell: the minimal LSTM of Feng et al. (2024)."""

import keras
from keras import ops

from seqmodels.cells.minimal import MinimalCell, log_positive_activation
from seqmodels.cells.sections import CELL_SECTIONS
from seqmodels.docstrings import with_sections


@keras.saving.register_keras_serializable(package="seqmodels")
@with_sections(CELL_SECTIONS)
class MinLSTMCell(MinimalCell):
    """Minimal LSTM with normalised gates: the recurrence is linear in h.

        f_t = sigmoid(x_t W_f + b_f);  i_t = sigmoid(x_t W_i + b_i)
        f'_t = f_t / (f_t + i_t);      i'_t = i_t / (f_t + i_t)
        h_t = f'_t * h_{t-1} + i'_t * g(x_t W_n + b_n)

    Normalising the gates (the paper's time-independent form) makes the scale
    of `h` independent of time. Kernel columns: `[f | i | n]`,
    `kernel (features, 3 units)`. The gates are computed in log space:
    `log f' = -softplus(d)`, `log i' = -softplus(-d)` with
    `d = softplus(-k_f) - softplus(-k_i)`.

    {minimal_arguments}

    {one_state_call}

    Example:

    >>> cell = MinLSTMCell(4)
    >>> cell.build((None, 3))   # no recurrent kernel: the gates read x_t only
    >>> [tuple(w.shape) for w in cell.weights], cell.state_size
    ([(3, 12), (12,)], 4)
    """

    gates = 3

    def log_coefficients(self, projected):
        k_f, k_i, k_n = ops.split(projected, 3, axis=-1)
        d = ops.softplus(-k_f) - ops.softplus(-k_i)  # log(i / f)
        log_a = -ops.softplus(d)
        log_b = -ops.softplus(-d) + log_positive_activation(k_n)
        return log_a, log_b
