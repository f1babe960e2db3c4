"""`seqmodels predict`: predictions from a run directory or from an exported SavedModel.

Inputs are strings (arguments, or one per line of a text file; token-list
models read whitespace-separated tokens), or the formats of `runs.files`
without labels: an `.npz` with `inputs` and `lengths`, a long `.csv`, a
`.jsonl` of {"inputs": ...} or {"source": ...}, a `.tsv` (its first field).
Each prediction is keyed by its input's id (`ids` / the id column / "id",
else its line or row number; for text, the text itself) and written as TSV,
CSV or JSON Lines (`write_predictions`).
"""

from __future__ import annotations

import csv
import io
import json
import pathlib
import sys
from typing import NamedTuple

import numpy as np

NPZ_HINT = ("Save them as np.savez(FILE, inputs=padded, lengths=lengths): `inputs` "
            "(n, time[, features]) padded, `lengths` (n,) the real steps of each row.")


def read_inputs(values, file):
    """The inputs: `values` given on the command line, or lines / a `Padded` batch from `file`."""
    if file:
        path = pathlib.Path(file)
        if not path.is_file():
            raise FileNotFoundError(f"No such input file: {file!r}.")
        if path.suffix == ".npy":
            raise ValueError(
                f"{file} is a padded array without lengths: the padding would be read as data. "
                + NPZ_HINT)
        if path.suffix == ".npz":
            return read_npz(path)
        return _lines(path)
    if not values:
        raise ValueError("Give inputs on the command line or with --file.")
    return list(values)


def _lines(path):
    from seqmodels.runs.files import numbered_lines

    hint = " Give a UTF-8 text file with one input per line, or an .npz."
    return [line.strip() for _, line in numbered_lines(path, hint)]


class Padded(NamedTuple):
    """Padded float sequences and their lengths, as read from an .npz."""

    inputs: np.ndarray  # float32 (n, time, features)
    lengths: np.ndarray  # int32 (n,), 1 <= lengths[i] <= time

    def sequences(self) -> list[np.ndarray]:
        """The real steps of each row: `(lengths[i], features)` arrays."""
        return [row[:n] for row, n in zip(self.inputs, self.lengths)]

    def __len__(self):
        return len(self.lengths)

    @classmethod
    def of(cls, sequences) -> Padded:
        """Float `(time_i, features)` arrays padded with 0 to the longest."""
        lengths = np.array([len(s) for s in sequences], np.int32)
        features = sequences[0].shape[1]
        inputs = np.zeros((len(sequences), lengths.max(), features), np.float32)
        for row, sequence in zip(inputs, sequences):
            row[:len(sequence)] = sequence
        return cls(inputs, lengths)


def read_npz(path) -> Padded:
    """`inputs` + `lengths` from an .npz, checked (shapes, dtypes, finite values, lengths)."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {k: archive[k] for k in archive.files}
    except (ValueError, OSError, EOFError) as error:
        raise ValueError(f"{path} is not a readable .npz of numeric arrays ({error}). "
                         + NPZ_HINT) from None
    missing = [k for k in ("inputs", "lengths") if k not in arrays]
    if missing:
        raise ValueError(f"{path} has no {' or '.join(missing)} (it holds {sorted(arrays)}). "
                         + NPZ_HINT)
    inputs, lengths = arrays["inputs"], arrays["lengths"]
    if inputs.dtype.kind not in "fiu" or inputs.ndim not in (2, 3):
        raise ValueError(f"Expected `inputs` in {path} as a numeric (n, time) or (n, time, "
                         f"features) array. Received: shape {inputs.shape}, dtype {inputs.dtype}.")
    if inputs.ndim == 2:
        inputs = inputs[..., None]
    if lengths.dtype.kind not in "iu" or lengths.shape != inputs.shape[:1]:
        raise ValueError(f"Expected `lengths` in {path} as {inputs.shape[0]} integers, one per "
                         f"row of `inputs`. Received: shape {lengths.shape}, dtype "
                         f"{lengths.dtype}.")
    bad = np.flatnonzero((lengths < 1) | (lengths > inputs.shape[1]))
    if bad.size:
        raise ValueError(f"Expected 1 <= lengths[i] <= {inputs.shape[1]} (the padded width) in "
                         f"{path}. Received: lengths[{bad[0]}] = {lengths[bad[0]]}.")
    real = np.arange(inputs.shape[1])[None, :] < lengths[:, None]  # (n, time)
    finite = np.isfinite(inputs).all(axis=2) | ~real  # padding may hold anything
    bad_rows = np.flatnonzero(~finite.all(axis=1))
    if bad_rows.size:
        raise ValueError(f"`inputs` in {path} has NaN or Inf inside the real steps of row "
                         f"{bad_rows[0]}.")
    return Padded(inputs.astype(np.float32), lengths.astype(np.int32))


def trained_columns(target):
    """The long-CSV columns a run (its config.json) or an export (its metadata) was trained on,
    or None (a built-in task, or an export from Python)."""
    from seqmodels.export.versioned import latest_version, read_metadata

    path = pathlib.Path(target)
    try:
        if _is_run_dir(path):
            return json.loads((path / "config.json").read_text()).get("columns")
        if path.is_dir() and not (path / "saved_model.pb").is_file():
            path = latest_version(path)
        return read_metadata(path).get("data", {}).get("columns")
    except (OSError, ValueError, KeyError, AttributeError):
        return None


def read_keyed_inputs(values, file, columns=None):
    """`(inputs, ids)`: what `predict` takes, and the key written beside each prediction."""
    from seqmodels.runs.files import Columns

    columns = columns or Columns()
    suffix = pathlib.Path(file).suffix.lower() if file else ""
    if suffix in (".csv", ".jsonl", ".tsv", ".npz"):
        path = pathlib.Path(file)
        if not path.is_file():
            raise FileNotFoundError(f"No such input file: {file!r}.")
        if suffix == ".npz":
            padded = read_npz(path)
            with np.load(path, allow_pickle=False) as archive:
                ids = archive["ids"].tolist() if "ids" in archive.files else \
                    list(range(len(padded)))
            return padded, ids
        if suffix == ".csv":
            from pipelines.tables import read_long_csv
            from seqmodels.runs.files import csv_header

            header = csv_header(path)
            label = columns.label if columns.label in header else None  # ignored when there
            time = columns.time if columns.time in header or columns.time != "time" else None
            id_ = columns.id if columns.id in header or columns.id != "id" else None
            grouped = read_long_csv(path, id=id_, time=time, features=columns.features,
                                    label=label)
            return Padded.of(grouped.X), grouped.ids
        return _keyed_lines(path, suffix)
    inputs = read_inputs(values, file)
    return inputs, (inputs if isinstance(inputs, list) else list(range(len(inputs))))


def _keyed_lines(path, suffix):
    """Inputs of a .tsv (first field) or a .jsonl ("source" or "inputs"), keyed by id / line."""
    from seqmodels.runs.files import numbered_lines

    texts, sequences, ids = [], [], []
    for number, line in numbered_lines(path):
        if suffix == ".tsv":
            texts.append(line.split("\t")[0].strip())
            ids.append(number)
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"{path} line {number} is not JSON ({error.msg}).") from None
        if not isinstance(record, dict) or not ({"source", "inputs"} & set(record)):
            raise ValueError(f'Expected an object with "inputs" or "source" on {path} line '
                             f"{number}. Received: {line[:80]!r}.")
        value = record.get("source", record.get("inputs"))
        ids.append(record.get("id", number))
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            texts.append(" ".join(value))
        else:
            array = np.asarray(value, np.float32)
            sequences.append(array[:, None] if array.ndim == 1 else array)
    if texts and sequences:
        raise ValueError(f"{path} mixes text and numeric inputs: expected one kind.")
    if not ids:
        raise ValueError(f"{path} holds no inputs.")
    return (texts if texts else Padded.of(sequences)), ids


#: `--format` of `seqmodels predict`: how each (id, prediction) is written.
OUTPUT_FORMATS = ("tsv", "csv", "jsonl")


def write_predictions(ids, predictions, output=None, fmt=None) -> None:
    """`id` and `prediction` per line: to `output` (a path) or standard output.

    `fmt` defaults to the output's extension (`.csv`, `.jsonl`), else TSV.
    The file is written whole, then renamed into place.
    """
    if fmt is None:
        suffix = pathlib.Path(output).suffix.lower().lstrip(".") if output else ""
        fmt = suffix if suffix in OUTPUT_FORMATS else "tsv"
    if fmt not in OUTPUT_FORMATS:
        raise ValueError(f"Expected --format in {OUTPUT_FORMATS}. Received: {fmt!r}.")
    buffer = io.StringIO()
    if fmt == "jsonl":
        for key, prediction in zip(ids, predictions):
            buffer.write(json.dumps({"id": key, "prediction": prediction}) + "\n")
    else:
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t",
                            lineterminator="\n")
        if fmt == "csv":
            writer.writerow(["id", "prediction"])
        writer.writerows(zip(ids, predictions))
    if output is None:
        sys.stdout.write(buffer.getvalue())
        return
    path = pathlib.Path(output)
    tmp = path.with_name(f".{path.name}.partial")
    tmp.write_text(buffer.getvalue(), encoding="utf-8")
    tmp.replace(path)


def _is_run_dir(path):
    return (path / "config.json").is_file()


def predict(target, inputs) -> list:
    """One prediction per input, as text: from a run directory or a SavedModel folder.

    `inputs`: strings (or, for word models, whitespace-separated tokens), a
    `Padded` batch (`read_npz`), or a float array `(n, time[, features])` of
    sequences that are all `time` steps long.
    """
    path = pathlib.Path(target)
    if _is_run_dir(path):
        return _from_run(path, inputs)
    return _from_saved_model(path, inputs)


def _numeric(inputs) -> bool:
    return isinstance(inputs, Padded | np.ndarray)


def _check_kind(takes_numbers: bool, inputs, what: str) -> None:
    if takes_numbers and not _numeric(inputs):
        raise ValueError(f"{what} reads float sequences; received text inputs. " + NPZ_HINT)
    if not takes_numbers and _numeric(inputs):
        raise ValueError(f"{what} reads text (one input per line of a text file, or arguments); "
                         "received an array of numbers.")


def _from_run(path, inputs):
    from seqmodels.estimators import input_kinds as kinds
    from seqmodels.runs.run_dir import RunDir

    estimator = RunDir(path).load_estimator()
    _check_kind(estimator.input_kind_ == kinds.FEATURES, inputs, f"The run in {path}")
    if isinstance(inputs, Padded):
        inputs = inputs.sequences()
    elif estimator.input_kind_ == kinds.WORDS:
        inputs = [line.split() for line in inputs]
    predictions = estimator.predict(inputs)
    return [_text(p) for p in predictions]


def _text(prediction):
    """A prediction as text: a label, tokens joined by spaces, numbers as `%.6g` (as served)."""
    if isinstance(prediction, str):
        return prediction
    array = np.asarray(prediction)
    if array.dtype.kind in "fc":
        return " ".join(f"{v:.6g}" for v in array.ravel())
    return " ".join(str(p) for p in array.ravel().tolist())


def _full_length(values) -> Padded:
    """An array `(n, time[, features])` of sequences that are all `time` steps long."""
    values = np.asarray(values, np.float32)
    values = values[..., None] if values.ndim == 2 else values
    return Padded(values, np.full(len(values), values.shape[1], np.int32))


def _load_signature(path):
    """The loaded SavedModel (held: its signatures need its variables) and `serving_default`."""
    import tensorflow as tf

    try:
        loaded = tf.saved_model.load(str(path))
    except Exception as error:  # a corrupt or truncated saved_model.pb, missing variables
        first = (getattr(error, "message", None) or str(error)).strip().splitlines()
        raise ValueError(f"{path} is not a loadable SavedModel ({type(error).__name__}: "
                         f"{first[0] if first else 'no message'}). Export it again.") from None
    if "serving_default" not in loaded.signatures:
        raise ValueError(f"{path} has no serving_default signature (it has "
                         f"{sorted(loaded.signatures)}).")
    return loaded, loaded.signatures["serving_default"]


def _exported_features(path):
    """Features per step that the export's `seqmodels.json` records (None: not recorded;
    the signature's own in-graph check then answers)."""
    from seqmodels.export.versioned import read_metadata

    try:
        return read_metadata(path)["serving"].get("features")
    except (OSError, ValueError, KeyError):
        return None


def _from_saved_model(path, inputs):
    import tensorflow as tf

    from seqmodels.export.versioned import latest_version

    if not path.is_dir():
        raise FileNotFoundError(f"No run directory or SavedModel folder at {str(path)!r}.")
    if not (path / "saved_model.pb").is_file():
        path = latest_version(path)  # a model folder: its highest version
    loaded, signature = _load_signature(path)
    specs = signature.structured_input_signature[1]  # {name: TensorSpec}
    _check_kind("lengths" in specs, inputs, f"The SavedModel {path}")
    if _numeric(inputs):
        padded = inputs if isinstance(inputs, Padded) else _full_length(inputs)
        features = _exported_features(path)
        if features is not None and padded.inputs.shape[-1] != features:
            raise ValueError(f"The SavedModel {path} reads {features} features per step. "
                             f"Received: {padded.inputs.shape[-1]}.")
        out = signature(inputs=tf.constant(padded.inputs), lengths=tf.constant(padded.lengths))
    else:
        out = signature(inputs=tf.constant(list(inputs)))
    for key in ("outputs", "classes"):
        if key in out:
            return [s.decode() for s in out[key].numpy().tolist()]
    return [" ".join(f"{v:.6g}" for v in np.atleast_1d(row)) for row in out["values"].numpy()]


__all__ = ["OUTPUT_FORMATS", "Padded", "predict", "read_inputs", "read_keyed_inputs",
           "read_npz", "write_predictions"]
