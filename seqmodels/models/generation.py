"""Free-running decoding of an encoder-decoder: the source read by index, the hypotheses tiled.

A model that `generate` drives has `encode(inputs) -> state dict`,
`decode_step(tokens, state) -> (logits, state, weights)` and `source_state`,
the names of the state entries that hold the source (`(B, S, ...)`, the
first of them a memory whose axis 1 is the source length). Those entries are
passed to every step as they are, once per input; only the per-hypothesis
entries go through the decoding loop, which tiles them to `B * K` rows and
reorders them by the beam's choice of parents.
"""

from keras import ops

from seqmodels.constants import default_max_output_length
from seqmodels.decoding import decode
from seqmodels.decoding.resolve import resolve_strategy


def generate(model, inputs, strategy="greedy", max_length=None, min_length=0,
             return_attention=False, buffer_length=None):
    """`model`'s free-running outputs for a batch of sources (see `seqmodels.decoding.decode`).

    `max_length` defaults to `2 * S + 10` for a batch whose longest source has `S` steps.
    """
    state = dict(model.encode(inputs))
    source = {k: state.pop(k) for k in model.source_state if k in state}
    source_length = ops.shape(source[model.source_state[0]])[1]
    if max_length is None:
        max_length = default_max_output_length(source_length)

    def step(tokens, hypotheses):
        logits, new, weights = model.decode_step(tokens, {**hypotheses, **source})
        return logits, {k: new[k] for k in hypotheses}, weights

    return decode(step, state, resolve_strategy(strategy),
                  max_length=max_length, min_length=min_length,
                  attention_length=source_length if return_attention else None,
                  buffer_length=buffer_length)


__all__ = ["generate"]
