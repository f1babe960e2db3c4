"""Small batches shared by the model tests."""

import tempfile

import keras
import numpy as np


def feature_batch(rng, lengths=(6, 3, 5, 1), features=3):
    """Right-padded float sequences + mask: `({"inputs", "inputs_mask"}, lengths)`."""
    time = max(lengths)
    x = rng.normal(size=(len(lengths), time, features)).astype("float32")
    mask = np.arange(time)[None] < np.array(lengths)[:, None]
    x[~mask] = rng.normal(size=x[~mask].shape) * 100  # garbage on padding must not matter
    return {"inputs": x, "inputs_mask": mask}


def token_batch(rng, lengths, vocab, low=4):
    """Right-padded id sequences `(B, T)` with zeros after each length."""
    time = max(lengths)
    ids = rng.integers(low, vocab, (len(lengths), time))
    ids[np.arange(time)[None] >= np.array(lengths)[:, None]] = 0
    return ids


def reload(model):
    path = tempfile.mktemp(suffix=".keras")
    model.save(path)
    return keras.saving.load_model(path, safe_mode=True)
