"""Figures of the diagnostics, written as PNG files with matplotlib (Agg: no display needed).

Each function takes arrays (the diagnostics' outputs), writes `path` and returns it.
"""

from __future__ import annotations

import os

import numpy as np


def pyplot():
    """matplotlib.pyplot on the Agg backend (files only, no display)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig, path):
    """Writes `fig` to `path` as PNG (folders created), closes it, returns the path."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    pyplot().close(fig)
    return str(path)


def training_curves(history: dict, path):
    """Every metric of a Keras `history.history` by epoch; `val_` curves dashed beside theirs."""
    plt = pyplot()
    names = [k for k in history if not k.startswith("val_") and k != "learning_rate"]
    if not names:
        raise ValueError(f"Expected a Keras history with a 'loss' entry. Received keys: "
                         f"{sorted(history)}.")
    fig, axes = plt.subplots(1, len(names), figsize=(4.2 * len(names), 3.4), squeeze=False)
    for ax, name in zip(axes[0], names):
        epochs = np.arange(1, len(history[name]) + 1)
        ax.plot(epochs, history[name], marker="o", ms=3, label="train")
        if f"val_{name}" in history:
            ax.plot(epochs, history[f"val_{name}"], "--", marker="o", ms=3, label="validation")
        ax.set_xlabel("epoch")
        ax.set_title(name)
        ax.grid(alpha=0.3)
        ax.legend()
    return save_figure(fig, path)


def gradient_norms(curves: dict, path, *, xlabel="distance from the loss (steps)",
                   title="||d loss / d h_t||"):
    """Gradient-norm curves `{label: (T,)}` on a log scale (the vanishing / exploding picture)."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for label, curve in curves.items():
        curve = np.asarray(curve, np.float64)
        ok = np.isfinite(curve) & (curve > 0)
        ax.semilogy(np.arange(len(curve))[ok], curve[ok], label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("gradient norm (log)")
    ax.set_title(title)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    return save_figure(fig, path)


def trajectories(paths, path, *, labels=None, title="hidden-state trajectories (PCA)"):
    """2-D trajectories (`[(T_i, 2)]`), coloured by label when given, else by time step.

    Coloured by time, one colour scale serves every sequence (step 0 to the
    longest one's last), so a colour means the same step in each.
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.6, 4.8))
    if labels is None:
        shared = plt.Normalize(0, max(max(len(p) for p in paths) - 1, 1))
        for p in paths:
            ax.plot(p[:, 0], p[:, 1], color="0.8", lw=0.6, zorder=1)
            points = ax.scatter(p[:, 0], p[:, 1], c=np.arange(len(p)), cmap="viridis",
                                norm=shared, s=6, zorder=2)
        fig.colorbar(points, ax=ax, label="time step (one scale for all sequences)")
    else:
        classes = sorted(set(labels), key=str)
        cmap = plt.get_cmap("tab10" if len(classes) <= 10 else "tab20")
        for p, label in zip(paths, labels):
            colour = cmap(classes.index(label) % cmap.N)
            ax.plot(p[:, 0], p[:, 1], color=colour, lw=0.7, alpha=0.7)
            ax.scatter(p[-1:, 0], p[-1:, 1], color=colour, s=14, edgecolor="k", lw=0.4)
        handles = [plt.Line2D([], [], color=cmap(i % cmap.N), label=str(c))
                   for i, c in enumerate(classes)]
        ax.legend(handles=handles, fontsize=7, ncol=2, title="class (dot: last step)")
    ax.set_xlabel("PC 1")
    ax.set_ylabel("PC 2")
    ax.set_title(title)
    return save_figure(fig, path)


def attention_heatmaps(alignments, path, *, sources=None, targets=None, columns=2,
                       row_label="predicted output"):
    """One heatmap per `(T, S)` alignment; tick labels from token lists when given.

    `row_label` names what the rows are: `"predicted output"` (alignments of
    a decoding) or `"reference output (teacher-forced)"`. Each heatmap has its
    colour bar, on one scale: weights 0 to 1.
    """
    plt = pyplot()
    n = len(alignments)
    rows = (n + columns - 1) // columns
    fig, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 3.6 * rows), squeeze=False)
    for k, ax in enumerate(axes.flat):
        if k >= n:
            ax.axis("off")
            continue
        w = alignments[k]
        image = ax.imshow(w, cmap="Greys", vmin=0, vmax=1, aspect="auto")
        if sources is not None:
            ax.set_xticks(range(w.shape[1]), sources[k][:w.shape[1]], fontsize=8)
        if targets is not None:
            ax.set_yticks(range(w.shape[0]), targets[k][:w.shape[0]], fontsize=7)
        ax.set_xlabel("source")
        ax.set_ylabel(row_label)
        fig.colorbar(image, ax=ax, label="attention weight")
    fig.suptitle("attention alignments")
    return save_figure(fig, path)


def unit_heatmap(states, path, *, title="hidden units over time", max_units=64):
    """Activations `(T, U)` of one sequence as a units x time heatmap."""
    plt = pyplot()
    states = np.asarray(states)[:, :max_units]
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    image = ax.imshow(states.T, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
    fig.colorbar(image, ax=ax)
    ax.set_xlabel("time step")
    ax.set_ylabel("unit")
    ax.set_title(title)
    return save_figure(fig, path)


def saliency(values, path, *, title="input saliency ||d y / d x_t||"):
    """Saliency `(T,)` of one sequence as bars over time."""
    plt = pyplot()
    values = np.asarray(values, np.float64)
    fig, ax = plt.subplots(figsize=(6.4, 3.0))
    ax.bar(np.arange(len(values)), np.nan_to_num(values))
    ax.set_xlabel("time step")
    ax.set_title(title)
    return save_figure(fig, path)


__all__ = ["attention_heatmaps", "gradient_norms", "pyplot", "saliency", "save_figure",
           "training_curves", "trajectories", "unit_heatmap"]
