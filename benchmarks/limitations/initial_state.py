"""Limitation 3, sensitivity to the initial state and to initialisation, on the adding problem.

    .venv/bin/python benchmarks/limitations/initial_state.py  # 2 min 15 s measured (one thread)

Part A: the spread (std over 5 seeds) of the final validation MSE of an
Elman (tanh) network, 32 units, T = 30, 1,500 Adam steps (lr 2e-3) of batch 64, for
recurrent initialisations glorot_uniform / orthogonal / identity with a zero
initial state, and orthogonal with a learned initial state
(`learn_initial_state=True`, the package's remedy).

Part B: how much the output moves when every `h_0` is perturbed (N(0, 1)),
as a function of the sequence length, for the trained Elman and GRU models
(`seqmodels.diagnostics.initial_state_sensitivity`): the memory of the
initial state fades with T, fast or slowly depending on the cell.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

import keras  # noqa: E402
import numpy as np  # noqa: E402

from benchmarks.limitations.common import adding_data, adding_model, image, save  # noqa: E402
from seqmodels.diagnostics import initial_state_sensitivity  # noqa: E402

CONFIGS = {
    "glorot, zero h0": {"cell_options": {"recurrent_initializer": "glorot_uniform"}},
    "orthogonal, zero h0": {"cell_options": {"recurrent_initializer": "orthogonal"}},
    "identity, zero h0": {"cell_options": {"recurrent_initializer": "identity"}},
    "orthogonal, learned h0": {"cell_options": {"recurrent_initializer": "orthogonal"},
                               "learn_initial_state": True},
}
LENGTHS = [1, 2, 5, 10, 20, 30]


def train(name, options, seed, data, steps):
    (x, y), (x_val, y_val) = data
    keras.utils.set_random_seed(seed)
    model = adding_model(name, units=32, **options)
    model.compile(keras.optimizers.Adam(2e-3), "mse")
    model.fit(x, y, batch_size=64, epochs=1, steps_per_epoch=steps, verbose=0)
    return model, float(model.evaluate(x_val, y_val, verbose=0, batch_size=500))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=30)
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    args = parser.parse_args(argv)
    data = (adding_data(64 * args.steps, args.length, 0), adding_data(1000, args.length, 1))
    spread = {}
    for label, options in CONFIGS.items():
        losses = [train("elman", options, seed, data, args.steps)[1] for seed in args.seeds]
        spread[label] = {"val_mse": losses, "mean": float(np.mean(losses)),
                         "std": float(np.std(losses, ddof=1)), "min": min(losses),
                         "max": max(losses)}
        print(label, spread[label], flush=True)
    probe = {"inputs": data[1][0]["inputs"][:200]}
    sensitivity = {}
    for name in ("elman", "gru"):
        model, val = train(name, {}, args.seeds[0], data, args.steps)
        sensitivity[name] = {"val_mse": val, "change": initial_state_sensitivity(
            model, probe, lengths=LENGTHS, scale=1.0)}
        print(name, sensitivity[name], flush=True)
    _plot(sensitivity, image("initial_state"))
    print(save("initial_state", {"command": "benchmarks/limitations/initial_state.py",
                                 "args": vars(args), "spread": spread,
                                 "sensitivity": sensitivity}))


def _plot(sensitivity, path):
    from seqmodels.diagnostics.plots import pyplot, save_figure

    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.0, 3.8))
    for name, result in sensitivity.items():
        lengths = sorted(int(k) for k in result["change"])
        ax.loglog(lengths, [result["change"][k] for k in lengths], marker="o", label=name)
    ax.set_xlabel("sequence length T")
    ax.set_ylabel("mean |output change|")
    ax.set_title("output change when h0 is perturbed by N(0, 1)")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    save_figure(fig, path)


if __name__ == "__main__":
    main()
