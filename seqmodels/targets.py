"""How a target sequence becomes an encoder-decoder's decoder inputs and labels.

The decoder reads the true previous token at every step while training
(teacher forcing):

    target          [t1, t2, t3]
    decoder_inputs  [<s>, t1, t2, t3]      (start + target)
    labels          [t1, t2, t3, </s>]     (target + end)

The one home of this packing: the tf.data pipeline (`pipelines.teacher_forcing`)
and the exported `score` signature (`seqmodels.export.text`) both call it.
"""

import tensorflow as tf

from seqmodels import constants


def decoder_inputs_and_labels(target, start_id=constants.START_ID, end_id=constants.END_ID):
    """Integer `target`, one sequence `(T,)` or a ragged batch `(B, None)` ->
    `(decoder_inputs, labels)` of the same kind, each one step longer.

    >>> inputs, labels = decoder_inputs_and_labels(tf.constant([5, 6]))
    >>> inputs.numpy().tolist(), labels.numpy().tolist()
    ([2, 5, 6], [5, 6, 3])
    """
    if isinstance(target, tf.RaggedTensor):
        rows = target.nrows()
        start = tf.RaggedTensor.from_tensor(tf.fill([rows, 1], tf.cast(start_id, target.dtype)))
        end = tf.RaggedTensor.from_tensor(tf.fill([rows, 1], tf.cast(end_id, target.dtype)))
        return tf.concat([start, target], axis=1), tf.concat([target, end], axis=1)
    target = tf.convert_to_tensor(target)
    start = tf.fill([1], tf.cast(start_id, target.dtype))
    end = tf.fill([1], tf.cast(end_id, target.dtype))
    return tf.concat([start, target], 0), tf.concat([target, end], 0)


__all__ = ["decoder_inputs_and_labels"]
