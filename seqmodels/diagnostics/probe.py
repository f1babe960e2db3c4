"""State probes: run a model with every recurrent state perturbable, for the diagnostics.

A probe replaces, during one forward pass, the sequence loop of each
`seqmodels.layers.Recurrent` layer with a step loop that

    h_t  <-  step(x_t, h_{t-1}) + eps_t        (eps_t = 0: the same function)
    h_0  <-  h_0 + delta                       (delta = 0 unless asked)

so that `d(loss) / d(eps_t)` is the total derivative `d(loss) / d(h_t)`
(every path from `h_t` to the loss, through later steps included), and a
non-zero `delta` perturbs the initial state. Padded steps keep the previous
state (Keras's masked loop), so their `eps_t` gets no gradient.

Works on any model built of `Recurrent` layers (ManyToOne, AlignedManyToMany,
the full-sequence decoders of EncoderDecoder), reloaded from `.keras` or not.
Nothing is saved: the probe runs each layer through `Recurrent.run_by`, undone on exit.
"""

from __future__ import annotations

import contextlib

import keras
import tensorflow as tf
from keras import ops

from seqmodels.layers.step_cell import StepCell
from seqmodels.layers.walk import recurrent_layers


class StateProbe:
    """Perturbation tensors of one `Recurrent` layer, created during the forward pass.

    Attributes (after the pass):
        eps: `(B, T, U)` zeros added to `h_t`, watched by `tape` when given.
        delta: `(B, U)` added to `h_0` (zeros, or `initial_offset`).
        sequences: `(B, T, F)` the layer's input, watched by `tape` when given.
        states: `(B, T, U)` the hidden states `h_t`, in input time order.
    """

    def __init__(self, tape=None, initial_offset=None):
        self.tape = tape
        self.initial_offset = initial_offset
        self.eps = None
        self.delta = None
        self.sequences = None
        self.states = None

    def run(self, layer, sequences, states, mask, training):
        """What `Recurrent.call` returns, computed by the probed step loop."""
        cell = layer.cell
        self.sequences = sequences
        if self.tape is not None:
            self.tape.watch(sequences)  # before its first use
        projected = cell.project_inputs(sequences, training=training)  # (B, T, P)
        batch, time = ops.shape(sequences)[0], ops.shape(sequences)[1]
        self.eps = tf.zeros((batch, time, cell.units), dtype=projected.dtype)
        self.delta = (tf.zeros((batch, cell.units), projected.dtype)
                      if self.initial_offset is None
                      else tf.cast(self.initial_offset, projected.dtype))
        if self.tape is not None:
            self.tape.watch([self.eps, self.delta])
        states = [states[0] + self.delta, *states[1:]]
        loop = keras.layers.RNN(
            StepCell(cell, projected=True, perturbed=True), return_sequences=True,
            return_state=True,
            go_backwards=layer.go_backwards, zero_output_for_mask=layer.zero_output_for_mask)
        output, *final = loop(ops.concatenate([projected, self.eps], axis=-1),
                              initial_state=states, mask=mask, training=training)
        self.states = ops.flip(output, 1) if layer.go_backwards else output  # (B, T, U)
        if not layer.return_sequences:
            output = final[0]
        return [output, *final] if layer.return_state else output


@contextlib.contextmanager
def probing(layers: dict, probes: dict):
    """Runs `layers[path]` by `probes[path]` (`Recurrent.run_by`) for the duration of the block."""
    with contextlib.ExitStack() as stack:
        for path, probe in probes.items():
            stack.enter_context(layers[path].run_by(probe.run))
        yield probes


__all__ = ["StateProbe", "probing", "recurrent_layers"]
