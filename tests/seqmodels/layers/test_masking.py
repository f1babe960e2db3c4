"""Padding never changes a result: padded batch + mask equals each sequence run alone."""

import keras
import numpy as np
import pytest

from seqmodels.cells import ElmanCell, GRUCell, LSTMCell, MinGRUCell, MinLSTMCell
from seqmodels.layers import Recurrent

CELLS = [ElmanCell, GRUCell, LSTMCell, MinGRUCell, MinLSTMCell]
LENGTHS = [7, 3, 1, 5]


def _padded_batch(rng, features=3):
    sequences = [rng.normal(size=(n, features)).astype("float32") for n in LENGTHS]
    batch = np.zeros((len(LENGTHS), max(LENGTHS), features), "float32")
    mask = np.zeros(batch.shape[:2], bool)
    for i, s in enumerate(sequences):
        batch[i, : len(s)], mask[i, : len(s)] = s, True
    return sequences, batch, mask


def _layers(cell, go_backwards, scan_path):
    if scan_path is None:
        return keras.layers.RNN(cell, return_sequences=True, return_state=True,
                                go_backwards=go_backwards)
    return Recurrent(cell, return_sequences=True, return_state=True, go_backwards=go_backwards,
                     scan_path=scan_path, learn_initial_state=True)


def _cases():
    for cls in CELLS:
        paths = ["sequential", "chunked", "parallel"] if cls in (MinGRUCell, MinLSTMCell) else [
            "auto"]
        for path in paths + [None]:
            yield cls, path


@pytest.mark.parametrize("go_backwards", [False, True], ids=["forward", "backward"])
@pytest.mark.parametrize("cls,scan_path", list(_cases()),
                         ids=lambda v: getattr(v, "__name__", str(v)))
def test_padded_plus_mask_equals_each_sequence_alone(cls, scan_path, go_backwards):
    rng = np.random.default_rng(0)
    sequences, batch, mask = _padded_batch(rng)
    layer = _layers(cls(4, bias_initializer="random_normal"), go_backwards, scan_path)
    layer(batch)
    if isinstance(layer, Recurrent):  # a nonzero learned initial state makes the test stronger
        for w in layer.initial_state_weights:
            w.assign(rng.normal(size=w.shape))
    outputs, *states = layer(batch, mask=mask)
    for i, sequence in enumerate(sequences):
        alone, *alone_states = layer(sequence[None])
        n = len(sequence)
        valid = slice(max(LENGTHS) - n, None) if go_backwards else slice(0, n)
        np.testing.assert_allclose(np.asarray(outputs)[i, valid], alone[0], atol=1e-5)
        for state, alone_state in zip(states, alone_states):
            np.testing.assert_allclose(np.asarray(state)[i], alone_state[0], atol=1e-5)


@pytest.mark.parametrize("cls", CELLS)
def test_bidirectional_zeroes_padded_outputs_and_matches_alone(cls):
    rng = np.random.default_rng(1)
    sequences, batch, mask = _padded_batch(rng)
    layer = keras.layers.Bidirectional(Recurrent(cls(4), return_sequences=True))
    outputs = np.asarray(layer(batch, mask=mask))
    assert outputs.shape == (4, 7, 8)
    for i, sequence in enumerate(sequences):
        n = len(sequence)
        np.testing.assert_allclose(outputs[i, :n], layer(sequence[None])[0], atol=1e-5)
        np.testing.assert_array_equal(outputs[i, n:], 0.0)
