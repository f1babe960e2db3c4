"""The plots of a run directory, made with `seqmodels.diagnostics` on held-out data."""

from __future__ import annotations

import numpy as np

from seqmodels.diagnostics import (
    attention_weights,
    hidden_states,
    plots,
    project_trajectories,
    state_gradients,
)


def make_plots(estimator, X, y, plot_dir, *, labelled_by_class=False, n=64) -> list[str]:
    """Writes the run's PNG files into `plot_dir`; returns their paths."""
    written = [plots.training_curves(estimator.history_, plot_dir / "training_curves.png")]
    size = min(n, len(X))
    x, targets, weights = estimator.model_batch(X[:size], y[:size])
    model = estimator.model_
    grads = state_gradients(model, x, targets, sample_weight=weights)
    curves = {path: grads.by_distance(path, reverse="backward" in path)
              for path in grads.norms}
    written.append(plots.gradient_norms(
        curves, plot_dir / "gradient_norms.png",
        xlabel="steps from each sequence's end (backward layers: from its start)",
        title="||d loss / d h_t||, mean over held-out sequences"))
    states = hidden_states(model, x)
    layer = [p for p in states if p.startswith("encoder") and "backward" not in p][-1]
    paths, pca = project_trajectories(states[layer])
    labels = list(np.asarray(y[:size])) if labelled_by_class else None
    share = 100 * pca.explained_variance_ratio_.sum()
    written.append(plots.trajectories(
        paths, plot_dir / "trajectories.png", labels=labels,
        title=f"{layer.rsplit('/', 1)[-1]} states, PCA ({share:.0f}% of variance)"))
    if getattr(model, "attention", None):
        alignments = attention_weights(model, x)[:4]
        sources = [list(s) for s in X[:4]]
        targets_text = [list(t) + ["</s>"] for t in y[:4]]
        written.append(plots.attention_heatmaps(alignments, plot_dir / "attention.png",
                                                sources=sources, targets=targets_text,
                                                row_label="reference output (teacher-forced)"))
    return written


__all__ = ["make_plots"]
