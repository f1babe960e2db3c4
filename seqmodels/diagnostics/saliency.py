"""Input saliency: how much each input step moves a prediction, `||d(y)/d(x_t)||`."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from seqmodels.diagnostics.probe import StateProbe, probing, recurrent_layers
from seqmodels.diagnostics.reading import as_inputs, sequence_mask


def input_saliency(model, inputs, *, output_index=None) -> np.ndarray:
    """`(B, T)` norm of the gradient of one output with respect to each input step.

    The input step is what the first recurrent layer reads: the features, or
    the token embeddings for token inputs. The output is, per example,
    `output_index` (an int, or one int per example), default the largest
    output (the predicted class of a classifier; the value of a regressor).
    For models with one output per step, the outputs of the real steps are summed.
    Padded steps are NaN.
    """
    inputs = as_inputs(inputs)
    layers = recurrent_layers(model)
    owner = next(iter(layers)).rsplit("/", 1)[0]  # the encoder: it reads the inputs
    firsts = [p for p in layers if p.rsplit("/", 1)[0] == owner and p.endswith("recurrent_0")]
    with tf.GradientTape() as tape:
        probes = {p: StateProbe(tape) for p in layers}
        with probing(layers, probes):
            outputs = model(inputs, training=False)
        chosen = _chosen(outputs, output_index, sequence_mask(inputs))
    sources = list({id(probes[p].sequences): probes[p].sequences for p in firsts}.values())
    grads = tape.gradient(chosen, sources)
    grad = sum(np.asarray(g, np.float64) for g in grads)  # (B, T, F)
    norm = np.linalg.norm(grad, axis=-1)
    return np.where(sequence_mask(inputs), norm, np.nan)


def _chosen(outputs, output_index, mask):
    """Sum over the batch of each example's chosen output (per step: real steps summed)."""
    if len(outputs.shape) == 3:  # (B, T, O)
        outputs = tf.reduce_sum(outputs * tf.cast(mask[..., None], outputs.dtype), axis=1)
    if output_index is None:
        index = tf.argmax(outputs, axis=-1)
    else:
        index = tf.broadcast_to(tf.constant(output_index, tf.int64), tf.shape(outputs)[:1])
    return tf.reduce_sum(tf.gather(outputs, index, axis=1, batch_dims=1))


__all__ = ["input_saliency"]
