"""The cuDNN path: when a seqmodels GRU/LSTM layer can run as the Keras built-in.

On a GPU, `keras.layers.LSTM` / `GRU` run through cuDNN, one fused kernel for
the whole sequence. cuDNN implements exactly one configuration; each of our
options outside it leaves the cuDNN path, for the reason given by
`cudnn_incompatibilities`. A compatible `Recurrent` layer converts to the
built-in with `to_keras_layer` (same weights, same outputs), which then takes
cuDNN on a GPU.
"""

import keras

from seqmodels.cells.gru import GRUCell
from seqmodels.cells.lstm import LSTMCell


def cudnn_incompatibilities(layer):
    """Reasons the `Recurrent` layer cannot run as a cuDNN kernel; empty when it can."""
    cell = layer.cell
    if not isinstance(cell, (GRUCell, LSTMCell)):
        return [f"{type(cell).__name__} is not a cuDNN cell (cuDNN has LSTM and GRU only)"]
    reasons = []
    if keras.activations.serialize(cell.activation) != "tanh":
        reasons.append("activation is not tanh (cuDNN hard-codes tanh)")
    if keras.activations.serialize(cell.recurrent_activation) != "sigmoid":
        reasons.append("recurrent_activation is not sigmoid (cuDNN hard-codes sigmoid)")
    if cell.recurrent_dropout > 0:
        reasons.append("recurrent_dropout > 0 (cuDNN has no hook inside its loop)")
    if not cell.use_bias:
        reasons.append("use_bias=False (cuDNN always adds biases)")
    if cell.layer_norm:
        reasons.append("layer_norm=True (cuDNN cannot normalise inside its loop)")
    if layer.learn_initial_state:
        reasons.append(
            "learn_initial_state=True is compatible, but the Keras built-in needs the state "
            "passed as initial_state; to_keras_layer does not carry it"
        )
    return reasons


def to_keras_layer(layer):
    """The equivalent `keras.layers.LSTM` / `GRU` (same weights), which uses cuDNN on a GPU.

    Masks must be right-padded for cuDNN (a Keras requirement).
    """
    reasons = cudnn_incompatibilities(layer)
    if reasons:
        raise ValueError("This layer cannot run as the Keras built-in: " + "; ".join(reasons))
    cell = layer.cell
    built_in = keras.layers.LSTM if isinstance(cell, LSTMCell) else keras.layers.GRU
    extra = {"unit_forget_bias": cell.unit_forget_bias} if isinstance(cell, LSTMCell) else {}
    keras_layer = built_in(
        cell.units, return_sequences=layer.return_sequences, return_state=layer.return_state,
        go_backwards=layer.go_backwards, dropout=cell.dropout, seed=cell.seed, **extra,
    )
    features = cell.kernel.shape[0]
    keras_layer.build((None, None, features))
    keras_layer.set_weights(cell.get_weights())
    return keras_layer

