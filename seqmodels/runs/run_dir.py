"""A run directory: everything one `seqmodels train` wrote, readable by the other commands.

    <run>/config.json      task, hyperparameters, data options, versions
    <run>/backup/          checkpoints of the whole training state (seqmodels.training.ExactResume):
                           a run killed at any moment resumes exactly; workers > 0 of a
                           multi-worker run keep theirs in backup/workers/<index>/ until it ends
    <run>/checkpoints/     best.keras (by validation loss) during training, written atomically
    <run>/logs/<attempt>/  TensorBoard, one folder per process that trained (1, 2, ...)
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
import shutil
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

    # What the directory holds ------------------------------------------
    def check_usable(self) -> None:
        """Refuses a path that is a file, or a folder of files that is not a run directory."""
        if self.path.exists() and not self.path.is_dir():
            raise ValueError(f"Expected `out` to be a run directory. Received: out={str(self)!r}, "
                             "which is a file.")
        if self.path.is_dir() and any(self.path.iterdir()) and not self.is_run():
            raise ValueError(
                f"{self} holds files but no config.json: it is not a seqmodels run directory, "
                "and nothing in it is overwritten. Choose another --out.")

    def is_run(self) -> bool:
        return (self.path / "config.json").is_file()

    def is_finished(self) -> bool:
        """Training ended there: the fitted estimator was written."""
        return (self.path / "estimator.pkl").is_file()

    def has_progress(self) -> bool:
        """An epoch was backed up or training finished: there is work to keep."""
        backup = self.path / "backup"
        return self.is_finished() or (backup.is_dir() and any(backup.rglob("*")))

    def remove(self) -> None:
        """Deletes the run directory (only ever one that `is_run`, or one this process made)."""
        shutil.rmtree(self.path, ignore_errors=True)

    def new_log_dir(self) -> pathlib.Path:
        """`logs/<n>` for this attempt, n one more than the highest there: logs never mix."""
        logs = self.sub("logs")
        attempts = [int(p.name) for p in logs.iterdir() if p.name.isdigit()]
        return self.sub(f"logs/{max(attempts, default=0) + 1}")

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
        from seqmodels import cells, layers, losses, models  # noqa: F401  (Keras finds them)

        try:
            with open(path, "rb") as f:
                return pickle.load(f)
        except Exception as error:  # unpickling can raise anything a truncated stream causes
            raise ValueError(
                f"{path} cannot be read ({type(error).__name__}: {_first_line(error)}): it is "
                "truncated, corrupt or from another seqmodels version. Train again with "
                f"`seqmodels train <task> --out {self.path} --overwrite`.") from error


def _first_line(error) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else "no message"


def as_json(payload):
    """`payload` as `write_json` stores it and `read_json` gives it back (tuples as lists)."""
    return json.loads(json.dumps(payload, default=_plain))


def _plain(value):
    """JSON for NumPy scalars and arrays."""
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


__all__ = ["RunDir", "as_json"]
