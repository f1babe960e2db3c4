"""ManyToOne: padding never changes a sequence's result; every pooling; errors; learning."""

import keras
import numpy as np
import pytest

from seqmodels.models import ManyToOne, SequencePooling
from tests.seqmodels.models.helpers import feature_batch, reload


@pytest.mark.parametrize("pooling", ["last", "mean", "max", "attention"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_padded_batch_equals_each_sequence_alone(rng, pooling, bidirectional):
    batch = feature_batch(rng)
    model = ManyToOne(4, cell="gru", units=5, num_layers=2, pooling=pooling,
                      bidirectional=bidirectional)
    out = np.asarray(model(batch))
    for i, n in enumerate(batch["inputs_mask"].sum(1)):
        alone = model({"inputs": batch["inputs"][i:i + 1, :n]})
        np.testing.assert_allclose(out[i], np.asarray(alone)[0], atol=1e-5)


def test_last_pooling_of_a_unidirectional_encoder_is_the_final_state(rng):
    batch = feature_batch(rng)
    model = ManyToOne(2, cell="lstm", units=4)
    model(batch)
    outputs, states, mask = model.encode(batch)
    pooled = SequencePooling("last")(outputs, mask=mask)
    np.testing.assert_allclose(np.asarray(pooled), np.asarray(states[-1][0]), atol=1e-6)


def test_pooling_weights_cover_only_valid_steps(rng):
    batch = feature_batch(rng)
    for mode in ("mean", "attention", "last"):
        layer = SequencePooling(mode)
        _, weights = layer(batch["inputs"], mask=batch["inputs_mask"], return_weights=True)
        weights = np.asarray(weights)
        np.testing.assert_allclose(weights.sum(1), 1.0, atol=1e-5)
        assert np.all(weights[~batch["inputs_mask"]] == 0)


@pytest.mark.parametrize("mode", ["last", "mean", "max", "attention"])
def test_a_row_with_no_valid_step_pools_to_zeros(rng, mode):
    sequences = rng.normal(size=(2, 4, 3)).astype("float32")
    mask = np.array([[True, True, False, False], [False] * 4])
    pooled, weights = SequencePooling(mode)(sequences, mask=mask, return_weights=True)
    pooled, weights = np.asarray(pooled), np.asarray(weights)
    assert np.all(pooled[1] == 0) and np.all(weights[1] == 0)
    assert np.all(np.isfinite(pooled)) and np.any(pooled[0] != 0)


def test_keras_round_trip_keeps_config_and_outputs(rng):
    batch = feature_batch(rng)
    model = ManyToOne(3, task="regression", cell="minlstm", units=6, num_layers=2,
                      bidirectional=True, pooling="attention", dropout=0.1, layer_dropout=0.2,
                      output_dropout=0.3, learn_initial_state=True)
    expected = np.asarray(model(batch))
    loaded = reload(model)
    assert loaded.get_config() == model.get_config()
    np.testing.assert_allclose(np.asarray(loaded(batch)), expected, atol=1e-6)


def test_token_inputs_mask_their_padding_without_an_explicit_mask():
    model = ManyToOne(2, vocabulary_size=12, embedding_dim=4, units=5, pooling="mean")
    padded = np.asarray(model({"inputs": np.array([[5, 6, 7, 0, 0]])}))
    alone = np.asarray(model({"inputs": np.array([[5, 6, 7]])}))
    np.testing.assert_allclose(padded, alone, atol=1e-6)


@pytest.mark.parametrize(
    "kwargs, inputs, message",
    [
        ({}, np.ones((2, 5), "float32"), r"features of shape \(batch, time, features\).*set `voc"),
        ({"vocabulary_size": 9}, np.ones((2, 5, 1, 1), "int32"), r"token ids of shape"),
        ({}, {"features": np.ones((2, 5, 3))}, r"Expected a dict with the key 'inputs'"),
    ],
)
def test_bad_inputs_name_what_was_received(kwargs, inputs, message):
    with pytest.raises(ValueError, match=message):
        ManyToOne(2, units=4, **kwargs)(inputs)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"num_outputs": 0}, r"num_outputs=0"),
        ({"num_outputs": 2, "task": "ranking"}, r"task='ranking'"),
        ({"num_outputs": 2, "pooling": "sum"}, r"Expected `pooling` in .*pooling='sum'"),
        ({"num_outputs": 2, "cell": "transformer"}, r"cell='transformer'"),
    ],
)
def test_bad_arguments_name_what_was_received(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ManyToOne(**kwargs)


def test_fit_learns_which_half_holds_the_larger_sum(rng):
    """A many-to-one task that needs the whole sequence: sign of sum(first half - second half)."""
    keras.utils.set_random_seed(0)
    lengths = rng.integers(4, 12, 400)
    x = np.zeros((400, 12, 1), "float32")
    mask = np.arange(12)[None] < lengths[:, None]
    y = np.zeros(400, "int64")
    for i, n in enumerate(lengths):
        values = rng.normal(size=n)
        x[i, :n, 0] = values
        y[i] = values[: n // 2].sum() > values[n // 2:].sum()
    model = ManyToOne(2, cell="gru", units=16, pooling="last")
    model.compile(keras.optimizers.Adam(1e-2),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit({"inputs": x, "inputs_mask": mask}, y, epochs=30, batch_size=50, verbose=0)
    _, accuracy = model.evaluate({"inputs": x, "inputs_mask": mask}, y, verbose=0)
    assert accuracy > 0.85


def test_cell_options_build_an_irnn_and_survive_a_keras_round_trip(tmp_path):
    import keras
    import numpy as np

    from seqmodels.models import ManyToOne

    model = ManyToOne(2, cell="elman", units=3,
                      cell_options={"activation": "relu", "recurrent_initializer": "identity"})
    x = {"inputs": np.random.default_rng(0).normal(size=(2, 4, 2)).astype("float32")}
    before = np.asarray(model(x))
    cell = model.encoder.stack[0].cell
    np.testing.assert_array_equal(np.asarray(cell.recurrent_kernel), np.eye(3))
    assert cell.activation.__name__ == "relu"
    model.save(tmp_path / "irnn.keras")
    again = keras.saving.load_model(tmp_path / "irnn.keras", safe_mode=True)
    assert again.encoder.cell_options == {"activation": "relu", "recurrent_initializer": "identity"}
    np.testing.assert_allclose(np.asarray(again(x)), before, rtol=1e-6)
