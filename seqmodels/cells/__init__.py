"""Recurrent cells: each plugs into `keras.layers.RNN` and into `seqmodels.layers.Recurrent`."""

from seqmodels.cells.base import RecurrentCell
from seqmodels.cells.conversion import load_keras_weights, load_torch_weights, torch_weights
from seqmodels.cells.elman import ElmanCell
from seqmodels.cells.gru import GRUCell
from seqmodels.cells.lstm import LSTMCell
from seqmodels.cells.min_gru import MinGRUCell
from seqmodels.cells.min_lstm import MinLSTMCell
from seqmodels.cells.registry import CELLS, get_cell

__all__ = [
    "CELLS",
    "ElmanCell",
    "GRUCell",
    "LSTMCell",
    "MinGRUCell",
    "MinLSTMCell",
    "RecurrentCell",
    "get_cell",
    "load_keras_weights",
    "load_torch_weights",
    "torch_weights",
]
