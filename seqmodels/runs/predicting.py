"""`seqmodels predict`: predictions from a run directory or from an exported SavedModel.

Inputs are strings (one per word / line; token-list models read whitespace-
separated tokens) or, for float-sequence models, a `.npy` file holding a
`(n, time, features)` array (or `(n, time)` for univariate series).
"""

from __future__ import annotations

import pathlib

import numpy as np


def read_inputs(values, file):
    """The inputs: `values` given on the command line, or lines / an array from `file`."""
    if file:
        path = pathlib.Path(file)
        if path.suffix == ".npy":
            return np.load(path, allow_pickle=False)
        return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip()]
    if not values:
        raise ValueError("Give inputs on the command line or with --file.")
    return list(values)


def _is_run_dir(path):
    return (path / "config.json").is_file()


def predict(target, inputs) -> list:
    """One prediction per input, as text: from a run directory or a SavedModel folder."""
    path = pathlib.Path(target)
    if _is_run_dir(path):
        return _from_run(path, inputs)
    return _from_saved_model(path, inputs)


def _from_run(path, inputs):
    from seqmodels.estimators import inputs as kinds
    from seqmodels.runs.run_dir import RunDir

    estimator = RunDir(path).load_estimator()
    if not isinstance(inputs, np.ndarray) and estimator.input_kind_ == kinds.WORDS:
        inputs = [line.split() for line in inputs]
    predictions = estimator.predict(inputs)
    return [_text(p) for p in predictions]


def _text(prediction):
    if isinstance(prediction, str):
        return prediction
    if isinstance(prediction, list | np.ndarray) and np.ndim(prediction) == 1:
        return " ".join(str(p) for p in prediction)
    return str(prediction.item() if hasattr(prediction, "item") else prediction)


def _from_saved_model(path, inputs):
    import tensorflow as tf

    from seqmodels.export.versioned import latest_version

    if not (path / "saved_model.pb").is_file():
        path = latest_version(path)  # a model folder: its highest version
    loaded = tf.saved_model.load(str(path))  # held: the signature needs its variables
    signature = loaded.signatures["serving_default"]
    if isinstance(inputs, np.ndarray):
        values = inputs[..., None] if inputs.ndim == 2 else inputs
        lengths = np.full(len(values), values.shape[1], np.int32)
        out = signature(inputs=tf.constant(values, tf.float32), lengths=tf.constant(lengths))
    else:
        out = signature(inputs=tf.constant(list(inputs)))
    for key in ("outputs", "classes"):
        if key in out:
            return [s.decode() for s in out[key].numpy().tolist()]
    return [" ".join(f"{v:.6g}" for v in np.atleast_1d(row)) for row in out["values"].numpy()]


__all__ = ["predict", "read_inputs"]
