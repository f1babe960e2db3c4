"""Shared by the quality benchmarks: seeding and result files."""

from __future__ import annotations

import json
import os
import pathlib
import platform

import keras

RESULTS = pathlib.Path(__file__).resolve().parents[1] / "results" / "quality"


def seed_everything(seed: int) -> None:
    keras.utils.set_random_seed(seed)


def save_result(name: str, result: dict) -> pathlib.Path:
    """Writes `benchmarks/results/quality/<name>.json` with the machine it ran on."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    result = {**result, "cpus": os.cpu_count(), "python": platform.python_version(),
              "keras": keras.__version__}
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2, default=float) + "\n")
    return path


def select(candidates: dict, args, score, *, higher_is_better: bool):
    """`(chosen name, table)`: the candidate whose `score(config)` is best.

    `candidates` maps a name to overrides of the command line's `args`;
    `score(config) -> (value, details)` must read no test data.
    """
    import argparse

    table = {}
    for name, overrides in candidates.items():
        value, details = score(argparse.Namespace(**{**vars(args), **overrides}))
        table[name] = {"overrides": overrides, "score": float(value), "details": details}
        print(name, "validation score", round(float(value), 4), flush=True)
    pick = max if higher_is_better else min
    return pick(table, key=lambda name: table[name]["score"]), table
