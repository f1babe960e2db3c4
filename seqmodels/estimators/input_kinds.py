"""What the estimators accept as X (and as sequence targets), read into one of three kinds.

    features   float arrays (time_i, features): a list of them; a 3-D array
               (n, time, features); a list of 1-D arrays (univariate series);
               or a 2-D array (n, time) of univariate series of equal length
               (aeon's / sktime's layout)
    chars      strings: each character is a step
    words      lists of string tokens: each token is a step

Token kinds go through a `pipelines.Vocabulary` learned at `fit` (unknown
tokens at predict map to OOV). Every check names the offending item and runs
before any training.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

FEATURES, CHARS, WORDS = "features", "chars", "words"


def kind_of(X, name="X") -> str:
    """The kind of `X` (see the module docstring), from its type and first item."""
    if type(X).__module__.startswith("pandas"):
        raise ValueError(
            f"Expected {name} as a list of sequences. Received: a pandas {type(X).__name__} "
            f"of shape {getattr(X, 'shape', '?')}, which would be read one row per sequence. "
            "For a long table (one row per step), group it first: "
            "X, y, ids = pipelines.from_dataframe(df, id=..., time=..., label=...).")
    if sparse.issparse(X):
        raise ValueError(f"Sparse input is not supported: pass {name} as dense sequences.")
    X = _as_array_if_array_like(X)
    if isinstance(X, np.ndarray) and X.dtype != object:
        if X.dtype.kind == "c":
            raise ValueError(f"Complex data not supported: {name} has dtype {X.dtype}.")
        if X.ndim in (2, 3) and X.dtype.kind in "fiub":
            return FEATURES
        hint = " Reshape your data: one row per sequence." if X.ndim == 1 else ""
        raise ValueError(
            f"Expected {name} as a 2-D (n, time) or 3-D (n, time, features) numeric array, or "
            f"a list of sequences. Received: an array of shape {X.shape}, dtype {X.dtype}."
            + hint)
    if X is None or isinstance(X, str | bytes) or not hasattr(X, "__len__"):
        raise ValueError(f"Expected {name} as a list of sequences. Received: "
                         f"{type(X).__name__}.")
    if len(X) == 0:
        raise ValueError(f"{name} is empty: expected at least one sequence.")
    first = X[0]
    if isinstance(first, str | bytes):
        return CHARS
    if isinstance(first, list | tuple) and first and isinstance(first[0], str):
        return WORDS
    return FEATURES


def feature_arrays(X, name="X") -> list[np.ndarray]:
    """Float32 arrays `(time_i, features)`; 1-D items (and rows of a 2-D array) are univariate."""
    from pipelines.validation import validate_feature_sequences

    if isinstance(X, np.ndarray) and X.dtype == object and X.ndim in (2, 3):
        try:  # an object array of numbers (not of ragged rows)
            X = X.astype(np.float64)
        except (TypeError, ValueError):
            pass
    X = _as_array_if_array_like(X)
    if isinstance(X, np.ndarray) and X.ndim == 2:
        X = X[:, :, None]
    items = [_univariate(item) for item in X]
    return validate_feature_sequences(items, name=name)


def _as_array_if_array_like(X):
    """Objects that only offer `__array__` (not lists, not arrays) as a NumPy array."""
    if hasattr(X, "__array__") and not isinstance(X, list | tuple | np.ndarray):
        return np.asarray(X)
    return X


def _univariate(item):
    """A 1-D numeric item as `(time, 1)`; anything else unchanged (validated later)."""
    if isinstance(item, str | bytes):
        return item
    try:
        array = np.asarray(item)
    except ValueError:
        return item
    return array[:, None] if array.ndim == 1 and array.dtype.kind in "fiub" else item


def texts(X, kind, name="X") -> list[str]:
    """Strings the Vocabulary splits back into the same steps (words joined by spaces)."""
    from pipelines.validation import validate_texts

    for i, item in enumerate(X):
        expected = (str, bytes) if kind == CHARS else (list, tuple)
        if not isinstance(item, expected):
            raise ValueError(
                f"{name}[{i}] is a {type(item).__name__}, but {name}[0] made {name} a list of "
                f"{'strings' if kind == CHARS else 'token lists'}: every item must be one.")
        if kind == WORDS and any(not isinstance(t, str) or any(c.isspace() for c in t)
                                 for t in item):
            raise ValueError(f"{name}[{i}] has a token that is not a string or holds "
                             "whitespace; word tokens are strings without spaces.")
    return validate_texts(X, name=name)


def learn_vocabulary(strings, kind):
    """The Vocabulary of validated `texts(...)` (char or word level, by `kind`)."""
    from pipelines import Vocabulary

    return Vocabulary.from_corpus(strings, level="char" if kind == CHARS else "word")


KIND_NAMES = {FEATURES: "numeric sequences", CHARS: "strings", WORDS: "token lists"}

__all__ = ["CHARS", "FEATURES", "KIND_NAMES", "WORDS", "feature_arrays", "kind_of",
           "learn_vocabulary", "texts"]
