"""The tasks `seqmodels train TASK` knows: a dataset of #2, its splits as Python data, a
default estimator, and how it is scored.

    japanese_vowels   speaker of a vowel utterance   SequenceClassifier  accuracy
    turkish_pos       UPOS tag of each word          SequenceTagger      token accuracy
    cmudict_g2p       pronunciation of a word        SequenceTransducer  WER / PER
    adding_problem    sum of two marked values       SequenceRegressor   MSE (baseline 0.167)

Each default but `cmudict_g2p`'s is a small model that trains in minutes on 2 CPU cores
(the quality benchmarks, `benchmarks/quality/`, hold the tuned ones); `cmudict_g2p`'s is the
G2P recipe itself, an hour of training. `file_task`
makes a task of a user's own files (`seqmodels train --task KIND --train FILE`).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable

import numpy as np

from seqmodels.constants import DEFAULT_BEAM_WIDTH


@dataclasses.dataclass(frozen=True)
class Task:
    """One trainable task.

    Attributes:
        name: what `seqmodels train` takes.
        dataset: the `pipelines.datasets` name (with config) it reads.
        estimator: class name in `seqmodels.estimators`.
        defaults: the estimator's hyperparameters unless overridden.
        read: `(split, data_dir, limit) -> (X, y)` Python data of one split.
        score: `(estimator, X, y, references=None) -> {metric: value}` on held-out data.
        references: `(split, data_dir, limit) -> [[output, ...], ...]` every correct
            output of each example `read` gives, for a task where an example has
            several (G2P: every pronunciation of a word); None when `y` is the only one.
        validation: the split used for validation, or None (then 10% of train).
        labelled_by_class: colour hidden-state trajectories by `y` (classifiers).
        files: for a task of the user's files, `{split: path}` (train, and
            validation / test when given); None for the built-in tasks.
        columns: the long-CSV column names of a file task (`files.Columns`).
    """

    name: str
    dataset: str
    estimator: str
    defaults: dict
    read: Callable
    score: Callable
    validation: str | None = "validation"
    labelled_by_class: bool = False
    files: dict | None = None
    columns: dict | None = None
    references: Callable | None = None

    def has_split(self, split: str) -> bool:
        return self.files is None or split in self.files

    def read_references(self, split, data_dir=None, limit=None):
        """Every correct output of each example of `split` (for `score`), or None."""
        return self.references(split, data_dir, limit) if self.references else None

    def make_estimator(self, **overrides):
        from seqmodels import estimators

        cls = getattr(estimators, self.estimator)
        params = {**self.defaults, **overrides}
        unknown = sorted(set(params) - set(cls().get_params()))
        if unknown:
            raise ValueError(f"Unknown hyperparameters for {self.estimator}: {unknown}. "
                             f"Expected some of {sorted(cls().get_params())}.")
        return cls(**params)


def _examples(dataset, split, data_dir, limit):
    from pipelines.datasets import load

    for i, example in enumerate(load(dataset, split, data_dir).as_numpy_iterator()):
        if limit and i >= limit:
            return
        yield example


def _read_vowels(split, data_dir=None, limit=None):
    examples = list(_examples("japanese_vowels", split, data_dir, limit))
    return [e["features"] for e in examples], np.array([int(e["label"]) + 1 for e in examples])


def _read_turkish(split, data_dir=None, limit=None):
    X, y = [], []
    for e in _examples("turkish_pos", split, data_dir, limit):
        X.append([t.decode() for t in e["tokens"]])
        y.append([t.decode() for t in e["upos"]])
    return X, y


@functools.lru_cache(maxsize=2)
def _g2p_rows(split, data_dir=None, limit=None):
    """`(word, target pronunciation, every pronunciation)` rows of `limit` words at most.

    The train split holds one row per (word, pronunciation) pair, so the model
    learns every listed pronunciation; the other splits hold each word once,
    its first pronunciation as target (an output matching any is correct).
    Kept for the last two splits read: scoring reads a split's targets and
    then its references, from one pass over the dataset.
    """
    rows = []
    for e in _examples("cmudict_g2p", split, data_dir, limit):
        word, prons = e["word"].decode(), [p.decode().split() for p in e["pronunciations"]]
        rows.extend((word, pron, prons) for pron in (prons if split == "train" else prons[:1]))
    return tuple(rows)


def _read_g2p(split, data_dir=None, limit=None):
    """Words and target pronunciations (phoneme lists)."""
    rows = _g2p_rows(split, data_dir, limit)
    return [word for word, _, _ in rows], [list(pron) for _, pron, _ in rows]


def _g2p_references(split, data_dir=None, limit=None):
    """Every pronunciation of each row of `_read_g2p`, for WER / PER."""
    return [[list(p) for p in prons] for _, _, prons in _g2p_rows(split, data_dir, limit)]


def _read_adding(split, data_dir=None, limit=None):
    examples = list(_examples("adding_problem/T50", split, data_dir, limit))
    return np.stack([e["inputs"] for e in examples]), np.array([e["target"] for e in examples])


def _accuracy(estimator, X, y, references=None):
    return {"accuracy": float(estimator.score(X, y))}


def _error_rates(estimator, X, y, references=None):
    from seqmodels.metrics import error_rates

    references = [[t] for t in y] if references is None else references
    rates = error_rates(estimator.predict(X), references)
    return {"wer": rates["wer"], "per": rates["per"], "words": rates["words"]}


def _mse(estimator, X, y, references=None):
    error = estimator.predict(X) - np.asarray(y)
    return {"mse": float(np.mean(error ** 2)), "baseline_mse": float(np.var(y))}


# The CMUdict G2P recipe (docs/benchmarks.md, "The G2P recipe from the CLI"): a 2-layer
# BiLSTM 256 encoder, an LSTM 256 decoder with Luong attention, label smoothing 0.1, the
# learning rate halved after epochs 7 and 12, and the mean weights of the last 3 of 16
# epochs; about an hour on 2 CPU cores. `seqmodels demo` trains its budgeted version
# (seqmodels/runs/demo.py).
G2P_RECIPE = {"cell": "lstm", "units": 256, "num_layers": 2, "embedding_dim": 128,
              "attention": "luong", "dropout": 0.2, "epochs": 16, "batch_size": 256,
              "learning_rate": 2e-3, "learning_rate_halvings": (7, 12), "label_smoothing": 0.1,
              "average_epochs": 3, "beam_width": DEFAULT_BEAM_WIDTH}

TASKS = {
    task.name: task
    for task in (
        Task("japanese_vowels", "japanese_vowels", "SequenceClassifier",
             {"cell": "gru", "units": 64, "bidirectional": True, "pooling": "mean",
              "dropout": 0.2, "epochs": 40, "batch_size": 32, "learning_rate": 3e-3,
              "scale_inputs": True},
             _read_vowels, _accuracy, validation=None, labelled_by_class=True),
        Task("turkish_pos", "turkish_pos", "SequenceTagger",
             {"cell": "gru", "units": 64, "embedding_dim": 64, "bidirectional": True,
              "dropout": 0.2, "epochs": 8, "batch_size": 32, "learning_rate": 3e-3},
             _read_turkish, _accuracy),
        Task("cmudict_g2p", "cmudict_g2p", "SequenceTransducer", G2P_RECIPE,
             _read_g2p, _error_rates, references=_g2p_references),
        Task("adding_problem", "adding_problem/T50", "SequenceRegressor",
             {"cell": "gru", "units": 32, "bidirectional": False, "pooling": "last",
              "epochs": 10, "batch_size": 64, "learning_rate": 3e-3},
             _read_adding, _mse, validation=None),
    )
}


def get_task(name: str) -> Task:
    if name not in TASKS:
        raise ValueError(f"Unknown task {name!r}; expected one of {sorted(TASKS)}.")
    return TASKS[name]


def _exact_and_error_rates(estimator, X, y, references=None):
    from seqmodels.metrics import error_rates

    predicted = estimator.predict(X)
    rates = error_rates([list(p) for p in predicted], [[list(t)] for t in y])
    return {"exact_match": 1.0 - rates["wer"], "token_error_rate": rates["per"],
            "sequences": rates["words"]}


def _forecast_errors(estimator, X, y=None, references=None):
    """MSE of every window of the test series, and of repeating the window's last value."""
    from pipelines import forecast_windows

    errors, naive = [], []
    for series in X:
        inputs, targets, _ = forecast_windows(series, input_width=estimator.window,
                                              horizon=estimator.horizon)
        predicted = np.asarray(estimator.predict(list(inputs))).reshape(targets.shape)
        errors.append((predicted - targets) ** 2)
        naive.append((inputs[:, -1:, :] - targets) ** 2)
    return {"mse": float(np.mean(np.concatenate(errors))),
            "naive_mse": float(np.mean(np.concatenate(naive))),
            "windows": int(sum(len(e) for e in errors))}


_FILE_SCORES = {"classify": _accuracy, "regress": _mse, "tag": _accuracy,
                "transduce": _exact_and_error_rates, "forecast": _forecast_errors}


def file_task(kind: str, files: dict, columns=None) -> Task:
    """A task of the user's files: `kind` in `files.KINDS`, `files` `{split: path}`.

    The estimator's own defaults apply (override them with `--config` or flags);
    without a validation file 10% of the training sequences are held out. A
    long CSV's feature columns are fixed by name from the training file's header
    (every split, and later predictions, read those columns in that order).
    """
    from seqmodels.runs import files as formats

    formats.check_kind(kind)
    if "train" not in files:
        raise ValueError("Expected a training file (--train FILE) for --task.")
    files = {split: str(formats.check_file(path, f"--{_FLAG[split]}"))
             for split, path in files.items() if path is not None}
    given = {k: v for k, v in (columns or {}).items() if v is not None}
    columns = formats.resolved_columns(files["train"], formats.Columns(
        **{**given, "features": _tuple(given.get("features"))}))

    def read(split, data_dir=None, limit=None):
        grouped = formats.read_examples(files[split], kind, columns)
        X, y = grouped.X, grouped.y
        if limit:
            X, y = X[:limit], None if y is None else y[:limit]
        return X, y

    return Task(kind, files["train"], formats.KINDS[kind], {}, read, _FILE_SCORES[kind],
                validation="validation" if "validation" in files else None,
                labelled_by_class=kind == "classify", files=files, columns=columns.as_dict())


_FLAG = {"train": "train", "validation": "valid", "test": "test"}


def _tuple(values):
    return None if values is None else tuple(values)


def task_of(config: dict) -> Task:
    """The task a run's `config.json` names: a built-in one, or one of the user's files."""
    if config.get("files"):
        return file_task(config["task"], config["files"], config.get("columns"))
    return get_task(config["task"])


__all__ = ["G2P_RECIPE", "TASKS", "Task", "file_task", "get_task", "task_of"]
