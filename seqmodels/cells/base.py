"""The contract every seqmodels cell keeps: an input projection and a recurrent step.

A recurrent cell computes `h_t = f(x_t W_x + b, h_{t-1})`. The input half,
`x_t W_x + b`, does not depend on the previous state, so a sequence layer can
compute it for all time steps in one large matrix product before the loop
(what cuDNN does) and leave only the recurrent half inside it. Every cell here
therefore splits its `call` in two:

    projected = cell.project_inputs(inputs)     # (..., features) -> (..., projected_size)
    output, states = cell.step(projected, states)

and `call(inputs, states) == step(project_inputs(inputs), states)`, so the
cell also works unchanged inside `keras.layers.RNN`, `Bidirectional` and
`StackedRNNCells`.

Dropout follows Keras (and Gal & Ghahramani 2016): one mask per sequence,
drawn once and reused at every step, for the inputs and for the recurrent
state. `keras.layers.RNN` draws those masks before its loop only for cells that
derive from Keras's `DropoutRNNCell` mixin, which Keras 3 does not export under
a public name; we take it from the built-in `GRUCell`'s bases.
"""

import keras
from keras import ops

from seqmodels.checks import check_positive_int, check_rate


def _keras_dropout_mixin():
    for base in keras.layers.GRUCell.__mro__:
        if base.__name__ == "DropoutRNNCell":
            return base
    raise ImportError(
        "keras.layers.GRUCell no longer derives from DropoutRNNCell; "
        "seqmodels needs keras>=3.15,<3.16."
    )


DropoutRNNCell = _keras_dropout_mixin()


class RecurrentCell(keras.layers.Layer, DropoutRNNCell):
    """Base class: input projection + recurrent step, with per-sequence dropout.

    Subclasses set `units`, `state_size`, `output_size`, create weights in
    `build`, and implement `project_inputs` and `step`.

    Args:
        units: int. Size of the hidden state.
        dropout: float in [0, 1). Fraction of input features dropped (one mask per sequence).
        recurrent_dropout: float in [0, 1). Fraction of the previous hidden state dropped.
        seed: int or None. Seed of the dropout masks.
    """

    #: True when the cell is h_t = a(x_t) * h_{t-1} + b(x_t): it can run as a scan.
    is_linear_recurrence = False

    def __init__(self, units, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.units = check_positive_int("units", units)
        self.dropout = check_rate("dropout", dropout)
        self.recurrent_dropout = check_rate("recurrent_dropout", recurrent_dropout)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed=seed)
        self.output_size = self.units

    @property
    def projected_size(self):
        """Width of `project_inputs`'s output."""
        raise NotImplementedError

    def project_inputs(self, inputs, training=False):
        """Input half of the cell: `(..., features)` -> `(..., projected_size)`.

        Works on one step `(batch, features)` or a whole sequence
        `(batch, time, features)`; the input dropout mask (one per sequence,
        `(batch, features)`) is broadcast over time.
        """
        if training and self.dropout > 0:
            if len(inputs.shape) == 3:  # a whole sequence: one mask, broadcast over time
                inputs = inputs * ops.expand_dims(self.get_dropout_mask(inputs[:, 0]), 1)
            else:
                inputs = inputs * self.get_dropout_mask(inputs)
        return self._project(inputs)

    def add_bias(self, shape, initializer):
        """Sets `self.bias`: a weight of `shape` when the cell has `use_bias`, else None."""
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=shape, initializer=initializer, name="bias")

    def _project(self, inputs):
        raise NotImplementedError

    def step(self, projected, states, training=False):
        """Recurrent half: `(batch, projected_size)` and states -> `(output, new_states)`."""
        raise NotImplementedError

    def call(self, inputs, states, training=False):
        return self.step(self.project_inputs(inputs, training), states, training)

    def dropped_state(self, h_prev, training):
        """`h_{t-1}` with the per-sequence recurrent dropout mask applied (training only)."""
        if training and self.recurrent_dropout > 0:
            return h_prev * self.get_recurrent_dropout_mask(h_prev)
        return h_prev

    @property
    def state_sizes(self):
        """`state_size` as a list, one entry per state tensor."""
        size = self.state_size
        return list(size) if isinstance(size, (list, tuple)) else [size]

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, size), dtype=self.compute_dtype)
                for size in self.state_sizes]

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }


def normalization_layer(epsilon, name, dtype=None):
    """A LayerNormalization over the last axis, as used by the layer-normalised cells."""
    return keras.layers.LayerNormalization(epsilon=epsilon, name=name, dtype=dtype)
