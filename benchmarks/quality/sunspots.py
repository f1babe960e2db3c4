"""Yearly sunspots, Zhang (2003) protocol: fit on 1700-1920, one-step forecasts 1921-1987.

    .venv/bin/python benchmarks/quality/sunspots.py --seeds 0 1 2

A `ManyToOne` regressor reads the last `--window` standardised years and
predicts the next; each test forecast reads true past values only (one-step
ahead), as in Zhang. MSE and MAD over the 67 test years, in original units,
per seed and for the mean of the seeds' forecasts. Published: AR(9) 305.2,
persistence 920.7.

`--transform sqrt` models `sqrt(1 + y)` instead of `y` (the variance of the
yearly counts grows with their level; Tong's classic threshold models read
the same transform) and squares the forecasts back before scoring.

`--hybrid` is Zhang's (2003) hybrid: an AR(9) with constant, fitted by least
squares on the training windows, makes the linear forecast, and the
recurrent model learns the AR's residual from the same window (forecast =
AR + RNN). The AR alone is scored too, as a check of the protocol against
the published 305.2.

`--select` chooses the configuration without the test years: each of
`CANDIDATES` is fitted on 1700-1885 (scaling and AR from that part only) and
scored by the MSE of its one-step forecasts of 1886-1920 (the last 35
training years), mean over the seeds; only the best is refitted on
1700-1920 and scored once on 1921-1987.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

import numpy as np
import tensorflow as tf

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

import keras  # noqa: E402

from benchmarks.quality.common import save_result, seed_everything  # noqa: E402
from pipelines import forecast_split, pad_to_batch_max  # noqa: E402
from pipelines.datasets.sunspots import load_series  # noqa: E402
from seqmodels.models import ManyToOne  # noqa: E402

TRAIN_END_YEAR = 1920
VALID_START_YEAR = 1886  # `--select` holds out 1886-1920 of the training years

#: What `--select` chooses among (on top of the command line's settings).
CANDIDATES = {
    "gru16_e300": {"units": 16, "epochs": 300, "hybrid": False},
    "hybrid_u16_e100": {"units": 16, "epochs": 100, "hybrid": True},
    "hybrid_u16_e300": {"units": 16, "epochs": 300, "hybrid": True},
    "hybrid_u8_e150": {"units": 8, "epochs": 150, "hybrid": True},
}


TRANSFORMS = {
    "none": (lambda y: y, lambda z: z),
    "sqrt": (lambda y: np.sqrt(1.0 + y), lambda z: np.square(np.maximum(z, 0.0)) - 1.0),
}


def scores(forecast, truth):
    error = np.asarray(forecast).ravel() - np.asarray(truth).ravel()
    return {"mse": float(np.mean(error**2)), "mad": float(np.mean(np.abs(error)))}


AR_ORDER = 9


def window_arrays(dataset):
    """Unbatched `({"inputs": (W, 1)}, (1, 1))` windows -> `(inputs (N, W), targets (N,))`."""
    pairs = list(dataset.as_numpy_iterator())
    return (np.stack([x["inputs"][:, 0] for x, _ in pairs]),
            np.array([y[0, 0] for _, y in pairs]))


def fit_ar(split, order=AR_ORDER):
    """Least-squares AR(order) with constant on the training windows (scaled units).

    Returns `(train forecasts (N,), test forecasts (M,))`.
    """
    def design(inputs):
        return np.c_[inputs[:, -order:], np.ones(len(inputs))]

    train_x, train_y = window_arrays(split.train)
    coef, *_ = np.linalg.lstsq(design(train_x), train_y, rcond=None)
    return design(train_x) @ coef, design(window_arrays(split.test)[0]) @ coef


def run(seed, split, args, ar=None):
    """One seed: `(forecast in original units (67,), seconds)`; `ar` from `fit_ar` or None."""
    seed_everything(seed)
    model = ManyToOne(1, task="regression", cell=args.cell, units=args.units,
                      dropout=args.dropout)
    model.compile(keras.optimizers.Adam(args.learning_rate), "mse")
    train = split.train.map(lambda x, y: (x, y[0]))
    ar_test = 0.0
    if ar is not None:  # the model learns what the AR misses
        residual = tf.data.Dataset.from_tensor_slices(ar[0].astype(np.float32)[:, None])
        train = tf.data.Dataset.zip(train, residual).map(lambda xy, a: (xy[0], xy[1] - a))
        ar_test = ar[1][:, None]
    start = time.perf_counter()
    model.fit(train.shuffle(512, seed=seed).apply(pad_to_batch_max(args.batch_size)),
              epochs=args.epochs, verbose=0)
    test = split.test.map(lambda x, y: (x, y[0])).apply(pad_to_batch_max(256))
    forecast = split.inverse_transform(model.predict(test, verbose=0) + ar_test)
    return TRANSFORMS[args.transform][1](forecast.ravel()), time.perf_counter() - start


def evaluate(args, values, train_end):
    """Fit on `values[:train_end]`, forecast the rest one step ahead, once per seed.

    Returns `(runs, forecasts, split, ar)`; `values` in original units.
    """
    split = forecast_split(TRANSFORMS[args.transform][0](values), train_end=train_end,
                           input_width=args.window)
    truth = values[train_end:]
    ar = fit_ar(split) if args.hybrid else None
    runs, forecasts = [], []
    for seed in args.seeds:
        forecast, seconds = run(seed, split, args, ar)
        forecasts.append(forecast)
        runs.append({"seed": seed, **scores(forecast, truth), "seconds": seconds})
        print(runs[-1], flush=True)
    return runs, forecasts, split, ar


def select(args, years, values, train_end):
    """The candidate whose forecasts of 1886-1920 have the lowest mean MSE, and the table."""
    valid_start = int(np.searchsorted(years, VALID_START_YEAR))
    table = {}
    for name, overrides in CANDIDATES.items():
        config = argparse.Namespace(**{**vars(args), **overrides})
        runs, _, _, _ = evaluate(config, values[:train_end], valid_start)
        table[name] = {"overrides": overrides,
                       "valid_mse": float(np.mean([r["mse"] for r in runs])), "runs": runs}
        print(name, "validation MSE", round(table[name]["valid_mse"], 1), flush=True)
    return min(table, key=lambda name: table[name]["valid_mse"]), table


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--window", type=int, default=12)
    parser.add_argument("--cell", default="gru")
    parser.add_argument("--units", type=int, default=16)
    parser.add_argument("--dropout", type=float, default=0.0)
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--learning-rate", type=float, default=3e-3)
    parser.add_argument("--transform", choices=sorted(TRANSFORMS), default="none")
    parser.add_argument("--hybrid", action="store_true", help="AR(9) + RNN on its residual")
    parser.add_argument("--select", action="store_true",
                        help="choose among CANDIDATES on 1886-1920, then score the test once")
    parser.add_argument("--name", default="sunspots")
    args = parser.parse_args(argv)
    years, values = load_series()
    keep = years <= 1987
    years, values = years[keep], values[keep]
    train_end = int(np.searchsorted(years, TRAIN_END_YEAR, side="right"))
    truth = values[train_end:]
    assert len(truth) == 67, len(truth)
    selection = None
    if args.select:
        best, table = select(args, years, values, train_end)
        selection = {"chosen": best, "valid_years": [VALID_START_YEAR, TRAIN_END_YEAR],
                     "candidates": table}
        args = argparse.Namespace(**{**vars(args), **CANDIDATES[best]})
        print("chosen on 1886-1920:", best, flush=True)
    runs, forecasts, split, ar = evaluate(args, values, train_end)
    mse = np.array([r["mse"] for r in runs])
    result = {"command": "benchmarks/quality/sunspots.py " + " ".join(argv or sys.argv[1:]),
              "args": vars(args), "runs": runs, "mse_mean": float(mse.mean()),
              "mse_std": float(mse.std()),
              "ensemble": scores(np.mean(forecasts, axis=0), truth),
              "persistence": scores(values[train_end - 1:-1], truth), "selection": selection}
    if ar is not None:
        ar_forecast = split.inverse_transform(ar[1][:, None]).ravel()
        result["ar9"] = scores(TRANSFORMS[args.transform][1](ar_forecast), truth)
        print(f"AR({AR_ORDER}) alone: MSE {result['ar9']['mse']:.1f}")
    print(f"MSE {result['mse_mean']:.1f} +- {result['mse_std']:.1f}; ensemble of the seeds "
          f"{result['ensemble']['mse']:.1f}; persistence {result['persistence']['mse']:.1f}")
    print(save_result(args.name, result))


if __name__ == "__main__":
    main()
