"""Vanishing / exploding gradients, measured: `||d(loss) / d(h_t)||` per step.

    grads = state_gradients(model, batch_x, batch_y)
    grads.norms["encoder/recurrent_0"]      # (B, T), NaN at padded steps
    curve = grads.by_distance("encoder/recurrent_0")   # (T,), mean over the batch
    decay_distance(curve, 1000)             # steps back until the norm fell 1000x

`h_t` is each recurrent layer's hidden state; the derivative is the total one,
through every later step (see `seqmodels.diagnostics.probe`). Padded steps
are excluded (NaN), so sequences of different lengths can share a batch.
"""

from __future__ import annotations

import dataclasses

import keras
import numpy as np
import tensorflow as tf

from seqmodels.diagnostics.probe import StateProbe, probing, recurrent_layers
from seqmodels.diagnostics.reading import as_inputs, step_mask


@dataclasses.dataclass
class StateGradients:
    """Per-layer `(B, T)` gradient norms and the `(B, T)` mask of real steps.

    Attributes:
        norms: `{layer path: (B, T) float64}`; NaN where the step is padding.
        mask: `{layer path: (B, T) bool}`, True at real steps.
        loss: the summed loss the gradients are of.
    """

    norms: dict
    mask: dict
    loss: float

    def by_distance(self, layer: str, *, reverse: bool = False) -> np.ndarray:
        """`(T,)` mean norm by distance `d` from each sequence's last real step.

        `d = 0` is the last real step (the one nearest a many-to-one loss).
        With `reverse=True` distance counts from the first step instead (the
        backward direction of a bidirectional layer reads the sequence that way).
        """
        norms, mask = self.norms[layer], self.mask[layer]
        aligned = np.full(norms.shape, np.nan)
        for i, (row, valid) in enumerate(zip(norms, mask)):
            values = row[valid]
            aligned[i, :len(values)] = values if reverse else values[::-1]
        with np.errstate(all="ignore"):
            return np.nanmean(aligned, axis=0)

    def by_step(self, layer: str) -> np.ndarray:
        """`(T,)` mean norm at each time step over the sequences that have it."""
        with np.errstate(all="ignore"):
            return np.nanmean(self.norms[layer], axis=0)


def default_loss(model):
    """Summed loss fitting `model.task` (or seq2seq), so each example keeps its own scale."""
    task = getattr(model, "task", None)
    if task == "regression":
        return keras.losses.MeanSquaredError(reduction="sum")
    ignore = 0 if task is None else None  # EncoderDecoder: padding id 0 in the labels
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=ignore,
                                                      reduction="sum")


def state_gradients(model, inputs, targets, *, loss=None, sample_weight=None) -> StateGradients:
    """`||d(loss)/d(h_t)||` for every step `t` of every recurrent layer of `model`.

    Args:
        model: a seqmodels model (or one built of `seqmodels.layers.Recurrent`).
        inputs: what the model is called on: a dict (`inputs`, optional
            `inputs_mask`, ...) or the `inputs` array alone.
        targets: labels the loss compares with the model's output.
        loss: a Keras loss or `callable(y_true, y_pred[, sample_weight])` to a
            scalar; default `default_loss(model)` (summed over the batch).
        sample_weight: optional, passed to the loss (0 on padded label steps).

    Returns:
        `StateGradients`.
    """
    inputs = as_inputs(inputs)
    layers = recurrent_layers(model)
    loss = loss or default_loss(model)
    with tf.GradientTape(persistent=False) as tape:
        probes = {path: StateProbe(tape) for path in layers}
        with probing(layers, probes):
            outputs = model(inputs, training=False)
        value = (loss(targets, outputs) if sample_weight is None
                 else loss(targets, outputs, sample_weight=sample_weight))
    used = {p: probe for p, probe in probes.items() if probe.eps is not None}
    grads = tape.gradient(value, [probe.eps for probe in used.values()],
                          unconnected_gradients=tf.UnconnectedGradients.ZERO)
    norms, masks = {}, {}
    for (path, probe), grad in zip(used.items(), grads):
        valid = step_mask(inputs, path, probe.eps.shape[:2])
        norm = np.linalg.norm(np.asarray(grad, np.float64), axis=-1)  # (B, T)
        norms[path] = np.where(valid, norm, np.nan)
        masks[path] = valid
    return StateGradients(norms, masks, float(value))


def decay_distance(curve, factor: float) -> int | None:
    """First distance `d` where `curve[d] <= curve[0] / factor` (None if it never does).

    >>> decay_distance(np.array([8.0, 4.0, 2.0, 1.0, 0.5]), 10)
    4
    >>> decay_distance(np.array([1.0, 1.0]), 10) is None
    True
    """
    curve = np.asarray(curve, np.float64)
    below = np.flatnonzero(curve <= curve[0] / factor)
    return int(below[0]) if below.size else None


__all__ = ["StateGradients", "decay_distance", "default_loss", "state_gradients"]
