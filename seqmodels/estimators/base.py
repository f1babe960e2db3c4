"""What every seqmodels estimator shares: hyperparameters, input reading, the fit loop.

scikit-learn conventions (`doc/developers/develop.rst`): `__init__` stores the
hyperparameters untouched; `fit` validates everything (X, y and the
hyperparameters) before any training and returns `self`; learned state ends
in `_` (`model_`, `history_`, `vocabulary_`, `n_features_in_`). Part of the
layer that joins `pipelines` and `seqmodels`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import tempfile
import warnings

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from seqmodels.checks import check_finite_nonnegative, check_int, check_rate
from seqmodels.estimators import input_kinds


def _feature_scaling(arrays):
    """`(mean, std)` per feature over every step of `arrays` (std 1 where it is 0)."""
    steps = np.concatenate(arrays, axis=0).astype(np.float64)
    mean, std = steps.mean(axis=0), steps.std(axis=0)
    return mean.astype(np.float32), np.where(std > 0, std, 1.0).astype(np.float32)


def _pick(values, indices):
    """`values[indices]` for arrays and lists alike."""
    if isinstance(values, np.ndarray):
        return values[indices]
    return [values[i] for i in indices]


def encode_labels(classes, labels, name):
    """int32 indices of `labels` in the sorted `classes`; unseen labels are an error."""
    unknown = sorted(set(np.asarray(labels).tolist()) - set(classes.tolist()), key=str)
    if unknown:
        raise ValueError(f"{name} has labels not seen in y: {unknown[:5]}.")
    return np.searchsorted(classes, labels).astype(np.int32)


# Hyperparameters a checkpoint may be taken up with changed: more `epochs` trains on; the
# others do not change what is computed.
_RESUMABLE_CHANGES = ("epochs", "verbose", "checkpoint_dir", "checkpoint_every",
                      "distribution", "strategy")


class SequenceEstimator(BaseEstimator):
    """Base of the estimators: a seqmodels Keras model trained by `fit()` inside.

    Args:
        cell: `"elman"`, `"gru"`, `"lstm"`, `"mingru"` or `"minlstm"`.
        units: int. Hidden units per direction.
        num_layers: int. Stacked recurrent layers (the encoder's, for the transducer).
        bidirectional: bool. Read each sequence both ways (the encoder, for the transducer).
        dropout: float. Dropout inside the cells and before the output layer.
        embedding_dim: int. Size of token embeddings (string / token inputs only).
        epochs, batch_size, learning_rate: the training loop's (Adam, clipnorm 5).
        learning_rate_halvings: list or tuple of strictly increasing ints, or
            None (a constant rate). Epoch counts after which the learning rate halves:
            `[7, 12]` trains epochs 1-7 at `learning_rate`, 8-12 at half and the
            rest at a quarter (`seqmodels.training.HalvingSchedule`; fixed in
            epochs, so a resumed fit follows it exactly).
        average_epochs: int >= 1 or None. End `fit` on the mean of the weights
            at the last `average_epochs` epoch ends (checkpoint averaging,
            `seqmodels.training.AverageLastEpochs`; kept in checkpoints). Not
            together with `early_stopping`, which keeps the best epoch instead.
        bucketing: bool. Batch by length (`pipelines.bucket_by_length`) instead of
            padding each batch to its longest sequence.
        validation_split: float in [0, 1). Share of the sequences held out (at
            random, seeded) to report `val_` metrics and drive early stopping.
        early_stopping: int or None. Stop after this many epochs without
            improvement of `val_loss` (`loss` without validation) and keep the
            best weights (`keras.callbacks.EarlyStopping`).
        distribution: None / `"none"`, `"mirrored"` (`tf.distribute.MirroredStrategy`
            over the visible devices; the model is built in its scope) or
            `"multi-worker"` (`MultiWorkerMirroredStrategy` over the cluster of
            `TF_CONFIG`: start the same `fit` on every worker; the fitted
            `model_` is then a local copy, so `predict` and `export` need no
            other worker). See docs/distributed.md.
        random_state: int or None. Seeds Keras, the shuffle, the split and the
            weights, and turns TensorFlow's op determinism on
            (`seqmodels.training.deterministic`): the same seed gives the same
            weights, bit for bit. Without it a seed is drawn per `fit` (and kept
            in the checkpoint when `checkpoint_dir` is set).
        verbose: int. Keras's `fit` verbosity (1: a progress bar).
        checkpoint_dir: str or None. A folder where `fit` checkpoints its whole
            state every `checkpoint_every` batches and at each epoch's end
            (`seqmodels.training.ExactResume`). A `fit` with the same
            hyperparameters and data, after a crash or a kill at any moment,
            goes on from the last checkpoint and ends as a fit never stopped
            (bit-identical with a seed); after a finished `fit` it gives the
            same model again, or trains on to a larger `epochs`. A checkpoint of
            other hyperparameters or data is refused, naming what differs.
            Under `distribution="multi-worker"` worker `i > 0` uses
            `checkpoint_dir/workers/<i>`.
        checkpoint_every: int >= 1. Batches between checkpoints.
        scale_inputs: bool. Standardise float inputs per feature, `(x - mean) / std`
            with statistics of the training sequences only (`input_scaling_`),
            at `fit`, `predict` and inside the export.
        strategy: deprecated alias of `distribution` (for one release; "strategy"
            is decoding's word).
    """

    _task = None  # the pipelines task of the targets
    _input_kinds = (input_kinds.FEATURES, input_kinds.CHARS, input_kinds.WORDS)  # what X may be

    def __init__(self, cell="gru", units=32, num_layers=1, bidirectional=True, dropout=0.0,
                 embedding_dim=32, epochs=20, batch_size=32, learning_rate=3e-3,
                 bucketing=True, validation_split=0.0, early_stopping=None, distribution=None,
                 random_state=None, verbose=0, strategy=None, checkpoint_dir=None,
                 checkpoint_every=100, scale_inputs=False, learning_rate_halvings=None,
                 average_epochs=None):
        self.cell = cell
        self.units = units
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.embedding_dim = embedding_dim
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.bucketing = bucketing
        self.validation_split = validation_split
        self.early_stopping = early_stopping
        self.distribution = distribution
        self.random_state = random_state
        self.verbose = verbose
        self.strategy = strategy
        self.checkpoint_dir = checkpoint_dir
        self.checkpoint_every = checkpoint_every
        self.scale_inputs = scale_inputs
        self.learning_rate_halvings = learning_rate_halvings
        self.average_epochs = average_epochs

    def __setstate__(self, state):
        state.setdefault("distribution", None)  # pickles of 0.1 have `strategy` only
        state.setdefault("checkpoint_dir", None)
        state.setdefault("checkpoint_every", 100)
        state.setdefault("scale_inputs", False)
        state.setdefault("input_scaling_", None)
        state.setdefault("learning_rate_halvings", None)
        state.setdefault("average_epochs", None)
        super().__setstate__(state)

    # ------------------------------------------------------------------ #
    # Checks and input reading (all before any training)
    # ------------------------------------------------------------------ #
    def check_params(self):
        """Raises a ValueError naming the first bad hyperparameter (what `fit` checks first).

        Subclasses add their own after `super().check_params()`.
        """
        from seqmodels.cells.registry import check_cell_name
        from seqmodels.training.learning_rate import check_halvings

        check_cell_name(self.cell)
        for name in ("units", "num_layers", "embedding_dim", "epochs", "batch_size",
                     "checkpoint_every"):
            check_int(name, getattr(self, name), 1)
        if self.random_state is not None:
            check_int("random_state", self.random_state, 0)
        if self.checkpoint_dir is not None and not isinstance(self.checkpoint_dir,
                                                              str | os.PathLike):
            raise ValueError("Expected `checkpoint_dir` to be a path or None. Received: "
                             f"checkpoint_dir={self.checkpoint_dir!r}.")
        if self.early_stopping is not None:
            check_int("early_stopping", self.early_stopping, 1)
        check_finite_nonnegative("learning_rate", self.learning_rate)
        if self.learning_rate_halvings is not None:
            check_halvings(self.learning_rate_halvings)
        if self.average_epochs is not None:
            check_int("average_epochs", self.average_epochs, 1)
            if self.early_stopping is not None:
                raise ValueError(
                    "Expected one of `early_stopping` (keep the best epoch's weights) and "
                    "`average_epochs` (the mean of the last epochs' weights). Received: "
                    f"early_stopping={self.early_stopping!r}, "
                    f"average_epochs={self.average_epochs!r}.")
        check_rate("dropout", self.dropout)
        if not 0.0 <= float(self.validation_split) < 1.0:
            raise ValueError("Expected `validation_split` in [0, 1). "
                             f"Received: {self.validation_split!r}.")
        if self.strategy is not None:
            warnings.warn("`strategy` is deprecated and will be removed in the next release: "
                          f"use distribution={self.strategy!r}.", FutureWarning, stacklevel=3)
        self.distribution_name()

    def distribution_name(self):
        """`distribution`, or the deprecated `strategy` where only that is given (checked);
        `"none"` reads as None."""
        from seqmodels.training.distributed import check_distribution

        chosen = self.distribution
        if self.strategy is not None:
            if self.distribution not in (None, self.strategy):
                raise ValueError(f"Expected one of `distribution` and its deprecated alias "
                                 f"`strategy`. Received: distribution={self.distribution!r}, "
                                 f"strategy={self.strategy!r}.")
            chosen = self.strategy
        check_distribution(chosen)
        return None if chosen == "none" else chosen

    def _require_y(self, y):
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y "
                             "is None.")

    def fit(self, X, y, callbacks=None, validation_data=None):
        """Learns from `X` and `y` (see the class docstring for their forms); returns `self`.

        Args:
            X, y: the training sequences and their targets.
            callbacks: extra Keras callbacks for `fit` (checkpoints, TensorBoard, ...).
            validation_data: `(X_val, y_val)` scored after every epoch (instead
                of holding out `validation_split` of X).

        Everything is validated before any training starts.
        """
        self.check_params()
        self._require_y(y)
        items = self._read_inputs(X, fitting=True)
        targets = self._learn_targets(y, items)
        return self._train(items, targets, callbacks, self._validation(validation_data))

    def resume_fit(self, X, y, callbacks=None, validation_data=None):
        """Trains a fitted estimator on, from the epochs it has done up to `epochs`.

        `X`, `y` and `validation_data` must be the data of the first `fit`
        (the held-out part of `validation_split` is drawn again with
        `random_state`): the model, its optimizer state and `history_` carry
        on, so `fit(epochs=5)` then `set_params(epochs=8).resume_fit(...)`
        trains 8 epochs in all. Returns `self`.
        """
        check_is_fitted(self, "model_")
        done = len(self.history_["loss"])
        if self.epochs <= done:
            raise ValueError(f"Expected `epochs` > the {done} epochs already trained. Received: "
                             f"epochs={self.epochs!r}.")
        self.check_params()
        self._require_y(y)
        items = self._read_inputs(X, fitting=False)
        targets = self._encode_targets(y, items)
        return self._train(items, targets, callbacks, self._validation(validation_data),
                           resume=True)

    def _validation(self, validation_data):
        """`(X_val, y_val)` read as the training data was, or None."""
        if validation_data is None:
            return None
        X_val, y_val = validation_data
        items = self._read_inputs(X_val, fitting=False, check_fitted=False, name="X_val")
        return items, self._encode_targets(y_val, items, name="y_val")

    def _read_inputs(self, X, *, fitting, check_fitted=True, name="X"):
        """Encoded sequences: float `(time_i, F)` arrays or int32 id arrays `(time_i,)`.

        Fitting also records `max_input_length_`, the longest training input in steps.
        """
        items = self._encoded_inputs(X, fitting=fitting, check_fitted=check_fitted, name=name)
        if fitting:
            self.max_input_length_ = max(len(item) for item in items)
        return items

    def _encoded_inputs(self, X, *, fitting, check_fitted, name):
        if fitting:
            kind = input_kinds.kind_of(X)
            if kind not in self._input_kinds:
                readable = " or ".join(input_kinds.KIND_NAMES[k] for k in self._input_kinds)
                raise ValueError(f"{type(self).__name__} reads {readable}; received "
                                 f"{input_kinds.KIND_NAMES[kind]}.")
            self.input_kind_ = kind
        else:
            if check_fitted:
                check_is_fitted(self, "model_")
            kind = input_kinds.kind_of(X, name)
            if kind != self.input_kind_:
                raise ValueError(f"This estimator was fitted on {self.input_kind_} sequences; "
                                 f"received {kind} sequences in {name}.")
        if self.input_kind_ == input_kinds.FEATURES:
            arrays = input_kinds.feature_arrays(X, name)
            if fitting:
                self.vocabulary_ = None
                self.n_features_in_ = arrays[0].shape[1]
            for i, array in enumerate(arrays):
                if array.shape[1] != self.n_features_in_:
                    raise ValueError(
                        f"{name}[{i}] has {array.shape[1]} features per step, but this "
                        f"estimator was fitted with {self.n_features_in_}.")
            if fitting:
                self.input_scaling_ = _feature_scaling(arrays) if self.scale_inputs else None
            if self.input_scaling_ is not None:
                mean, scale = self.input_scaling_
                arrays = [((a - mean) / scale).astype(np.float32) for a in arrays]
            return arrays
        strings = input_kinds.texts(X, self.input_kind_, name)
        if fitting:
            self.input_scaling_ = None
            self.vocabulary_ = input_kinds.learn_vocabulary(strings, self.input_kind_)
        return self.vocabulary_.encode_python(strings)

    def _vocabulary_option(self):
        """The export's `vocabulary` option: token inputs are served as strings."""
        return {} if self.vocabulary_ is None else {"vocabulary": self.vocabulary_}

    def _model_inputs(self):
        """`vocabulary_size` / `embedding_dim` of the Keras model for the input kind."""
        if self.vocabulary_ is None:
            return {}
        return {"vocabulary_size": self.vocabulary_.size, "embedding_dim": self.embedding_dim}

    # ------------------------------------------------------------------ #
    # Data and training
    # ------------------------------------------------------------------ #
    def _source(self, items, targets):
        """A dataset of `(x, y)` sequences (`pipelines.sources`), before batching."""
        from pipelines import from_sequences, from_token_lists

        make = from_sequences if self.input_kind_ == input_kinds.FEATURES else from_token_lists
        return make(items, targets, task=self._task)

    @staticmethod
    def _data_options():
        import tensorflow as tf

        options = tf.data.Options()  # workers split each global batch (no files to split)
        options.experimental_distribute.auto_shard_policy = \
            tf.data.experimental.AutoShardPolicy.DATA
        return options

    def _batches(self, items, targets=None, *, batch_size=None):
        """`items` in their order, in batches padded to each batch's longest (predict, scores)."""
        import tensorflow as tf

        from pipelines import pad_to_batch_max

        if targets is None:
            targets = self._dummy_targets(items)
        ds = self._source(items, targets).apply(pad_to_batch_max(batch_size or self.batch_size))
        return ds.prefetch(tf.data.AUTOTUNE).with_options(self._data_options())

    def _epoch_data(self, items, targets, seed):
        """The training epochs (`seqmodels.training.EpochData`): shuffled per `(seed, epoch)`.

        With `bucketing`, the bucket bounds are chosen once from the lengths
        (`pipelines.length_boundaries`), so every epoch batches alike.
        """
        from pipelines import (
            bucket_by_length,
            dataset_lengths,
            length_boundaries,
            pad_to_batch_max,
        )
        from seqmodels.training import EpochData

        source = self._source(items, targets)
        if self.bucketing:
            uppers = length_boundaries(dataset_lengths(source), min_bucket_size=self.batch_size)
            batching = bucket_by_length(self.batch_size, boundaries=uppers)
        else:
            batching = pad_to_batch_max(self.batch_size)
        return EpochData(source, batching, seed, options=self._data_options())

    def _moved(self, model, scope):
        """`model` (weights, optimizer state, compile) saved and loaded again inside `scope`."""
        import keras

        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "model.keras")
            model.save(path)
            with scope:
                return keras.saving.load_model(path, safe_mode=True)

    def _split(self, n, seed):
        """Train and validation indices (validation empty when `validation_split == 0`).

        Drawn from `seed`, so a resumed `fit` holds out the same sequences.
        """
        order = np.random.default_rng(seed).permutation(n)
        held = int(round(n * float(self.validation_split)))
        if self.validation_split and not 1 <= held < n:
            raise ValueError(f"validation_split={self.validation_split} of {n} sequences leaves "
                             "no training or no validation sequence.")
        return np.sort(order[held:]), np.sort(order[:held])

    def own_checkpoint_dir(self, distribution):
        """`checkpoint_dir` for the chief, `checkpoint_dir/workers/<i>` for worker i > 0
        (`distribution`: the `tf.distribute.Strategy` of the fit, or None)."""
        from seqmodels.training.distributed import is_chief, worker_index

        if self.checkpoint_dir is None:
            return None
        path = os.fspath(self.checkpoint_dir)
        if is_chief(distribution):
            return path
        return os.path.join(path, "workers", str(worker_index(distribution)))

    def _seed(self, distribution, multi_worker, checkpoints):
        """The fit's seed: `random_state`, else the checkpoint's, else a new one.

        Every worker of a multi-worker fit gets the chief's (they must agree on
        the data order). Returns `(seed, given)`: `given` when it came from
        `random_state` or a checkpoint (then training is deterministic).
        """
        from seqmodels.training import read_progress
        from seqmodels.training.distributed import broadcast_from_chief

        seed, given = self.random_state, self.random_state is not None
        if seed is None and checkpoints is not None:
            progress = read_progress(checkpoints)
            if progress is not None:
                seed, given = progress["seed"], True
        if seed is None:
            seed = secrets.randbelow(2**31 - 1)
            given = checkpoints is not None  # kept in the checkpoint: a resumed fit replays it
        if multi_worker:
            seed = broadcast_from_chief(distribution, seed)
        return int(seed), given

    def _fingerprint(self, parts):
        """What a checkpoint must agree on: the hyperparameters that shape training, the data."""
        digest = hashlib.sha256()
        for part in parts:  # a list of arrays (or of labels), or one array
            for value in (part if isinstance(part, list | tuple) else [part]):
                array = np.ascontiguousarray(value)
                digest.update(f"{array.dtype}{array.shape}".encode())
                digest.update(array.tobytes())
        params = {k: v for k, v in self.get_params().items() if k not in _RESUMABLE_CHANGES}
        return json.loads(json.dumps({**params, "data": digest.hexdigest()}, default=str))

    def _train(self, items, targets, callbacks=None, validation=None, resume=False):
        """Builds, compiles and fits the model on `items` / `targets` (lists or arrays).

        Training reads `EpochData` (each epoch's order fixed by the fit's seed
        and the epoch); with `checkpoint_dir`, `ExactResume` checkpoints and
        resumes it. With `resume`, the fitted model trains on from
        `len(history_["loss"])`. A NaN / Inf loss ends training with
        `NonFiniteLossError` and leaves the estimator unfitted (no NaN model
        is kept; the last checkpoint is the last finite state).
        """
        import keras

        from seqmodels.training import (
            AverageLastEpochs,
            ExactResume,
            NonFiniteLossError,
            StopOnNonFiniteLoss,
            deterministic,
        )
        from seqmodels.training.distributed import make_distribution

        name = self.distribution_name()
        distribution = make_distribution(name)
        multi_worker = name == "multi-worker"
        checkpoints = self.own_checkpoint_dir(distribution)
        seed, given = self._seed(distribution, multi_worker, checkpoints)
        if given:
            deterministic(seed)
        elif multi_worker:  # every worker builds the same initial weights
            keras.utils.set_random_seed(seed)
        if validation is None:
            train, valid = self._split(len(items), seed)
            validation = ([items[i] for i in valid], _pick(targets, valid)) if len(valid) else None
            items, targets = [items[i] for i in train], _pick(targets, train)
        data = self._epoch_data(items, targets, seed)
        train_ds = data.dataset()
        valid_ds = None if validation is None else self._batches(*validation)
        done = self.history_ if resume else {}
        scope = contextlib.nullcontext() if distribution is None else distribution.scope()
        if resume and multi_worker:
            self.model_ = self._moved(self.model_, scope)
        if not resume:
            with scope:
                self.model_ = self._build_model()
                self.model_.compile(keras.optimizers.Adam(self.learning_rate, clipnorm=5.0),
                                    self._loss(), weighted_metrics=self._metrics())  # 0 on pads
                self.model_(next(iter(train_ds))[0])  # build the weights
        callbacks = [StopOnNonFiniteLoss(data), *(callbacks or [])]
        stopping = None
        if self.early_stopping:
            stopping = keras.callbacks.EarlyStopping(
                "val_loss" if valid_ds is not None else "loss", patience=self.early_stopping,
                restore_best_weights=True)
            callbacks.append(stopping)
        callbacks.extend(self._schedule_callbacks())
        averaging = (AverageLastEpochs(self.average_epochs) if self.average_epochs else None)
        if averaging is not None:
            callbacks.append(averaging)
        resumer = None
        if checkpoints is not None:
            parts = [items, targets, *(validation or ())]
            resumer = ExactResume(checkpoints, data, self._fingerprint(parts),
                                  every=self.checkpoint_every, early_stopping=stopping,
                                  averaging=averaging)
            callbacks.append(resumer)
        else:
            callbacks.append(data.callback())
        with warnings.catch_warnings():  # a resumed epoch runs out of data before its end
            warnings.filterwarnings("ignore", "Your input ran out of data")
            try:
                history = self.model_.fit(
                    train_ds, validation_data=valid_ds, epochs=self.epochs, shuffle=False,
                    verbose=self.verbose, callbacks=callbacks,
                    initial_epoch=len(done.get("loss", [])))
            except NonFiniteLossError:
                for name in ("model_", "history_"):
                    if hasattr(self, name):
                        delattr(self, name)  # unfitted: a NaN model is never kept
                raise
        if resumer is not None:
            self.history_ = {k: list(vs) for k, vs in resumer.history.items()}
        else:
            self.history_ = {k: [*done.get(k, []), *(float(v) for v in vs)]
                             for k, vs in history.history.items()}
        if multi_worker:  # predict / export / pickle without the other workers
            self.model_ = self._moved(self.model_, contextlib.nullcontext())
        return self

    def _schedule_callbacks(self):
        """Keras's `LearningRateScheduler` over `learning_rate_halvings` (none without them)."""
        import keras

        from seqmodels.training import HalvingSchedule

        if self.learning_rate_halvings is None:
            return []
        return [keras.callbacks.LearningRateScheduler(
            HalvingSchedule(self.learning_rate, self.learning_rate_halvings))]

    def _metrics(self):
        return None

    def model_batch(self, X, y=None):
        """`X` (and `y`) as one padded batch, as the Keras model `model_` reads it.

        Returns `(x, targets, sample_weight)` as NumPy: `x` the input dict
        (`inputs`, `inputs_mask`, and for a transducer the teacher-forced
        `decoder_inputs`), `targets` encoded like training targets (None
        without `y`), `sample_weight` 0 on padded label steps (None when the
        targets are one per sequence). For `seqmodels.diagnostics`.
        """
        items = self._read_inputs(X, fitting=False)
        targets = None if y is None else self._encode_targets(y, items)
        batch = next(iter(self._batches(items, targets, batch_size=len(items))))
        x, encoded = batch[0], batch[1]
        weights = batch[2] if len(batch) > 2 else None
        as_numpy = {k: np.asarray(v) for k, v in x.items()}
        return (as_numpy, None if y is None else np.asarray(encoded),
                None if weights is None else np.asarray(weights))

    def export(self, directory, **options):
        """The fitted model as a SavedModel in `directory/<version>/` (see `seqmodels.export`).

        `max_input_length` defaults to `SERVING_INPUT_LENGTH_MARGIN` (2) times
        the longest training input, so a served request's work is bounded;
        pass another value (or `overlong`) to change the policy.

        Returns the path of the version written; its signatures take what
        `predict` takes (strings for string inputs; padded `inputs` + `lengths`
        for float sequences) and return what `predict` returns.
        """
        from seqmodels.constants import SERVING_INPUT_LENGTH_MARGIN
        from seqmodels.export import export_saved_model

        check_is_fitted(self, "model_")
        longest = getattr(self, "max_input_length_", None)  # None in pickles of 0.1
        if longest is not None:
            options.setdefault("max_input_length", SERVING_INPUT_LENGTH_MARGIN * longest)
        if self.input_scaling_ is not None:  # raw values in, as `predict` takes them
            options.setdefault("input_scaling", self.input_scaling_)
        return export_saved_model(self.model_, directory, **self._export_options(), **options)


__all__ = ["SequenceEstimator", "encode_labels"]
