"""Strategies by name, for `model.generate(..., strategy="beam")`."""

from seqmodels.decoding.beam_search import BeamSearch
from seqmodels.decoding.greedy import Greedy
from seqmodels.decoding.sampling import Sampling
from seqmodels.decoding.strategy import Strategy

NAMED = {"greedy": Greedy, "beam": BeamSearch, "sampling": Sampling}


def resolve_strategy(strategy):
    """A `Strategy` instance from itself or a name in `NAMED` (default arguments).

    >>> resolve_strategy("beam").width
    4
    """
    if isinstance(strategy, Strategy):
        return strategy
    if strategy in NAMED:
        return NAMED[strategy]()
    raise ValueError(
        f"Expected a seqmodels.decoding strategy or one of {sorted(NAMED)}. "
        f"Received: strategy={strategy!r}.")


__all__ = ["NAMED", "resolve_strategy"]
