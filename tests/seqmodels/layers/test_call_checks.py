"""The call-time checks: token ids outside the vocabulary never give a plausible number."""

import keras
import numpy as np
import pytest

from seqmodels.layers.call_checks import check_ids, concrete
from seqmodels.models.inputs import TokenEmbedding


def traced(function):
    """`function` compiled the way `fit` compiles on an accelerator: XLA, or jax.jit."""
    if keras.backend.backend() == "jax":
        import jax

        return jax.jit(function)
    import tensorflow as tf

    return tf.function(function, jit_compile=True)


def test_eager_ids_outside_the_vocabulary_are_refused_naming_the_argument():
    embedding = TokenEmbedding(10, 4)
    with pytest.raises(ValueError, match=r"`tokens` token ids in \[0, 10\).*2 id\(s\).*=-1"):
        embedding(np.array([[1, -1, 3, -2]]), name="tokens")
    with pytest.raises(ValueError, match=r"in \[0, 10\).*inputs=10"):
        embedding(np.array([[10, 9]]))
    with pytest.raises(ValueError, match="an integer dtype. Received: inputs.dtype=float32"):
        check_ids(np.full((1, 2), 1.5, "float32"), 10)
    with pytest.raises(ValueError, match="an integer dtype. Received: inputs.dtype=str"):
        check_ids(np.full((1, 2), "a"), 10)
    # Whole-number floats are ids, as keras.layers.Embedding reads them.
    np.testing.assert_allclose(embedding(np.array([[2.0, 3.0]], "float32")),
                               embedding(np.array([[2, 3]])))


def test_under_a_compiler_that_drops_assertions_a_bad_id_gives_nan_not_a_number():
    """XLA and jax.jit drop assertions: the vectors of bad ids are NaN instead."""
    embedding = TokenEmbedding(10, 4)
    ids = np.array([[1, 2, 3], [4, 12, 5], [-1, 0, 0]], "int32")
    good = np.array([[1, 2, 3], [4, 9, 5], [0, 0, 0]], "int32")
    eager = keras.ops.convert_to_numpy(embedding(good))
    vectors = keras.ops.convert_to_numpy(traced(embedding)(ids))
    np.testing.assert_allclose(vectors[0], eager[0], atol=1e-6)  # good ids, same vectors
    bad = (ids < 0) | (ids >= 10)
    assert np.isnan(vectors[bad]).all() and np.isfinite(vectors[~bad]).all()


def test_concrete_is_none_for_symbolic_inputs():
    assert concrete(keras.Input((3,), dtype="int32")) is None
    np.testing.assert_array_equal(concrete(keras.ops.convert_to_tensor([1, 2])), [1, 2])
