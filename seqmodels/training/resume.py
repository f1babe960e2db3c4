"""Exact resume: a `fit()` killed at any moment and started again ends bit-identical.

Two parts, used together:

- `EpochData`: the training batches of epoch `e` in an order fixed by
  `(seed, e)` alone, starting at any step of the epoch. Its `dataset()` is
  what `fit()` reads; `ExactResume` tells it which epoch and step to start at.
- `ExactResume`: a callback that every `every` batches and at every epoch's
  end writes one checkpoint file: model, optimizer and metric variables
  (random-seed states included: Keras keeps them as variables), the epoch
  and step reached, the history so far and `EarlyStopping`'s state. At the
  start of `fit()` it reads the newest whole checkpoint back, and training
  goes on from the batch after it: no batch is trained twice or skipped.

A checkpoint is written to a temporary file and renamed into place, the
previous one kept: a kill during a write leaves the last whole checkpoint,
and a damaged newest file falls back to the one before. A checkpoint of
another configuration (`fingerprint`) or another model is refused, naming
what differs. In deterministic mode (`seqmodels.training.deterministic`)
the result is bit-identical to a run never stopped
(tests/seqmodels/training/test_resume.py kills one at seeded moments).

Keras's own `BackupAndRestore` keeps the epoch only: a kill mid-epoch
trains that epoch's batches again, in another order.
"""

from __future__ import annotations

import json
import math
import os
import pathlib
import warnings
import zipfile

import keras
import numpy as np

FORMAT = "seqmodels.resume/1"
CURRENT, PREVIOUS = "checkpoint.npz", "checkpoint.previous.npz"
_PRIME = 1_000_003  # epoch seeds: (seed * _PRIME + epoch) mod 2**31 - 1


class EpochData:
    """Shuffled, batched epochs of a dataset, each reproducible from `(seed, epoch)`.

    Args:
        source: unbatched `tf.data.Dataset` of `(x, y)` (finite, in memory or
            cheap to read again: each epoch reads it whole).
        batching: a `pipelines` batching transformation (`pad_to_batch_max(32)`,
            `bucket_by_length(32, boundaries=[...])` with explicit boundaries),
            applied to each epoch's order.
        seed: int. Epoch `e` is `source` shuffled with seed
            `(seed * 1000003 + e) % (2**31 - 1)`, whatever the process.
        options: `tf.data.Options` for the dataset (sharding of workers).

    Every epoch has the same number of batches (`steps_per_epoch`, counted
    once): true of every `pipelines` batching without `drop_remainder`,
    whatever the order.
    """

    def __init__(self, source, batching, seed, options=None):
        import tensorflow as tf

        self.source, self.batching, self.seed = source, batching, int(seed)
        self.options = options
        self._size = int(source.cardinality())
        if self._size < 0:
            self._size = sum(1 for _ in source)
        self._epoch = tf.Variable(0, dtype=tf.int64, trainable=False)
        self._skip = tf.Variable(0, dtype=tf.int64, trainable=False)
        self.first_step = 0
        first = tf.data.Dataset.from_tensors(0).flat_map(
            lambda _: self._batches(tf.constant(0, tf.int64)))
        self.steps_per_epoch = sum(1 for _ in first)

    def _batches(self, epoch):
        """Epoch `epoch`'s batches (`epoch` an int64 tensor). Call it inside a traced function."""
        import tensorflow as tf

        # A fixed seed for the traced function's graph (never the process's): the order depends
        # on the op seed alone (and the pair is never (0, 0), which TensorFlow reads as
        # "unseeded").
        tf.random.set_seed(1)
        seed = (self.seed * _PRIME + epoch) % (2**31 - 1)
        order = self.source.shuffle(max(self._size, 1), seed=seed, reshuffle_each_iteration=False)
        return order.apply(self.batching)

    def start(self, epoch: int, step: int = 0) -> None:
        """The next pass over `dataset()` is epoch `epoch` from its batch `step`."""
        self._epoch.assign(int(epoch))
        self._skip.assign(int(step))
        self.first_step = int(step)  # Keras numbers this pass's batches from 0

    def dataset(self):
        """The dataset `fit()` reads: one epoch per pass, as `start` set it.

        Its `cardinality()` is `steps_per_epoch`, so Keras counts each epoch's
        steps from it (a resumed epoch, shorter, ends when its batches do).
        """
        import tensorflow as tf

        def one_epoch(_):
            return self._batches(self._epoch.value()).skip(self._skip.value())

        ds = tf.data.Dataset.from_tensors(0).flat_map(one_epoch).prefetch(tf.data.AUTOTUNE)
        if self.options is not None:
            ds = ds.with_options(self.options)
        steps = self.steps_per_epoch
        # Keras reads the number of batches per epoch from `cardinality()`; the pass itself
        # cannot know it (the skip is read when it starts). Keras 3.15.x, checked.
        ds.cardinality = lambda: tf.constant(steps, tf.int64)
        return ds

    def callback(self) -> keras.callbacks.Callback:
        """Without checkpoints: a callback that starts each epoch at its step 0."""
        return _EpochStarts(self)


class _EpochStarts(keras.callbacks.Callback):
    def __init__(self, data):
        super().__init__()
        self.data = data

    def on_epoch_begin(self, epoch, logs=None):
        self.data.start(epoch)


def _parts(variable):
    """The variables holding `variable`'s value: itself, or each replica's copy when distributed.

    Replicas' copies of a metric (sync-on-read: summed when read) differ, so
    each is kept as it is: a resumed epoch's running means go on bit for bit.
    """
    import tensorflow as tf

    inner = getattr(variable, "_value", variable)  # a Keras variable's tf.Variable
    if isinstance(inner, tf.distribute.DistributedValues):
        return list(inner.values)
    return [variable]


def _values(variables):
    """`[[array per part] per variable]` (see `_parts`)."""
    return [[np.array(part.numpy()) for part in _parts(v)] for v in variables]


def _assign(variables, values, what):
    for variable, parts in zip(variables, values):
        if len(_parts(variable)) != len(parts):
            raise ValueError(f"The checkpoint's {what} variable {variable.path} has "
                             f"{len(parts)} replicas; this fit has {len(_parts(variable))}.")
        for part, value in zip(_parts(variable), parts):
            if tuple(part.shape) != value.shape:
                raise ValueError(f"The checkpoint's {what} variable {variable.path} has shape "
                                 f"{value.shape}; the model's has {tuple(part.shape)}.")
            part.assign(value)


def _flat(group, values):
    return {f"{group}_{i}_{j}": part for i, parts in enumerate(values)
            for j, part in enumerate(parts)}


def _nested(group, count, arrays):
    nested = []
    for i in range(count):
        parts, j = [], 0
        while f"{group}_{i}_{j}" in arrays:
            parts.append(arrays[f"{group}_{i}_{j}"])
            j += 1
        nested.append(parts)
    return nested


def _read(path, arrays=True):
    """`(progress, arrays)` of a checkpoint file; raises on any damage of what it reads.

    With `arrays=False` only the progress record is read (the arrays dict is empty).
    """
    with np.load(path, allow_pickle=False) as archive:
        names = archive.files if arrays else ["progress"]
        arrays = {name: archive[name] for name in names}
    progress = json.loads(str(arrays.pop("progress")))
    if progress.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} checkpoint")
    return progress, arrays


def read_progress(directory):
    """The progress record of the newest whole checkpoint in `directory`, or None.

    A dict: `epoch` and `step` reached, `stopped` (early stopping ended the
    fit), `history` (epoch logs so far), `seed`, `fingerprint`.
    """
    found = next(_readable(pathlib.Path(directory), arrays=False), None)
    return None if found is None else found[1]


def _readable(directory, arrays=True):
    """`(path, progress, arrays)` of each whole checkpoint, newest first (damaged ones skipped;
    `arrays=False`: progress records only)."""
    for name in (CURRENT, PREVIOUS):
        path = directory / name
        if not path.is_file():
            continue
        try:
            yield (path, *_read(path, arrays))
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
            warnings.warn(f"{path} cannot be read ({type(error).__name__}: {error}); "
                          "trying the checkpoint before it.", RuntimeWarning, stacklevel=3)


def _position(progress) -> int:
    """A checkpoint's place in training as one int (later is larger); -1: none."""
    if progress is None:
        return -1
    return progress["epoch"] * (progress["steps_per_epoch"] + 1) + progress["step"]


def _agreed(directory, distribution):
    """The checkpoint to resume from: the newest, or under several workers the newest all hold.

    Workers checkpoint at the same steps, but a kill can fall between one
    worker's write and another's: each keeps its previous checkpoint, and all
    resume from the latest position every worker has (the earliest newest).
    """
    from seqmodels.training.distributed import gather_from_replicas

    found = list(_readable(directory))
    if not _several_workers(distribution):
        return found[0] if found else None
    newest = _position(found[0][1]) if found else -1
    agreed = min(gather_from_replicas(distribution, newest))
    if agreed < 0:
        return None  # a worker has none: every worker starts afresh
    for candidate in found:
        if _position(candidate[1]) == agreed:
            return candidate
    raise RuntimeError(
        f"{directory} holds no checkpoint at the position the other workers resume from "
        f"({agreed}; this worker's are {[_position(c[1]) for c in found]}): delete every "
        "worker's checkpoint folder to start afresh.")


def _several_workers(distribution) -> bool:
    import tensorflow as tf

    return isinstance(distribution, tf.distribute.MultiWorkerMirroredStrategy)


def _describe(old, new):
    keys = sorted(set(old) | set(new))
    return ", ".join(f"{k}: {old.get(k)!r} -> {new.get(k)!r}" for k in keys
                     if old.get(k) != new.get(k))


class ExactResume(keras.callbacks.Callback):
    """Checkpoints `fit()` every `every` batches and resumes it exactly after any kill.

    Args:
        directory: the checkpoint folder (one per training process).
        data: the `EpochData` whose `dataset()` `fit()` trains on.
        fingerprint: a JSON-able dict naming the configuration (hyperparameters,
            a digest of the data). A checkpoint with another one is refused.
        every: int >= 1. Batches between checkpoints (and one at every epoch's end).
        early_stopping: the `keras.callbacks.EarlyStopping` of the same `fit`,
            listed before this callback: its state is checkpointed too.
        averaging: the `AverageLastEpochs` of the same `fit`, listed before this
            callback: the epoch-end copies it keeps are checkpointed too.

    Give `fit()` this callback last, and `data.dataset()` as `x`. After `fit`,
    `history` holds every epoch's logs, those of earlier processes included.
    """

    def __init__(self, directory, data, fingerprint=None, every=100, early_stopping=None,
                 averaging=None):
        super().__init__()
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"Expected `every` to be an integer >= 1. Received: every={every!r}.")
        self.directory = pathlib.Path(directory)
        self.data, self.every = data, every
        self.fingerprint = json.loads(json.dumps(fingerprint or {}))
        self.early_stopping = early_stopping
        self.averaging = averaging
        self.history = {}
        self._resumed = None  # (epoch, step, metric values) to restore at that epoch's begin
        self._overrun = None  # state after the last batch of a shortened (resumed) epoch

    # The variables a checkpoint holds ------------------------------------
    def _groups(self):
        model = self.model
        return {"model": list(model.variables), "optimizer": list(model.optimizer.variables),
                "metrics": list(model.metrics_variables)}

    def _build(self):
        """Model, optimizer and metric variables exist before anything is read into them."""
        model = self.model
        if getattr(model, "_distribute_strategy", None) is None:
            model._symbolic_build(data_batch=self.data.dataset().element_spec)
        if not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)

    # fit() hooks ---------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._build()
        self.directory.mkdir(parents=True, exist_ok=True)
        for leftover in self.directory.glob(".*.partial"):
            leftover.unlink(missing_ok=True)  # a write that a kill cut short
        self.history, self._resumed = {}, None
        found = _agreed(self.directory, getattr(self.model, "_distribute_strategy", None))
        self.model._initial_epoch = None  # Keras keeps it across fits; None: fit's own
        if found is None:
            self.data.start(0)
            return
        path, progress, arrays = found
        self._check(path, progress)
        groups = self._groups()
        for group in ("model", "optimizer"):
            _assign(groups[group], _nested(group, len(groups[group]), arrays), group)
        self.history = progress["history"]
        self._restore_early_stopping(progress, arrays)
        self._restore_averaging(progress, arrays)
        epochs = self.params.get("epochs", progress["epoch"])
        if progress["stopped"]:
            self.model._initial_epoch = max(epochs, progress["epoch"])  # nothing to train
            return
        self.model._initial_epoch = progress["epoch"]
        metrics = _nested("metrics", len(groups["metrics"]), arrays)
        self._resumed = (progress["epoch"], progress["step"], metrics)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch, self._step, self._overrun = epoch, 0, None
        if self._resumed is not None and self._resumed[0] == epoch:
            _, self._step, metrics = self._resumed
            if self._step:  # Keras reset the metrics: the epoch's running means go on
                _assign(self._groups()["metrics"], metrics, "metrics")
            self._resumed = None
        self.data.start(epoch, self._step)
        self._short = self._step > 0

    def on_train_batch_end(self, batch, logs=None):
        self._step += 1
        if self._short:  # Keras calls the train function once more on the empty iterator
            self._overrun = self._snapshot()
        if self._step % self.every == 0 and self._step < self.data.steps_per_epoch:
            self._save(self._epoch, self._step, stopped=False)

    def on_test_begin(self, logs=None):
        self._undo_overrun()

    def on_train_end(self, logs=None):
        self.model._initial_epoch = None  # a later fit of this model starts where it says

    def on_epoch_end(self, epoch, logs=None):
        self._undo_overrun()
        for name, value in (logs or {}).items():
            self.history.setdefault(name, []).append(float(value))
        self._save(epoch + 1, 0, stopped=bool(self.model.stop_training))

    # What a shortened epoch's last call might have changed ---------------
    def _snapshot(self):
        variables = [self.model.optimizer.iterations, *self.model.non_trainable_variables]
        return variables, _values(variables)

    def _undo_overrun(self):
        if self._overrun is not None:
            variables, values = self._overrun
            _assign(variables, values, "state")
            self._overrun = None

    # Files ----------------------------------------------------------------
    def _check(self, path, progress):
        if progress["fingerprint"] != self.fingerprint:
            raise ValueError(
                f"{path} is a checkpoint of another training configuration "
                f"({_describe(progress['fingerprint'], self.fingerprint)}). Use another "
                "checkpoint folder, or delete this one to start afresh.")
        epochs = self.params.get("epochs")
        if epochs is not None and progress["epoch"] > epochs:
            raise ValueError(
                f"{path} holds {progress['epoch']} trained epochs, more than this fit's "
                f"epochs={epochs}. Expected `epochs` >= {progress['epoch']}, or another "
                "checkpoint folder.")
        counts = {group: len(variables) for group, variables in self._groups().items()}
        if progress["variables"] != counts or progress["steps_per_epoch"] != \
                self.data.steps_per_epoch or progress["seed"] != self.data.seed:
            raise ValueError(
                f"{path} is a checkpoint of another model or data: it holds "
                f"{progress['variables']} variables, {progress['steps_per_epoch']} batches per "
                f"epoch and seed {progress['seed']}; this fit has {counts}, "
                f"{self.data.steps_per_epoch} and {self.data.seed}.")

    def _save(self, epoch, step, stopped):
        groups = self._groups()
        arrays = {}
        for group, variables in groups.items():
            arrays.update(_flat(group, _values(variables)))
        progress = {"format": FORMAT, "epoch": epoch, "step": step, "stopped": stopped,
                    "steps_per_epoch": self.data.steps_per_epoch, "seed": self.data.seed,
                    "fingerprint": self.fingerprint, "history": self.history,
                    "variables": {group: len(v) for group, v in groups.items()},
                    "early_stopping": self._early_stopping_state(arrays),
                    "averaging": self._averaging_state(arrays)}
        arrays["progress"] = np.array(json.dumps(progress))
        tmp = self.directory / f".checkpoint.{os.getpid()}.partial"
        with open(tmp, "wb") as f:
            np.savez(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
        current = self.directory / CURRENT
        if current.is_file():
            os.replace(current, self.directory / PREVIOUS)
        os.replace(tmp, current)

    def _early_stopping_state(self, arrays):
        stopping = self.early_stopping
        if stopping is None:
            return None
        weights = getattr(stopping, "best_weights", None) or []
        for i, value in enumerate(weights):
            arrays[f"best_{i}"] = np.asarray(value)
        best = float(stopping.best) if stopping.best is not None else None
        return {"wait": int(stopping.wait), "best": None if best is None or math.isinf(best)
                else best, "best_epoch": int(stopping.best_epoch),
                "stopped_epoch": int(stopping.stopped_epoch), "best_weights": len(weights)}

    def _restore_early_stopping(self, progress, arrays):
        state, stopping = progress.get("early_stopping"), self.early_stopping
        if state is None or stopping is None:
            return
        stopping.wait, stopping.best_epoch = state["wait"], state["best_epoch"]
        stopping.stopped_epoch = state["stopped_epoch"]
        if state["best"] is not None:
            stopping.best = state["best"]
        stopping.best_weights = ([arrays[f"best_{i}"] for i in range(state["best_weights"])]
                                 or None)

    def _averaging_state(self, arrays):
        """How many epoch-end copies `averaging` keeps (written to `arrays` as average_*)."""
        if self.averaging is None:
            return None
        copies = self.averaging.copies
        for k, copy in enumerate(copies):
            arrays.update(_flat(f"average_{k}", [[value] for value in copy]))
        return len(copies)

    def _restore_averaging(self, progress, arrays):
        count, averaging = progress.get("averaging"), self.averaging
        if count is None or averaging is None:
            return
        size = len(self.model.weights)
        averaging.restore([[parts[0] for parts in _nested(f"average_{k}", size, arrays)]
                           for k in range(count)])


__all__ = ["FORMAT", "EpochData", "ExactResume", "read_progress"]
