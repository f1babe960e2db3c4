"""DecoderStack, deprecated: the stacked cells now belong to `PlainDecoder`.

`DecoderStack(...)(inputs, states)` was the full path and `.step(inputs,
states)` the one-step path over a flat states list; `PlainDecoder`'s
`run_cells` and `step_cells` are the same two functions, and its `call` /
`step` take the decoding-state dict of the decoder contract.
"""

import warnings

import keras

from seqmodels.docstrings import with_sections
from seqmodels.models.decoders.plain import DECODER_SECTIONS, PlainDecoder


@keras.saving.register_keras_serializable(package="seqmodels")
@with_sections(DECODER_SECTIONS)
class DecoderStack(PlainDecoder):
    """Deprecated alias of `PlainDecoder`'s cells over a flat states list.

    {decoder_arguments}
    """

    def __init__(self, cell="lstm", units=128, num_layers=1, dropout=0.0,
                 recurrent_dropout=0.0, layer_dropout=0.0, bridge="zeros", cell_options=None,
                 **kwargs):
        warnings.warn("`DecoderStack` is deprecated: use `seqmodels.models.PlainDecoder` "
                      "(`run_cells` and `step_cells` over a flat states list).",
                      DeprecationWarning, stacklevel=2)
        super().__init__(cell=cell, units=units, num_layers=num_layers, dropout=dropout,
                         recurrent_dropout=recurrent_dropout, layer_dropout=layer_dropout,
                         bridge=bridge, cell_options=cell_options, **kwargs)

    def call(self, inputs, states, mask=None, training=False):
        """`(B, T, F)`, flat states -> `((B, T, units), flat final states)`."""
        return self.run_cells(inputs, states, mask=mask, training=training)

    def step(self, inputs, states, training=False):
        """`(N, F)`, flat states -> `((N, units), flat new states)`."""
        return self.step_cells(inputs, states, training=training)

    def compute_mask(self, inputs, states, mask=None):
        return None


__all__ = ["DecoderStack"]
