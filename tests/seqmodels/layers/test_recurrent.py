"""Recurrent in use: fit(), unknown lengths, SavedModel export, stacking, dropout, errors."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from seqmodels.cells import ElmanCell, GRUCell, LSTMCell, MinGRUCell, MinLSTMCell
from seqmodels.layers import Recurrent

CELLS = [ElmanCell, GRUCell, LSTMCell, MinGRUCell, MinLSTMCell]


def _sign_task(n=256, time=12, seed=0):
    """Label = whether the first step's first feature is positive: needs memory over time."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, time, 2)).astype("float32")
    return x, (x[:, 0, 0] > 0).astype("float32")


def _classifier(cell, **kwargs):
    inputs = keras.Input((None, 2))
    hidden = Recurrent(cell, go_backwards=True, learn_initial_state=True, **kwargs)(inputs)
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(hidden))
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


@pytest.mark.parametrize("cls", CELLS)
def test_fit_learns_and_the_learned_initial_state_round_trips(cls, tmp_path):
    keras.utils.set_random_seed(0)
    x, y = _sign_task()
    model = _classifier(cls(16))
    history = model.fit(x, y, epochs=15, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.9
    learned = model.layers[1].initial_state_weights[0]
    assert np.abs(np.asarray(learned)).max() > 0  # the initial state was trained
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras", safe_mode=True)
    np.testing.assert_array_equal(loaded.layers[1].initial_state_weights[0], learned)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               atol=1e-6)


@pytest.mark.parametrize("cls", CELLS)
@pytest.mark.tensorflow_only  # tf.GradientTape / tf.function / SavedModel
def test_unknown_time_length_in_tf_function_and_savedmodel(cls, tmp_path):
    inputs = keras.Input((None, 3))
    outputs = [Recurrent(cls(4), return_sequences=True)(inputs),
               keras.layers.RNN(cls(4), return_sequences=True)(inputs)]
    model = keras.Model(inputs, outputs)
    export_dir = str(tmp_path / "export")
    model.export(export_dir, verbose=False)
    served = tf.saved_model.load(export_dir)
    rng = np.random.default_rng(0)
    for time in (1, 9, 130):
        x = rng.normal(size=(2, time, 3)).astype("float32")
        for got, expected in zip(served.serve(x), model.predict(x, verbose=0)):
            np.testing.assert_allclose(got, expected, atol=1e-5)


def test_stacked_cells_equal_stacked_layers():
    first, second = LSTMCell(5), MinGRUCell(4)
    x = np.random.default_rng(0).normal(size=(2, 7, 3)).astype("float32")
    stacked = keras.layers.RNN(keras.layers.StackedRNNCells([first, second]),
                               return_sequences=True)
    expected = stacked(x)
    hidden = Recurrent(first, return_sequences=True)(x)
    np.testing.assert_allclose(Recurrent(second, return_sequences=True)(hidden), expected,
                               atol=1e-5)


@pytest.mark.parametrize("fuse_inputs", [True, False])
def test_one_dropout_mask_per_sequence_reused_at_every_step(fuse_inputs):
    cell = ElmanCell(3, activation="linear", dropout=0.5, seed=1, use_bias=False,
                     kernel_initializer="identity", recurrent_initializer="zeros")
    layer = Recurrent(cell, return_sequences=True, fuse_inputs=fuse_inputs)
    x = np.ones((8, 6, 3), "float32")
    out = np.asarray(layer(x, training=True))
    np.testing.assert_array_equal(out, np.repeat(out[:, :1], 6, axis=1))  # same mask each step
    assert set(np.unique(out)) <= {0.0, 2.0} and len(np.unique(out)) == 2
    np.testing.assert_array_equal(layer(x, training=False), x)


def test_explicit_initial_state_matches_keras_rnn():
    cell = LSTMCell(4)
    x = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32")
    states = [np.full((2, 4), 0.3, "float32"), np.full((2, 4), -0.2, "float32")]
    expected = keras.layers.RNN(cell)(x, initial_state=states)
    np.testing.assert_allclose(Recurrent(cell)(x, initial_state=states), expected, atol=1e-6)


def test_errors_name_what_was_received():
    with pytest.raises(ValueError, match="Expected a seqmodels cell.*LSTMCell"):
        Recurrent(keras.layers.LSTMCell(3))
    with pytest.raises(ValueError, match="scan_path='chunked' needs a cell whose recurrence"):
        Recurrent(GRUCell(3), scan_path="chunked")
    with pytest.raises(ValueError, match="Received: scan_path='fast'"):
        Recurrent(MinGRUCell(3), scan_path="fast")
    with pytest.raises(ValueError, match=r"shape \(batch, time, features\).*shape=\(2, 3\)"):
        Recurrent(GRUCell(3))(np.zeros((2, 3), "float32"))
    x = np.zeros((2, 4, 3), "float32")
    with pytest.raises(ValueError, match=r"2 tensor\(s\) in `initial_state`.*Received: 1"):
        Recurrent(LSTMCell(3))(x, initial_state=[np.zeros((2, 3), "float32")])


def test_a_call_that_does_not_fit_the_layer_is_refused_naming_the_argument():
    layer = Recurrent(LSTMCell(3))
    x = np.zeros((2, 4, 3), "float32")
    layer(x)
    with pytest.raises(ValueError, match=r"3 features per step.*sequences.shape=\(2, 4, 5\)"):
        layer(np.zeros((2, 4, 5), "float32"))
    with pytest.raises(ValueError, match=r"at least one time step.*shape=\(2, 0, 3\)"):
        layer(np.zeros((2, 0, 3), "float32"))
    with pytest.raises(ValueError, match=r"`mask` of shape \(batch, time\) = \(2, 4\).*\(2, 3\)"):
        layer(x, mask=np.ones((2, 3), bool))
    if keras.backend.backend() == "tensorflow":  # JAX's conversion refuses strings first
        with pytest.raises(ValueError, match="`mask` of dtype bool.*Received: mask.dtype=string"):
            layer(x, mask=np.full((2, 4), "yes"))
    for wrong, shape in (((2, 5), r"\(2, 5\)"), ((3, 3), r"\(3, 3\)")):
        states = [np.zeros(wrong, "float32"), np.zeros((2, 3), "float32")]
        with pytest.raises(ValueError, match=rf"initial_state\[0\]` of shape \(batch, 3\) "
                                             rf"with batch=2.*shape={shape}"):
            layer(x, initial_state=states)
    # A 0/1 integer or float mask is a mask.
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 1]])
    for numbers in (mask, mask.astype("float32")):
        np.testing.assert_allclose(layer(x + 1, mask=numbers), layer(x + 1, mask=mask == 1))


def test_keras_bidirectional_wraps_a_layer_that_returns_its_state():
    """Keras's RNN contract: compute_output_shape is a tuple, which Bidirectional unpacks."""
    layer = Recurrent(LSTMCell(3), return_sequences=True, return_state=True)
    assert layer.compute_output_shape((2, 5, 4)) == ((2, 5, 3), (2, 3), (2, 3))
    inputs = keras.Input((5, 4))
    outputs, *states = keras.layers.Bidirectional(layer)(inputs)
    model = keras.Model(inputs, [outputs, *states])
    values = model(np.ones((2, 5, 4), "float32"))
    assert [tuple(v.shape) for v in values] == [(2, 5, 6)] + [(2, 3)] * 4
