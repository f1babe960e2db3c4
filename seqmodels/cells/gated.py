"""GatedCell: what GRUCell and LSTMCell share (weights, layer normalisation, config)."""

from keras import activations, initializers, ops

from seqmodels.cells.base import RecurrentCell, normalization_layer
from seqmodels.cells.sections import CELL_SECTIONS
from seqmodels.docstrings import with_sections


@with_sections(CELL_SECTIONS)
class GatedCell(RecurrentCell):
    """Base of the gated cells: `gates` blocks of `units` columns in each weight.

    Weights follow the Keras built-ins exactly, so `set_weights` accepts the
    weights of `keras.layers.GRU` / `keras.layers.LSTM` unchanged:
    `kernel (features, gates * units)`, `recurrent_kernel (units, gates * units)`
    and `bias`. With `layer_norm=True` (Ba, Kiros & Hinton 2016) the input and
    recurrent pre-activations are each normalised over their `gates * units`
    columns before they are added, and their LayerNormalization weights follow
    the Keras ones in `get_weights()`.

    {gated_arguments}
    """

    gates = None  # number of `units`-wide blocks; set by subclasses
    layer_norm_epsilon = 1e-3

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        layer_norm=False,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(units, dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
                         **kwargs)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.layer_norm = bool(layer_norm)
        if self.layer_norm:
            self.input_norm = self._norm("input_norm")
            self.recurrent_norm = self._norm("recurrent_norm")

    def _norm(self, name):
        return normalization_layer(self.layer_norm_epsilon, name, self.dtype_policy)

    @property
    def projected_size(self):
        return self.gates * self.units

    def bias_shape(self):
        raise NotImplementedError

    def bias_init(self, shape, dtype=None):
        return self.bias_initializer(shape, dtype=dtype)

    def build(self, input_shape):
        features = input_shape[-1]
        width = self.gates * self.units
        self.kernel = self.add_weight(
            shape=(features, width), initializer=self.kernel_initializer, name="kernel"
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, width), initializer=self.recurrent_initializer,
            name="recurrent_kernel",
        )
        self.add_bias(self.bias_shape(), self.bias_init)
        if self.layer_norm:
            self.input_norm.build((None, width))
            self.recurrent_norm.build((None, width))

    def _input_preactivation(self, inputs):
        """`x W_x`, normalised when `layer_norm`: `(..., features)` -> `(..., gates * units)`."""
        z = ops.matmul(inputs, self.kernel)
        return self.input_norm(z) if self.layer_norm else z

    def _recurrent_preactivation(self, h_prev):
        """`h W_h`, normalised when `layer_norm`: `(batch, units)` -> `(batch, gates * units)`."""
        z = ops.matmul(h_prev, self.recurrent_kernel)
        return self.recurrent_norm(z) if self.layer_norm else z

    def get_config(self):
        return {
            **super().get_config(),
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "layer_norm": self.layer_norm,
        }
