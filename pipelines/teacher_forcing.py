"""Teacher forcing for encoder-decoders, packed in the pipeline.

The decoder reads the true previous token at every step while training;
`seqmodels.targets` says how a target becomes decoder inputs and labels:

    target          [t1, t2, t3]
    decoder_inputs  [<s>, t1, t2, t3]      (start + target)
    labels          [t1, t2, t3, </s>]     (target + end)

After batching (`pipelines.batching`), `decoder_inputs_mask` marks real steps
and the sample weights are 1.0 on real label steps, 0.0 on padding, so padded
steps never count in the loss or the metrics.
"""

from __future__ import annotations

import tensorflow as tf

from pipelines.batching import Transformation
from seqmodels import constants
from seqmodels.targets import decoder_inputs_and_labels


def teacher_forcing(
    *, start_id: int = constants.START_ID, end_id: int = constants.END_ID
) -> Transformation:
    """`(x, target)` -> `({**x, "decoder_inputs": start + target}, target + end)`.

    Args:
        start_id: id put before the target for the first decoder input.
        end_id: id appended to the target as the last label.

    Example:
    >>> from pipelines.sources import from_token_lists
    >>> ds = from_token_lists([[7, 8]], [[5, 6]], task="seq2seq").apply(teacher_forcing())
    >>> x, y = next(ds.as_numpy_iterator())
    >>> x["decoder_inputs"].tolist(), y.tolist()
    ([2, 5, 6], [5, 6, 3])
    """

    def pack(x, target):
        decoder_inputs, labels = decoder_inputs_and_labels(target, start_id, end_id)
        return {**x, "decoder_inputs": decoder_inputs}, labels

    def apply(dataset: tf.data.Dataset) -> tf.data.Dataset:
        spec = dataset.element_spec
        if not (isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[0], dict)):
            raise ValueError(
                f"teacher_forcing expects elements (x, target) with x a dict; received {spec}."
            )
        target = spec[1]
        if target.shape.rank != 1 or not target.dtype.is_integer:
            raise ValueError(
                "teacher_forcing expects integer target sequences of shape (time,); received "
                f"{target}."
            )
        return dataset.map(pack, num_parallel_calls=tf.data.AUTOTUNE)

    return apply


__all__ = ["teacher_forcing"]
