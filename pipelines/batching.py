"""Batching: variable-length elements -> dense padded batches with explicit masks.

Every transformation here takes unbatched elements `(x, y)` or `x` (as made
by `pipelines.sources`), where `x` is a dict of named tensors and any tensor
whose first dimension is unknown is a *sequence*. It returns batches

    x:              dict of dense tensors, sequences padded with 0 to the batch
                    width, plus `<name>_mask`: bool `(batch, time)` for every
                    sequence input `<name>`
    y:              dense targets (per-step targets padded with 0)
    sample_weight:  float32 `(batch, time)`, 1.0 on real steps and 0.0 on padding,
                    present only when `y` is a sequence

ready for `model.fit(dataset)` (Keras unpacks `(x, y, sample_weight)`).

Four strategies, each used as `dataset.apply(...)`:

    pad_to_batch_max(batch_size)           pad each batch to its longest element
    pad_to_length(batch_size, length)      pad every batch to one fixed length
    bucket_by_length(batch_size)           group similar lengths (boundaries chosen
                                           automatically from the length distribution)
    batch_by_token_budget(max_tokens)      as bucketing, but each bucket's batch size
                                           keeps padded tokens per batch <= max_tokens

An element's *length* is the longest of its sequence tensors (inputs and, for
seq2seq, decoder inputs and labels), so a bucket bound holds for all of them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np
import tensorflow as tf

from seqmodels.checks import check_positive_int, check_rate
from seqmodels.constants import MASK_SUFFIX

Transformation = Callable[[tf.data.Dataset], tf.data.Dataset]

_LENGTH_SUFFIX = "_length"


# --------------------------------------------------------------------------- #
# Element structure helpers
# --------------------------------------------------------------------------- #
def _is_sequence(spec: tf.TensorSpec) -> bool:
    return spec.shape.rank is not None and spec.shape.rank >= 1 and spec.shape[0] is None


def _split_element(spec):
    """Returns (x_spec, y_spec or None) for an element spec `(x, y)` or `x`."""
    if isinstance(spec, tuple):
        if len(spec) != 2 or not isinstance(spec[0], dict):
            raise ValueError(
                "Expected elements (x, y) with x a dict of named tensors; received an element "
                f"spec {spec}. Build datasets with pipelines.from_sequences / from_texts."
            )
        return spec[0], spec[1]
    if not isinstance(spec, dict):
        raise ValueError(
            f"Expected elements (x, y) or x, with x a dict of named tensors; received {spec}."
        )
    return spec, None


def _sequence_keys(x_spec: dict) -> list[str]:
    return [k for k, s in x_spec.items() if _is_sequence(s)]


@dataclasses.dataclass(frozen=True)
class _Layout:
    """Which parts of an element `(x, y)` or `x` are sequences."""

    keys: tuple[str, ...]  # sequence inputs in x
    has_y: bool
    y_is_seq: bool

    @classmethod
    def of(cls, spec) -> _Layout:
        x_spec, y_spec = _split_element(spec)
        layout = cls(
            keys=tuple(_sequence_keys(x_spec)),
            has_y=y_spec is not None,
            y_is_seq=y_spec is not None and _is_sequence(y_spec),
        )
        if not layout.keys and not layout.y_is_seq:
            raise ValueError(f"No variable-length sequence found in the element spec {spec}.")
        return layout


def element_length_fn(spec) -> Callable:
    """A function element -> int32 length: the longest sequence tensor in the element."""
    layout = _Layout.of(spec)

    def length(*element):
        lengths = [tf.shape(element[0][k])[0] for k in layout.keys]
        if layout.y_is_seq:
            lengths.append(tf.shape(element[1])[0])
        return tf.reduce_max(tf.stack(lengths))

    return length


def _attach_lengths(spec, max_length: int | None = None) -> Callable:
    """Map fn: adds `<name>_length` per sequence input; pairs a sequence y with its length.

    With `max_length`, an element longer than it fails with a message naming both.
    """
    layout, length_of = _Layout.of(spec), element_length_fn(spec)

    def attach(*element):
        if max_length is not None:
            tf.debugging.assert_less_equal(
                length_of(*element),
                max_length,
                message=f"An element is longer than the fixed batch length {max_length}; "
                "filter or truncate sequences first (from_sequences(max_length=...)).",
            )
        x = dict(element[0])
        for k in layout.keys:
            x[k + _LENGTH_SUFFIX] = tf.shape(x[k])[0]
        if not layout.has_y:
            return x
        y = element[1]
        return (x, (y, tf.shape(y)[0])) if layout.y_is_seq else (x, y)

    return attach


def _attached_length_fn(spec) -> Callable:
    """Like `element_length_fn`, on elements that went through `_attach_lengths`."""
    layout = _Layout.of(spec)

    def length(*element):
        lengths = [element[0][k + _LENGTH_SUFFIX] for k in layout.keys]
        if layout.y_is_seq:
            lengths.append(element[1][1])
        return tf.reduce_max(tf.stack(lengths))

    return length


def _lengths_to_masks(spec) -> Callable:
    """Map fn on padded batches: `<name>_length` -> `<name>_mask`; sequence y -> (y, weights)."""
    layout = _Layout.of(spec)

    def to_masks(*batch):
        x = dict(batch[0])
        for k in layout.keys:
            lengths = x.pop(k + _LENGTH_SUFFIX)
            x[k + MASK_SUFFIX] = tf.sequence_mask(lengths, tf.shape(x[k])[1])
        if not layout.has_y:
            return x
        if not layout.y_is_seq:
            return x, batch[1]
        y, lengths = batch[1]
        weights = tf.sequence_mask(lengths, tf.shape(y)[1], dtype=tf.float32)
        return x, y, weights

    return to_masks


def _finish(
    dataset: tf.data.Dataset, spec, batch: Transformation, max_length: int | None = None
) -> tf.data.Dataset:
    with_lengths = dataset.map(
        _attach_lengths(spec, max_length), num_parallel_calls=tf.data.AUTOTUNE
    )
    return with_lengths.apply(batch).map(
        _lengths_to_masks(spec), num_parallel_calls=tf.data.AUTOTUNE
    )


# --------------------------------------------------------------------------- #
# Strategies
# --------------------------------------------------------------------------- #
def pad_to_batch_max(batch_size: int, *, drop_remainder: bool = False) -> Transformation:
    """Pads each batch to its longest element.

    Example:
    >>> import numpy as np
    >>> from pipelines.sources import from_sequences
    >>> ds = from_sequences([np.ones((2, 1)), np.ones((4, 1))], [0, 1])
    >>> x, y = next(iter(ds.apply(pad_to_batch_max(2))))
    >>> x["inputs"].shape, x["inputs_mask"].numpy().sum(axis=1).tolist()
    (TensorShape([2, 4, 1]), [2, 4])
    """
    check_positive_int("batch_size", batch_size)

    def apply(dataset: tf.data.Dataset) -> tf.data.Dataset:
        def batch(ds):
            return ds.padded_batch(batch_size, drop_remainder=drop_remainder)

        return _finish(dataset, dataset.element_spec, batch)

    return apply


def pad_to_length(batch_size: int, length: int, *, drop_remainder: bool = False) -> Transformation:
    """Pads every batch to one fixed time length (e.g. the global maximum).

    An element longer than `length` fails at iteration time with a message
    naming the length; filter or truncate first (`from_sequences(max_length=...)`).

    Example:
    >>> import numpy as np
    >>> from pipelines.sources import from_sequences
    >>> ds = from_sequences([np.ones((2, 1))], [0]).apply(pad_to_length(1, 5))
    >>> next(iter(ds))[0]["inputs"].shape
    TensorShape([1, 5, 1])
    """
    check_positive_int("batch_size", batch_size)
    check_positive_int("length", length)

    def apply(dataset: tf.data.Dataset) -> tf.data.Dataset:
        spec = dataset.element_spec

        def fixed(s):
            return tf.TensorShape([length, *s.shape[1:]]) if _is_sequence(s) else s.shape

        def batch(ds):
            shapes = tf.nest.map_structure(fixed, ds.element_spec)
            return ds.padded_batch(batch_size, padded_shapes=shapes, drop_remainder=drop_remainder)

        return _finish(dataset, spec, batch, max_length=length)

    return apply


def length_boundaries(
    lengths: Sequence[int],
    *,
    max_padding: float = 0.05,
    min_bucket_size: int = 1,
) -> list[int]:
    """Bucket upper bounds chosen from a length distribution.

    Greedy over the sorted distinct lengths: a bucket grows while padding all
    its elements to its upper bound wastes at most `max_padding` of its
    tokens, so the padded fraction of the whole dataset is at most
    `max_padding` (padding to the batch maximum can only be lower). Buckets
    with fewer than `min_bucket_size` elements are merged into the next one
    (fewer partial batches, at some cost in padding).

    Args:
        lengths: one length per element.
        max_padding: in [0, 1): the largest share of padded steps per bucket.
        min_bucket_size: smallest number of elements per bucket.

    Returns:
        Sorted inclusive upper bounds; the last is `max(lengths)`.

    Example:
    >>> length_boundaries([1, 1, 2, 2, 10, 11], max_padding=0.1)
    [1, 2, 11]
    """
    check_rate("max_padding", max_padding)
    check_positive_int("min_bucket_size", min_bucket_size)
    lengths = np.asarray(lengths, dtype=np.int64)
    if lengths.size == 0 or lengths.min() < 1:
        raise ValueError("lengths must be a non-empty list of positive integers.")
    values, counts = np.unique(lengths, return_counts=True)
    uppers, sizes = [], []
    start, n, real = 0, 0, 0
    for j, (value, count) in enumerate(zip(values, counts)):
        new_n, new_real = n + count, real + value * count
        if j > start and 1.0 - new_real / (new_n * value) > max_padding:
            uppers.append(int(values[j - 1]))
            sizes.append(n)
            start, new_n, new_real = j, count, value * count
        n, real = new_n, new_real
    uppers.append(int(values[-1]))
    sizes.append(n)
    return _merge_small_buckets(uppers, sizes, min_bucket_size)


def _merge_small_buckets(uppers: list[int], sizes: list[int], min_size: int) -> list[int]:
    merged_uppers, pending = [], 0
    for upper, size in zip(uppers, sizes):
        pending += size
        if pending >= min_size:
            merged_uppers.append(upper)
            pending = 0
    if pending:  # a small last bucket joins the previous one
        if merged_uppers:
            merged_uppers[-1] = uppers[-1]
        else:
            merged_uppers.append(uppers[-1])
    return merged_uppers


def dataset_lengths(dataset: tf.data.Dataset) -> np.ndarray:
    """One pass over an unbatched dataset: the length of every element (see `element_length_fn`)."""
    fn = element_length_fn(dataset.element_spec)
    mapped = dataset.map(fn, num_parallel_calls=tf.data.AUTOTUNE)
    return np.fromiter(mapped.as_numpy_iterator(), dtype=np.int64)


def _resolve_uppers(dataset, boundaries, max_padding, min_bucket_size) -> list[int]:
    if isinstance(boundaries, str):
        if boundaries != "auto":
            raise ValueError(
                f"boundaries must be 'auto' or a list of ints; received {boundaries!r}."
            )
        return length_boundaries(
            dataset_lengths(dataset), max_padding=max_padding, min_bucket_size=min_bucket_size
        )
    uppers = [int(b) for b in boundaries]
    if not uppers or any(b < 1 for b in uppers) or uppers != sorted(set(uppers)):
        raise ValueError(
            f"boundaries must be strictly increasing positive ints; received {boundaries!r}."
        )
    return uppers


def _bucket(dataset, uppers: list[int], batch_sizes: list[int], drop_remainder: bool):
    spec = dataset.element_spec
    length_fn = _attached_length_fn(spec)
    # tf.data buckets are half-open [b_{i-1}, b_i); our uppers are inclusive.
    tf_boundaries = [u + 1 for u in uppers[:-1]]

    def batch(ds):
        return ds.bucket_by_sequence_length(
            element_length_func=length_fn,
            bucket_boundaries=tf_boundaries,
            bucket_batch_sizes=batch_sizes,
            drop_remainder=drop_remainder,
        )

    return _finish(dataset, spec, batch)


def bucket_by_length(
    batch_size: int,
    *,
    boundaries: str | Sequence[int] = "auto",
    max_padding: float = 0.05,
    min_bucket_size: int | None = None,
    drop_remainder: bool = False,
) -> Transformation:
    """Groups elements of similar length; each batch is padded to its own maximum.

    With `boundaries="auto"` one pass over the dataset reads the lengths and
    `length_boundaries(max_padding=...)` chooses inclusive upper bounds; or
    pass the upper bounds yourself (the last bucket takes everything longer).
    `min_bucket_size` defaults to `batch_size`.

    Example:
    >>> import numpy as np
    >>> from pipelines.sources import from_sequences
    >>> X = [np.ones((n, 1)) for n in [1, 9, 2, 10, 1, 9]]
    >>> ds = from_sequences(X, [0] * 6).apply(bucket_by_length(2, boundaries=[2, 10]))
    >>> [x["inputs"].shape[1] for x, y in ds]
    [2, 10, 1, 9]
    """
    check_positive_int("batch_size", batch_size)

    def apply(dataset: tf.data.Dataset) -> tf.data.Dataset:
        uppers = _resolve_uppers(dataset, boundaries, max_padding, min_bucket_size or batch_size)
        return _bucket(dataset, uppers, [batch_size] * len(uppers), drop_remainder)

    return apply


def batch_by_token_budget(
    max_tokens: int,
    *,
    boundaries: str | Sequence[int] = "auto",
    max_padding: float = 0.05,
    min_bucket_size: int = 1,
    drop_remainder: bool = False,
) -> Transformation:
    """Bucketing whose batch size varies so that `batch * width <= max_tokens`.

    Each bucket with inclusive upper bound `u` gets batch size
    `max_tokens // u`: short sequences come in large batches, long ones in
    small batches, and the padded tokens of any batch stay under the budget.

    Example:
    >>> import numpy as np
    >>> from pipelines.sources import from_sequences
    >>> X = [np.ones((n, 1)) for n in [2, 2, 2, 2, 8, 8]]
    >>> ds = from_sequences(X, [0] * 6).apply(batch_by_token_budget(8, boundaries=[2, 8]))
    >>> [tuple(x["inputs"].shape[:2]) for x, y in ds]
    [(4, 2), (1, 8), (1, 8)]
    """
    check_positive_int("max_tokens", max_tokens)

    def apply(dataset: tf.data.Dataset) -> tf.data.Dataset:
        uppers = _resolve_uppers(dataset, boundaries, max_padding, min_bucket_size)
        if isinstance(boundaries, str) and uppers[-1] > max_tokens:
            raise ValueError(
                f"max_tokens={max_tokens} is smaller than the longest sequence "
                f"({uppers[-1]} steps); raise the budget or cut long sequences first."
            )
        sizes = [max(1, max_tokens // u) for u in uppers]
        return _bucket(dataset, uppers, sizes, drop_remainder)

    return apply


__all__ = [
    "MASK_SUFFIX",
    "batch_by_token_budget",
    "bucket_by_length",
    "dataset_lengths",
    "element_length_fn",
    "length_boundaries",
    "pad_to_batch_max",
    "pad_to_length",
]
