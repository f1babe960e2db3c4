"""Cells by name: the models take `cell="lstm"` and build the cell here.

    get_cell("lstm", 64, dropout=0.1)   # -> LSTMCell(64, dropout=0.1)
"""

from seqmodels.cells.elman import ElmanCell
from seqmodels.cells.gru import GRUCell
from seqmodels.cells.lstm import LSTMCell
from seqmodels.cells.min_gru import MinGRUCell
from seqmodels.cells.min_lstm import MinLSTMCell
from seqmodels.checks import check_choice

CELLS = {
    "elman": ElmanCell,
    "gru": GRUCell,
    "lstm": LSTMCell,
    "mingru": MinGRUCell,
    "minlstm": MinLSTMCell,
}


def check_cell_name(cell):
    """`cell` if it names a cell of `CELLS`; the one check of a cell name."""
    return check_choice("cell", cell, tuple(sorted(CELLS)))


def get_cell(name, units, *, dropout=0.0, recurrent_dropout=0.0, **options):
    """A new cell of kind `name` (one of `CELLS`) with `units` hidden units.

    `recurrent_dropout` is passed only when non-zero, since the minimal cells
    (whose recurrence is linear) refuse it.

    >>> get_cell("gru", 8).units
    8
    """
    check_cell_name(name)
    if recurrent_dropout:
        options["recurrent_dropout"] = recurrent_dropout
    return CELLS[name](units, dropout=dropout, **options)


__all__ = ["CELLS", "check_cell_name", "get_cell"]
