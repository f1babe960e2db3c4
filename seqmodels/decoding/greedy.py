"""Greedy decoding: the most probable next token, always."""

from keras import ops

from seqmodels.decoding.strategy import Strategy


class Greedy(Strategy):
    """Picks `argmax_v log p(v | prefix)` at every step (one hypothesis per input).

    >>> Greedy().width
    1
    """

    def select(self, log_probs, sums, lengths, finished):
        log_probs = log_probs[:, 0]  # (B, V)
        tokens = ops.argmax(log_probs, axis=-1)  # (B,)
        best = ops.max(log_probs, axis=-1)  # (B,)
        parents = ops.zeros_like(tokens)
        return parents[:, None], tokens[:, None], sums + best[:, None]

    def get_config(self):
        return {}


__all__ = ["Greedy"]
