"""deterministic(seed): the same seed gives the same weights, bit for bit, in any process."""

from __future__ import annotations


def deterministic(seed: int) -> None:
    """Seeds Python, NumPy, TensorFlow and Keras and turns TensorFlow's op determinism on.

    `keras.utils.set_random_seed(seed)` and
    `tf.config.experimental.enable_op_determinism()`: after it, two processes
    that train the same model on the same data end with bit-identical weights
    (measured in tests/seqmodels/training/test_resume.py). Op determinism is
    process-wide and stays on; it turns XLA auto-clustering off and may slow
    some GPU kernels. On the JAX backend only the seeds are set.
    """
    import keras

    keras.utils.set_random_seed(int(seed))
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()


__all__ = ["deterministic"]
