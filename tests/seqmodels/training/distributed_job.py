"""One process of the distributed test bed: `python distributed_job.py MODEL MODE PORTS OUT`.

MODE `single` trains in one process on one device (the reference); `mirrored`
under `MirroredStrategy` over two logical CPUs of one process; `0`..`N-1` are
the workers of a `MultiWorkerMirroredStrategy` cluster on 127.0.0.1 at PORTS
(comma-separated). Every process trains the same model from the same initial
weights on the same global batches of right-padded, variable-length sequences
with `SequenceLoss`, and writes to OUT (.npz): per-batch losses, final
weights, the example ids each step of this process trained on, and (mirrored)
the largest difference between the two replicas' copies of any weight.
"""

import json
import os
import sys

GLOBAL_BATCH, EXAMPLES, EPOCHS = 8, 32, 2


def data(kind):
    """`(x, y, sample_weight, make_model)`; `x["example_id"]` numbers the examples."""
    import numpy as np

    from seqmodels.models import EncoderDecoder, ManyToOne

    rng = np.random.default_rng(0)
    lengths = rng.integers(1, 7, EXAMPLES)
    mask = np.arange(6)[None] < lengths[:, None]
    ids = {"example_id": np.arange(EXAMPLES, dtype="int32")}
    if kind == "many_to_one":
        x = {"inputs": rng.normal(size=(EXAMPLES, 6, 3)).astype("float32"), "inputs_mask": mask}
        return ({**x, **ids}, rng.integers(0, 3, EXAMPLES), np.ones(EXAMPLES, "float32"),
                lambda: ManyToOne(3, units=4, cell="gru"))
    source = np.where(mask, rng.integers(3, 12, (EXAMPLES, 6)), 0).astype("int32")
    labels = np.where(mask, rng.integers(3, 10, (EXAMPLES, 6)), 0).astype("int32")
    x = {"inputs": source, "inputs_mask": mask, "decoder_inputs": labels,
         "decoder_inputs_mask": mask}
    return ({**x, **ids}, labels, mask.astype("float32"),
            lambda: EncoderDecoder(12, 10, embedding_dim=4, units=6))


def distribution_for(mode, ports):
    import tensorflow as tf

    from seqmodels.training.distributed import enable_distributed_fit, multi_worker_distribution

    if mode == "single":
        return tf.distribute.get_strategy()
    if mode == "mirrored":
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        enable_distributed_fit()
        return tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    os.environ["TF_CONFIG"] = json.dumps({
        "cluster": {"worker": [f"127.0.0.1:{port}" for port in ports]},
        "task": {"type": "worker", "index": int(mode)}})
    return multi_worker_distribution()


def record_example_ids(model, seen):
    """Wraps `model.train_step` to append each step's local example ids to `seen`."""
    import numpy as np
    import tensorflow as tf

    train_step = model.train_step

    def recording_step(data):
        x, *rest = data
        x = dict(x)
        example_id = x.pop("example_id")
        tf.py_function(lambda ids: seen.append(np.asarray(ids).tolist()) or 0, [example_id],
                       tf.int32)
        return train_step((x, *rest))

    model.train_step = recording_step


def replica_difference(distribution, model):
    """The largest |difference| between replicas' copies of any weight (0.0 on one device)."""
    import numpy as np

    largest = 0.0
    for weight in model.weights:
        copies = [np.asarray(c) for c in distribution.experimental_local_results(weight.value)]
        largest = max([largest, *(float(np.max(np.abs(c - copies[0]))) for c in copies)])
    return largest


def main(model_kind, mode, ports, out):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import numpy as np
    import tensorflow as tf

    from seqmodels.losses import SequenceLoss

    distribution = distribution_for(mode, ports)
    x, y, weights, make = data(model_kind)
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    batches = tf.data.Dataset.from_tensor_slices((x, y, weights)).batch(GLOBAL_BATCH)
    keras.utils.set_random_seed(0)
    with distribution.scope():
        model = make()
        model({k: v[:1] for k, v in x.items() if k != "example_id"})  # the same initial weights
        model.compile(keras.optimizers.Adam(0.01, clipnorm=0.05), SequenceLoss())  # clips
    initial = {f"i{i}": np.asarray(w) for i, w in enumerate(model.weights)}
    losses, seen = [], []
    record_example_ids(model, seen)
    record = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: losses.append(float(logs["loss"])))
    model.fit(batches.with_options(options), epochs=EPOCHS, verbose=0, callbacks=[record])
    final = {f"w{i}": np.asarray(w) for i, w in enumerate(model.weights)}
    np.savez(out, losses=np.array(losses), seen=np.array(sum(seen, []), "int32"),
             replica_difference=replica_difference(distribution, model), **initial, **final)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3].split(","), sys.argv[4])
