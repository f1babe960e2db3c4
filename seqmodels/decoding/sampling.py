"""Sampling: draw the next token from the (tempered, truncated) model distribution."""

import keras
from keras import ops

from seqmodels.checks import check_positive_int
from seqmodels.decoding.strategy import NEG, Strategy

TOP_P_TOLERANCE = 1e-6  # probability mass; float32 sums of a few terms err by ~1e-7


class Sampling(Strategy):
    """Samples `v ~ softmax(log p / temperature)`, optionally restricted to top-k / top-p.

    Scores stay the model's own log-probabilities of the drawn tokens
    (untempered), so they compare with greedy and beam scores.

    Args:
        temperature: float > 0. Below 1 sharpens, above 1 flattens.
        top_k: int or None. Keep only the k most probable tokens.
        top_p: float in (0, 1] or None. Keep the smallest set of most probable
            tokens whose probability reaches top_p (nucleus sampling).
        seed: int or None. Seeds the strategy's own generator, so two
            `Sampling(seed=s)` objects draw the same sequences.

    >>> Sampling(temperature=0.7, top_k=5, seed=1).top_k
    5
    """

    def __init__(self, temperature=1.0, top_k=None, top_p=None, seed=None):
        if not isinstance(temperature, (int, float)) or temperature <= 0:
            raise ValueError(f"Expected `temperature` > 0. Received: temperature={temperature!r}")
        if top_p is not None and not (isinstance(top_p, (int, float)) and 0 < top_p <= 1):
            raise ValueError(f"Expected `top_p` in (0, 1]. Received: top_p={top_p!r}")
        self.temperature = float(temperature)
        self.top_k = None if top_k is None else check_positive_int("top_k", top_k)
        self.top_p = None if top_p is None else float(top_p)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def select(self, log_probs, sums, lengths, finished):
        log_probs = log_probs[:, 0]  # (B, V)
        logits = self._truncate(log_probs / self.temperature)
        tokens = keras.random.categorical(logits, 1, seed=self.seed_generator, dtype="int32")
        tokens = tokens[:, 0]  # (B,)
        chosen = ops.take_along_axis(log_probs, tokens[:, None], axis=1)  # (B, 1)
        return ops.zeros_like(tokens)[:, None], tokens[:, None], sums + chosen

    def _truncate(self, logits):
        """Sets logits outside the top-k / top-p set to NEG. `(B, V)` -> `(B, V)`."""
        if self.top_k is not None:
            k = min(self.top_k, logits.shape[-1]) if logits.shape[-1] else self.top_k
            kth = ops.top_k(logits, k=k)[0][:, -1:]  # (B, 1)
            logits = ops.where(logits < kth, NEG, logits)
        if self.top_p is not None:
            ordered = ops.sort(logits, axis=-1)[:, ::-1]  # descending
            probs = ops.softmax(ordered, axis=-1)
            before = ops.cumsum(probs, axis=-1) - probs  # mass of strictly better tokens
            # A token is kept while the better ones hold less than top_p. The margin absorbs
            # float32 rounding of the running sum, so an exact tie (0.5 + 0.3 = 0.79999995
            # against top_p = 0.8) ends the set instead of keeping one token too many.
            keep = before < self.top_p - TOP_P_TOLERANCE
            keep = ops.logical_or(keep, ops.arange(ops.shape(keep)[-1]) == 0)  # the best stays
            threshold = ops.min(ops.where(keep, ordered, ops.max(ordered)), axis=-1,
                                keepdims=True)
            logits = ops.where(logits < threshold, NEG, logits)
        return logits

    def get_config(self):
        return {"temperature": self.temperature, "top_k": self.top_k, "top_p": self.top_p,
                "seed": self.seed}


__all__ = ["Sampling"]
