"""The fused path: a seqmodels GRU/LSTM layer run by the Keras built-in, on the same weights.

On a GPU, `keras.layers.LSTM` / `GRU` run through cuDNN, one fused kernel for
the whole sequence (TensorFlow, JAX and torch backends alike). Our `GRUCell`
and `LSTMCell` store their weights exactly as the built-ins' cells do, so a
`Recurrent` layer can hand its full-sequence pass to a built-in layer that
reads **the same variables** (`fused_twin`): nothing is copied, nothing new
is saved, and gradients reach the cell's own weights. cuDNN implements one
configuration; each option outside it keeps the loop, for the reason given by
`cudnn_incompatibilities`.

Where the backend cannot take the kernel (CPU; a mask on Keras 3.15's JAX and
torch backends), the built-in runs Keras's generic loop instead — the same
function, at the built-in's CPU speed.
"""

import keras
from keras import ops

from seqmodels.cells.gru import GRUCell
from seqmodels.cells.lstm import LSTMCell
from seqmodels.layers.path import on_accelerator

_FUSED_CELLS = {GRUCell: keras.layers.GRU, LSTMCell: keras.layers.LSTM}


def cudnn_incompatibilities(layer):
    """Why the `Recurrent` layer's options keep it off the fused path; empty when they do not.

    Checks the cell and its options only (what the fused kernels implement);
    `Recurrent.implementation_reasons` adds the `implementation` setting and
    the device.
    """
    cell = layer.cell
    if type(cell) not in _FUSED_CELLS:  # a subclass may change the step: never assume
        return [f"{type(cell).__name__} has no fused kernel (cuDNN has LSTM and GRU only)"]
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
    return reasons


def kernel_needs_right_padding():
    """True where the fused layer hands masks to cuDNN, which takes right padding only.

    That is TensorFlow on a GPU. Keras 3.15's JAX and torch backends run their
    cuDNN kernels without a mask only (keras/src/backend/jax/rnn.py,
    torch/rnn.py: a mask raises NotImplementedError there, and the built-in
    takes its generic loop, which reads any mask); on CPU every backend loops.
    """
    return keras.backend.backend() == "tensorflow" and on_accelerator()


def is_right_padded(mask):
    """Scalar bool: every row of the `(batch, time)` bool mask is a non-empty prefix of Trues.

    What cuDNN can take: it reads a mask as per-row lengths, and Keras asserts
    (inside the graph) on anything else, empty rows included.
    """
    lengths = ops.sum(ops.cast(mask, "int32"), axis=1)  # (B,)
    steps = ops.arange(ops.shape(mask)[1], dtype="int32")  # (T,)
    prefix = ops.expand_dims(steps, 0) < ops.expand_dims(lengths, 1)  # (B, T)
    return ops.logical_and(ops.all(ops.equal(mask, prefix)), ops.all(lengths > 0))


def fused_twin(layer):
    """A built `keras.layers.LSTM` / `GRU` whose cell reads `layer.cell`'s own variables.

    The twin owns no weights (its cell's attributes point at the seqmodels
    cell's variables, untracked), has no dropout (the `Recurrent` layer
    applies the cell's per-sequence input mask itself), always returns its
    states, and zeroes outputs at padded steps, as cuDNN does on every
    backend; `Recurrent` restores its own masked-output convention after it.
    """
    cell = layer.cell
    built_in = _FUSED_CELLS[type(cell)]
    twin = built_in(
        cell.units, activation=cell.activation, recurrent_activation=cell.recurrent_activation,
        return_sequences=layer.return_sequences, return_state=True,
        go_backwards=layer.go_backwards, zero_output_for_mask=True, dtype=layer.dtype_policy,
        name=f"{layer.name}_fused",
    )
    for name in ("kernel", "recurrent_kernel", "bias"):
        object.__setattr__(twin.cell, name, getattr(cell, name))
    twin.cell.built = True
    return twin


def to_keras_layer(layer):
    """A standalone `keras.layers.LSTM` / `GRU` with a copy of the weights.

    For handing a trained layer to code that expects the built-in; a
    `Recurrent` layer already runs the built-in kernel itself when it can
    (`implementation="auto"`). A learned initial state is not carried: pass
    `layer.get_initial_state(batch)` as the built-in's `initial_state`.
    Masks must be right-padded for cuDNN (a Keras requirement).
    """
    reasons = cudnn_incompatibilities(layer)
    if reasons:
        raise ValueError("This layer cannot run as the Keras built-in: " + "; ".join(reasons))
    cell = layer.cell
    extra = {"unit_forget_bias": cell.unit_forget_bias} if isinstance(cell, LSTMCell) else {}
    keras_layer = _FUSED_CELLS[type(cell)](
        cell.units, return_sequences=layer.return_sequences, return_state=layer.return_state,
        go_backwards=layer.go_backwards, dropout=cell.dropout, seed=cell.seed, **extra,
    )
    features = cell.kernel.shape[0]
    keras_layer.build((None, None, features))
    keras_layer.set_weights(cell.get_weights())
    return keras_layer
