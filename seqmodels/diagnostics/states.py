"""Hidden states: what a model's recurrent layers go through, and how much `h_0` matters.

    states = hidden_states(model, batch)            # {layer: (B, T, U)}, padded steps NaN
    paths, pca = project_trajectories(states["encoder/recurrent_0"])   # (T_i, 2) each
    initial_state_sensitivity(model, batch, lengths=[5, 10, 20])    # {T: mean ||dy||}
"""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import PCA

from seqmodels.diagnostics.probe import StateProbe, probing, recurrent_layers
from seqmodels.diagnostics.reading import as_inputs, sequence_mask, step_mask


def hidden_states(model, inputs) -> dict:
    """`{layer path: (B, T, U) float}` hidden states `h_t` (NaN at padded steps).

    For a bidirectional layer each direction is its own entry
    (`.../forward_recurrent_0`, `.../backward_recurrent_0`), both in input time order.
    """
    inputs = as_inputs(inputs)
    layers = recurrent_layers(model)
    probes = {path: StateProbe() for path in layers}
    with probing(layers, probes):
        model(inputs, training=False)
    states = {}
    for path, probe in probes.items():
        if probe.states is None:
            continue  # a layer this call did not run (e.g. a step-by-step decoder)
        values = np.asarray(probe.states, np.float64)
        valid = step_mask(inputs, path, values.shape[:2])
        states[path] = np.where(valid[..., None], values, np.nan)
    return states


def project_trajectories(states, n_components: int = 2):
    """PCA of the real steps of `states` `(B, T, U)` -> `([(T_i, n_components)], pca)`.

    The PCA (scikit-learn) is fitted on every real step of every sequence, so
    the trajectories share axes; `pca.explained_variance_ratio_` says how much
    of the state each axis holds.
    """
    states = np.asarray(states, np.float64)
    valid = ~np.isnan(states).any(axis=-1)  # (B, T)
    pca = PCA(n_components=n_components).fit(states[valid])
    paths = [pca.transform(row[ok]) for row, ok in zip(states, valid)]
    return paths, pca


def _outputs(model, inputs, layers=None, probes=None):
    if probes is None:
        return np.asarray(model(inputs, training=False), np.float64)
    with probing(layers, probes):
        return np.asarray(model(inputs, training=False), np.float64)


def _truncate(inputs: dict, length: int) -> dict:
    return {k: np.asarray(v)[:, :length] for k, v in inputs.items()}


def initial_state_sensitivity(model, inputs, *, lengths=None, scale: float = 1.0,
                              seed: int = 0) -> dict:
    """Mean `||y(h_0 + delta) - y(h_0)||` for `delta ~ N(0, scale^2)` on every layer's `h_0`.

    Args:
        model: a seqmodels model.
        inputs: a padded batch (dict or array) of sequences.
        lengths: ints; the batch is cut to its first `T` steps for each `T`
            (default: the full length only). How fast the change shrinks with
            `T` is how fast the model forgets its initial state.
        scale: standard deviation of the perturbation.
        seed: seed of the perturbation.

    Returns:
        `{T: mean output change}` (outputs at padded steps excluded).
    """
    inputs = as_inputs(inputs)
    full = np.asarray(inputs["inputs"]).shape[1]
    rng = np.random.default_rng(seed)
    size = np.asarray(inputs["inputs"]).shape[0]
    layers = recurrent_layers(model)
    offsets = {p: rng.normal(0.0, scale, (size, layer.cell.units)).astype("float32")
               for p, layer in layers.items()}  # the same for every T
    result = {}
    for length in lengths or [full]:
        if not 1 <= length <= full:
            raise ValueError(f"Expected lengths in [1, {full}]. Received: {length}.")
        batch = _truncate(inputs, length)
        base = _outputs(model, batch)
        moved = _outputs(model, batch, layers,
                         {p: StateProbe(initial_offset=o) for p, o in offsets.items()})
        change = moved - base
        if change.ndim == 3:  # one output per step: real steps only
            change = change * sequence_mask(batch)[..., None]
        result[int(length)] = float(np.mean(np.linalg.norm(change.reshape(size, -1), axis=1)))
    return result


__all__ = ["hidden_states", "initial_state_sensitivity", "project_trajectories"]
