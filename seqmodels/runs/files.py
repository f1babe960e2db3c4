"""Users' own files for `seqmodels train --task KIND --train FILE` and `seqmodels predict`.

Formats, by extension (docs/cli.md has a 5-line example of each):

    .csv    long format: one row per step; an id column, an optional time column
            ordering the steps, feature columns, a label column (constant per id;
            one per step for `tag`). `pipelines.read_long_csv`.
    .tsv    `source<TAB>target` pairs, one per line (`transduce`)
    .jsonl  one example per line: {"inputs": [[...], ...] or [tokens], "label": ...}
            ("label" a list for `tag`) or {"source": "...", "target": "..."};
            an optional "id"
    .npz    `inputs` (n, time[, features]) padded, `lengths` (n,), `labels` (n,)
            or (n, time) for `tag`; optional `ids`

For `forecast` the series are the data (no label): a .csv of time and value
columns (an id column when it holds several series), a .jsonl of
{"inputs": [...]} series, or an .npz of padded series and their lengths.

Every problem is an error naming the file, the line (or row) and what was
expected, raised before any training.
"""

from __future__ import annotations

import dataclasses
import json
import pathlib

import numpy as np

from pipelines.tables import Grouped, read_long_csv

#: What `--task` takes: the estimator trained, and whether labels come one per step.
KINDS = {
    "classify": "SequenceClassifier",
    "regress": "SequenceRegressor",
    "tag": "SequenceTagger",
    "transduce": "SequenceTransducer",
    "forecast": "SequenceForecaster",
}
FORMATS = (".csv", ".tsv", ".jsonl", ".npz")


@dataclasses.dataclass(frozen=True)
class Columns:
    """Column names of a long CSV (`--id-column` etc.); `features` None: every other column."""

    id: str = "id"
    time: str = "time"
    label: str = "label"
    features: tuple | None = None

    def as_dict(self) -> dict:
        return {"id": self.id, "time": self.time, "label": self.label,
                "features": None if self.features is None else list(self.features)}


def csv_header(path) -> list:
    """The column names of a CSV file's first row (a UTF-8 byte-order mark is dropped)."""
    import csv

    with open(path, newline="", encoding="utf-8-sig") as f:
        return [h.strip() for h in next(csv.reader(f), [])]


def resolved_columns(path, columns: Columns) -> Columns:
    """`columns` with the feature columns named: for a .csv without `features`, every column
    of its header but the id, time and label, in header order."""
    if columns.features is not None or pathlib.Path(path).suffix.lower() != ".csv":
        return columns
    header = csv_header(path)
    roles = {columns.id, columns.time, columns.label}
    return dataclasses.replace(columns, features=tuple(c for c in header if c not in roles))


def check_kind(kind) -> None:
    if kind not in KINDS:
        raise ValueError(f"Expected --task in {sorted(KINDS)}. Received: {kind!r}.")


def check_file(path, role="--train") -> pathlib.Path:
    """An existing file of a known format (checked before anything is read)."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No such file for {role}: {str(path)!r}.")
    if path.suffix.lower() not in FORMATS:
        raise ValueError(f"Expected {role} as one of {', '.join(FORMATS)}. Received: "
                         f"{path.name!r}. See docs/cli.md for each format.")
    return path


def read_examples(path, kind, columns=Columns(), *, labelled=True) -> Grouped:
    """`(X, y, ids)` of a file for `kind`: what its estimator's `fit` (or `predict`) takes."""
    check_kind(kind)
    path = check_file(path, "the file")
    suffix = path.suffix.lower()
    labelled = labelled and kind != "forecast"  # a series is its own target
    if kind == "forecast" and suffix == ".tsv":
        raise ValueError(f"--task forecast reads .csv, .jsonl or .npz series. Received: "
                         f"{path.name!r}.")
    if kind == "transduce" and suffix in (".csv", ".npz"):
        raise ValueError(f"--task transduce reads .tsv (source<TAB>target) or .jsonl "
                         f"({{\"source\": ..., \"target\": ...}}). Received: {path.name!r}.")
    if suffix == ".csv":
        grouped = read_long_csv(path, id=_present(path, columns.id, kind), time=columns.time,
                                features=columns.features,
                                label=columns.label if labelled else None,
                                label_per_step=kind == "tag")
        if labelled and grouped.y is None:
            raise ValueError(f"{path} has no label column {columns.label!r} (--label-column).")
    elif suffix == ".tsv":
        grouped = _read_tsv(path, labelled)
    elif suffix == ".jsonl":
        grouped = _read_jsonl(path, kind, labelled)
    else:
        grouped = _read_npz(path, kind, labelled)
    if not grouped.X:
        raise ValueError(f"{path} holds no examples.")
    if labelled and kind == "regress":
        grouped = grouped._replace(y=_floats(grouped.y, grouped.ids, path))
    return grouped


def _present(path, id_column, kind):
    """The id column; for `forecast` None when the file has none (one series)."""
    if kind != "forecast" or id_column != "id":
        return id_column
    return id_column if id_column in csv_header(path) else None


def _floats(labels, ids, path):
    out = []
    for label, id_ in zip(labels, ids):
        try:
            out.append(float(label))
        except (TypeError, ValueError):
            raise ValueError(f"Expected a number as the label of {id_!r} in {path} (--task "
                             f"regress). Received: {label!r}.") from None
    return np.asarray(out, np.float32)


def numbered_lines(path, hint=""):
    """`(line number, text)` of the non-empty lines of a UTF-8 file (a byte-order mark is
    dropped); a byte that is not UTF-8 is an error naming its line, then `hint`."""
    path = pathlib.Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[:error.start].count(b"\n") + 1
        raise ValueError(f"{path} line {line} is not UTF-8 text (byte {error.start})."
                         + hint) from None
    return [(i, line) for i, line in enumerate(text.splitlines(), start=1) if line.strip()]


def _read_tsv(path, labelled):
    X, y, ids = [], [] if labelled else None, []
    for number, line in numbered_lines(path):
        fields = line.split("\t")
        if labelled and (len(fields) != 2 or not fields[0].strip() or not fields[1].strip()):
            raise ValueError(f"Expected source<TAB>target on {path} line {number}. Received: "
                             f"{line[:60]!r}.")
        X.append(fields[0].strip())
        ids.append(number)
        if labelled:
            y.append(fields[1].strip())
    return Grouped(X, y, ids)


def _read_jsonl(path, kind, labelled):
    X, y, ids = [], [] if labelled else None, []
    inputs_key, label_key = ("source", "target") if kind == "transduce" else ("inputs", "label")
    for number, line in numbered_lines(path):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"{path} line {number} is not JSON ({error.msg}).") from None
        where = f"{path} line {number}"
        if not isinstance(record, dict) or inputs_key not in record or \
                (labelled and label_key not in record):
            wanted = f'"{inputs_key}"' + (f' and "{label_key}"' if labelled else "")
            raise ValueError(f"Expected an object with {wanted} on {where}. Received: "
                             f"{line[:80]!r}.")
        X.append(_jsonl_inputs(record[inputs_key], kind, where))
        ids.append(record.get("id", number))
        if labelled:
            label = record[label_key]
            if kind == "tag":
                if not isinstance(label, list) or len(label) != len(X[-1]):
                    raise ValueError(f"Expected \"label\" on {where} as a list of "
                                     f"{len(X[-1])} labels, one per step. Received: {label!r}.")
                label = np.asarray(label)
            y.append(label)
    return Grouped(X, y, ids)


def _jsonl_inputs(value, kind, where):
    if kind == "transduce":
        if not isinstance(value, str) or not value:
            raise ValueError(f"Expected \"source\" on {where} as a non-empty string. Received: "
                             f"{value!r}.")
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return value  # tokens
    try:
        array = np.asarray(value, np.float32)
    except (TypeError, ValueError):
        raise ValueError(f"Expected \"inputs\" on {where} as a list of steps (numbers, lists "
                         "of numbers, or tokens).") from None
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2 or len(array) == 0:
        raise ValueError(f"Expected \"inputs\" on {where} as a non-empty list of steps. "
                         f"Received shape {array.shape}.")
    return array


def _read_npz(path, kind, labelled):
    from seqmodels.runs.predicting import read_npz

    padded = read_npz(path)
    with np.load(path, allow_pickle=False) as archive:
        labels = archive["labels"] if "labels" in archive.files else None
        ids = archive["ids"].tolist() if "ids" in archive.files else list(range(len(padded)))
    if labelled and labels is None:
        raise ValueError(f"{path} has no `labels` (one per row, or (n, time) for --task tag).")
    y = None
    if labelled:
        if kind == "tag":
            if labels.shape[:2] != padded.inputs.shape[:2]:
                raise ValueError(f"Expected `labels` in {path} of shape {padded.inputs.shape[:2]}"
                                 f" (one per step). Received: {labels.shape}.")
            y = [row[:n] for row, n in zip(labels, padded.lengths)]
        else:
            if len(labels) != len(padded):
                raise ValueError(f"Expected {len(padded)} `labels` in {path}, one per row. "
                                 f"Received: {len(labels)}.")
            y = labels.tolist()
    return Grouped(padded.sequences(), y, ids)


__all__ = ["FORMATS", "KINDS", "Columns", "check_file", "check_kind", "csv_header",
           "numbered_lines", "read_examples", "resolved_columns"]
