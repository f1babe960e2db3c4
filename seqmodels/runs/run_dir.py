"""A run directory: everything one `seqmodels train` wrote, readable by the other commands.

    <run>/config.json      task, hyperparameters, data options, versions
    <run>/backup/          keras.callbacks.BackupAndRestore: resume after an interruption
    <run>/checkpoints/     best.keras (by validation loss) during training
    <run>/logs/            TensorBoard
    <run>/model.keras      the trained Keras model (safe_mode loadable)
    <run>/estimator.pkl    the fitted estimator (model + vocabularies + classes)
    <run>/metrics.json     history, validation and test metrics
    <run>/plots/*.png      training curves, gradient norms, trajectories, attention

Every file is written to a temporary name and renamed, so a crash never
leaves a half-written file in place of a good one.
"""

from __future__ import annotations

import json
import os
import pathlib
import pickle
import time


def _atomic_write_bytes(path: pathlib.Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class RunDir:
    """Paths and atomic reads / writes of one run directory."""

    def __init__(self, path):
        self.path = pathlib.Path(path)

    @classmethod
    def new(cls, task: str, root="runs") -> RunDir:
        return cls(pathlib.Path(root) / f"{task}-{time.strftime('%Y%m%d-%H%M%S')}")

    def __str__(self):
        return str(self.path)

    def sub(self, name) -> pathlib.Path:
        path = self.path / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    # JSON ------------------------------------------------------------
    def write_json(self, name: str, payload: dict) -> pathlib.Path:
        self.path.mkdir(parents=True, exist_ok=True)
        path = self.path / name
        _atomic_write_bytes(path, (json.dumps(payload, indent=2, default=_plain) + "\n").encode())
        return path

    def read_json(self, name: str) -> dict:
        path = self.path / name
        if not path.is_file():
            raise FileNotFoundError(f"{self.path} has no {name}: is it a run directory written "
                                    "by `seqmodels train`?")
        return json.loads(path.read_text())

    # The trained estimator and model ----------------------------------
    def save_estimator(self, estimator) -> None:
        _atomic_write_bytes(self.path / "estimator.pkl", pickle.dumps(estimator))
        tmp = self.path / f".model.{os.getpid()}.keras"  # Keras needs the .keras suffix
        estimator.model_.save(tmp)
        os.replace(tmp, self.path / "model.keras")

    def load_estimator(self):
        """The fitted estimator. A pickle: load run directories you wrote yourself only."""
        path = self.path / "estimator.pkl"
        if not path.is_file():
            raise FileNotFoundError(
                f"{self.path} has no estimator.pkl: training did not finish there. Run "
                f"`seqmodels train <task> --out {self.path}` again to resume it.")
        with open(path, "rb") as f:
            return pickle.load(f)


def _plain(value):
    """JSON for NumPy scalars and arrays."""
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


__all__ = ["RunDir"]
