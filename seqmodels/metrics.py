"""Sequence metrics for free-running outputs: word error rate and phoneme (token) error rate.

A hypothesis counts as correct when it equals *any* reference (CMUdict
lists several pronunciations for 8,447 words). The token error rate is the
summed Levenshtein distance to the closest reference over the summed length
of those references. Edit distance is `rapidfuzz`'s (C++), on token lists.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein


def edit_distance(hypothesis: Sequence, reference: Sequence) -> int:
    """Insertions + deletions + substitutions turning one token list into the other.

    >>> edit_distance("K AE T".split(), "K AA T S".split())
    2
    """
    return Levenshtein.distance(list(hypothesis), list(reference))


def error_rates(hypotheses: Sequence[Sequence], references: Sequence[Sequence[Sequence]]) -> dict:
    """`{"wer", "per", "words"}` of token-list hypotheses against lists of references.

    >>> error_rates([["K", "AE", "T"], ["D", "AO"]], [[["K", "AE", "T"]], [["D", "AO", "G"]]])
    {'wer': 0.5, 'per': 0.16666666666666666, 'words': 2}
    """
    if len(hypotheses) != len(references):
        raise ValueError(
            f"Expected one reference list per hypothesis. Received {len(hypotheses)} hypotheses "
            f"and {len(references)} reference lists.")
    wrong = edits = length = 0
    for hypothesis, refs in zip(hypotheses, references):
        if not refs:
            raise ValueError("Every hypothesis needs at least one reference; received none.")
        distance, ref = min((edit_distance(hypothesis, r), r) for r in refs)
        wrong += distance > 0
        edits += distance
        length += len(ref)
    n = len(hypotheses)
    return {"wer": wrong / max(n, 1), "per": edits / max(length, 1), "words": n}


__all__ = ["edit_distance", "error_rates"]
