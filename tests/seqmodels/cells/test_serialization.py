"""Every constructor argument of every cell and of Recurrent survives `.keras` with safe_mode."""

import keras
import numpy as np
import pytest

from seqmodels.cells import ElmanCell, GRUCell, LSTMCell, MinGRUCell, MinLSTMCell
from seqmodels.layers import Recurrent

COMMON = {"units": 3, "dropout": 0.25, "seed": 7}
GATED = {**COMMON, "recurrent_dropout": 0.125, "activation": "relu",
         "recurrent_activation": "hard_sigmoid", "use_bias": False,
         "kernel_initializer": "he_normal", "recurrent_initializer": "identity",
         "bias_initializer": "ones", "layer_norm": True}
NON_DEFAULT = {
    ElmanCell: {**COMMON, "recurrent_dropout": 0.125, "activation": "relu", "use_bias": False,
                "kernel_initializer": "he_normal", "recurrent_initializer": "identity",
                "bias_initializer": "ones"},
    GRUCell: GATED,
    LSTMCell: {**GATED, "unit_forget_bias": False},
    MinGRUCell: {**COMMON, "use_bias": False, "kernel_initializer": "he_normal",
                 "bias_initializer": "ones"},
    MinLSTMCell: {**COMMON, "use_bias": False, "kernel_initializer": "he_normal",
                  "bias_initializer": "ones"},
}
RECURRENT = {"return_sequences": True, "return_state": False, "go_backwards": True,
             "zero_output_for_mask": True, "learn_initial_state": True, "fuse_inputs": True,
             "implementation": "loop"}


def _init_signature(cls):
    import inspect

    names = set()
    for klass in cls.__mro__:
        if klass.__module__.startswith("seqmodels"):
            names |= {p for p in inspect.signature(klass.__init__).parameters
                      if p not in ("self", "kwargs", "cell")}
    return names


@pytest.mark.parametrize("cls", list(NON_DEFAULT))
def test_the_non_default_table_covers_every_argument(cls):
    expected = _init_signature(cls) - ({"recurrent_dropout"} if cls in (MinGRUCell, MinLSTMCell)
                                       else set())
    assert set(NON_DEFAULT[cls]) == expected


def test_recurrent_table_covers_every_argument():
    assert set(RECURRENT) | {"scan_path"} == _init_signature(Recurrent)


def _normalised(value):
    return keras.saving.serialize_keras_object(value) if not isinstance(
        value, (int, float, str, bool, type(None))) else value


def _round_trip(model, tmp_path):
    path = tmp_path / "model.keras"
    model.save(path)
    return keras.saving.load_model(path, safe_mode=True)


@pytest.mark.parametrize("cls", list(NON_DEFAULT))
def test_every_cell_argument_survives_keras_round_trip(cls, tmp_path):
    kwargs = NON_DEFAULT[cls]
    scan_path = "chunked" if cls in (MinGRUCell, MinLSTMCell) else "sequential"
    layer = Recurrent(cls(**kwargs), scan_path=scan_path, **RECURRENT)
    inputs = keras.Input((None, 3))
    model = keras.Model(inputs, layer(inputs))
    x = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32")
    before = model.predict(x, verbose=0)
    loaded = _round_trip(model, tmp_path)
    loaded_layer = loaded.layers[-1]
    assert isinstance(loaded_layer, Recurrent) and type(loaded_layer.cell) is cls
    cell_config = loaded_layer.cell.get_config()
    fresh = cls(**kwargs).get_config()
    for name in kwargs:
        assert cell_config[name] == fresh[name], name
        assert _normalised(getattr(loaded_layer.cell, name)) == _normalised(
            getattr(layer.cell, name)), name
    for name, value in {**RECURRENT, "scan_path": scan_path}.items():
        assert getattr(loaded_layer, name) == value, name
    np.testing.assert_allclose(loaded.predict(x, verbose=0), before, atol=1e-6)


@pytest.mark.parametrize("cls", list(NON_DEFAULT))
def test_cells_round_trip_inside_keras_rnn(cls, tmp_path):
    inputs = keras.Input((None, 3))
    outputs = keras.layers.RNN(cls(4), return_sequences=True)(inputs)
    model = keras.Model(inputs, outputs)
    x = np.random.default_rng(1).normal(size=(2, 6, 3)).astype("float32")
    loaded = _round_trip(model, tmp_path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               atol=1e-6)


@pytest.mark.parametrize("bad,match", [
    ({"units": 0}, "Received: units=0"),
    ({"units": 2.5}, "Received: units=2.5"),
    ({"units": 4, "dropout": 1.0}, "Received: dropout=1.0"),
    ({"units": 4, "recurrent_dropout": -0.1}, "Received: recurrent_dropout=-0.1"),
])
def test_bad_arguments_are_named(bad, match):
    with pytest.raises(ValueError, match=match):
        GRUCell(**bad)


@pytest.mark.parametrize("cls", [MinGRUCell, MinLSTMCell])
def test_minimal_cells_refuse_recurrent_dropout_instead_of_ignoring_it(cls):
    with pytest.raises(ValueError, match="no recurrent dropout.*Received: recurrent_dropout=0.5"):
        cls(4, recurrent_dropout=0.5)
