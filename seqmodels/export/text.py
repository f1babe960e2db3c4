"""Strings <-> dense ids inside a serving graph, with the over-long input policy.

The vocabularies are `pipelines.Vocabulary` objects (or anything with the
same `encode` / `decode` / `tokens` / `level`); they are passed in by the
caller, so this module does not import `pipelines`.
"""

from __future__ import annotations

import tensorflow as tf

from seqmodels import constants
from seqmodels.targets import decoder_inputs_and_labels

OVERLONG_POLICIES = ("truncate", "error")


def check_length(name: str, value: int | None) -> None:
    """A length limit of an export: a positive integer, or None (no limit)."""
    if value is not None and (not isinstance(value, int) or value < 1):
        raise ValueError(f"Expected `{name}` to be a positive integer or None. "
                         f"Received: {name}={value!r}.")


def check_overlong_policy(policy: str, max_length: int | None) -> None:
    if policy not in OVERLONG_POLICIES:
        raise ValueError(
            f"Expected `overlong` in {OVERLONG_POLICIES}. Received: overlong={policy!r}.")
    check_length("max_input_length", max_length)


def strings_to_ids(vocabulary, texts, *, max_length=None, overlong="truncate"):
    """tf.string `(B,)` -> `(ids int32 (B, S), mask bool (B, S), lengths int32 (B,))`.

    Unknown symbols map to OOV. Rows longer than `max_length` symbols are cut
    to it (`overlong="truncate"`) or fail the call with an InvalidArgumentError
    naming the limit (`"error"`). `S >= 1` even when every text is empty.
    """
    ragged = vocabulary.encode(texts)  # int32 ragged (B, None)
    if max_length is not None:
        if overlong == "error":
            longest = tf.reduce_max(tf.concat([ragged.row_lengths(), [0]], 0))
            tf.debugging.assert_less_equal(
                tf.cast(longest, tf.int64), tf.constant(max_length, tf.int64),
                message=f"An input is longer than max_input_length={max_length} symbols "
                        "(the export's overlong='error' policy); shorten it or re-export "
                        "with overlong='truncate'.")
        ragged = ragged[:, :max_length]
    ids = _dense(ragged)  # (B, S)
    return ids, tf.not_equal(ids, constants.PAD_ID), tf.cast(ragged.row_lengths(), tf.int32)


def _dense(ragged):
    """Ragged ids `(B, None)` -> dense `(B, max(1, longest))`, PAD-filled.

    At least one column, so a batch of empty strings (or no strings at all)
    still runs through the recurrent layers."""
    longest = tf.reduce_max(tf.concat([ragged.row_lengths(), [0]], 0))
    shape = tf.stack([ragged.nrows(), tf.maximum(longest, 1)])
    return ragged.to_tensor(constants.PAD_ID, shape=shape)


def ids_to_strings(vocabulary, ids):
    """int ids `(..., L)` with PAD after END -> tf.string `(...)`; specials removed."""
    shape = tf.shape(ids)
    flat = tf.reshape(ids, [-1, shape[-1]])  # (N, L)
    # Everything from the first END on is dropped (a beam may pad after END).
    ended = tf.cumsum(tf.cast(tf.equal(flat, constants.END_ID), tf.int32), axis=1) > 0
    flat = tf.where(ended, tf.zeros_like(flat), flat)
    return tf.reshape(vocabulary.decode(flat), shape[:-1])


def teacher_forcing_ids(vocabulary, texts):
    """Targets as strings -> `(decoder_inputs (B, T), labels (B, T))`: `<s>`+y and y+`</s>`."""
    decoder_inputs, labels = decoder_inputs_and_labels(vocabulary.encode(texts))  # (B, None)
    return _dense(decoder_inputs), _dense(labels)


__all__ = ["OVERLONG_POLICIES", "check_overlong_policy", "ids_to_strings", "strings_to_ids",
           "teacher_forcing_ids"]
