"""Exposure bias, measured: the same labels scored with the true history and with the model's own.

Teacher forcing trains (and usually validates) the decoder on the true
previous tokens; at inference it reads its own. `exposure_bias` scores one
batch both ways, position by position against the same labels, so the gap
is the price of the switch (exposure bias).
"""

from __future__ import annotations

import numpy as np

from seqmodels import constants
from seqmodels.diagnostics.reading import as_inputs


def exposure_bias(model, inputs, labels, *, strategy="greedy") -> dict:
    """Per-token accuracy with teacher forcing and free-running, on the same labels.

    Args:
        model: an `EncoderDecoder` (or `OneToMany`) with `generate`.
        inputs: the teacher-forced batch: `inputs` (+ mask) and `decoder_inputs`
            (`<s>` + target), as `pipelines.teacher_forcing` packs it.
        labels: `(B, T)` target + `</s>`, 0 on padding.
        strategy: the decoding strategy of the free-running pass.

    Returns:
        `{"teacher_forced", "free_running", "gap", "tokens"}`: accuracies over
        the real label tokens (a free-running token counts when it equals the
        label at the same position), their difference, and the token count.
        Both passes choose among the tokens decoding may emit (not pad, OOV
        or `<s>`).
    """
    inputs = as_inputs(inputs)
    labels = np.asarray(labels)
    real = labels != 0
    logits = np.array(model(inputs, training=False), np.float64)  # (B, T, V)
    logits[..., list(constants.NEVER_DECODED_IDS)] = -np.inf  # both passes choose alike
    forced = np.argmax(logits, axis=-1)
    source = {k: v for k, v in inputs.items() if not k.startswith("decoder_inputs")}
    generated = model.generate(source, strategy, max_length=labels.shape[1])["tokens"]
    free = np.zeros_like(labels)
    best = np.asarray(generated)[:, 0, :labels.shape[1]]
    free[:, :best.shape[1]] = best
    teacher = float(np.mean(forced[real] == labels[real]))
    running = float(np.mean(free[real] == labels[real]))
    return {"teacher_forced": teacher, "free_running": running, "gap": teacher - running,
            "tokens": int(real.sum())}


__all__ = ["exposure_bias"]
