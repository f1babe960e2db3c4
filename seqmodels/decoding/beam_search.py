"""Beam search with the GNMT length penalty; finished hypotheses are frozen."""

from keras import ops

from seqmodels.checks import check_positive_int
from seqmodels.constants import DEFAULT_BEAM_WIDTH
from seqmodels.decoding.strategy import Strategy


def length_penalty(lengths, alpha):
    """GNMT (Wu et al. 2016): `((5 + |Y|) / 6) ** alpha`; 1 for alpha = 0."""
    return ops.power((5.0 + ops.cast(lengths, "float32")) / 6.0, alpha)


class BeamSearch(Strategy):
    """Keeps the `width` best hypotheses; ranks by `log P(Y|X) / lp(Y)`.

    At each step every live hypothesis is extended by every token; the
    `width` best of the `width * V` candidates survive, compared by their
    length-normalised score. A hypothesis that emitted END is *frozen*: it
    can only be extended by PAD at no cost, so it keeps its score and length
    and competes unchanged with the live ones until the end.

    Args:
        width: int. Beam width (1 gives greedy decoding).
        alpha: float. Length-penalty exponent (0: plain log-probability;
            GNMT used 0.6-1.0).
        n_best: int or None. How many hypotheses to return per input
            (default: all `width`), best first.

    >>> BeamSearch(4, alpha=0.6).width
    4
    """

    def __init__(self, width=DEFAULT_BEAM_WIDTH, alpha=0.0, n_best=None):
        self.width = check_positive_int("width", width)
        if not isinstance(alpha, (int, float)) or alpha < 0:
            raise ValueError(f"Expected `alpha` >= 0. Received: alpha={alpha!r}")
        self.alpha = float(alpha)
        self.n_best = width if n_best is None else check_positive_int("n_best", n_best)
        if self.n_best > self.width:
            raise ValueError(
                f"Expected n_best <= width. Received: n_best={n_best}, width={width}.")

    def ranking_scores(self, sums, lengths):
        return sums / length_penalty(lengths, self.alpha)

    def select(self, log_probs, sums, lengths, finished):
        batch, width, vocab = ops.shape(log_probs)[0], self.width, ops.shape(log_probs)[2]
        candidates = sums[..., None] + log_probs  # (B, K, V)
        grown = lengths + ops.cast(ops.logical_not(finished), lengths.dtype)  # (B, K)
        ranking = self.ranking_scores(candidates, grown[..., None])  # (B, K, V)
        _, flat = ops.top_k(ops.reshape(ranking, (batch, width * vocab)), k=width)  # (B, K)
        parents, tokens = flat // vocab, flat % vocab
        new_sums = ops.take_along_axis(ops.reshape(candidates, (batch, width * vocab)), flat,
                                       axis=1)
        return parents, tokens, new_sums

    def get_config(self):
        return {"width": self.width, "alpha": self.alpha, "n_best": self.n_best}


__all__ = ["BeamSearch", "length_penalty"]
