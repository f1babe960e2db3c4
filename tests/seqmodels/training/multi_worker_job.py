"""One process of the multi-worker test bed: `python multi_worker_job.py MODEL INDEX PORTS OUT`.

INDEX -1 trains in a single process (the reference); 0..N-1 are the workers of a
`MultiWorkerMirroredStrategy` cluster on 127.0.0.1 at PORTS (comma-separated).
Every process trains the same model from the same initial weights on the same
global batches, and writes its per-batch losses and final weights to OUT (.npz).
"""

import json
import os
import sys

GLOBAL_BATCH, EXAMPLES = 8, 32


def data(kind):
    """Right-padded sequences with explicit masks: `(x, y, sample_weight, model)`.

    The classifier reads variable lengths. The encoder-decoder's sequences are
    full length: its logits carry Keras's implicit mask, so Keras averages its
    loss over each replica's own real steps, and replicas holding different
    numbers of real steps do not average to the one-process loss (a known
    limit, docs/distributed.md).
    """
    import numpy as np

    from seqmodels.models import EncoderDecoder, ManyToOne

    rng = np.random.default_rng(0)
    lengths = rng.integers(2, 7, EXAMPLES) if kind == "many_to_one" else np.full(EXAMPLES, 6)
    mask = np.arange(6)[None] < lengths[:, None]
    if kind == "many_to_one":
        x = {"inputs": rng.normal(size=(EXAMPLES, 6, 3)).astype("float32"), "inputs_mask": mask}
        return (x, rng.integers(0, 3, EXAMPLES), np.ones(EXAMPLES, "float32"),
                lambda: ManyToOne(3, units=4, cell="gru"))
    ids = np.where(mask, rng.integers(3, 12, (EXAMPLES, 6)), 0).astype("int32")
    labels = np.where(mask, rng.integers(3, 10, (EXAMPLES, 6)), 0).astype("int32")
    x = {"inputs": ids, "inputs_mask": mask, "decoder_inputs": labels, "decoder_inputs_mask": mask}
    return (x, labels, mask.astype("float32"),
            lambda: EncoderDecoder(12, 10, embedding_dim=4, units=6))


def main(model_kind, index, ports, out):
    if index >= 0:
        os.environ["TF_CONFIG"] = json.dumps({
            "cluster": {"worker": [f"127.0.0.1:{port}" for port in ports]},
            "task": {"type": "worker", "index": index}})
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import numpy as np
    import tensorflow as tf

    from seqmodels.training.multi_worker import multi_worker_strategy

    strategy = multi_worker_strategy() if index >= 0 else tf.distribute.get_strategy()
    x, y, weights, make = data(model_kind)
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    batches = tf.data.Dataset.from_tensor_slices((x, y, weights)).batch(GLOBAL_BATCH)
    batches = batches.with_options(options)
    keras.utils.set_random_seed(0)
    with strategy.scope():
        model = make()
        model({k: v[:1] for k, v in x.items()})  # built before fit: the same initial weights
        model.compile(keras.optimizers.Adam(0.01),
                      keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    initial = {f"i{i}": np.asarray(w) for i, w in enumerate(model.weights)}
    losses = []
    record = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: losses.append(float(logs["loss"])))
    model.fit(batches, epochs=2, verbose=0, callbacks=[record])
    final = {f"w{i}": np.asarray(w) for i, w in enumerate(model.weights)}
    np.savez(out, losses=np.array(losses), **initial, **final)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3].split(","), sys.argv[4])
