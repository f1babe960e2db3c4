import numpy as np
import pytest

from pipelines import forecast_split, forecast_windows, pad_to_batch_max


def test_windows_are_the_series_shifted():
    series = np.arange(20.0).reshape(10, 2)
    x, y, first = forecast_windows(series, input_width=3, horizon=2, stride=2)
    assert x.shape == (3, 3, 2) and y.shape == (3, 2, 2)
    for inputs, targets, t in zip(x, y, first):
        np.testing.assert_array_equal(inputs, series[t - 3 : t])
        np.testing.assert_array_equal(targets, series[t : t + 2])


def test_scaler_fits_on_the_training_part_only_and_no_target_leaks():
    series = np.concatenate([np.zeros(50), np.full(20, 100.0)]) + np.arange(70) * 0.1
    split = forecast_split(series, train_end=50, input_width=5, horizon=3)
    np.testing.assert_allclose(split.scaler.mean_, [series[:50].mean()], rtol=1e-6)
    assert len(split.train_targets) == 50 - 5 - 3 + 1  # all targets before train_end
    assert split.test_target_start.min() == 50 and len(split.test_targets) == 70 - 50 - 3 + 1
    restored = split.inverse_transform(split.test_targets)[:, 0, 0]
    np.testing.assert_allclose(restored, series[split.test_target_start], rtol=1e-5)


def test_windows_batch_with_masks():
    split = forecast_split(np.sin(np.arange(40.0)), train_end=30, input_width=6)
    x, y = next(split.train.apply(pad_to_batch_max(4)).as_numpy_iterator())
    assert x["inputs"].shape == (4, 6, 1) and x["inputs_mask"].all() and y.shape == (4, 1, 1)


def test_errors_name_what_was_received():
    with pytest.raises(ValueError, match=r"series has 3 steps; a window needs .* = 4"):
        forecast_windows(np.arange(3.0), input_width=3, horizon=1)
    with pytest.raises(ValueError, match=r"NaN or inf \(first at time index 2\)"):
        forecast_windows([1.0, 2.0, np.nan, 4.0], input_width=1)
    with pytest.raises(ValueError, match=r"received train_end=3"):
        forecast_split(np.arange(10.0), train_end=3, input_width=3)
