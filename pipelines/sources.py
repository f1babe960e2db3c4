"""From Python data to a tf.data.Dataset of variable-length sequences.

Each element is `(x, y)` (or `x` alone when there are no targets), where `x`
is a dict `{"inputs": sequence}` and the sequence has its own length:

    float features  -> float32 `(time_i, features)`
    token ids       -> int32   `(time_i,)`
    texts           -> int32   `(time_i,)` ids from a Vocabulary (in the graph)

Targets by task: classification -> int32 `()`; regression -> float32 `()` or
`(k,)`; tagging -> int32 `(time_i,)`; per_step_regression -> float32
`(time_i,)` or `(time_i, k)`; seq2seq -> int32 `(target_time_i,)`.

Everything is validated eagerly (`pipelines.validation`) before any
TensorFlow work. Nothing is dropped or truncated unless `max_length` is given
with `length_policy="truncate"` or `"drop"`; then a warning states the count
and `return_report=True` also returns the `LengthReport`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import tensorflow as tf

from pipelines.validation import (
    LengthReport,
    apply_length_policy,
    validate_feature_sequences,
    validate_targets,
    validate_texts,
    validate_token_sequences,
)
from pipelines.vocabulary import Vocabulary

_PER_STEP_TASKS = ("tagging", "per_step_regression")


def from_sequences(
    X: Sequence,
    y: Sequence | None = None,
    *,
    task: str = "classification",
    max_length: int | None = None,
    length_policy: str = "error",
    return_report: bool = False,
):
    """Float sequences `(time_i, features)` (+ targets) -> a dataset of sequences.

    Example:
    >>> import numpy as np
    >>> X = [np.zeros((3, 2)), np.ones((5, 2))]
    >>> ds = from_sequences(X, [0, 1])
    >>> [(x["inputs"].shape, int(y)) for x, y in ds.as_numpy_iterator()]
    [((3, 2), 0), ((5, 2), 1)]
    """
    arrays = validate_feature_sequences(X)
    return _build(arrays, y, task, max_length, length_policy, return_report)


def from_token_lists(
    X: Sequence,
    y: Sequence | None = None,
    *,
    task: str = "classification",
    max_length: int | None = None,
    length_policy: str = "error",
    return_report: bool = False,
):
    """Integer token-id sequences `(time_i,)` (+ targets) -> a dataset of sequences.

    Example:
    >>> ds = from_token_lists([[5, 6, 7], [8]], [[5, 6, 7], [9]], task="tagging")
    >>> [y.tolist() for _, y in ds.as_numpy_iterator()]
    [[5, 6, 7], [9]]
    """
    arrays = validate_token_sequences(X)
    return _build(arrays, y, task, max_length, length_policy, return_report)


def from_texts(
    texts: Sequence[str],
    vocabulary: Vocabulary,
    targets: Sequence | None = None,
    *,
    target_vocabulary: Vocabulary | None = None,
    task: str | None = None,
    max_length: int | None = None,
    length_policy: str = "error",
    return_report: bool = False,
):
    """Strings (char- or word-level, by the vocabulary) -> a dataset of id sequences.

    Targets may be class ids / per-token ids (`task` given), or strings
    encoded with `target_vocabulary` (task "seq2seq" by default).

    Example:
    >>> v = Vocabulary.from_corpus(["abc", "cab"], level="char")
    >>> ds = from_texts(["ab", "ba"], v, ["abc", "c"], target_vocabulary=v)
    >>> [(x["inputs"].tolist(), y.tolist()) for x, y in ds.as_numpy_iterator()]
    [([4, 5], [4, 5, 6]), ([5, 4], [6])]
    """
    texts = validate_texts(texts)
    ids = vocabulary.encode_python(texts)
    _check_tokens_not_empty(ids, texts, "texts")
    if targets is not None and target_vocabulary is not None:
        target_texts = validate_texts(targets, name="targets")
        targets = target_vocabulary.encode_python(target_texts)
        _check_tokens_not_empty(targets, target_texts, "targets")
        task = task or "seq2seq"
    return _build(ids, targets, task or "classification", max_length, length_policy, return_report)


def _check_tokens_not_empty(ids, texts, name):
    for i, row in enumerate(ids):
        if len(row) == 0:
            raise ValueError(f"{name}[{i}] ({texts[i]!r}) has no tokens after splitting.")


def _build(arrays, y, task, max_length, length_policy, return_report):
    targets = None if y is None else validate_targets(y, [len(a) for a in arrays], task)
    arrays, targets, report = apply_length_policy(
        arrays,
        targets,
        max_length=max_length,
        policy=length_policy,
        per_step_targets=task in _PER_STEP_TASKS,
    )
    if report.truncated or report.dropped:
        warnings.warn(f"Length policy applied: {report}.", stacklevel=3)
    if not arrays:
        raise ValueError(f"No sequence left after the length policy ({report}).")
    x = {"inputs": ragged_dataset(arrays)}
    if targets is None:
        dataset = x["inputs"].map(lambda s: {"inputs": s})
    elif isinstance(targets, np.ndarray):
        dataset = tf.data.Dataset.zip((x, tf.data.Dataset.from_tensor_slices(targets)))
    else:
        dataset = tf.data.Dataset.zip((x, ragged_dataset(targets)))
    return (dataset, report) if return_report else dataset


def ragged_dataset(arrays: list[np.ndarray]) -> tf.data.Dataset:
    """A list of arrays `(time_i, ...)` -> a dataset whose elements are dense `(time_i, ...)`.

    Built from one RaggedTensor (values + row lengths: no Python generator), then
    an identity map so that `padded_batch` accepts the elements.
    """
    lengths = np.array([len(a) for a in arrays], dtype=np.int64)
    ragged = tf.RaggedTensor.from_row_lengths(np.concatenate(arrays, axis=0), lengths)
    return tf.data.Dataset.from_tensor_slices(ragged).map(tf.identity)


__all__ = ["LengthReport", "from_sequences", "from_texts", "from_token_lists", "ragged_dataset"]
