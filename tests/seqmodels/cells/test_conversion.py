"""GRUCell / LSTMCell given the Keras or PyTorch weights compute the same sequences."""

import keras
import numpy as np
import pytest

from seqmodels.cells import GRUCell, LSTMCell, load_keras_weights, load_torch_weights, torch_weights
from seqmodels.layers import Recurrent, cudnn_incompatibilities, to_keras_layer

X = np.random.default_rng(0).normal(size=(4, 9, 3)).astype("float32")


def _built_in(kind, units):
    layer = (keras.layers.LSTM if kind == "lstm" else keras.layers.GRU)(
        units, return_sequences=True, bias_initializer="random_normal")
    layer(X)
    return layer


@pytest.mark.parametrize("kind", ["lstm", "gru"])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_same_weights_as_keras_built_in_give_same_sequences(kind, go_backwards):
    built_in = _built_in(kind, 6)
    built_in.go_backwards = go_backwards
    cell = (LSTMCell if kind == "lstm" else GRUCell)(6)
    layer = Recurrent(cell, return_sequences=True, go_backwards=go_backwards)
    layer(X)
    load_keras_weights(cell, built_in)
    np.testing.assert_allclose(layer(X), built_in(X), atol=1e-5)
    plain = keras.layers.RNN(cell, return_sequences=True, go_backwards=go_backwards)
    np.testing.assert_allclose(plain(X), built_in(X), atol=1e-5)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_to_keras_layer_is_the_cudnn_eligible_twin(kind):
    cell = (LSTMCell if kind == "lstm" else GRUCell)(5, bias_initializer="random_normal")
    layer = Recurrent(cell, return_sequences=True)
    expected = layer(X)
    twin = to_keras_layer(layer)
    assert isinstance(twin, keras.layers.LSTM if kind == "lstm" else keras.layers.GRU)
    np.testing.assert_allclose(twin(X), expected, atol=1e-5)


def test_cudnn_incompatibilities_name_each_option():
    layer = Recurrent(LSTMCell(4, layer_norm=True, recurrent_dropout=0.1, activation="relu"))
    reasons = " ".join(cudnn_incompatibilities(layer))
    for option in ("layer_norm", "recurrent_dropout", "activation"):
        assert option in reasons
    assert cudnn_incompatibilities(Recurrent(GRUCell(4))) == []
    with pytest.raises(ValueError, match="layer_norm=True"):
        to_keras_layer(layer)


def test_conversion_rejects_layer_norm_cells():
    cell = GRUCell(4, layer_norm=True)
    cell.build((None, 3))
    with pytest.raises(ValueError, match="layer_norm=False"):
        torch_weights(cell)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_torch_weights_round_trip_and_match_torch(kind):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    module = (torch.nn.LSTM if kind == "lstm" else torch.nn.GRU)(3, 6, batch_first=True)
    cell = (LSTMCell if kind == "lstm" else GRUCell)(6)
    layer = Recurrent(cell, return_sequences=True)
    layer(X)
    load_torch_weights(cell, module)
    with torch.no_grad():
        expected = module(torch.from_numpy(X))[0].numpy()
    np.testing.assert_allclose(layer(X), expected, atol=1e-5)
    back = (torch.nn.LSTM if kind == "lstm" else torch.nn.GRU)(3, 6, batch_first=True)
    back.load_state_dict({k: torch.from_numpy(v) for k, v in torch_weights(cell).items()})
    with torch.no_grad():
        np.testing.assert_allclose(back(torch.from_numpy(X))[0].numpy(), expected, atol=1e-5)


def test_torch_gate_order_is_converted_without_torch():
    """A GRU whose only nonzero weights sit in torch's reset-gate block (r, z, n order)."""
    units, features = 2, 3
    w_ih = np.zeros((3 * units, features), "float32")
    w_ih[:units] = 1.0  # torch block 0 = reset gate r
    state = {"weight_ih_l0": w_ih, "weight_hh_l0": np.zeros((3 * units, units), "float32"),
             "bias_ih_l0": np.zeros(3 * units, "float32"),
             "bias_hh_l0": np.zeros(3 * units, "float32")}
    cell = GRUCell(units)
    cell.build((None, features))
    load_torch_weights(cell, state)
    kernel = np.asarray(cell.kernel)
    assert np.all(kernel[:, units:2 * units] == 1.0)  # Keras block 1 = reset gate
    assert np.all(kernel[:, :units] == 0.0) and np.all(kernel[:, 2 * units:] == 0.0)
