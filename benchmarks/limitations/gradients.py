"""Limitation 1, vanishing and exploding gradients, on the adding problem.

    .venv/bin/python benchmarks/limitations/gradients.py      # 1 min 45 s measured (one thread)

Part A: `||d loss / d h_t||` by distance from the loss (the last step) for
each cell of `common.CELLS` at T = 200, averaged over 64 sequences, at
initialisation and after 300 training steps (Adam 1e-3, batch 64). Reports
where each curve has fallen 10x and 1000x below its value at the loss.

Part B: an IRNN (ReLU, identity recurrence) trained with plain SGD (lr 0.01,
momentum 0.9) at T = 100 for 400 steps, without clipping, with `clipnorm=1`
and with `global_clipnorm=1`: the loss per step, and whether it blows up.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

import keras  # noqa: E402
import numpy as np  # noqa: E402

from benchmarks.limitations.common import (  # noqa: E402
    CELLS,
    StepLosses,
    adding_data,
    adding_model,
    image,
    save,
)
from seqmodels.diagnostics import decay_distance, plots, state_gradients  # noqa: E402

LAYER = "encoder/recurrent_0"


def curve(model, x, y):
    return state_gradients(model, x, y).by_distance(LAYER)


def part_a(length, steps, seed):
    x_probe, y_probe = adding_data(64, length, seed + 1)
    x_train, y_train = adding_data(64 * steps, length, seed)
    rows, curves = {}, {}
    for name in CELLS:
        keras.utils.set_random_seed(seed)
        model = adding_model(name)
        model.compile(keras.optimizers.Adam(1e-3), "mse")
        at_init = curve(model, x_probe, y_probe)
        history = model.fit(x_train, y_train, batch_size=64, epochs=1, verbose=0)
        trained = curve(model, x_probe, y_probe)
        rows[name] = {
            "init": {"at_loss": at_init[0], "10x": decay_distance(at_init, 10),
                     "1000x": decay_distance(at_init, 1000), "at_T": at_init[-1]},
            "trained": {"at_loss": trained[0], "10x": decay_distance(trained, 10),
                        "1000x": decay_distance(trained, 1000), "at_T": trained[-1],
                        "train_mse": history.history["loss"][-1]},
        }
        curves[name] = {"init": at_init, "trained": trained}
        print(name, rows[name], flush=True)
    plots.gradient_norms({f"{n} (init)": c["init"] for n, c in curves.items()},
                         image("gradients_init"),
                         title=f"||d loss / d h_t|| at initialisation, adding problem T={length}")
    plots.gradient_norms({f"{n} ({steps} steps)": c["trained"] for n, c in curves.items()},
                         image("gradients_trained"),
                         title=f"||d loss / d h_t|| after {steps} Adam steps, T={length}")
    return rows, {n: {k: v.tolist() for k, v in c.items()} for n, c in curves.items()}


def part_b(length, steps, seed):
    x_train, y_train = adding_data(64 * steps, length, seed)
    runs = {}
    for label, clip in (("no clipping", {}), ("clipnorm=1", {"clipnorm": 1.0}),
                        ("global_clipnorm=1", {"global_clipnorm": 1.0})):
        keras.utils.set_random_seed(seed)
        model = adding_model("irnn")
        model.compile(keras.optimizers.SGD(0.01, momentum=0.9, **clip), "mse")
        losses = StepLosses()
        model.fit(x_train, y_train, batch_size=64, epochs=1, verbose=0, callbacks=[losses])
        values = np.asarray(losses.losses)
        finite = np.isfinite(values)
        runs[label] = {
            "losses": values.tolist(),
            "first_nonfinite_step": None if finite.all() else int(np.argmin(finite)) + 1,
            "max_loss": float(np.nanmax(np.where(finite, values, np.nan))),
            "final_loss": float(values[-1]),
            "mean_last_50": float(np.mean(values[-50:])),
        }
        print(label, {k: v for k, v in runs[label].items() if k != "losses"}, flush=True)
    _plot_losses(runs, image("clipping"), length)
    return runs


def _plot_losses(runs, path, length):
    from seqmodels.diagnostics.plots import pyplot, save_figure

    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    for label, run in runs.items():
        values = np.asarray(run["losses"], np.float64)
        if run["first_nonfinite_step"]:
            label = f"{label} (NaN from step {run['first_nonfinite_step']})"
        ax.semilogy(np.arange(1, len(values) + 1), np.where(np.isfinite(values), values, np.nan),
                    marker="o" if np.isfinite(values).sum() < 5 else None, label=label)
    ax.axhline(1 / 6, color="0.5", ls=":", label="predict the mean (0.167)")
    ax.set_xlabel("training step")
    ax.set_ylabel("batch MSE (log)")
    ax.set_title(f"IRNN + SGD(0.01, momentum 0.9), adding problem T={length}")
    ax.legend(fontsize=8)
    save_figure(fig, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=200)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--clip-length", type=int, default=100)
    parser.add_argument("--clip-steps", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rows, curves = part_a(args.length, args.steps, args.seed)
    clipping = part_b(args.clip_length, args.clip_steps, args.seed)
    print(save("gradients", {"command": "benchmarks/limitations/gradients.py",
                             "args": vars(args), "decay": rows, "curves": curves,
                             "clipping": clipping}))


if __name__ == "__main__":
    main()
