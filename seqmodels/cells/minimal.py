"""MinimalCell: h_t = a_t * h_{t-1} + b_t with a_t, b_t computed from x_t only.

Feng et al. (2024), "Were RNNs All We Needed?": remove the previous state from
the gates of GRU and LSTM and the recurrence becomes linear in h, so a whole
sequence can be computed with a scan instead of a step-by-step loop
(`seqmodels.layers.scan`). The candidate goes through the paper's positive
activation `g`, which keeps `b_t > 0` and lets the scan work in log space.
"""

from keras import initializers, ops

from seqmodels.cells.base import RecurrentCell
from seqmodels.cells.sections import CELL_SECTIONS
from seqmodels.docstrings import with_sections


def log_positive_activation(x):
    """`log g(x)` of the paper's `g(x) = x + 1/2 if x >= 0 else sigmoid(x)` (continuous and
    > 0), computed without forming g: `log(x + 1/2)` or `-softplus(-x)`."""
    return ops.where(x >= 0, ops.log(ops.relu(x) + 0.5), -ops.softplus(-x))


@with_sections(CELL_SECTIONS)
class MinimalCell(RecurrentCell):
    """Base of MinGRUCell and MinLSTMCell.

    Subclasses define `gates` (blocks of `units` columns in the kernel) and
    `log_coefficients(projected) -> (log a, log b)`; `coefficients` and `step`
    follow. There is no recurrent weight, hence no recurrent dropout.

    {minimal_arguments}
    """

    is_linear_recurrence = True
    gates = None

    def __init__(
        self,
        units,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        dropout=0.0,
        seed=None,
        **kwargs,
    ):
        recurrent_dropout = kwargs.pop("recurrent_dropout", 0.0)
        if recurrent_dropout:
            raise ValueError(
                f"{type(self).__name__} has no recurrent weight, hence no recurrent dropout; "
                f"use `dropout`. Received: recurrent_dropout={recurrent_dropout!r}"
            )
        super().__init__(units, dropout=dropout, recurrent_dropout=0.0, seed=seed, **kwargs)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.state_size = self.units

    @property
    def projected_size(self):
        return self.gates * self.units

    def build(self, input_shape):
        features = input_shape[-1]
        self.kernel = self.add_weight(
            shape=(features, self.projected_size), initializer=self.kernel_initializer,
            name="kernel",
        )
        self.add_bias((self.projected_size,), self.bias_initializer)

    def _project(self, inputs):
        projected = ops.matmul(inputs, self.kernel)  # (..., gates * units)
        if self.use_bias:
            projected = projected + self.bias
        return projected

    def log_coefficients(self, projected):
        """`(..., gates * units)` -> `(log a, log b)`, each `(..., units)`."""
        raise NotImplementedError

    def coefficients(self, projected):
        """`(..., gates * units)` -> `(a, b)`, each `(..., units)`; `0 < a < 1`, `b > 0`."""
        log_a, log_b = self.log_coefficients(projected)
        return ops.exp(log_a), ops.exp(log_b)

    def step(self, projected, states, training=False):
        h_prev = states[0] if isinstance(states, (list, tuple)) else states  # (batch, units)
        a, b = self.coefficients(projected)
        h = a * h_prev + b
        return h, [h]

    def get_config(self):
        config = super().get_config()
        config.pop("recurrent_dropout")
        return {
            **config,
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
        }
