"""How the models read their inputs: a dict of named tensors with explicit masks.

A batch from `pipelines.batching` is a dict: `inputs` (and, for
encoder-decoders, `decoder_inputs`) plus `<name>_mask`, bool `(batch, time)`.
The models read the mask from that dict and pass it to every layer
explicitly; they never rely on Keras's implicit mask propagation. A plain
tensor is accepted as well: token ids then mask their zeros (the pad id),
and float features count every step as real.
"""

import keras
from keras import ops

from seqmodels import constants
from seqmodels.constants import MASK_SUFFIX
from seqmodels.layers.call_checks import (
    check_ids,
    check_mask,
    check_sequences_shape,
    check_time_steps,
    is_symbolic,
)


def read_sequence(inputs, name="inputs"):
    """`(tensor, mask)` of the sequence `name`; the mask is bool `(batch, time)` or None."""
    if not isinstance(inputs, dict):
        inputs = {name: inputs}
    if name not in inputs:
        raise ValueError(
            f"Expected a dict with the key {name!r} (and optionally {name + MASK_SUFFIX!r}). "
            f"Received keys: {sorted(inputs)}."
        )
    x = inputs[name]
    mask = check_mask(inputs.get(name + MASK_SUFFIX), x, name=name + MASK_SUFFIX)
    if mask is None and _is_integer(x) and len(x.shape) in (2, 3):
        mask = ops.not_equal(x if len(x.shape) == 2 else x[..., 0], constants.PAD_ID)
    if mask is not None:
        mask = ops.cast(mask, "bool")
    return x, mask


def _is_integer(x):
    return "int" in str(keras.backend.standardize_dtype(x.dtype))


def check_sequence_rank(x, *, tokens, name="inputs", features=None):
    """Token ids: `(batch, time)` or `(batch, time, slots)`; features `(B, T, F)`.

    At least one time step; float features of the size `features` when given.
    """
    rank = len(x.shape)
    check_time_steps(x.shape, name=name)
    if not tokens and rank == 3:
        check_sequences_shape(x.shape, name=name, features=features, built_for="the model")
    if tokens and rank not in (2, 3):
        raise ValueError(
            f"Expected `{name}` token ids of shape (batch, time) or (batch, time, slots). "
            f"Received: shape={tuple(x.shape)}."
        )
    if not tokens and rank != 3:
        hint = " For token ids, set `vocabulary_size`." if rank == 2 else ""
        raise ValueError(
            f"Expected `{name}` features of shape (batch, time, features). "
            f"Received: shape={tuple(x.shape)}.{hint}"
        )


@keras.saving.register_keras_serializable(package="seqmodels")
class TokenEmbedding(keras.layers.Layer):
    """Embeds token ids `(batch, time)` -> `(batch, time, dim)`.

    Ids `(batch, time, slots)` (several symbols per step, e.g. a word and its
    suffixes) share one table and are concatenated: `(batch, time, slots * dim)`.

    Args:
        vocabulary_size: int. Number of ids (ids lie in `[0, vocabulary_size)`).
        embedding_dim: int. Size of each embedding.
    """

    def __init__(self, vocabulary_size, embedding_dim, **kwargs):
        super().__init__(**kwargs)
        self.vocabulary_size = int(vocabulary_size)
        self.embedding_dim = int(embedding_dim)
        self.table = keras.layers.Embedding(
            self.vocabulary_size, self.embedding_dim, name="table", dtype=self.dtype_policy
        )

    def build(self, input_shape):
        self.table.build(input_shape)

    def call(self, ids, name="inputs"):
        """`ids` checked to lie in `[0, vocabulary_size)` (`name` is the argument named)."""
        ids = check_ids(ids, self.vocabulary_size, name=name)
        if is_symbolic(ids):  # traced: where an assertion may be dropped (XLA, JAX)
            valid = ops.logical_and(ops.greater_equal(ids, 0),
                                    ops.less(ids, self.vocabulary_size))
            vectors = self.table(ops.clip(ids, 0, self.vocabulary_size - 1))
            vectors = ops.where(ops.expand_dims(valid, -1), vectors, float("nan"))
        else:
            vectors = self.table(ids)  # (B, T[, K], E)
        if len(ids.shape) == 3:
            shape = ops.shape(vectors)
            vectors = ops.reshape(vectors, (shape[0], shape[1], ids.shape[2] * self.embedding_dim))
        return vectors

    def compute_output_shape(self, input_shape):
        slots = input_shape[2] if len(input_shape) == 3 else 1
        return (input_shape[0], input_shape[1], slots * self.embedding_dim)

    def get_config(self):
        return {
            **super().get_config(),
            "vocabulary_size": self.vocabulary_size,
            "embedding_dim": self.embedding_dim,
        }


def embed_or_check(embedding, x, name="inputs", features=None):
    """Token ids through `embedding`, or float features unchanged (rank and size checked)."""
    check_sequence_rank(x, tokens=embedding is not None, name=name, features=features)
    if embedding is None:
        return ops.cast(x, "float32") if _is_integer(x) else x
    return embedding(x, name=name)


__all__ = ["MASK_SUFFIX", "TokenEmbedding", "check_sequence_rank", "embed_or_check",
           "read_sequence"]
