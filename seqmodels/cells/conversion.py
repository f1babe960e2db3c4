"""Move GRU / LSTM weights between seqmodels, Keras built-ins and PyTorch.

seqmodels' `GRUCell` and `LSTMCell` store weights exactly as `keras.layers.GRU`
(`reset_after=True`) and `keras.layers.LSTM` do, so Keras weights load
unchanged. PyTorch differs in three ways, undone here:

- matrices are transposed: torch `weight_ih (gates*units, features)`;
- torch's GRU gate order is (r, z, n), Keras's is (z, r, n); LSTM orders agree (i, f, g, o);
- torch has two LSTM biases (`bias_ih + bias_hh` is Keras's one bias) and stores
  the GRU's two biases as separate vectors (Keras: one `(2, 3 units)` array).
"""

import numpy as np

from seqmodels.cells.gru import GRUCell
from seqmodels.cells.lstm import LSTMCell


def _kind(cell):
    if isinstance(cell, GRUCell):
        return "gru"
    if isinstance(cell, LSTMCell):
        return "lstm"
    raise TypeError(f"Expected a seqmodels GRUCell or LSTMCell. Received: {type(cell).__name__}")


def _check_plain(cell):
    if cell.layer_norm or not cell.use_bias:
        raise ValueError(
            "Weights convert only for cells with use_bias=True and layer_norm=False, the "
            "configuration of the Keras and PyTorch built-ins. "
            f"Received: use_bias={cell.use_bias}, layer_norm={cell.layer_norm}."
        )


def _swap_gru_gates(matrix, axis):
    """(z, r, n) <-> (r, z, n) along `axis`: the swap is its own inverse."""
    first, second, third = np.split(np.asarray(matrix), 3, axis=axis)
    return np.concatenate([second, first, third], axis=axis)


def _numpy(value):
    """A torch tensor or an array-like as a NumPy array."""
    return value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)


def load_keras_weights(cell, keras_layer):
    """Copy the weights of `keras.layers.GRU/LSTM` (or their cells) into a built seqmodels cell."""
    kind = _kind(cell)
    _check_plain(cell)
    keras_cell = getattr(keras_layer, "cell", keras_layer)
    if kind == "gru" and not getattr(keras_cell, "reset_after", True):
        raise ValueError("Only keras GRU with reset_after=True (its default) has this layout.")
    if keras_cell.units != cell.units:
        raise ValueError(f"units differ: keras {keras_cell.units}, seqmodels {cell.units}.")
    cell.set_weights(keras_cell.get_weights())


def load_torch_weights(cell, module, layer=0, reverse=False):
    """Copy layer `layer` (backward direction if `reverse`) of `torch.nn.GRU/LSTM` into `cell`.

    `module` may be the torch module or its `state_dict()`.
    """
    kind = _kind(cell)
    _check_plain(cell)
    state = module.state_dict() if hasattr(module, "state_dict") else module
    suffix = f"_l{layer}" + ("_reverse" if reverse else "")
    w_ih, w_hh, b_ih, b_hh = (_numpy(state[f"{name}{suffix}"])
                              for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))
    if kind == "gru":
        weights = [_swap_gru_gates(w_ih.T, 1), _swap_gru_gates(w_hh.T, 1),
                   np.stack([_swap_gru_gates(b_ih, 0), _swap_gru_gates(b_hh, 0)])]
    else:
        weights = [w_ih.T, w_hh.T, b_ih + b_hh]
    cell.set_weights(weights)


def torch_weights(cell, layer=0, reverse=False):
    """The cell's weights as a PyTorch `state_dict` fragment of NumPy arrays.

    Load with `module.load_state_dict({k: torch.from_numpy(v) ...}, strict=False)`.
    The LSTM's single bias goes to `bias_ih`; `bias_hh` is zero.
    """
    kind = _kind(cell)
    _check_plain(cell)
    kernel, recurrent, bias = (np.asarray(w) for w in cell.get_weights()[:3])
    suffix = f"_l{layer}" + ("_reverse" if reverse else "")
    if kind == "gru":
        w_ih, w_hh = _swap_gru_gates(kernel, 1).T, _swap_gru_gates(recurrent, 1).T
        b_ih, b_hh = _swap_gru_gates(bias[0], 0), _swap_gru_gates(bias[1], 0)
    else:
        w_ih, w_hh, b_ih, b_hh = kernel.T, recurrent.T, bias, np.zeros_like(bias)
    arrays = {"weight_ih": w_ih, "weight_hh": w_hh, "bias_ih": b_ih, "bias_hh": b_hh}
    return {f"{k}{suffix}": np.ascontiguousarray(v) for k, v in arrays.items()}
