"""In-graph decoding: one loop (`decode`) and the strategies that pick the next token.

    from seqmodels.decoding import BeamSearch, decode
    state = model.encode(batch)
    result = decode(model.decode_step, state, BeamSearch(4, alpha=0.6), max_length=30)
    result["tokens"]  # (batch, n_best, 30), best first

Models with a `decode_step` also offer `model.generate(inputs, strategy)`.
"""

from seqmodels.decoding.beam_search import BeamSearch, length_penalty
from seqmodels.decoding.greedy import Greedy
from seqmodels.decoding.loop import decode
from seqmodels.decoding.sampling import Sampling
from seqmodels.decoding.strategy import Strategy

__all__ = ["BeamSearch", "Greedy", "Sampling", "Strategy", "decode", "length_penalty"]
