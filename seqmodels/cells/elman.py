"""ElmanCell: the simple recurrent network, h_t = act(x_t W_x + h_{t-1} W_h + b)."""

import keras
from keras import activations, initializers, ops

from seqmodels.cells.base import RecurrentCell
from seqmodels.cells.sections import CELL_SECTIONS
from seqmodels.docstrings import with_sections


@keras.saving.register_keras_serializable(package="seqmodels")
@with_sections(CELL_SECTIONS)
class ElmanCell(RecurrentCell):
    """The plain (Elman) recurrent cell: `h_t = act(x_t W_x + h_{t-1} W_h + b)`.

    The same `W_x`, `W_h` and `b` are used at every time step (parameter
    sharing over time), and the initial state is zero unless a layer supplies
    another. With `activation="relu"` and `recurrent_initializer="identity"`
    this is the IRNN of Le, Jaitly & Hinton (2015), which keeps gradients alive
    over long spans.

    Args:
        units: int. Size of the hidden state.
        activation: activation `act` (default `"tanh"`).
        use_bias: bool. Whether to add `b`.
        kernel_initializer: initialiser of `W_x` `(features, units)`.
        recurrent_initializer: initialiser of `W_h` `(units, units)`:
            `"orthogonal"` (default), `"identity"` (IRNN) or any Keras initialiser.
        bias_initializer: initialiser of `b` `(units,)`.
        dropout: float in [0, 1). Input dropout, one mask per sequence.
        recurrent_dropout: float in [0, 1). Dropout on `h_{t-1}`, one mask per sequence.
        seed: int or None. Seed of the dropout masks.

    {one_state_call}

    Example:

    >>> irnn = ElmanCell(4, activation="relu", recurrent_initializer="identity")
    >>> irnn.build((None, 3))   # W_x, W_h (the identity), b
    >>> [tuple(w.shape) for w in irnn.weights], bool(ops.all(irnn.recurrent_kernel == ops.eye(4)))
    ([(3, 4), (4, 4), (4,)], True)
    """

    def __init__(
        self,
        units,
        activation="tanh",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(units, dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
                         **kwargs)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.state_size = self.units

    @property
    def projected_size(self):
        return self.units

    def build(self, input_shape):
        features = input_shape[-1]
        self.kernel = self.add_weight(
            shape=(features, self.units), initializer=self.kernel_initializer, name="kernel"
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, self.units),
            initializer=self.recurrent_initializer,
            name="recurrent_kernel",
        )
        self.add_bias((self.units,), self.bias_initializer)

    def _project(self, inputs):
        projected = ops.matmul(inputs, self.kernel)  # (..., units)
        if self.use_bias:
            projected = projected + self.bias
        return projected

    def step(self, projected, states, training=False):
        h_prev = states[0] if isinstance(states, (list, tuple)) else states  # (batch, units)
        h_prev = self.dropped_state(h_prev, training)
        h = self.activation(projected + ops.matmul(h_prev, self.recurrent_kernel))
        return h, [h]

    def get_config(self):
        return {
            **super().get_config(),
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
        }
