"""Cells by name: the models take `cell="lstm"` and build the cell here.

    get_cell("lstm", 64, dropout=0.1)   # -> LSTMCell(64, dropout=0.1)
"""

from seqmodels.cells.elman import ElmanCell
from seqmodels.cells.gru import GRUCell
from seqmodels.cells.lstm import LSTMCell
from seqmodels.cells.min_gru import MinGRUCell
from seqmodels.cells.min_lstm import MinLSTMCell

CELLS = {
    "elman": ElmanCell,
    "gru": GRUCell,
    "lstm": LSTMCell,
    "mingru": MinGRUCell,
    "minlstm": MinLSTMCell,
}


def get_cell(name, units, *, dropout=0.0, recurrent_dropout=0.0, **options):
    """A new cell of kind `name` (one of `CELLS`) with `units` hidden units.

    `recurrent_dropout` is passed only when non-zero, since the minimal cells
    (whose recurrence is linear) refuse it.

    >>> get_cell("gru", 8).units
    8
    """
    if name not in CELLS:
        raise ValueError(f"Unknown cell {name!r}; expected one of {sorted(CELLS)}.")
    if recurrent_dropout:
        options["recurrent_dropout"] = recurrent_dropout
    return CELLS[name](units, dropout=dropout, **options)


__all__ = ["CELLS", "get_cell"]
