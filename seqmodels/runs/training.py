"""`seqmodels train / evaluate / export` as functions: a task's estimator, fitted into a run
directory with checkpoints, resume, TensorBoard, metrics and plots."""

from __future__ import annotations

import time

from seqmodels._version import __version__
from seqmodels.runs.run_dir import RunDir
from seqmodels.runs.tasks import get_task


def _config(task, params, data_dir, limit):
    import keras
    import tensorflow as tf

    return {"task": task.name, "dataset": task.dataset, "estimator": task.estimator,
            "params": params, "data_dir": data_dir, "limit": limit,
            "versions": {"seqmodels": __version__, "keras": keras.__version__,
                         "tensorflow": tf.__version__}}


def _check_resume(run, config):
    """A run directory is resumed only with the configuration it was started with."""
    if not (run.path / "config.json").is_file():
        return
    old = run.read_json("config.json")
    for key in ("task", "params", "limit"):
        if old.get(key) != config.get(key):
            raise ValueError(
                f"{run} holds a run with another {key} ({old.get(key)!r}); this command asks "
                f"for {config.get(key)!r}. Use another --out directory, or the same options "
                "to resume it.")


def _callbacks(run, monitor):
    import keras

    return [
        keras.callbacks.BackupAndRestore(str(run.sub("backup")), save_freq="epoch"),
        keras.callbacks.ModelCheckpoint(str(run.sub("checkpoints") / "best.keras"),
                                        monitor=monitor, save_best_only=True),
        keras.callbacks.TensorBoard(str(run.sub("logs"))),
    ]


def train(task_name, *, out=None, overrides=None, data_dir=None, limit=None, plots=True,
          log=print) -> RunDir:
    """Fits the task's estimator into a run directory; returns it.

    Args:
        task_name: a name of `seqmodels.runs.TASKS`.
        out: the run directory (default `runs/<task>-<time>`). Running again
            with the same `out` and options resumes an interrupted run from
            its last finished epoch (`BackupAndRestore`).
        overrides: estimator hyperparameters replacing the task's defaults.
        data_dir: TFDS data dir (default `$SEQMODELS_DATA_DIR` or TFDS's).
        limit: read at most this many examples per split (quick runs).
        plots: write the PNG plots.
    """
    task = get_task(task_name)
    overrides = dict(overrides or {})
    if task.validation is None:
        overrides.setdefault("validation_split", 0.1)
    estimator = task.make_estimator(**overrides)  # unknown hyperparameters fail here
    estimator._check_params()  # and bad values, before anything is written
    run = RunDir(out) if out else RunDir.new(task.name)
    config = _config(task, estimator.get_params(), data_dir, limit)
    _check_resume(run, config)
    run.write_json("config.json", config)

    start = time.perf_counter()
    log(f"reading {task.dataset} ...")
    X, y = task.read("train", data_dir, limit)
    validation = task.read(task.validation, data_dir, limit) if task.validation else None
    monitor = "val_loss" if validation or estimator.validation_split else "loss"
    log(f"training {task.estimator} on {len(X)} sequences -> {run}")
    estimator.fit(X, y, callbacks=_callbacks(run, monitor), validation_data=validation)
    run.save_estimator(estimator)
    test_data = task.read("test", data_dir, limit)  # read once: scored, then plotted
    evaluate(run, estimator=estimator, test_data=test_data, log=log,
             extra={"train_seconds": time.perf_counter() - start})
    if plots:
        from seqmodels.runs.figures import make_plots

        for path in make_plots(estimator, *test_data, run.sub("plots"),
                               labelled_by_class=task.labelled_by_class):
            log(f"plot: {path}")
    return run


def evaluate(run_dir, *, estimator=None, test_data=None, extra=None, log=print) -> dict:
    """Test-split metrics of a run, merged into its `metrics.json` with `extra`.

    `estimator` and `test_data` (`(X, y)`) default to the run's own; `train`
    passes the ones it already holds.
    """
    run = RunDir(run_dir) if not isinstance(run_dir, RunDir) else run_dir
    config = run.read_json("config.json")
    task = get_task(config["task"])
    estimator = estimator or run.load_estimator()
    X, y = test_data or task.read("test", config["data_dir"], config["limit"])
    test = task.score(estimator, X, y)
    metrics = {"task": task.name, "test": test, "test_sequences": len(X),
               "history": estimator.history_, "epochs": len(estimator.history_["loss"]),
               **(extra or {})}
    run.write_json("metrics.json", {**_previous(run), **metrics})
    log(f"{task.name} test: " + ", ".join(f"{k} {v:.4g}" for k, v in test.items()))
    return metrics


def _previous(run):
    try:
        return run.read_json("metrics.json")
    except FileNotFoundError:
        return {}


def export(run_dir, to, *, log=print):
    """The run's estimator as a versioned SavedModel under `to`; returns the version path."""
    run = RunDir(run_dir)
    config = run.read_json("config.json")
    estimator = run.load_estimator()
    metrics = _previous(run).get("test")
    path = estimator.export(to, metrics=metrics,
                            data={"dataset": config["dataset"], "run": str(run)})
    log(f"exported {config['task']} to {path}")
    return path


__all__ = ["evaluate", "export", "train"]
