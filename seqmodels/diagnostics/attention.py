"""Attention alignments of an EncoderDecoder, and how close to monotonic they are."""

from __future__ import annotations

import numpy as np

from seqmodels.diagnostics.reading import as_inputs, sequence_mask


def attention_weights(model, inputs) -> list[np.ndarray]:
    """Teacher-forced alignments: one `(T_i, S_i)` matrix per example (padding cut off).

    Args:
        model: an `EncoderDecoder` with attention.
        inputs: dict with `inputs` (source ids `(B, S)`) and `decoder_inputs`
            (`<s>` + target, `(B, T)`), masks optional.

    Row `j` is where the decoder looked while emitting output `j`.
    """
    if getattr(model, "attention", None) is None:
        raise ValueError(
            f"attention_weights needs an EncoderDecoder with attention. Received: "
            f"{type(model).__name__} with attention={getattr(model, 'attention', None)!r}.")
    inputs = as_inputs(inputs)
    if "decoder_inputs" not in inputs:
        raise ValueError("Expected `decoder_inputs` (<s> + target ids) in the inputs dict; "
                         f"received keys {sorted(inputs)}.")
    _, weights = model.teacher_forced(inputs, training=False)
    weights = np.asarray(weights, np.float64)  # (B, T, S)
    sources = sequence_mask(inputs).sum(axis=1)
    targets = sequence_mask(inputs, "decoder_inputs").sum(axis=1)
    return [w[:t, :s] for w, t, s in zip(weights, targets, sources)]


def diagonal_mass(alignments, band: int = 1) -> float:
    """Share of attention mass within `band` source steps of the diagonal.

    The diagonal of a `(T, S)` alignment passes through `s = (j + 0.5) S / T - 0.5`.

    For one-to-one, left-to-right correspondences (letters to sounds) the
    mass sits near that diagonal; 1.0 means all of it.

    >>> diagonal_mass([np.eye(3)], band=0)
    1.0
    >>> diagonal_mass([np.full((2, 4), 0.25)], band=1)
    0.5
    """
    inside = total = 0.0
    for w in alignments:
        t, s = w.shape
        centre = (np.arange(t) + 0.5) * s / t - 0.5  # (T,)
        distance = np.abs(np.arange(s)[None, :] - centre[:, None])  # (T, S)
        inside += float(w[distance <= band].sum())
        total += float(w.sum())
    return inside / total


def monotonic_share(alignments) -> float:
    """Share of output steps whose most-attended source step does not go backwards.

    >>> monotonic_share([np.eye(3)])
    1.0
    """
    ok = steps = 0
    for w in alignments:
        peaks = np.argmax(w, axis=1)
        ok += int(np.sum(np.diff(peaks) >= 0))
        steps += max(len(peaks) - 1, 0)
    return ok / steps if steps else 1.0


__all__ = ["attention_weights", "diagonal_mass", "monotonic_share"]
