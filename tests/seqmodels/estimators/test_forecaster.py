"""SequenceForecaster: windows of a series in, its next steps out; scaling from the training
part only, and inside the export (raw values in, raw forecasts out, any series length)."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from sklearn.base import clone

from pipelines import forecast_windows
from seqmodels.estimators import SequenceClassifier, SequenceForecaster


def sine(n=600, seed=0):
    t = np.arange(n)
    return np.sin(t / 8.0) * 10 + 50 + np.random.default_rng(seed).normal(0, 0.3, n)


def forecaster(**params):
    return SequenceForecaster(**{"window": 24, "horizon": 3, "units": 16, "epochs": 10,
                                 "random_state": 0, **params})


def test_it_forecasts_a_noisy_sine_far_better_than_repeating_the_last_value():
    series = sine()
    f = forecaster(validation_split=0.2).fit(series[:500])
    x, y, _ = forecast_windows(series[476:], input_width=24, horizon=3)
    predicted = f.predict(list(x[:, :, 0]))
    assert predicted.shape == (len(x), 3)
    mse = np.mean((predicted - y[:, :, 0]) ** 2)
    naive = np.mean((x[:, -1:, 0] - y[:, :, 0]) ** 2)
    assert mse < 0.25 * naive, (mse, naive)  # measured: 0.21 against 3.70
    assert len(f.history_["val_loss"]) == 10


def test_scaling_comes_from_the_training_part_only():
    series = np.arange(400, dtype=float)  # a trend: every part has another mean
    f = forecaster(epochs=1, validation_split=0.5).fit(series)
    train_windows, _, _ = forecast_windows(series[:200], input_width=24, horizon=3)
    assert f.input_scaling_[0][0] == pytest.approx(train_windows.mean(), rel=1e-6)
    assert f.input_scaling_[0][0] < series[:200].max() < series.mean() + 100
    assert f.y_mean_.max() < 200  # targets of the training part only


def test_the_export_reads_the_last_window_of_any_series_in_raw_units(tmp_path):
    import tensorflow as tf

    series = sine()
    f = forecaster(epochs=2).fit(series[:500])
    long, short = series[:500], series[100:130]  # 500 and 30 steps, padded into one batch
    expected = f.predict([long, short])
    loaded = tf.saved_model.load(str(f.export(tmp_path / "served")))
    padded = np.zeros((2, 500, 1), np.float32)
    padded[0, :, 0], padded[1, :30, 0] = long, short
    out = loaded.signatures["serving_default"](inputs=tf.constant(padded),
                                               lengths=tf.constant([500, 30]))
    np.testing.assert_allclose(out["values"].numpy(), expected, rtol=1e-5)
    np.savez(tmp_path / "batch.npz", inputs=padded, lengths=np.array([500, 30], np.int32))
    query = ("import sys, json; sys.modules['keras'] = None; sys.modules['seqmodels'] = None\n"
             "import numpy as np, tensorflow as tf\n"
             "b = np.load(sys.argv[2])\n"
             "sig = tf.saved_model.load(sys.argv[1]).signatures['serving_default']\n"
             "out = sig(inputs=tf.constant(b['inputs']), lengths=tf.constant(b['lengths']))\n"
             "print(json.dumps(out['values'].numpy().tolist()))")
    result = subprocess.run(
        [sys.executable, "-c", query, str(sorted((tmp_path / "served").iterdir())[-1]),
         str(tmp_path / "batch.npz")], capture_output=True, text=True, timeout=300,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": ""})
    assert result.returncode == 0, result.stderr[-2000:]
    served = json.loads(result.stdout.strip().splitlines()[-1])  # TensorFlow alone
    np.testing.assert_allclose(served, expected, rtol=1e-5)


def test_several_multivariate_series():
    a = np.stack([sine(300), sine(300, 1)[::-1]], axis=1)
    f = forecaster(epochs=1, horizon=2).fit([a, a[::-1]])
    assert f.predict([a, a[:50]]).shape == (2, 2, 2)
    assert clone(f).get_params()["window"] == 24


@pytest.mark.parametrize("fit_on, predict_on, message", [
    (np.arange(20.0), None, r"X\[0\] has 20 steps; a training window needs window \+ horizon"),
    (np.arange(200.0), np.arange(10.0), r"Expected X\[0\] with at least window=24 steps"),
    (np.r_[np.arange(100.0), np.nan], None, r"X\[0\] as a finite series .* with NaN or Inf"),
    ([np.zeros((50, 2)), np.zeros((50, 3))], None, r"the same number of features"),
])
def test_bad_series_are_refused_naming_them(fit_on, predict_on, message):
    with pytest.raises(ValueError, match=message):
        f = forecaster(epochs=1).fit(fit_on)
        f.predict(predict_on)


def test_scale_inputs_makes_a_classifier_blind_to_the_inputs_units(tmp_path):
    rng = np.random.default_rng(0)
    X = [rng.normal(size=(int(n), 2)) for n in rng.integers(3, 9, 40)]
    y = [int(x[:, 0].sum() > 0) for x in X]
    params = {"units": 6, "epochs": 3, "random_state": 0, "scale_inputs": True}
    a = SequenceClassifier(**params).fit(X, y)
    b = SequenceClassifier(**params).fit([1000.0 * x + 7.0 for x in X], y)
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba([1000.0 * x + 7.0 for x in X]),
                               atol=1e-4)
    np.testing.assert_allclose(b.input_scaling_[0], 1000.0 * a.input_scaling_[0] + 7.0, rtol=1e-5)
