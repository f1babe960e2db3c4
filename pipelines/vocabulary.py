"""Vocabulary: strings <-> ids with fixed special ids, usable inside a graph.

Built on two `keras.layers.StringLookup` tables (forward and inverted), so
encoding and decoding are TensorFlow ops that run in `tf.data`, in a model,
and in an exported SavedModel. The id layout is fixed by `seqmodels.constants`:
0 = pad, 1 = OOV, 2 = start, 3 = end, then the real tokens by decreasing
frequency (ties broken alphabetically, so a build is deterministic).

The Vocabulary is a registered Keras layer: a model that holds one saves and
loads it in the `.keras` format; `save()` / `load()` also write it alone as JSON.
"""

from __future__ import annotations

import collections
import json
import os
from collections.abc import Iterable, Sequence

import keras
import numpy as np
import tensorflow as tf

from seqmodels import constants
from seqmodels.checks import check_choice

LEVELS = ("char", "word")
_FORMAT_VERSION = 1


@keras.saving.register_keras_serializable(package="seqmodels")
class Vocabulary(keras.layers.Layer):
    """A char- or word-level vocabulary with fixed special ids.

    Args:
        tokens: the real tokens, in id order (ids start at
            `constants.NUM_SPECIAL_TOKENS`). Unique, non-empty, no special token;
            word-level tokens contain no whitespace.
        level: "char" (a string is split into Unicode characters) or "word"
            (split on whitespace).

    Call arguments:
        inputs: tf.string tensor `(batch,)`.

    Returns:
        int32 RaggedTensor `(batch, None)` of ids (same as `encode`).

    Example:
    >>> v = Vocabulary.from_corpus(["hello", "world"], level="char")
    >>> v.encode(["low"]).to_list()
    [[4, 5, 10]]
    >>> v.decode([[4, 5, 10, 3, 0]]).numpy().tolist()
    [b'low']
    """

    def __init__(self, tokens: Sequence[str], level: str = "char", **kwargs):
        kwargs.setdefault("trainable", False)
        super().__init__(**kwargs)
        check_choice("level", level, LEVELS)
        self.tokens = [str(t) for t in tokens]
        self.level = level
        _check_tokens(self.tokens, level)
        table = [constants.START_TOKEN, constants.END_TOKEN, *self.tokens]
        common = dict(
            vocabulary=table,
            mask_token=constants.PAD_TOKEN,
            oov_token=constants.OOV_TOKEN,
            num_oov_indices=1,
        )
        self._to_ids = keras.layers.StringLookup(output_mode="int", **common)
        self._to_tokens = keras.layers.StringLookup(invert=True, **common)

    @classmethod
    def from_corpus(
        cls,
        texts: Iterable[str],
        level: str = "char",
        *,
        min_count: int = 1,
        max_size: int | None = None,
    ) -> Vocabulary:
        """Counts tokens in `texts` and keeps those seen at least `min_count` times.

        Args:
            texts: strings (or lists of word tokens).
            level: "char" or "word".
            min_count: rarer tokens map to OOV.
            max_size: keep at most this many real tokens (most frequent first).
        """
        check_choice("level", level, LEVELS)
        for name, value, allowed_none in (("min_count", min_count, False),
                                          ("max_size", max_size, True)):
            if value is None and allowed_none:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"Expected `{name}` to be an integer >= 1"
                                 f"{' or None' if allowed_none else ''}. Received: "
                                 f"{name}={value!r}.")
        counts = collections.Counter()
        for text in texts:
            counts.update(split_python(text, level))
        for special in constants.SPECIAL_TOKENS:
            counts.pop(special, None)
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        tokens = [t for t, c in ranked if c >= min_count][:max_size]
        return cls(tokens, level=level)

    @property
    def size(self) -> int:
        """Number of ids, special ones included."""
        return constants.NUM_SPECIAL_TOKENS + len(self.tokens)

    def __len__(self) -> int:
        return self.size

    def split(self, texts) -> tf.RaggedTensor:
        """tf.string `(batch,)` -> ragged tf.string `(batch, None)` tokens."""
        texts = tf.convert_to_tensor(texts, dtype=tf.string)
        if self.level == "char":
            return tf.strings.unicode_split(texts, "UTF-8")
        return tf.strings.split(texts)

    def encode(self, texts) -> tf.RaggedTensor:
        """tf.string `(batch,)` -> int32 ragged `(batch, None)` ids; unknown tokens -> OOV."""
        tokens = self.split(texts)
        return tf.cast(tokens.with_flat_values(self._to_ids(tokens.flat_values)), tf.int32)

    def build(self, input_shape=None):
        self.built = True  # the lookup tables are made in __init__; no weights to create

    def call(self, inputs):
        return self.encode(inputs)

    def decode(self, ids, *, strip_special: bool = True) -> tf.Tensor:
        """int ids `(batch, time)` (dense or ragged) -> tf.string `(batch,)`.

        With `strip_special`, pad, start and end ids are removed (OOV shows as
        "[UNK]"). Characters are joined with "", words with " ".
        """
        if isinstance(ids, list):
            ids = tf.ragged.constant(ids)
        elif not isinstance(ids, tf.RaggedTensor):
            ids = tf.RaggedTensor.from_tensor(tf.convert_to_tensor(ids))
        ids = tf.cast(ids, tf.int64)
        self._check_ids(ids.flat_values)
        if strip_special:
            keep = (
                (ids != constants.PAD_ID) & (ids != constants.START_ID) & (ids != constants.END_ID)
            )
            ids = tf.ragged.boolean_mask(ids, keep)
        tokens = ids.with_flat_values(self._to_tokens(ids.flat_values))
        separator = "" if self.level == "char" else " "
        return tf.strings.reduce_join(tokens, axis=-1, separator=separator)

    def _check_ids(self, flat):
        """Ids outside `[0, size)` name no token: refused (ValueError eagerly, else in-graph)."""
        message = f"Expected ids in [0, {self.size}) (this vocabulary's size)."
        if tf.executing_eagerly():
            values = flat.numpy()
            bad = values[(values < 0) | (values >= self.size)]
            if bad.size:
                raise ValueError(f"{message} Received: id {int(bad[0])}.")
            return
        # tf.function runs stateful ops such as these asserts without a control dependency.
        tf.debugging.assert_non_negative(flat, message=message)
        tf.debugging.assert_less(flat, tf.constant(self.size, tf.int64), message=message)

    def encode_python(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Eager convenience: strings -> list of int32 arrays `(time_i,)`."""
        ragged = self.encode(list(texts))
        return [np.asarray(row, dtype=np.int32) for row in ragged.to_list()]

    def decode_python(self, ids) -> list[str]:
        """Eager convenience: id sequences -> Python strings."""
        return [s.decode("utf-8") for s in self.decode(ids).numpy().tolist()]

    def id_to_token(self, index: int) -> str:
        """The string of one id (special ids give their special strings)."""
        table = [*constants.SPECIAL_TOKENS, *self.tokens]
        if not 0 <= index < len(table):
            raise ValueError(f"Id {index} is out of range for a vocabulary of size {len(table)}.")
        return table[index]

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(tokens=list(self.tokens), level=self.level)
        return config

    def save(self, path: str | os.PathLike) -> None:
        """Writes the vocabulary alone as JSON (atomically: a temporary file, then rename)."""
        payload = {"format": _FORMAT_VERSION, "level": self.level, "tokens": self.tokens}
        tmp = f"{os.fspath(path)}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(payload, f, ensure_ascii=False)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str | os.PathLike) -> Vocabulary:
        """Reads a vocabulary written by `save()`."""
        with open(path, encoding="utf-8") as f:
            payload = json.load(f)
        if payload.get("format") != _FORMAT_VERSION:
            raise ValueError(
                f"{path} is not a seqmodels vocabulary file of format {_FORMAT_VERSION}; "
                f"received format={payload.get('format')!r}."
            )
        return cls(payload["tokens"], level=payload["level"])


def split_python(text, level: str) -> list[str]:
    """The Python twin of `Vocabulary.split`, used when counting tokens."""
    if isinstance(text, list | tuple):
        return [str(t) for t in text]
    return list(text) if level == "char" else text.split()


def _check_tokens(tokens: list[str], level: str) -> None:
    seen = set()
    for i, token in enumerate(tokens):
        if not token:
            raise ValueError(f"tokens[{i}] is empty; the empty string is the padding token.")
        if token in constants.SPECIAL_TOKENS:
            raise ValueError(f"tokens[{i}]={token!r} is a special token; it has a fixed id.")
        if level == "word" and any(c.isspace() for c in token):
            raise ValueError(f"tokens[{i}]={token!r} contains whitespace; not a word token.")
        if token in seen:
            raise ValueError(f"tokens[{i}]={token!r} is a duplicate.")
        seen.add(token)
