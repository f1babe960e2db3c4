"""Long ("tidy") tables -> sequences: one row per step, grouped by an id, ordered by time.

    id  time  x1   x2   label          ->  X[i]: (steps of id i, features) float32
    a   0     0.1  1.0  yes                y[i]: its label (or one label per step)
    a   1     0.3  0.9  yes                ids[i]: the id
    b   0     ...

The layout of sktime, tsfresh and most databases. `from_dataframe` reads a
pandas (or any column-indexable) table, `read_long_csv` a CSV file with a
header; both return what the estimators and `from_sequences` take. Every
problem is an error naming the row and column: a non-number in a feature, a
missing value, two rows of one id at the same time, an id whose label changes
(for one label per sequence).
"""

from __future__ import annotations

import csv
import pathlib
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np


class Grouped(NamedTuple):
    """Sequences read from a long table, in the order their ids first appear."""

    X: list  # float32 (steps_i, features) arrays
    y: list | None  # a label per sequence, or a label array per step; None without a label
    ids: list  # the id of each sequence, as in the table


def from_dataframe(df, *, id: str, time: str | None = None,
                   features: Sequence[str] | None = None, label: str | None = None,
                   label_per_step: bool = False) -> Grouped:
    """Sequences from a long table (a pandas DataFrame: one row per step).

    Args:
        df: the table; `df[column].to_numpy()` is read for each named column.
        id: the column naming each row's sequence; None: every row is one
            sequence (id 0), as for a single time series.
        time: the column ordering the steps of a sequence (numbers, or strings
            that sort in time order such as ISO dates); None: the table's order.
        features: the feature columns (numbers); default every column but
            `id`, `time` and `label`.
        label: the target column, or None (inputs only, as for prediction).
        label_per_step: one label per step (tagging), not one per sequence.

    Returns:
        `Grouped(X, y, ids)`: `X, y, ids = from_dataframe(...)`, then
        `SequenceClassifier().fit(X, y)`.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": ["a", "a", "b"], "time": [1, 0, 0], "x": [2.0, 1.0, 5.0],
    ...                    "label": ["up", "up", "down"]})
    >>> X, y, ids = from_dataframe(df, id="id", time="time", label="label")
    >>> [x[:, 0].tolist() for x in X], y, ids
    ([[1.0, 2.0], [5.0]], ['up', 'down'], ['a', 'b'])
    """
    if not hasattr(df, "columns"):
        raise ValueError(f"Expected `df` as a table with named columns (a pandas DataFrame). "
                         f"Received: {type(df).__name__}.")
    columns = {str(c): np.asarray(df[c].to_numpy() if hasattr(df[c], "to_numpy") else df[c])
               for c in df.columns}
    rows = [f"row {r}" for r in (df.index if hasattr(df, "index") else range(len(df)))]
    return from_columns(columns, id=id, time=time, features=features, label=label,
                        label_per_step=label_per_step, rows=rows, source="the table")


def read_long_csv(path, *, id: str = "id", time: str | None = "time",
                  features: Sequence[str] | None = None, label: str | None = "label",
                  label_per_step: bool = False, delimiter: str = ",") -> Grouped:
    """Sequences from a long CSV file with a header row (see `from_dataframe`).

    `time` and `label` are used when the file has those columns (the
    defaults `"time"`, `"label"`), and required when named otherwise.
    """
    path = pathlib.Path(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:  # Excel writes a BOM
            reader = csv.reader(f, delimiter=delimiter)
            header = next(reader, None)
            body = list(reader)
    except UnicodeDecodeError as error:
        raise ValueError(f"{path} is not UTF-8 text (byte {error.start}).") from None
    if not header:
        raise ValueError(f"{path} is empty: expected a header row naming the columns.")
    header = [h.strip() for h in header]
    for line, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise ValueError(f"{path} line {line} has {len(row)} fields; the header has "
                             f"{len(header)} ({', '.join(header)}).")
    if time == "time" and "time" not in header:
        time = None
    if label == "label" and "label" not in header:
        label = None
    columns = {name: np.array([row[j].strip() for row in body], dtype=object)
               for j, name in enumerate(header)}
    rows = [f"line {line}" for line in range(2, len(body) + 2)]
    return from_columns(columns, id=id, time=time, features=features, label=label,
                        label_per_step=label_per_step, rows=rows, source=str(path))


def from_columns(columns: Mapping[str, np.ndarray], *, id, time=None, features=None,
                 label=None, label_per_step=False, rows=None, source="the table") -> Grouped:
    """The grouping behind `from_dataframe` and `read_long_csv` (columns of equal length)."""
    names = list(columns)
    n = len(next(iter(columns.values()))) if columns else 0
    rows = rows or [f"row {i}" for i in range(n)]
    for role, column in (("id", id), ("time", time), ("label", label)):
        if column is not None and column not in columns:
            raise ValueError(f"Expected the {role} column {column!r} in {source}. Received "
                             f"columns: {names}.")
    if features is None:
        features = [c for c in names if c not in (id, time, label)]
    features = list(features)
    missing = [c for c in features if c not in columns]
    if missing or not features:
        raise ValueError(f"Expected feature columns in {source}"
                         + (f"; {missing} are not among {names}." if missing
                            else f": every column is the id, time or label ({names})."))
    if n == 0:
        raise ValueError(f"{source} has no rows.")
    values = np.stack([_numbers(columns[c], c, rows, source) for c in features], axis=1)
    keys = np.zeros(n, np.int64) if id is None else columns[id]
    order = _row_order(keys, None if time is None else columns[time], rows, source)
    X, y, ids = [], [] if label is not None else None, []
    for key, members in order:
        ids.append(_plain(key))
        X.append(values[members].astype(np.float32))
        if label is not None:
            labels = [_plain(v) for v in columns[label][members]]
            if label_per_step:
                y.append(np.asarray(labels))
            else:
                changed = next((j for j in members if _plain(columns[label][j]) != labels[0]),
                               None)
                if changed is not None:
                    raise ValueError(
                        f"Sequence {_plain(key)!r} has two labels in {source} ({labels[0]!r}, "
                        f"and {_plain(columns[label][changed])!r} at {rows[changed]}). Expected "
                        "one label per sequence; for one label per step (tagging) use "
                        "label_per_step=True.")
                y.append(labels[0])
    return Grouped(X, y, ids)


def _numbers(column, name, rows, source) -> np.ndarray:
    out = np.empty(len(column), np.float64)
    for i, value in enumerate(column):
        try:
            out[i] = float(value)
        except (TypeError, ValueError):
            what = "a missing value" if value in ("", None) else repr(value)
            raise ValueError(f"Expected a number in column {name!r} of {source}. Received "
                             f"{what} at {rows[i]}.") from None
        if not np.isfinite(out[i]):
            what = "a missing value" if value in ("", None) or out[i] != out[i] else repr(value)
            raise ValueError(f"Expected a finite number in column {name!r} of {source}. "
                             f"Received {what} at {rows[i]}.")
    return out


def _row_order(keys, times, rows, source):
    """`[(id, row indices in time order)]`, ids in order of first appearance."""
    groups: dict = {}
    for i, key in enumerate(keys):
        groups.setdefault(_plain(key), []).append(i)
    if times is None:
        return [(key, np.asarray(members)) for key, members in groups.items()]
    numeric = all(_is_number(t) for t in times)
    sort_key = [float(t) if numeric else str(t) for t in times]
    ordered = []
    for key, members in groups.items():
        members = sorted(members, key=lambda i: sort_key[i])
        for a, b in zip(members, members[1:]):
            if sort_key[a] == sort_key[b]:
                raise ValueError(f"Sequence {key!r} has two rows at time {_plain(times[a])!r} "
                                 f"in {source} ({rows[a]} and {rows[b]}).")
        ordered.append((key, np.asarray(members)))
    return ordered


def _is_number(value) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _plain(value):
    """A NumPy scalar as a Python one (ids and labels in what is returned)."""
    return value.item() if hasattr(value, "item") else value


__all__ = ["Grouped", "from_columns", "from_dataframe", "read_long_csv"]
