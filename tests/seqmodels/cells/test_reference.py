"""Each cell computes its paper's equations: forward vs NumPy, gradients vs finite differences."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from seqmodels.cells import ElmanCell, GRUCell, LSTMCell, MinGRUCell, MinLSTMCell
from tests.seqmodels.cells import reference as ref

B, T, F, U = 3, 6, 4, 5  # batch, time, features, units

CASES = {
    "elman": (ElmanCell, {}, lambda x, w, s: ref.elman(x, w, s[0])),
    "elman_relu": (ElmanCell, {"activation": "relu"},
                   lambda x, w, s: ref.elman(x, w, s[0], act=lambda v: np.maximum(v, 0))),
    "gru": (GRUCell, {}, lambda x, w, s: ref.gru(x, w, s[0])),
    "gru_layer_norm": (GRUCell, {"layer_norm": True},
                       lambda x, w, s: ref.gru(x, w, s[0], layer_norm_on=True)),
    "lstm": (LSTMCell, {}, lambda x, w, s: ref.lstm(x, w, s[0], s[1])),
    "lstm_layer_norm": (LSTMCell, {"layer_norm": True},
                        lambda x, w, s: ref.lstm(x, w, s[0], s[1], layer_norm_on=True)),
    "min_gru": (MinGRUCell, {}, lambda x, w, s: ref.min_gru(x, w, s[0])),
    "min_lstm": (MinLSTMCell, {}, lambda x, w, s: ref.min_lstm(x, w, s[0])),
}


def _randomised_cell(cls, kwargs, dtype="float32", seed=0):
    """A built cell whose every weight (layer-norm gains included) is random, and random states."""
    rng = np.random.default_rng(seed)
    cell = cls(U, dtype=dtype, **kwargs)
    cell.build((None, F))
    cell.set_weights([rng.normal(scale=0.5, size=w.shape) for w in cell.weights])
    sizes = cell.state_size if isinstance(cell.state_size, list) else [cell.state_size]
    states = [rng.normal(size=(B, s)) for s in sizes]
    return cell, states


def _run(cell, x, states):
    """Outputs (B, T, U) of the cell stepped by keras.layers.RNN from the given states."""
    rnn = keras.layers.RNN(cell, return_sequences=True, dtype=cell.dtype_policy)
    return rnn(x, initial_state=[keras.ops.convert_to_tensor(s, cell.compute_dtype)
                                 for s in states])


@pytest.mark.parametrize("case", sorted(CASES))
def test_forward_matches_numpy_equations(case):
    cls, kwargs, reference = CASES[case]
    cell, states = _randomised_cell(cls, kwargs)
    x = np.random.default_rng(1).normal(size=(B, T, F)).astype("float32")
    expected = reference(x.astype("float64"), ref.weights_of(cell), states)
    np.testing.assert_allclose(_run(cell, x, states), expected, atol=2e-5, rtol=1e-5)


@pytest.mark.tensorflow_only  # tf.GradientTape, float64 (JAX runs float32 by default)
@pytest.mark.parametrize("case", sorted(CASES))
def test_gradients_match_finite_differences(case):
    """d(sum(outputs * R))/d(weights, inputs) in float64 against central differences."""
    cls, kwargs, reference = CASES[case]
    cell, states = _randomised_cell(cls, kwargs, dtype="float64")
    rng = np.random.default_rng(2)
    x = rng.normal(size=(B, T, F))
    r = rng.normal(size=(B, T, U))
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        loss = tf.reduce_sum(_run(cell, xt, states) * r)
    grads = tape.gradient(loss, [xt] + list(cell.weights))

    def loss_of(x_value, weights):
        return float(np.sum(reference(x_value, weights, states) * r))

    names = list(ref.weights_of(cell))
    by_variable = {id(getattr(cell, n, None)): n for n in ("kernel", "recurrent_kernel", "bias")}
    for norm in ("input_norm", "recurrent_norm", "cell_norm"):
        if hasattr(cell, norm):
            layer = getattr(cell, norm)
            by_variable[id(layer.gamma)], by_variable[id(layer.beta)] = (
                f"{norm}_gamma", f"{norm}_beta")
    targets = [("x", grads[0])] + [(by_variable[id(v)], g) for v, g in zip(cell.weights, grads[1:])]
    assert sorted(n for n, _ in targets[1:]) == sorted(names)
    eps = 1e-6
    for name, grad in targets:
        grad = np.asarray(grad)
        for index in [tuple(rng.integers(0, d) for d in grad.shape) for _ in range(4)]:
            weights = ref.weights_of(cell)
            base = x if name == "x" else weights[name]
            plus, minus = base.copy(), base.copy()
            plus[index] += eps
            minus[index] -= eps
            if name == "x":
                numeric = (loss_of(plus, weights) - loss_of(minus, weights)) / (2 * eps)
            else:
                numeric = (loss_of(x, {**weights, name: plus})
                           - loss_of(x, {**weights, name: minus})) / (2 * eps)
            assert grad[index] == pytest.approx(numeric, rel=1e-5, abs=1e-7), (name, index)
