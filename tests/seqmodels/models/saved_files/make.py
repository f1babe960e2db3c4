"""Writes small .keras files of every model kind, and their outputs on fixed batches.

The files beside this script were written by seqmodels at commit c53a87f (the
last before the decoders became classes), so that later code is held to load
them (`tests/seqmodels/models/test_saved_files.py`):

    git worktree add /tmp/old c53a87f
    PYTHONPATH=/tmp/old python tests/seqmodels/models/saved_files/make.py \\
        tests/seqmodels/models/saved_files
"""

import json
import pathlib
import sys

import numpy as np


def batches():
    """`{kind: batch}`: the fixed inputs of each model kind (the file name's prefix)."""
    rng = np.random.default_rng(0)
    src = rng.integers(3, 12, (3, 6))
    src[1, 4:] = 0
    dec = rng.integers(3, 9, (3, 5))
    dec[:, 0] = 2
    dec[2, 3:] = 0
    feats = {"inputs": rng.normal(size=(3, 6, 4)).astype("float32"),
             "inputs_mask": np.array([[1] * 6, [1] * 4 + [0] * 2, [1] * 2 + [0] * 4], bool)}
    vector = {"vector": np.linspace(0, 1, 9, dtype="float32").reshape(3, 3),
              "decoder_inputs": dec}
    return {"ed": {"inputs": src, "decoder_inputs": dec}, "otm": vector, "m2o": feats,
            "aligned": feats}


def models():
    from seqmodels.models import AlignedManyToMany, EncoderDecoder, ManyToOne, OneToMany

    return {
        "ed_luong": EncoderDecoder(12, 9, embedding_dim=8, units=8, cell="lstm",
                                   encoder_layers=2, decoder_layers=2, dropout=0.1,
                                   output_dropout=0.1),
        "ed_bahdanau": EncoderDecoder(12, 9, embedding_dim=8, units=8, cell="gru",
                                      attention="bahdanau", scheduled_sampling=True,
                                      attention_units=6, layer_dropout=0.1, decoder_layers=2),
        "ed_plain_zeros": EncoderDecoder(12, 9, embedding_dim=8, units=8, cell="elman",
                                         attention=None, bridge="zeros"),
        "otm_both": OneToMany(9, embedding_dim=4, units=8, num_layers=2, cell="lstm"),
        "otm_every": OneToMany(9, embedding_dim=4, units=8, cell="gru",
                               conditioning="every_step", dropout=0.1),
        "m2o_attention": ManyToOne(3, cell="gru", units=8, pooling="attention",
                                   bidirectional=True, head_dropout=0.2),
        "aligned": AlignedManyToMany(2, task="regression", cell="lstm", units=8,
                                     head_dropout=0.2, num_layers=2),
    }


def main(out):
    import keras

    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    inputs, outputs = batches(), {}
    for name, model in models().items():
        keras.utils.set_random_seed(0)
        batch = inputs[name.split("_")[0]]
        model(batch)
        if getattr(model, "sampling_probability", None) is not None:
            model.sampling_probability.assign(0.3)
        model.save(out / f"{name}.keras")
        outputs[name] = np.asarray(model(batch)).tolist()
    (out / "outputs.json").write_text(json.dumps(outputs))


if __name__ == "__main__":
    main(sys.argv[1])
