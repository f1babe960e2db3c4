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
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

import keras  # noqa: E402

from benchmarks.quality.common import save_result, seed_everything  # noqa: E402
from pipelines import forecast_split, pad_to_batch_max  # noqa: E402
from pipelines.datasets.sunspots import load_series  # noqa: E402
from seqmodels.models import ManyToOne  # noqa: E402

TRAIN_END_YEAR = 1920


TRANSFORMS = {
    "none": (lambda y: y, lambda z: z),
    "sqrt": (lambda y: np.sqrt(1.0 + y), lambda z: np.square(np.maximum(z, 0.0)) - 1.0),
}


def scores(forecast, truth):
    error = np.asarray(forecast).ravel() - np.asarray(truth).ravel()
    return {"mse": float(np.mean(error**2)), "mad": float(np.mean(np.abs(error)))}


def run(seed, split, args):
    seed_everything(seed)
    model = ManyToOne(1, task="regression", cell=args.cell, units=args.units,
                      dropout=args.dropout)
    model.compile(keras.optimizers.Adam(args.learning_rate), "mse")
    train = split.train.map(lambda x, y: (x, y[0])).shuffle(512, seed=seed)
    start = time.perf_counter()
    model.fit(train.apply(pad_to_batch_max(args.batch_size)), epochs=args.epochs, verbose=0)
    test = split.test.map(lambda x, y: (x, y[0])).apply(pad_to_batch_max(256))
    forecast = split.inverse_transform(model.predict(test, verbose=0))
    return TRANSFORMS[args.transform][1](forecast.ravel()), time.perf_counter() - start


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
    parser.add_argument("--name", default="sunspots")
    args = parser.parse_args(argv)
    years, values = load_series()
    keep = years <= 1987
    years, values = years[keep], values[keep]
    train_end = int(np.searchsorted(years, TRAIN_END_YEAR, side="right"))
    split = forecast_split(TRANSFORMS[args.transform][0](values), train_end=train_end,
                           input_width=args.window)
    truth = values[train_end:]
    assert len(truth) == 67, len(truth)
    runs, forecasts = [], []
    for seed in args.seeds:
        forecast, seconds = run(seed, split, args)
        forecasts.append(forecast)
        runs.append({"seed": seed, **scores(forecast, truth), "seconds": seconds})
        print(runs[-1], flush=True)
    mse = np.array([r["mse"] for r in runs])
    result = {"command": "benchmarks/quality/sunspots.py " + " ".join(argv or sys.argv[1:]),
              "args": vars(args), "runs": runs, "mse_mean": float(mse.mean()),
              "mse_std": float(mse.std()),
              "ensemble": scores(np.mean(forecasts, axis=0), truth),
              "persistence": scores(values[train_end - 1:-1], truth)}
    print(f"MSE {result['mse_mean']:.1f} +- {result['mse_std']:.1f}; ensemble of the seeds "
          f"{result['ensemble']['mse']:.1f}; persistence {result['persistence']['mse']:.1f}")
    print(save_result(args.name, result))


if __name__ == "__main__":
    main()
