"""Keras 3 `fit()` under `tf.distribute` strategies: the fix for keras#20585, and the strategies.

Keras 3.15's TensorFlow trainer fails at three points when a strategy has
several replicas (keras-team/keras#20585, open upstream; the Keras team's
answer is that multi-host training belongs to JAX + `keras.distribution`):

1. `TensorFlowTrainer._maybe_symbolic_build` builds the model from the first
   distributed batch by `strategy.reduce("MEAN", batch)`: under several
   workers that is a collective over a dict of tensors, which fails
   ("unsupported type <class 'dict'>"); under `MirroredStrategy` over two
   devices it is a sum of the boolean masks, which fails too ("Value for
   attr 'T' of bool"). And under any strategy that read starts an extra
   pass over the dataset, so a shuffled dataset trains epoch 1 on the order
   of epoch 2 (and so on) of the same data without a strategy. Building
   needs only shapes and dtypes: the fix builds from the dataset's
   `element_spec` and reads no batch.
2. `reduce_per_replica(..., "mean")` reduces every value across workers
   with `axis=0`, which a scalar (every loss and metric of `fit`'s logs)
   does not have. The fix reduces scalars with `axis=None`.
3. `BaseOptimizer._backend_apply_gradients` clips the gradients (`clipnorm`,
   `global_clipnorm`, `clipvalue`) *before* `TFOptimizer._backend_update_step`
   all-reduces them: each replica's share of the gradient is clipped on its
   own, so a clipped step differs from one process. The fix all-reduces first
   and clips the global gradient (then neither is done again).

Nothing else changes. Checked on Keras 3.15.1 with TensorFlow 2.21.0 (the test bed,
tests/seqmodels/training/test_distributed.py: two worker processes on
127.0.0.1, and `MirroredStrategy` over two logical CPUs); other Keras
versions are refused rather than patched blind. Padded sequences need a loss
normalised over the global batch as well: `seqmodels.losses.SequenceLoss`.
"""

from __future__ import annotations

import warnings

import keras

from seqmodels.checks import check_choice

#: Keras versions this fix was checked on (their TensorFlow trainer has the failing points).
CHECKED_KERAS = ("3.15.",)

_applied = False


def _check_version():
    if not keras.__version__.startswith(CHECKED_KERAS):
        raise RuntimeError(
            "seqmodels' fix of fit() under tf.distribute (keras-team/keras#20585) was checked on "
            f"Keras {', '.join(v + 'x' for v in CHECKED_KERAS)}. "
            f"Received: keras=={keras.__version__}. "
            "Install a checked Keras, or train without a distribution strategy.")


def _maybe_symbolic_build(self, iterator=None, data_batch=None):
    """Keras's method, building from the dataset's element spec instead of a reduced batch."""
    if self._distribute_strategy is None:
        return
    if iterator is not None:  # shapes and dtypes only: no batch is read, no collective runs
        data_batch = iterator.data_adapter.get_tf_dataset().element_spec
    with self.distribute_strategy.scope():
        self._symbolic_build(data_batch=data_batch)


def _reduce_per_replica(original):
    def reduce_per_replica(values, strategy, reduction):
        """Keras's function, with scalars reduced across workers on no axis."""
        from keras.src import tree
        from keras.src.backend.tensorflow import trainer

        if not (trainer._collective_all_reduce_multi_worker(strategy)
                and reduction in ("auto", "mean")):
            return original(values, strategy, reduction)

        def mean(value):
            scalar = getattr(value, "shape", None) is not None and value.shape.rank == 0
            return strategy.reduce("MEAN", value, axis=None if scalar else 0)

        return tree.map_structure(mean, values)

    return reduce_per_replica


_reduced = set()  # ids of optimizers tracing an apply whose gradients are already reduced


def _clipping(optimizer) -> bool:
    return any(value and value > 0 for value in
               (optimizer.clipnorm, optimizer.global_clipnorm, optimizer.clipvalue))


def _apply_reduced_then_clipped(apply, clip, reduce):
    """Keras's `_backend_apply_gradients`, clipping the all-reduced gradient, not a share."""

    def _backend_apply_gradients(self, grads, trainable_variables):
        import tensorflow as tf

        context = tf.distribute.get_replica_context()
        if (not _clipping(self) or self.gradient_accumulation_steps or context is None
                or context.num_replicas_in_sync == 1):
            return apply(self, grads, trainable_variables)
        pairs = reduce(self, list(zip(grads, trainable_variables)))
        grads = clip(self, [grad for grad, _ in pairs])
        _reduced.add(id(self))  # trace time: the calls below are traced in this order
        try:
            return apply(self, grads, trainable_variables)
        finally:
            _reduced.discard(id(self))

    def _clip_gradients(self, grads):
        return grads if id(self) in _reduced else clip(self, grads)

    def _all_reduce_sum_gradients(self, grads_and_vars):
        return list(grads_and_vars) if id(self) in _reduced else reduce(self, grads_and_vars)

    return _backend_apply_gradients, _clip_gradients, _all_reduce_sum_gradients


def enable_distributed_fit():
    """Applies the fix to Keras's TensorFlow trainer and optimizer, once per process."""
    global _applied
    if _applied:
        return
    _check_version()
    from keras.src.backend.tensorflow import trainer
    from keras.src.backend.tensorflow.optimizer import TFOptimizer

    trainer.TensorFlowTrainer._maybe_symbolic_build = _maybe_symbolic_build
    trainer.reduce_per_replica = _reduce_per_replica(trainer.reduce_per_replica)
    (TFOptimizer._backend_apply_gradients, TFOptimizer._clip_gradients,
     TFOptimizer._all_reduce_sum_gradients) = _apply_reduced_then_clipped(
        TFOptimizer._backend_apply_gradients, TFOptimizer._clip_gradients,
        TFOptimizer._all_reduce_sum_gradients)
    _applied = True


#: The values of the estimators' `distribution` and the CLI's `--distribution`.
DISTRIBUTIONS = (None, "none", "mirrored", "multi-worker")

_made = {}  # one distribution of each kind per process: TensorFlow allows one multi-worker setup


def multi_worker_distribution():
    """`tf.distribute.MultiWorkerMirroredStrategy` from `TF_CONFIG`, with the fix applied.

    Create it at the start of the program, before any other TensorFlow work,
    as TensorFlow requires; later calls return the same one.
    """
    return make_distribution("multi-worker")


def make_distribution(name):
    """The `tf.distribute.Strategy` of a distribution `name` (None, "none": None), fix applied.

    `"mirrored"`: `MirroredStrategy` over this machine's visible devices;
    `"multi-worker"`: `MultiWorkerMirroredStrategy` over the cluster of
    `TF_CONFIG`. One of each kind per process, made at first use.
    """
    check_distribution(name)
    if name in (None, "none"):
        return None
    if name not in _made:
        import tensorflow as tf

        enable_distributed_fit()
        _made[name] = (tf.distribute.MirroredStrategy() if name == "mirrored"
                       else tf.distribute.MultiWorkerMirroredStrategy())
    return _made[name]


def multi_worker_strategy():
    """Deprecated alias of `multi_worker_distribution` (one word per concept: a decoding
    strategy is `seqmodels.decoding`'s)."""
    warnings.warn("`multi_worker_strategy` is deprecated: use `multi_worker_distribution`.",
                  DeprecationWarning, stacklevel=2)
    return multi_worker_distribution()


def make_strategy(distribution):
    """Deprecated alias of `make_distribution`."""
    warnings.warn("`make_strategy` is deprecated: use `make_distribution`.",
                  DeprecationWarning, stacklevel=2)
    return make_distribution(distribution)


def check_distribution(distribution):
    """One of `DISTRIBUTIONS`."""
    return check_choice("distribution", distribution, DISTRIBUTIONS)


def is_chief(distribution=None) -> bool:
    """Whether this process writes the run's files: always, except a non-chief worker.

    With `TF_CONFIG` the chief is the `chief` task or, without one, worker 0
    (TensorFlow's convention).
    """
    resolver = getattr(distribution, "cluster_resolver", None)
    if resolver is None or not getattr(resolver, "task_type", None):
        return True
    if resolver.task_type == "chief":
        return True
    has_chief = "chief" in resolver.cluster_spec().as_dict()
    return resolver.task_type == "worker" and resolver.task_id == 0 and not has_chief


def worker_index(distribution=None) -> int:
    """This process's index among the workers (0 without a cluster)."""
    resolver = getattr(distribution, "cluster_resolver", None)
    return int(getattr(resolver, "task_id", 0) or 0)



def broadcast_from_chief(distribution, value: int) -> int:
    """The chief's `value` on every worker (a collective: every worker must call it).

    Non-chief workers' `value` is ignored. Without a distribution (None) it is `value`.
    """
    if distribution is None:
        return int(value)
    import tensorflow as tf

    local = tf.constant(int(value) if is_chief(distribution) else 0, tf.int64)

    def from_first_replica():
        first = tf.distribute.get_replica_context().replica_id_in_sync_group == 0
        return tf.where(first, local, tf.zeros_like(local))

    return int(distribution.reduce("SUM", distribution.run(from_first_replica), axis=None))


def gather_from_replicas(distribution, value: int) -> list[int]:
    """Every replica's `value` (this process's for its local replicas), in replica order.

    A collective: every worker must call it. Without a distribution (None) it is `[value]`.
    """
    if distribution is None:
        return [int(value)]
    import tensorflow as tf

    local = tf.constant([int(value)], tf.int64)
    gathered = distribution.gather(distribution.run(lambda: tf.identity(local)), axis=0)
    return [int(v) for v in gathered.numpy()]


__all__ = ["CHECKED_KERAS", "DISTRIBUTIONS", "broadcast_from_chief", "check_distribution",
           "enable_distributed_fit", "gather_from_replicas", "is_chief", "make_distribution",
           "make_strategy", "multi_worker_distribution", "multi_worker_strategy", "worker_index"]
