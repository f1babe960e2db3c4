"""Eager validation of Python sequence data, with errors that name the item.

Everything here runs before any tf.data or TensorFlow work, so a bad item is
reported as `"... at index 7"`, never as a stack trace from inside a graph.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Literal

import numpy as np

from seqmodels.checks import check_choice

TARGET_TASKS = ("classification", "regression", "tagging", "per_step_regression", "seq2seq")
LengthPolicy = Literal["error", "truncate", "drop"]
LENGTH_POLICIES = ("error", "truncate", "drop")


def _as_numeric_array(item, *, name: str, index: int) -> np.ndarray:
    """Converts one item to a numeric array or raises a ValueError naming it."""
    if isinstance(item, str | bytes):
        raise ValueError(
            f"{name}[{index}] is a string ({item!r}); expected a numeric array. "
            "For text, use `pipelines.from_texts` with a Vocabulary."
        )
    try:
        array = np.asarray(item)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"{name}[{index}] is not a rectangular array: {error}") from None
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_
    ):
        raise ValueError(
            f"{name}[{index}] has non-numeric values (dtype {array.dtype}); "
            "expected int or float values."
        )
    return array


def _check_finite(array: np.ndarray, *, name: str, index: int) -> None:
    if np.issubdtype(array.dtype, np.floating) and not np.all(np.isfinite(array)):
        bad = np.argwhere(~np.isfinite(array))[0]
        raise ValueError(
            f"{name}[{index}] contains NaN or inf (first at position {tuple(int(i) for i in bad)})."
        )


def validate_feature_sequences(X: Sequence, *, name: str = "X") -> list[np.ndarray]:
    """Checks a list of float sequences of shape `(time_i, features)`.

    Args:
        X: sequence of array-likes, each `(time_i, features)` with the same
            `features` for all items and `time_i >= 1`.
        name: how the argument is called in error messages.

    Returns:
        A list of float32 arrays `(time_i, features)`.

    Raises:
        ValueError: naming the index and the problem (empty sequence, wrong
            rank, inconsistent feature dimension, NaN/inf, non-numeric).
    """
    _check_is_sequence(X, name)
    arrays, features = [], None
    for i, item in enumerate(X):
        array = _sequence_array(item, "sequences", ("time", "features"), "time steps",
                                name=name, index=i)
        if features is None:
            features = array.shape[1]
        elif array.shape[1] != features:
            raise ValueError(
                f"Inconsistent feature dimension: {name}[{i}] has {array.shape[1]} features, "
                f"expected {features} (the feature dimension of {name}[0])."
            )
        _check_finite(array, name=name, index=i)
        arrays.append(array.astype(np.float32, copy=False))
    return arrays


def validate_token_sequences(X: Sequence, *, name: str = "X") -> list[np.ndarray]:
    """Checks a list of integer token-id sequences, each `(time_i,)` with ids >= 0.

    Returns:
        A list of int32 arrays `(time_i,)`.
    """
    _check_is_sequence(X, name)
    arrays = []
    for i, item in enumerate(X):
        array = _sequence_array(item, "token sequences", ("time",), "tokens",
                                name=name, index=i)
        if not np.issubdtype(array.dtype, np.integer):
            raise ValueError(
                f"{name}[{i}] has dtype {array.dtype}; expected integer token ids. "
                "For string tokens, build a Vocabulary and use `pipelines.from_texts`."
            )
        if array.min() < 0:
            raise ValueError(f"{name}[{i}] has a negative token id ({array.min()}).")
        arrays.append(array.astype(np.int32, copy=False))
    return arrays


def validate_texts(texts: Sequence, *, name: str = "texts") -> list[str]:
    """Checks a list of non-empty strings (or lists of string tokens, joined by spaces)."""
    _check_is_sequence(texts, name)
    out = []
    for i, text in enumerate(texts):
        if isinstance(text, bytes):
            try:
                text = text.decode("utf-8")
            except UnicodeDecodeError as error:
                raise ValueError(
                    f"Expected {name}[{i}] to be UTF-8 text. Received: bytes that are not UTF-8 "
                    f"({error.reason} at byte {error.start}: {text[:20]!r}).") from None
        elif isinstance(text, list | tuple) and all(isinstance(t, str) for t in text):
            if any(not t or " " in t for t in text):
                raise ValueError(f"{name}[{i}] has an empty token or a token with a space.")
            text = " ".join(text)
        if not isinstance(text, str):
            raise ValueError(
                f"{name}[{i}] is a {type(text).__name__}; expected a string or a list of strings."
            )
        if not text.strip():
            raise ValueError(f"{name}[{i}] is an empty sequence (empty string).")
        out.append(text)
    return out


def validate_targets(y: Sequence, lengths: Sequence[int], task: str, *, name: str = "y"):
    """Checks targets against the task and the input lengths.

    Args:
        y: one target per input sequence.
        lengths: the time length of each input sequence.
        task: one of `TARGET_TASKS`. classification: one int class id >= 0 per item.
            regression: one float (or a fixed-size float vector) per item.
            tagging: one int label per time step (length equals the input's).
            per_step_regression: one float (or fixed-size vector) per time step.
            seq2seq: one non-empty integer target sequence of any length.

    Returns:
        A list of arrays (per item) or one array (for per-sequence targets).
    """
    check_choice("task", task, TARGET_TASKS)
    _check_is_sequence(y, name)
    if len(y) != len(lengths):
        raise ValueError(
            f"X and {name} have different lengths: {len(lengths)} sequences and {len(y)} targets."
        )
    if task in ("classification", "regression"):
        return _per_sequence_targets(y, task, name)
    return [_per_step_target(t, n, task, name, i) for i, (t, n) in enumerate(zip(y, lengths))]


def _per_sequence_targets(y, task, name) -> np.ndarray:
    items = [_as_numeric_array(t, name=name, index=i) for i, t in enumerate(y)]
    shapes = {item.shape for item in items}
    if len(shapes) > 1:
        first = items[0].shape
        i = next(i for i, item in enumerate(items) if item.shape != first)
        raise ValueError(
            f"Labels of wrong shape for task {task!r}: {name}[{i}] has shape "
            f"{items[i].shape}, {name}[0] has shape {first}; all must match."
        )
    array = np.stack(items)
    if task == "classification":
        if array.ndim != 1:
            raise ValueError(
                f"Labels of wrong shape for task 'classification': expected one integer "
                f"class id per sequence, received shape {array.shape[1:]} per item. "
                "For one label per time step use task='tagging'."
            )
        _check_class_ids(array, name)
        return array.astype(np.int32)
    for i, item in enumerate(items):
        _check_finite(item.astype(np.float32), name=name, index=i)
    return array.astype(np.float32)


def _per_step_target(t, length, task, name, i) -> np.ndarray:
    array = _as_numeric_array(t, name=name, index=i)
    if task == "seq2seq":
        if array.ndim != 1 or array.shape[0] == 0:
            raise ValueError(
                f"Labels of wrong shape for task 'seq2seq': {name}[{i}] has shape "
                f"{array.shape}; expected a non-empty sequence of token ids (time,)."
            )
        _check_class_ids(array, name, index=i)
        return array.astype(np.int32)
    if array.ndim == 0 or array.shape[0] != length:
        raise ValueError(
            f"Labels of wrong shape for task {task!r}: {name}[{i}] has shape {array.shape}, "
            f"expected one label per time step ({length},) like X[{i}]."
        )
    if task == "tagging":
        if array.ndim != 1:
            raise ValueError(
                f"Labels of wrong shape for task 'tagging': {name}[{i}] has shape "
                f"{array.shape}; expected ({length},) integer labels."
            )
        _check_class_ids(array, name, index=i)
        return array.astype(np.int32)
    _check_finite(array.astype(np.float32), name=name, index=i)
    return array.astype(np.float32)


def _sequence_array(item, what: str, axes: tuple, steps: str, *, name: str,
                    index: int) -> np.ndarray:
    """`item` as a numeric array with one dimension per name in `axes` and at least one
    step; `what` and `steps` name the sequences and their steps in the messages."""
    array = _as_numeric_array(item, name=name, index=index)
    if array.ndim != len(axes):
        shown = "(" + ", ".join(axes) + ("," if len(axes) == 1 else "") + ")"
        raise ValueError(f"Expected {what} of rank {len(axes)} {shown}; received an array of "
                         f"shape {array.shape} at index {index} of {name}.")
    if array.shape[0] == 0:
        raise ValueError(f"{name}[{index}] is an empty sequence (0 {steps}).")
    return array


def _check_class_ids(array: np.ndarray, name: str, index: int | None = None) -> None:
    where = f"{name}[{index}]" if index is not None else name
    if not np.issubdtype(array.dtype, np.integer):
        if np.issubdtype(array.dtype, np.floating) and np.all(array == np.round(array)):
            return
        raise ValueError(f"{where} has dtype {array.dtype}; expected integer class ids.")
    if array.size and array.min() < 0:
        raise ValueError(f"{where} has a negative class id ({array.min()}).")


def _check_is_sequence(X, name: str) -> None:
    if isinstance(X, str | bytes) or not hasattr(X, "__len__"):
        raise ValueError(f"{name} must be a list of sequences; received {type(X).__name__}.")
    if len(X) == 0:
        raise ValueError(f"{name} is empty; expected at least one sequence.")


@dataclasses.dataclass(frozen=True)
class LengthReport:
    """What a `max_length` policy did: how many items it truncated or dropped."""

    max_length: int | None
    policy: str
    truncated: int = 0
    dropped: int = 0
    kept_indices: tuple[int, ...] = ()

    def __str__(self) -> str:
        return (
            f"max_length={self.max_length} policy={self.policy}: "
            f"{self.truncated} truncated, {self.dropped} dropped"
        )


def apply_length_policy(
    sequences: list[np.ndarray],
    targets,
    *,
    max_length: int | None,
    policy: str,
    per_step_targets: bool,
) -> tuple[list[np.ndarray], object, LengthReport]:
    """Applies a `max_length` policy: 'error' (default), 'truncate' or 'drop'.

    Per-step targets (tagging) are truncated together with their inputs;
    per-sequence and seq2seq targets are kept as they are.

    Returns:
        `(sequences, targets, report)`.
    """
    if policy not in LENGTH_POLICIES:
        raise ValueError(f"Unknown length_policy {policy!r}; expected one of {LENGTH_POLICIES}.")
    n = len(sequences)
    if max_length is None:
        return sequences, targets, LengthReport(None, policy, kept_indices=tuple(range(n)))
    if isinstance(max_length, bool) or not isinstance(max_length, int | np.integer) or (
            max_length < 1):
        raise ValueError(
            f"Expected `max_length` to be a positive integer or None. "
            f"Received: max_length={max_length!r}."
        )
    too_long = [i for i, s in enumerate(sequences) if len(s) > max_length]
    if policy == "error" and too_long:
        i = too_long[0]
        raise ValueError(
            f"{len(too_long)} sequence(s) exceed max_length={max_length}; the first is at "
            f"index {i} with length {len(sequences[i])}. Pass length_policy='truncate' or "
            "'drop' to accept them."
        )
    if policy == "drop":
        keep = [i for i in range(n) if len(sequences[i]) <= max_length]
        sequences = [sequences[i] for i in keep]
        if targets is not None:
            targets = (
                targets[keep] if isinstance(targets, np.ndarray) else [targets[i] for i in keep]
            )
        return (
            sequences,
            targets,
            LengthReport(max_length, policy, dropped=len(too_long), kept_indices=tuple(keep)),
        )
    sequences = [s[:max_length] for s in sequences]
    if targets is not None and per_step_targets:
        targets = [t[:max_length] for t in targets]
    return (
        sequences,
        targets,
        LengthReport(max_length, policy, truncated=len(too_long), kept_indices=tuple(range(n))),
    )
