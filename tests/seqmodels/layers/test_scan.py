"""The three scans compute h_t = a_t h_{t-1} + b_t: against float64, each other, and autodiff."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from seqmodels.cells import MinGRUCell, MinLSTMCell
from seqmodels.layers import Recurrent
from seqmodels.layers import path as path_module
from seqmodels.layers.scan import PATHS, fold_mask, run_scan


def _coefficients(rng, batch, time, units):
    log_a = -np.logaddexp(0.0, rng.normal(size=(batch, time, units)))  # log sigmoid: a in (0, 1)
    log_b = rng.normal(size=(batch, time, units)) - 1.0
    h0 = rng.normal(size=(batch, units))
    return log_a, log_b, h0


def _reference(log_a, log_b, h0):
    a, b, h, out = np.exp(log_a), np.exp(log_b), h0.astype("float64"), []
    for t in range(a.shape[1]):
        h = a[:, t] * h + b[:, t]
        out.append(h)
    return np.stack(out, 1)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("time", [1, 2, 63, 64, 65, 257, 4096])
def test_each_path_matches_float64(path, time):
    log_a, log_b, h0 = _coefficients(np.random.default_rng(time), 2, time, 3)
    expected = _reference(log_a, log_b, h0)
    got = run_scan(path, *(v.astype("float32") for v in (log_a, log_b, h0)))
    np.testing.assert_allclose(got, expected, rtol=2e-4, atol=2e-5)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.tensorflow_only  # tf.GradientTape / tf.function / SavedModel
def test_ten_thousand_steps_stay_finite_and_accurate(path):
    rng = np.random.default_rng(0)
    log_a, log_b, h0 = _coefficients(rng, 2, 10_000, 4)
    log_a[:, ::3] = -40.0  # a ~ 4e-18: products underflow to exactly 0 in float32
    got = np.asarray(run_scan(path, *(v.astype("float32") for v in (log_a, log_b, h0))))
    assert np.isfinite(got).all()
    np.testing.assert_allclose(got, _reference(log_a, log_b, h0), rtol=5e-4, atol=5e-5)


def _gradients(path, log_a, log_b, h0, weights):
    values = [tf.constant(v, tf.float32) for v in (log_a, log_b, h0)]
    with tf.GradientTape() as tape:
        tape.watch(values)
        loss = tf.reduce_sum(run_scan(path, *values) * weights)
    return [np.asarray(g) for g in tape.gradient(loss, values)]


@pytest.mark.parametrize("time", [1, 5, 64, 300, 4096])
@pytest.mark.tensorflow_only  # tf.GradientTape / tf.function / SavedModel
def test_gradients_agree_across_paths_and_with_a_plain_loop(time):
    """The reverse-scan gradients of sequential/chunked against autodiff of a plain loop."""
    rng = np.random.default_rng(time)
    log_a, log_b, h0 = _coefficients(rng, 2, time, 3)
    mask = np.arange(time)[None, :] < np.array([[time], [max(1, time // 2)]])
    log_a, log_b = (np.asarray(v) for v in fold_mask(log_a.astype("float32"),
                                                      log_b.astype("float32"), mask))
    weights = rng.normal(size=(2, time, 3)).astype("float32")

    values = [tf.constant(v, tf.float32) for v in (log_a, log_b, h0)]
    with tf.GradientTape() as tape:
        tape.watch(values)
        a, b = tf.exp(values[0]), tf.exp(values[1])
        h, states = values[2], []
        for t in range(time):
            h = a[:, t] * h + b[:, t]
            states.append(h)
        loss = tf.reduce_sum(tf.stack(states, 1) * weights)
    expected = [np.asarray(g) for g in tape.gradient(loss, values)]
    for path in PATHS:
        for got, want in zip(_gradients(path, log_a, log_b, h0, weights), expected):
            scale = np.abs(want).max()  # float32 log-space rounding is relative to the largest
            np.testing.assert_allclose(got, want, rtol=2e-3, atol=1e-4 * scale, err_msg=path)


@pytest.mark.parametrize("cls", [MinGRUCell, MinLSTMCell])
@pytest.mark.parametrize("time", [1, 33, 700])
@pytest.mark.tensorflow_only  # tf.GradientTape / tf.function / SavedModel
def test_layer_paths_agree_with_masks_forward_and_weight_gradients(cls, time):
    keras.utils.set_random_seed(time)
    rng = np.random.default_rng(time)
    x = rng.normal(size=(3, time, 4)).astype("float32")
    mask = np.arange(time)[None, :] < np.array([[time], [max(1, time // 3)], [1]])
    cell = cls(5, bias_initializer="random_normal")
    results = {}
    for path in PATHS:
        layer = Recurrent(cell, return_sequences=True, scan_path=path)
        layer(x)
        with tf.GradientTape() as tape:
            y = layer(x, mask=mask)
            loss = tf.reduce_sum(y * np.cos(np.arange(5)))
        results[path] = (np.asarray(y), tape.gradient(loss, cell.trainable_weights))
    base_y, base_g = results["sequential"]
    for path in ("chunked", "parallel"):
        y, grads = results[path]
        np.testing.assert_allclose(y, base_y, rtol=1e-4, atol=1e-5)
        for g, g0 in zip(grads, base_g):
            scale = np.abs(np.asarray(g0)).max()  # a weight gradient sums T terms: relative bound
            np.testing.assert_allclose(g, g0, rtol=1e-3, atol=1e-4 * scale)


def test_auto_takes_chunked_for_small_steps_and_sequential_for_big(monkeypatch):
    taken = []
    for name in ("chunked_scan", "sequential_scan", "parallel_scan"):
        real = getattr(path_module, name)
        monkeypatch.setattr(path_module, name,
                            lambda *a, _n=name, _r=real: taken.append(_n) or _r(*a))
    small = np.zeros((1, 128, 8), "float32")
    big = np.zeros((64, 128, 256), "float32")
    short = np.zeros((1, 8, 8), "float32")
    for log_a in (small, big, short):
        path_module.auto_scan(log_a, log_a, log_a[:, 0])
    assert taken == ["chunked_scan", "sequential_scan", "sequential_scan"]


@pytest.mark.tensorflow_only  # tf.GradientTape / tf.function / SavedModel
def test_auto_decides_at_run_time_when_shapes_are_unknown():
    layer = Recurrent(MinGRUCell(4), return_sequences=True)
    fn = tf.function(layer, input_signature=[tf.TensorSpec((None, None, 3))])
    x = np.random.default_rng(0).normal(size=(2, 100, 3)).astype("float32")
    reference = Recurrent(layer.cell, return_sequences=True, scan_path="sequential")
    np.testing.assert_allclose(fn(x), reference(x), atol=1e-5)
    np.testing.assert_allclose(fn(x[:, :5]), reference(x[:, :5]), atol=1e-5)
