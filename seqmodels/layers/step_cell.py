"""StepCell: a seqmodels cell's step as the cell of `keras.layers.RNN`.

`Recurrent` hands the step loop to Keras's `RNN` (its masking, unrolling and
`go_backwards`); Keras calls `cell(inputs_t, states)`, while a seqmodels cell
splits a step into `project_inputs` (every step at once) and `step`. This
adapter runs the second half, and optionally adds a perturbation to the new
hidden state (what the diagnostics differentiate against).
"""

import keras


class StepCell(keras.layers.Layer):
    """Runs `cell.step` (or `cell.call`) for `keras.layers.RNN`, one time step at a time.

    Holds the cell without tracking it: the `Recurrent` layer owns its weights.

    Args:
        cell: a `seqmodels.cells` cell.
        projected: bool. The inputs are `cell.project_inputs(...)` already
            (run `cell.step`), or raw features (run `cell.call`).
        perturbed: bool. Each step's inputs end with `eps_t (B, units)`, which
            is added to the output and the new `h_t`:
            `h_t <- step(x_t, h_{t-1}) + eps_t` (`eps_t = 0`: the same function).

    Call arguments:
        inputs: `(B, P)` one step's inputs (`(B, P + units)` when perturbed).
        states: the cell's states, each `(B, size)`.

    Returns:
        `(output (B, units), new states)`.
    """

    def __init__(self, cell, projected=True, perturbed=False, **kwargs):
        super().__init__(**kwargs)
        object.__setattr__(self, "_target", cell)
        self.projected = bool(projected)
        self.perturbed = bool(perturbed)
        self.state_size = cell.state_size
        self.output_size = cell.output_size

    def build(self, input_shape):
        self.built = True

    def call(self, inputs, states, training=False):
        units = self._target.units
        eps = None
        if self.perturbed:
            inputs, eps = inputs[:, :-units], inputs[:, -units:]
        run = self._target.step if self.projected else self._target.call
        output, new_states = run(inputs, states, training=training)
        if eps is None:
            return output, new_states
        new_states = list(new_states)
        new_states[0] = new_states[0] + eps  # h_t (the output of every seqmodels cell)
        return output + eps, new_states


__all__ = ["StepCell"]
