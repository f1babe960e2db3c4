"""Shared by the limitation experiments: the adding problem, small models, result files."""

from __future__ import annotations

import json
import os
import pathlib
import platform
import time

import keras
import numpy as np

from pipelines.datasets.synthetic import adding_problem
from seqmodels.models import ManyToOne

ROOT = pathlib.Path(__file__).resolve().parents[2]

RESULTS = ROOT / "benchmarks" / "results" / "limitations"
IMAGES = ROOT / "docs" / "images" / "limitations"

#: The cells compared, as `ManyToOne` arguments. "irnn" is the Elman cell with ReLU and an
#: identity recurrent matrix (Le et al. 2015), the seed's remedy by initialisation.
CELLS = {
    "elman": {"cell": "elman"},
    "irnn": {"cell": "elman",
             "cell_options": {"activation": "relu", "recurrent_initializer": "identity"}},
    "gru": {"cell": "gru"},
    "lstm": {"cell": "lstm"},
    "mingru": {"cell": "mingru"},
}


def adding_model(name, units=64, **options):
    """A unidirectional many-to-one regressor reading the last state."""
    return ManyToOne(1, task="regression", units=units, bidirectional=False,
                     **{"pooling": "last", **CELLS[name], **options})


def adding_data(n, length, seed):
    x, y = adding_problem(n, length, seed)
    return {"inputs": x}, y[:, None]


def save(name, result):
    """`benchmarks/results/limitations/<name>.json` with the machine it ran on."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    result = {**result, "cpus": os.cpu_count(), "python": platform.python_version(),
              "keras": keras.__version__, "date": time.strftime("%Y-%m-%d")}
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2, default=_plain) + "\n")
    return path


def _plain(value):
    if isinstance(value, np.generic | np.ndarray):
        return value.tolist()
    return str(value)


def image(name):
    IMAGES.mkdir(parents=True, exist_ok=True)
    return IMAGES / f"{name}.png"


class StepLosses(keras.callbacks.Callback):
    """The loss after every training step."""

    def __init__(self):
        super().__init__()
        self.losses = []

    def on_train_batch_end(self, batch, logs=None):
        self.losses.append(float(logs["loss"]))
