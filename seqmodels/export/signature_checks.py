"""The shape checks at the door of every exported signature.

A loaded signature (and TF Serving) runs its graph on whatever tensor it is
sent, whatever the `TensorSpec` said: a rank-2 string batch or a float batch
with another feature count would otherwise reach an op deep inside the
graph, or worse run and return a wrong answer. So each signature declares
its inputs of unknown shape (`spec`) and checks them here first, with
messages that name the input; downstream ops see the static shape again.

The dtype is the one thing checked before the graph runs: TensorFlow refuses
a tensor of another dtype itself ("expected to be a float tensor but is a
string tensor"), naming the input's position.
"""

from __future__ import annotations

import tensorflow as tf

from seqmodels.layers.call_checks import with_assertions


def spec(dtype, name):
    """An input of any shape, checked by `checked` inside the signature."""
    return tf.TensorSpec(None, dtype, name=name)


def _describe(shape):
    """`[None, None, 3]` -> `"(?, ?, 3)"`; `[None]` -> `"(?,)"`."""
    return str(tuple("?" if d is None else d for d in shape)).replace("'", "")


def checked(x, shape, *, name, meaning):
    """`x` once its rank and known dimensions match `shape` (None = any size).

    Args:
        x: the signature's input tensor, of any shape.
        shape: the expected shape, e.g. `[None, None, 3]`.
        name: the input's name in the signature.
        meaning: what the dimensions are, e.g. `"(batch, time, features)"`.

    Returns:
        `x`, with the static shape `shape`, after the checks have run.
    """
    message = f"Expected `{name}` of shape {_describe(shape)}: {meaning}."
    rank = tf.debugging.assert_equal(tf.rank(x), len(shape), message=message)
    x = with_assertions(x, [rank])  # the rank first: the sizes are read after it
    x = with_assertions(x, [tf.debugging.assert_equal(tf.shape(x)[axis], size, message=message)
                            for axis, size in enumerate(shape) if size is not None])
    x.set_shape(shape)
    return x


def guarded(body, inputs, unchecked=()):
    """A signature: each input checked by `checked`, then `body` on the checked tensors.

    `body` runs as a function of its own that Grappler does not inline: inlined,
    the shape functions of its ops (a string split needs a vector) would tell
    Grappler the input's rank, and it would fold the rank check away (measured:
    a rank-2 string batch then failed inside `StringSplitV2`, or ran).

    Args:
        body: `body(*tensors) -> dict of outputs`.
        inputs: `[(name, dtype, shape, meaning)]`, the checked inputs, in order.
        unchecked: further `tf.TensorSpec`s passed to `body` as they are.
    """
    inner = tf.function(body, experimental_attributes={"_noinline": True})
    count = len(inputs)

    @tf.function(input_signature=[spec(dtype, name) for name, dtype, _, _ in inputs]
                 + list(unchecked))
    def signature(*tensors):
        heads = [checked(x, shape, name=name, meaning=meaning)
                 for x, (name, _, shape, meaning) in zip(tensors, inputs)]
        return inner(*heads, *tensors[count:])

    return signature


__all__ = ["checked", "guarded", "spec"]
