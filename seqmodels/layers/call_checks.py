"""The checks on what a layer or model call receives, before any work is done.

One home for the call-time checks of `Recurrent`, the models and
`TokenEmbedding`: sequences `(batch, time, features)`, masks `(batch, time)`,
initial states `(batch, size)` and token ids. A bad call raises a
`ValueError` in Keras's style ("Expected ... Received: name=value") that
names the argument, never a TensorFlow op error from inside the graph.

Shapes are checked when the call is traced (static shapes) and values when
they are at hand: in eager calls at once, and inside a TensorFlow graph
(`fit`, `predict`, exports) by in-graph assertions whose message names the
argument. XLA (`jit_compile=True`) and traced JAX drop assertions; there,
`TokenEmbedding` makes the vectors of out-of-range ids NaN, so a bad id gives
a NaN (which stops `fit` at once: `StopOnNonFiniteLoss`) and never a
plausible number.
"""

import keras
import numpy as np
from keras import ops


def is_symbolic(x):
    """True when `x` has no value yet: a KerasTensor, or traced (tf.function, jax.jit)."""
    if isinstance(x, np.ndarray):
        return False
    if isinstance(x, keras.KerasTensor):
        return True
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return not tf.executing_eagerly() or not hasattr(x, "numpy")
    if backend == "jax":
        import jax

        return isinstance(x, jax.core.Tracer)
    return False


def concrete(x):
    """The numpy value of `x` when the call is eager; None when symbolic or traced."""
    return None if is_symbolic(x) else ops.convert_to_numpy(x)


def in_tf_graph():
    """True inside a traced TensorFlow function, where assertions are ops."""
    if keras.backend.backend() != "tensorflow":
        return False
    import tensorflow as tf

    return not tf.executing_eagerly()


def with_assertions(x, assertions):
    """`x` (a tensor or a tuple of them) once every TensorFlow assertion in `assertions` passed."""
    import tensorflow as tf

    with tf.control_dependencies(assertions):
        return tf.nest.map_structure(tf.identity, x)


def _dtype(x):
    """Keras's name of `x`'s dtype, or NumPy's for those Keras has none for (strings)."""
    try:
        return keras.backend.standardize_dtype(x.dtype)
    except ValueError:
        return str(getattr(x.dtype, "name", x.dtype))


def _dims(shape):
    return tuple(None if d is None else int(d) for d in shape)


def check_sequences_shape(shape, *, name="inputs", features=None, built_for="this layer"):
    """A static `(batch, time, features)` shape: rank 3, at least one step, `features` if given."""
    shape = _dims(shape)
    if len(shape) != 3:
        raise ValueError(f"Expected `{name}` of shape (batch, time, features). "
                         f"Received: {name}.shape={shape}")
    check_time_steps(shape, name=name)
    if features is not None and shape[2] is not None and shape[2] != features:
        raise ValueError(
            f"Expected `{name}` with {features} features per step (the size {built_for} was "
            f"built for). Received: {name}.shape={shape}")


def check_time_steps(shape, *, name="inputs"):
    """A static shape `(batch, time, ...)` with at least one time step (where known)."""
    shape = _dims(shape)
    if len(shape) >= 2 and shape[1] == 0:
        raise ValueError(f"Expected `{name}` with at least one time step. "
                         f"Received: {name}.shape={shape}")


def check_sequences(x, *, name="inputs", features=None):
    """`x (batch, time, features)`: `check_sequences_shape`, and in a graph `T >= 1`.

    Returns `x` (inside a TensorFlow graph, once the step count is checked).
    """
    check_sequences_shape(x.shape, name=name, features=features)
    if x.shape[1] is None and in_tf_graph():
        import tensorflow as tf

        return with_assertions(x, [tf.debugging.assert_positive(
            tf.shape(x)[1], message=f"Expected `{name}` with at least one time step.")])
    return x


def check_mask(mask, x, *, name="inputs_mask"):
    """`mask` `(batch, time)` matching `x (batch, time, ...)`: bool, or numbers (0 = padding).

    Numbers are allowed because Keras itself traces a subclassed model on float32
    inputs (its default serving endpoint): a 0/1 float mask means what it says.
    """
    if mask is None:
        return None
    dtype = _dtype(mask)
    if dtype != "bool" and not any(kind in dtype for kind in ("int", "float")):
        raise ValueError(f"Expected `{name}` of dtype bool (True on real steps) or 0/1 numbers. "
                         f"Received: {name}.dtype={dtype}")
    shape, expected = _dims(mask.shape), _dims(x.shape)[:2]
    if len(shape) != 2 or any(a is not None and b is not None and a != b
                              for a, b in zip(shape, expected)):
        raise ValueError(f"Expected `{name}` of shape (batch, time) = {expected}, the first two "
                         f"dimensions of its sequences. Received: {name}.shape={shape}")
    return mask


def check_initial_states(states, sizes, batch, *, name="initial_state"):
    """Each of `states` `(batch, sizes[i])`; `batch` is the sequences' (int or None)."""
    if len(states) != len(sizes):
        raise ValueError(f"Expected {len(sizes)} tensor(s) in `{name}`, of sizes {list(sizes)}. "
                         f"Received: {len(states)} tensor(s).")
    for i, (state, size) in enumerate(zip(states, sizes)):
        shape = _dims(state.shape)
        wrong_batch = batch is not None and shape[:1] not in ((None,), (batch,))
        if len(shape) != 2 or shape[1] not in (None, size) or wrong_batch:
            raise ValueError(
                f"Expected `{name}[{i}]` of shape (batch, {size}) with batch={batch}. "
                f"Received: {name}[{i}].shape={shape}")


def check_ids(ids, vocabulary_size, *, name="inputs"):
    """Token ids in `[0, vocabulary_size)`, values checked when at hand.

    Float ids are cast to int32 as `keras.layers.Embedding` does (Keras traces
    subclassed models on float32 inputs), once eager values are whole numbers.
    Returns the int ids (inside a TensorFlow graph, once the in-graph check passed).
    """
    dtype = _dtype(ids)
    values = concrete(ids)
    if "int" not in dtype:
        if "float" not in dtype or (values is not None and np.any(values != np.round(values))):
            raise ValueError(f"Expected `{name}` token ids of an integer dtype. "
                             f"Received: {name}.dtype={dtype}")
        ids = ops.cast(ids, "int32")
        values = None if values is None else values.astype("int64")
    if values is not None:
        bad = values[(values < 0) | (values >= vocabulary_size)]
        if bad.size:
            raise ValueError(
                f"Expected `{name}` token ids in [0, {vocabulary_size}) (the vocabulary size). "
                f"Received: {bad.size} id(s) outside it, e.g. {name}={int(bad.flat[0])}")
        return ids
    if in_tf_graph():
        import tensorflow as tf

        message = f"Expected `{name}` token ids in [0, {vocabulary_size}) (the vocabulary size)."
        return with_assertions(ids, [tf.debugging.assert_non_negative(ids, message=message),
                                     tf.debugging.assert_less(
                                         ids, ops.cast(vocabulary_size, ids.dtype),
                                         message=message)])
    return ids


def check_same_batch(first, second, names):
    """Two tensors of one batch: their first dimensions agree where both are known."""
    a, b = _dims(first.shape)[:1], _dims(second.shape)[:1]
    if a and b and None not in (a[0], b[0]) and a != b:
        raise ValueError(f"Expected `{names[0]}` and `{names[1]}` of the same batch size. "
                         f"Received: {names[0]}.shape[0]={a[0]}, {names[1]}.shape[0]={b[0]}")


__all__ = ["check_ids", "check_initial_states", "check_mask", "check_same_batch",
           "check_sequences", "check_sequences_shape", "check_time_steps", "concrete",
           "in_tf_graph", "is_symbolic", "with_assertions"]
