"""Recurrent(implementation=...): the fused built-in and the loop compute the same function."""

import warnings

import keras
import numpy as np
import pytest
from keras import ops

from seqmodels.cells import ElmanCell, GRUCell, LSTMCell, MinGRUCell
from seqmodels.layers import (
    Recurrent,
    cudnn,
    implementations,
    recurrent_layers,
    set_implementation,
)
from seqmodels.layers import recurrent as recurrent_module

BACKEND = keras.backend.backend()
RIGHT_PADDED = np.array([[1] * 7, [1] * 4 + [0] * 3, [1] * 2 + [0] * 5, [1] + [0] * 6], bool)


def _inputs(rng, batch=4, time=7, features=3):
    return rng.normal(size=(batch, time, features)).astype("float32")


def _pair(cell_cls, **options):
    """The same layer twice, on the loop and on the fused path, with equal weights."""
    cell_options = options.pop("cell_options", {})
    make = lambda implementation: Recurrent(  # noqa: E731
        cell_cls(5, bias_initializer="random_normal", seed=3, **cell_options),
        return_sequences=True, return_state=True, implementation=implementation, **options)
    loop, fused = make("loop"), make("fused")
    for layer in (loop, fused):
        layer.build((None, None, 3))
    if options.get("learn_initial_state"):
        loop.initial_state_weights[0].assign(np.linspace(-1, 1, 5).astype("float32"))
    fused.set_weights(loop.get_weights())
    return loop, fused


def _value_and_gradients(layer, x, mask, training=False):
    """Outputs and d(sum of squares of every output) / d(weights, x), on TF or JAX."""
    variables = layer.trainable_variables

    def loss_of(outputs):
        return sum(ops.sum(o * o) for o in outputs)

    if BACKEND == "tensorflow":
        import tensorflow as tf

        x = tf.convert_to_tensor(x)
        with tf.GradientTape() as tape:
            tape.watch(x)
            outputs = layer(x, mask=mask, training=training)
            loss = loss_of(outputs)
        grads = tape.gradient(loss, variables + [x])
        return [np.asarray(o) for o in outputs], [np.asarray(g) for g in grads]
    import jax

    def loss_fn(values, x):
        with keras.StatelessScope(state_mapping=list(zip(variables, values))):
            outputs = layer(x, mask=mask, training=training)
        return loss_of(outputs), outputs

    (_, outputs), grads = jax.value_and_grad(loss_fn, argnums=(0, 1), has_aux=True)(
        [v.value for v in variables], x)
    return [np.asarray(o) for o in outputs], [np.asarray(g) for g in [*grads[0], grads[1]]]


OPTIONS = [
    {},
    {"go_backwards": True},
    {"zero_output_for_mask": True},
    {"learn_initial_state": True},
    {"go_backwards": True, "learn_initial_state": True, "zero_output_for_mask": True},
]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: "-".join(o) or "plain")
@pytest.mark.parametrize("masked", [False, True], ids=["unmasked", "right-padded"])
@pytest.mark.parametrize("cell_cls", [LSTMCell, GRUCell])
def test_fused_equals_loop_in_outputs_and_gradients(rng, cell_cls, masked, options):
    loop, fused = _pair(cell_cls, **options)
    x, mask = _inputs(rng), (RIGHT_PADDED if masked else None)
    if masked:
        x[~RIGHT_PADDED] = 100.0  # garbage on padding must not matter
    assert (loop.implementation_used, fused.implementation_used) == ("loop", "fused")
    loop_out, loop_grads = _value_and_gradients(loop, x, mask)
    fused_out, fused_grads = _value_and_gradients(fused, x, mask)
    for a, b in zip(loop_out, fused_out):
        np.testing.assert_allclose(b, a, atol=1e-5)
    assert len(loop_grads) == len(fused_grads) == len(loop.trainable_variables) + 1
    for a, b in zip(loop_grads, fused_grads):
        np.testing.assert_allclose(b, a, atol=1e-5)


@pytest.mark.parametrize("cell_cls", [LSTMCell, GRUCell])
def test_fused_draws_the_cells_own_input_dropout_mask(rng, cell_cls):
    loop, fused = _pair(cell_cls, cell_options={"dropout": 0.4})
    x = _inputs(rng)
    loop_out, loop_grads = _value_and_gradients(loop, x, RIGHT_PADDED, training=True)
    fused_out, fused_grads = _value_and_gradients(fused, x, RIGHT_PADDED, training=True)
    np.testing.assert_allclose(fused_out[0], loop_out[0], atol=1e-5)
    for a, b in zip(loop_grads, fused_grads):
        np.testing.assert_allclose(b, a, atol=1e-5)
    inference = np.asarray(fused(x, mask=RIGHT_PADDED)[0])
    assert np.abs(inference - fused_out[0]).max() > 1e-3  # dropout was on while training


def _stack(cell_cls, implementation, bidirectional):
    inputs = keras.Input((None, 3))
    mask = keras.Input((None,), dtype="bool")
    x = inputs
    for i in range(2):
        layer = Recurrent(cell_cls(4, seed=i), return_sequences=True,
                          implementation=implementation, name=f"r{i}")
        if bidirectional:
            layer = keras.layers.Bidirectional(layer, name=f"bi{i}")
        x = layer(x, mask=mask)
    return keras.Model([inputs, mask], x)


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("cell_cls", [LSTMCell, GRUCell])
def test_stacked_and_bidirectional_models_agree_across_implementations(rng, cell_cls,
                                                                        bidirectional):
    loop = _stack(cell_cls, "loop", bidirectional)
    fused = _stack(cell_cls, "fused", bidirectional)
    fused.set_weights(loop.get_weights())
    assert {used for used, _ in implementations(fused).values()} == {"fused"}
    assert len(recurrent_layers(fused)) == (4 if bidirectional else 2)
    x = _inputs(rng)
    np.testing.assert_allclose(fused.predict([x, RIGHT_PADDED], verbose=0),
                               loop.predict([x, RIGHT_PADDED], verbose=0), atol=1e-5)


def test_a_checkpoint_moves_between_implementations(rng, tmp_path):
    model = _stack(LSTMCell, "fused", bidirectional=True)
    x = _inputs(rng)
    expected = model.predict([x, RIGHT_PADDED], verbose=0)
    model.save(tmp_path / "fused.keras")
    loaded = keras.saving.load_model(tmp_path / "fused.keras", safe_mode=True)
    set_implementation(loaded, "loop")
    assert {used for used, _ in implementations(loaded).values()} == {"loop"}
    np.testing.assert_allclose(loaded.predict([x, RIGHT_PADDED], verbose=0), expected,
                               atol=1e-5)
    loaded.save(tmp_path / "loop.keras")
    back = keras.saving.load_model(tmp_path / "loop.keras", safe_mode=True)
    set_implementation(back, "fused")
    assert {used for used, _ in implementations(back).values()} == {"fused"}
    np.testing.assert_allclose(back.predict([x, RIGHT_PADDED], verbose=0), expected, atol=1e-5)
    assert len(back.weights) == len(model.weights)  # the fused twin owns no weights


def test_the_fused_twin_reads_the_cells_own_variables():
    layer = Recurrent(LSTMCell(3), implementation="fused")
    layer.build((None, None, 2))
    twin = layer._twin
    for name in ("kernel", "recurrent_kernel", "bias"):
        assert getattr(twin.cell, name) is getattr(layer.cell, name)
    assert len(layer.weights) == 3  # nothing of the twin is tracked (or saved)
    calls = []
    run = twin.call
    object.__setattr__(twin, "call", lambda *a, **k: calls.append(1) or run(*a, **k))
    layer(np.ones((2, 4, 2), "float32"))
    assert calls == [1]  # the full sequence went through the built-in
    layer.implementation = "loop"
    layer(np.ones((2, 4, 2), "float32"))
    assert calls == [1]


@pytest.mark.skipif(BACKEND != "tensorflow", reason="what the CPU 'auto' choice measured on TF")
def test_auto_takes_the_measured_faster_path_on_cpu():
    assert Recurrent(LSTMCell(4)).implementation_used == "fused"
    gru = Recurrent(GRUCell(4))
    assert gru.implementation_used == "loop"
    assert "the loop measured faster for GRUCell" in gru.implementation_reasons[0]


@pytest.mark.parametrize("cell,used,reason", [
    (LSTMCell(4, layer_norm=True), "loop", "layer_norm=True"),
    (GRUCell(4, recurrent_dropout=0.2), "loop", "recurrent_dropout > 0"),
    (LSTMCell(4, activation="relu"), "loop", "activation is not tanh"),
    (GRUCell(4, recurrent_activation="hard_sigmoid"), "loop", "recurrent_activation"),
    (LSTMCell(4, use_bias=False), "loop", "use_bias=False"),
    (ElmanCell(4), "loop", "ElmanCell has no fused kernel"),
    (MinGRUCell(4), "scan", "linear recurrence"),
])
def test_the_path_taken_and_why_not_fused_are_public(cell, used, reason):
    layer = Recurrent(cell)
    assert layer.implementation_used == used
    assert any(reason in r for r in layer.implementation_reasons), layer.implementation_reasons


def test_fused_on_an_ineligible_cell_is_refused_with_the_reasons():
    with pytest.raises(ValueError, match="implementation='fused' needs.*layer_norm=True"):
        Recurrent(LSTMCell(4, layer_norm=True), implementation="fused")
    with pytest.raises(ValueError, match=r"Received: implementation='cudnn'"):
        Recurrent(LSTMCell(4), implementation="cudnn")
    assert Recurrent(LSTMCell(4), implementation="loop").implementation_reasons == [
        "implementation='loop' was asked for"]


def test_is_right_padded():
    assert bool(cudnn.is_right_padded(ops.convert_to_tensor(RIGHT_PADDED)))
    for bad in ([[True, False, True]], [[False, True, True]], [[True, True, True],
                                                                [False, False, False]]):
        assert not bool(cudnn.is_right_padded(ops.convert_to_tensor(np.array(bad))))


GAPPED = np.array([[1, 1, 0, 1, 1, 0, 0], [0, 0, 1, 1, 1, 1, 1], [1] * 7, [1] * 3 + [0] * 4],
                  bool)


@pytest.mark.skipif(BACKEND != "tensorflow", reason="cuDNN takes masks on TensorFlow only")
def test_a_mask_with_gaps_runs_on_the_loop_where_cudnn_would_take_it(rng, monkeypatch):
    """Stands in for a GPU: the guard that keeps gapped masks away from cuDNN, on CPU."""
    import tensorflow as tf

    monkeypatch.setattr(recurrent_module, "kernel_needs_right_padding", lambda: True)
    loop, fused = _pair(LSTMCell)
    x = _inputs(rng)
    expected = [np.asarray(o) for o in loop(x, mask=GAPPED)]
    with pytest.warns(UserWarning, match="not right-padded.*runs such batches on its loop"):
        eager = fused(x, mask=GAPPED)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once per layer, and never for right padding
        fused(x, mask=GAPPED)
        fused(x, mask=RIGHT_PADDED)
    graph = tf.function(lambda x, m: fused(x, mask=m))(x, GAPPED)  # the switch is in-graph
    for got in (eager, graph):
        for a, b in zip(expected, got):
            np.testing.assert_allclose(np.asarray(b), a, atol=1e-5)
    right = tf.function(lambda x, m: fused(x, mask=m))(x, RIGHT_PADDED)
    np.testing.assert_allclose(right[0], loop(x, mask=RIGHT_PADDED)[0], atol=1e-5)
