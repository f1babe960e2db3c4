"""`seqmodels train / evaluate / export` as functions: a task's estimator, fitted into a run
directory with exact resume, the best model, TensorBoard, metrics and plots."""

from __future__ import annotations

import secrets
import time

from seqmodels._version import __version__
from seqmodels.runs.run_dir import RunDir, as_json
from seqmodels.runs.tasks import Task, get_task, task_of
from seqmodels.training.distributed import broadcast_from_chief, is_chief


def _config(task, params, data_dir, limit):
    import keras
    import tensorflow as tf

    files = {"files": task.files, "columns": task.columns} if task.files else {}
    return {"task": task.name, "dataset": task.dataset, "estimator": task.estimator,
            **files, "params": as_json(params), "data_dir": data_dir, "limit": limit,
            "versions": {"seqmodels": __version__, "keras": keras.__version__,
                         "tensorflow": tf.__version__}}


# Hyperparameters that may differ between attempts of one run: `epochs` (more continues it),
# the progress bar, and the checkpoint folder and frequency (set by the run itself).
MAY_CHANGE = ("epochs", "verbose", "checkpoint_dir", "checkpoint_every")


def _changed(old, new):
    """`{name: (old, new)}` of the keys whose values differ."""
    return {k: (old.get(k), new.get(k)) for k in sorted(set(old) | set(new))
            if old.get(k) != new.get(k)}


def _check_same_run(run, config):
    """A run directory is taken up again only with the configuration it was started with."""
    old = run.read_json("config.json")
    changed = _changed({"task": old.get("task"), "limit": old.get("limit"),
                        "files": old.get("files"), "columns": old.get("columns"),
                        **{k: v for k, v in old.get("params", {}).items() if k not in MAY_CHANGE}},
                       {"task": config["task"], "limit": config["limit"],
                        "files": config.get("files"), "columns": config.get("columns"),
                        **{k: v for k, v in config["params"].items() if k not in MAY_CHANGE}})
    if changed:
        diff = ", ".join(f"{k}: {a!r} -> {b!r}" for k, a, b in
                         ((k, *ab) for k, ab in changed.items()))
        raise ValueError(f"{run} holds a run with other settings ({diff}). Use another --out, "
                         "--overwrite to start it afresh, or the same settings to take it up.")


def _seeded(overrides, run, seed):
    """`overrides` with `random_state`: `seed`, else the run's recorded one, else a new one."""
    if seed is not None:
        return {**overrides, "random_state": seed}
    if overrides.get("random_state") is not None:
        return overrides
    if run.is_run():
        recorded = run.read_json("config.json").get("params", {}).get("random_state")
        if recorded is not None:
            return {**overrides, "random_state": recorded}
    return {**overrides, "random_state": secrets.randbelow(2**31)}  # recorded in config.json


def _callbacks(run, monitor, best=None):
    import keras

    from seqmodels.training import BestModelCheckpoint

    return [
        BestModelCheckpoint(run.sub("checkpoints") / "best.keras", monitor=monitor, best=best),
        keras.callbacks.TensorBoard(str(run.new_log_dir())),
    ]


def _best_so_far(run, monitor):
    """The best `monitor` of the epochs the run's checkpoint holds (None before the first)."""
    from seqmodels.training import read_progress

    progress = read_progress(run.path / "backup") if (run.path / "backup").is_dir() else None
    values = (progress or {}).get("history", {}).get(monitor, [])
    return min(values, default=None)


def _check_limit(limit):
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)
                              or limit < 1):
        raise ValueError(f"Expected `limit` to be an integer >= 1 (examples per split) or None "
                         f"(all). Received: limit={limit!r}.")


# What the chief decided, told to every worker of a multi-worker run (broadcast_from_chief).
FRESH, RESUME, FINISHED, REFUSED = 1, 2, 3, 4


def train(task_name, *, out=None, overrides=None, data_dir=None, limit=None, plots=True,
          seed=None, overwrite=False, log=print) -> RunDir:
    """Fits the task's estimator into a run directory; returns it. Never loses a finished run.

    Args:
        task_name: a name of `seqmodels.runs.TASKS`, or a `Task` (`file_task`
            for the user's own files).
        out: the run directory (default `runs/<task>-<time>`). Again with the
            same `out` and settings: a run killed at any moment resumes from
            its last checkpoint in `out/backup/` (`seqmodels.training.ExactResume`:
            every 100 batches and each epoch's end) and ends as a run never
            stopped; a finished run is left as it is (and reported), or, with
            a larger `epochs`, trained on to it. Other settings are refused,
            naming the ones that differ.
        overrides: estimator hyperparameters replacing the task's defaults.
            With `distribution="multi-worker"` start the same call on every
            worker of `TF_CONFIG` (`out` required): the chief writes the run
            directory; another worker keeps only its own checkpoints, in
            `out/backup/workers/<index>/`. See docs/distributed.md.
        data_dir: TFDS data dir (default `$SEQMODELS_DATA_DIR` or TFDS's).
        limit: read at most this many examples per split (quick runs), >= 1.
        plots: write the PNG plots.
        seed: the run's `random_state` (default: the one recorded in `out`,
            else a new one, recorded in `config.json` so the run can be repeated):
            training is deterministic (`seqmodels.training.deterministic`).
        overwrite: delete the run in `out` and start afresh.
    """
    task = task_name if isinstance(task_name, Task) else get_task(task_name)
    _check_limit(limit)
    overrides = dict(overrides or {})
    distribution = _cluster_distribution(task, overrides, out)  # before any other TensorFlow work
    if not is_chief(distribution):
        return _train_worker(task, out, overrides, data_dir, limit, distribution, log)
    try:
        run, estimator, config, decision = _prepare(task, out, overrides, data_dir, limit,
                                                    seed, overwrite, distribution)
    except BaseException:
        broadcast_from_chief(distribution, REFUSED)
        raise
    broadcast_from_chief(distribution, decision)
    broadcast_from_chief(distribution, estimator.random_state)
    if decision == FINISHED:
        return _finished(run, task, estimator, config, plots, log)
    made = not run.path.exists()
    try:
        run.write_json("config.json", config)
        _fit(run, task, estimator, config, plots, log)
        broadcast_from_chief(distribution, 0)  # the run is written: the other workers may exit
        return run
    except BaseException:
        if made and not run.has_progress():
            run.remove()  # a refused or failed first attempt leaves nothing behind
        raise


def _estimator(task, overrides):
    """The task's estimator with `overrides` (unknown hyperparameters fail here)."""
    if task.validation is None:
        overrides = {"validation_split": 0.1, **overrides}
    return task.make_estimator(**overrides)


def _cluster_distribution(task, overrides, out):
    """The multi-worker distribution where `overrides` ask for one (made first), else None."""
    from seqmodels.training.distributed import make_distribution

    name = _estimator(task, overrides).distribution_name()  # alias and value checked
    if name != "multi-worker":
        return None
    if out is None:
        raise ValueError("Expected `out` (--out) for a multi-worker run: every worker names "
                         "the same run directory, so a restarted worker finds its state.")
    return make_distribution(name)


def _prepare(task, out, overrides, data_dir, limit, seed, overwrite, distribution):
    """The chief's checks: `(run, estimator, config, FRESH | RESUME | FINISHED)`, or an error."""
    run = RunDir(out) if out else RunDir.new(task.name)
    run.check_usable()
    if overwrite and run.is_run():
        run.remove()
    estimator = _estimator(task, _seeded(overrides, run, seed))
    estimator.check_params()  # bad values, before anything is written
    config = _config(task, estimator.get_params(), data_dir, limit)
    if run.is_run():
        _check_same_run(run, config)
    if run.is_finished() and distribution is not None:
        done = len(run.load_estimator().history_["loss"])
        if estimator.epochs > done:
            raise ValueError(f"{run} is a finished run of {done} epochs: a multi-worker run is "
                             f"not trained on (to {estimator.epochs}); use another --out, or "
                             "--overwrite to start afresh.")
    if run.is_finished():
        return run, estimator, config, FINISHED
    return run, estimator, config, RESUME if run.has_progress() else FRESH


def _train_worker(task, out, overrides, data_dir, limit, distribution, log):
    """A non-chief worker: trains its share as the chief decided; writes only its checkpoints."""
    from seqmodels.training.distributed import worker_index

    decision = broadcast_from_chief(distribution, 0)
    if decision == REFUSED:
        raise RuntimeError("The chief refused this run (its error says why); nothing was "
                           "trained.")
    seed = broadcast_from_chief(distribution, 0)
    if decision == FINISHED:
        log(f"{out} is a finished run: nothing to do on this worker.")
        return RunDir(out)
    index = worker_index(distribution)
    backup = RunDir(out).path / "backup"
    estimator = _estimator(task, {**overrides, "random_state": seed,
                                  "checkpoint_dir": str(backup)})
    own = RunDir(estimator.own_checkpoint_dir(distribution))  # backup/workers/<index>
    if decision == FRESH:
        own.remove()  # state of an earlier run in this folder
    X, y, validation, _ = _data(task, {"data_dir": data_dir, "limit": limit}, estimator, log)
    log(f"worker {index}: training {task.estimator} on its share of {len(X)} sequences")
    estimator.fit(X, y, validation_data=validation)
    broadcast_from_chief(distribution, 0)  # wait for the chief to write the run (leaving earlier
    own.remove()  # stops this worker's heartbeats, which the chief reports as a crash)
    return RunDir(out)


def _data(task, config, estimator, log):
    log(f"reading {task.dataset} ...")
    X, y = task.read("train", config["data_dir"], config["limit"])
    validation = (task.read(task.validation, config["data_dir"], config["limit"])
                  if task.validation else None)
    monitor = "val_loss" if validation or estimator.validation_split else "loss"
    return X, y, validation, monitor


def _fit(run, task, estimator, config, plots, log, resume=False):
    """Fits (or, with `resume`, trains on without a checkpoint) and writes the finished run.

    `fit` checkpoints into `run/backup/` and takes up what it finds there:
    a run killed at any moment, or a finished run trained on to more epochs.
    """
    start = time.perf_counter()
    X, y, validation, monitor = _data(task, config, estimator, log)
    log(f"training {task.estimator} on {len(X)} sequences -> {run}")
    if resume:
        best = min(estimator.history_.get(monitor, [float("inf")]), default=None)
        estimator.resume_fit(X, y, callbacks=_callbacks(run, monitor, best),
                             validation_data=validation)
    else:
        estimator.set_params(checkpoint_dir=str(run.path / "backup"))
        try:
            estimator.fit(X, y, callbacks=_callbacks(run, monitor, _best_so_far(run, monitor)),
                          validation_data=validation)
        finally:
            estimator.set_params(checkpoint_dir=None)  # the pickle names no folder
    run.save_estimator(estimator)
    run.write_json("config.json", config)  # epochs as trained
    extra = {"train_seconds": time.perf_counter() - start}
    if not task.has_split("test"):
        run.write_json("metrics.json", {**_previous(run), "task": task.name,
                                        "history": estimator.history_,
                                        "epochs": len(estimator.history_["loss"]), **extra})
        log("no --test file: no test metrics (and no plots)")
        return run
    test_data = task.read("test", config["data_dir"], config["limit"])  # read once
    evaluate(run, estimator=estimator, test_data=test_data, log=log, extra=extra)
    if plots and task.name == "forecast":
        log("forecast runs have no plots yet")
    elif plots:
        from seqmodels.runs.figures import make_plots

        for path in make_plots(estimator, *test_data, run.sub("plots"),
                               labelled_by_class=task.labelled_by_class):
            log(f"plot: {path}")
    return run


def _finished(run, task, asked, config, plots, log):
    """A finished run: reported as it is, evaluated if that was cut short, or trained on."""
    estimator = run.load_estimator()
    done = len(estimator.history_["loss"])
    if asked.epochs > done:
        log(f"{run} trained {done} epochs; training on to {asked.epochs}")
        if (run.path / "backup" / "checkpoint.npz").is_file():  # exactly, from its checkpoint
            return _fit(run, task, asked, config, plots, log)
        estimator.set_params(epochs=asked.epochs, verbose=asked.verbose)
        return _fit(run, task, estimator, config, plots, log, resume=True)
    if not (run.path / "metrics.json").is_file():
        evaluate(run, estimator=estimator, log=log)
    log(f"{run} is a finished run ({done} epochs): nothing to do. Its model is "
        f"{run.path / 'model.keras'}; use --epochs N > {done} to train it on, or --overwrite "
        "to start afresh.")
    return run


def evaluate(run_dir, *, estimator=None, test_data=None, extra=None, log=print) -> dict:
    """Test-split metrics of a run, merged into its `metrics.json` with `extra`.

    `estimator` and `test_data` (`(X, y)`) default to the run's own; `train`
    passes the ones it already holds.
    """
    run = RunDir(run_dir) if not isinstance(run_dir, RunDir) else run_dir
    config = run.read_json("config.json")
    task = task_of(config)
    if not task.has_split("test"):
        raise ValueError(f"{run} was trained without a --test file: there is no test split "
                         "to evaluate.")
    estimator = estimator or run.load_estimator()
    X, y = test_data or task.read("test", config["data_dir"], config["limit"])
    test = task.score(estimator, X, y,
                      task.read_references("test", config["data_dir"], config["limit"]))
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
    data = {"dataset": config["dataset"], "run": str(run),
            **({"columns": config["columns"]} if config.get("columns") else {})}
    path = estimator.export(to, metrics=metrics, data=data)
    log(f"exported {config['task']} to {path}")
    return path


__all__ = ["evaluate", "export", "train"]
