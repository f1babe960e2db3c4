"""What the estimators accept as X (seqmodels.estimators.input_kinds), and what they refuse."""

import numpy as np
import pytest

from seqmodels.estimators import SequenceClassifier, input_kinds


class ArrayLike:
    """Offers only `__array__`, like sklearn's `_NotAnArray`."""

    def __init__(self, data):
        self.data = np.asarray(data)

    def __array__(self, dtype=None, copy=None):
        return self.data if dtype is None else self.data.astype(dtype)


def test_an_array_like_reads_as_its_array():
    X = np.arange(12, dtype=np.float32).reshape(3, 4)
    assert input_kinds.kind_of(ArrayLike(X)) == input_kinds.FEATURES
    for got, want in zip(input_kinds.feature_arrays(ArrayLike(X)), input_kinds.feature_arrays(X)):
        np.testing.assert_array_equal(got, want)
    assert input_kinds.feature_arrays(X)[0].shape == (4, 1)  # a row is a univariate sequence


def test_a_dataframe_is_refused_naming_its_shape_and_how_to_group_it():
    pd = pytest.importorskip("pandas")
    long_table = pd.DataFrame({"id": [0, 0, 1, 1, 1], "x": [1.0, 2.0, 3.0, 4.0, 5.0]})
    with pytest.raises(ValueError, match=r"pandas DataFrame of shape \(5, 2\).*from_dataframe"):
        SequenceClassifier(epochs=1).fit(long_table, [0, 1, 0, 1, 0])


def test_one_sequence_without_a_list_is_refused_naming_its_shape():
    with pytest.raises(ValueError, match=r"shape \(7,\).*one row per sequence"):
        SequenceClassifier(epochs=1).fit(np.zeros(7), [0])
