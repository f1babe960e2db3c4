"""Diagnostics for any seqmodels model: the known limitations of RNNs, measured on yours.

    state_gradients        ||d(loss)/d(h_t)|| per step and layer  (vanishing / exploding)
    decay_distance         steps back until a gradient curve fell 10x, 1000x, ...
    hidden_states          the recurrent states a model goes through   (interpretability)
    project_trajectories   their PCA projection (scikit-learn)
    initial_state_sensitivity   how much the output moves when h_0 does
    input_saliency         ||d(output)/d(x_t)|| per input step
    attention_weights / diagonal_mass   seq2seq alignments and how monotonic they are
    exposure_bias          teacher-forced versus free-running accuracy on the same labels
    plots                  matplotlib figures of all of these (PNG)

Every function takes padded batches with explicit masks and excludes padded
steps; all work on models reloaded from `.keras`.
"""

from seqmodels.diagnostics import plots
from seqmodels.diagnostics.attention import attention_weights, diagonal_mass, monotonic_share
from seqmodels.diagnostics.exposure import exposure_bias
from seqmodels.diagnostics.gradients import (
    StateGradients,
    decay_distance,
    default_loss,
    state_gradients,
)
from seqmodels.diagnostics.probe import StateProbe, probing, recurrent_layers
from seqmodels.diagnostics.saliency import input_saliency
from seqmodels.diagnostics.states import (
    hidden_states,
    initial_state_sensitivity,
    project_trajectories,
)

__all__ = [
    "StateGradients",
    "StateProbe",
    "attention_weights",
    "decay_distance",
    "default_loss",
    "diagonal_mass",
    "exposure_bias",
    "hidden_states",
    "initial_state_sensitivity",
    "input_saliency",
    "monotonic_share",
    "plots",
    "probing",
    "project_trajectories",
    "recurrent_layers",
    "state_gradients",
]
