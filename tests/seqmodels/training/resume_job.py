"""One process of the resume tests: `python resume_job.py MODE KILL CHECKPOINTS OUT [PORTS]`.

Fits a small seeded `SequenceClassifier` (dropout on, bucketing on, a
validation split, so every kind of state counts) with
`checkpoint_dir=CHECKPOINTS`, and writes its final weights and history to OUT
(.npz). MODE: `single`, `mirrored` (two logical CPUs) or a worker index of a
two-worker cluster on 127.0.0.1 at PORTS. KILL: `none`, or where this process
kills itself with SIGKILL: `batch:N` (after its N-th training batch),
`validation:N` (during its N-th validation batch) or `write:N` (half-way
through writing its N-th checkpoint file).
"""

import io
import json
import os
import signal
import sys

EPOCHS, BATCH, EVERY = 3, 8, 3


def die():
    os.kill(os.getpid(), signal.SIGKILL)


def killer(kill):
    import keras

    kind, _, count = kill.partition(":")
    count = int(count or 0)

    class Kill(keras.callbacks.Callback):
        seen = 0

        def on_train_batch_end(self, batch, logs=None):
            self.seen += kind == "batch"
            if kind == "batch" and self.seen == count:
                die()

        def on_test_batch_end(self, batch, logs=None):
            self.seen += kind == "validation"
            if kind == "validation" and self.seen == count:
                die()

    if kind == "write":  # the checkpoint writer calls numpy.savez on the open file
        import numpy as np

        savez, writes = np.savez, [0]

        def half_written(file, **arrays):
            writes[0] += 1
            if writes[0] < count:
                return savez(file, **arrays)
            buffer = io.BytesIO()
            savez(buffer, **arrays)
            file.write(buffer.getvalue()[: len(buffer.getvalue()) // 2])
            file.flush()
            die()

        np.savez = half_written
    return [Kill()]


def main(mode, kill, checkpoints, out, ports=""):
    import tensorflow as tf

    distribution = None
    if mode == "mirrored":
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        distribution = "mirrored"
    elif mode != "single":
        os.environ["TF_CONFIG"] = json.dumps({
            "cluster": {"worker": [f"127.0.0.1:{port}" for port in ports.split(",")]},
            "task": {"type": "worker", "index": int(mode)}})
        distribution = "multi-worker"
    import numpy as np

    from seqmodels.estimators import SequenceClassifier

    savez = np.savez

    rng = np.random.default_rng(0)
    X = [rng.normal(size=(rng.integers(2, 12), 3)).astype("float32") for _ in range(72)]
    y = [int(x[:, 0].sum() > 0) + int(len(x) > 7) for x in X]
    estimator = SequenceClassifier(
        units=6, epochs=EPOCHS, batch_size=BATCH, dropout=0.2, validation_split=0.25,
        random_state=7, distribution=distribution, checkpoint_dir=checkpoints,
        checkpoint_every=EVERY)
    callbacks = [] if kill == "none" else killer(kill)
    estimator.fit(X, y, callbacks=callbacks)
    weights = {f"w{i}": w for i, w in enumerate(estimator.model_.get_weights())}
    savez(out, history=json.dumps(estimator.history_), **weights)


if __name__ == "__main__":
    main(*sys.argv[1:])
