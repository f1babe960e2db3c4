"""What a decoding strategy is: the rule that picks the next tokens of each beam.

The loop (`seqmodels.decoding.loop.decode`) keeps `width` hypotheses per
input (1 for greedy and sampling) and, at every step, hands the strategy

    log_probs  (B, K, V)  next-token log-probabilities of each hypothesis
                          (finished ones may only emit PAD, at cost 0)
    sums       (B, K)     accumulated log-probabilities so far
    lengths    (B, K)     tokens generated so far (END included)
    finished   (B, K)     whether a hypothesis has emitted END

and receives `(parents (B, K), tokens (B, K), sums (B, K))`: which old
hypothesis each new one extends, with which token, and its new total.
"""

from keras import ops

NEG = -1e9  # log-probability of a forbidden token: finite, so sums never become NaN


class Strategy:
    """Base class. Subclasses set `width` (hypotheses kept per input) and `n_best`
    (hypotheses returned per input, at most `width`) and implement `select`."""

    width = 1
    n_best = 1

    def select(self, log_probs, sums, lengths, finished):
        raise NotImplementedError

    def ranking_scores(self, sums, lengths):
        """Scores by which final hypotheses are ordered (the raw sum unless overridden)."""
        return sums

    def initial_sums(self, batch):
        """`(B, K)`: 0 for the first hypothesis, NEG for the others (so beams start unique)."""
        first = ops.zeros((batch, 1))
        if self.width == 1:
            return first
        return ops.concatenate([first, ops.full((batch, self.width - 1), NEG)], axis=1)


__all__ = ["NEG", "Strategy"]
