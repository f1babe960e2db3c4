"""scikit-learn's own estimator checks, with each check that cannot apply written down.

A 2-D array X `(n, m)` is read as n univariate sequences of m steps (aeon's /
sktime's layout), so most checks run as written. The exemptions below come
from what a sequence is: its length is not a feature count.
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from seqmodels.estimators import SequenceClassifier, SequenceRegressor

LENGTH_IS_NOT_A_FEATURE_COUNT = (
    "X's second axis is time: n_features_in_ counts features per step (1 for a 2-D X), and X "
    "with more or fewer columns is a batch of longer or shorter sequences, valid at predict.")

COMMON = {
    "check_n_features_in": LENGTH_IS_NOT_A_FEATURE_COUNT,
    "check_n_features_in_after_fitting": LENGTH_IS_NOT_A_FEATURE_COUNT,
    "check_estimators_empty_data_messages": (
        "An (n, 0) X is n sequences of 0 steps; the error names the first empty sequence "
        "('X[0] is an empty sequence (0 time steps).') rather than counting features."),
    "check_dtype_object": (
        "A non-numeric object inside X is a ValueError that names the item "
        "('X[0] has non-numeric values'), not the TypeError NumPy raises on conversion."),
}

DATAFRAMES_ARE_REFUSED = (
    "Passes with an array-like that is not an ndarray; then passes a pandas DataFrame, which is "
    "refused on purpose: a long table (one row per step) would be read as one sequence per row. "
    "Both parts are tested in test_inputs.py.")

EXPECTED_FAILURES = {
    "SequenceClassifier": {
        **COMMON,
        "check_classifiers_train": (
            "Passes its accuracy and shape parts; then expects predict to refuse X with another "
            "number of columns, " + LENGTH_IS_NOT_A_FEATURE_COUNT),
        "check_classifier_data_not_an_array": DATAFRAMES_ARE_REFUSED,
    },
    "SequenceRegressor": {
        **COMMON,
        "check_regressors_train": (
            "Passes its fit, list and shape parts; then expects R^2 > 0.5 on its 200 samples "
            "from the 2-epoch, 4-unit configuration these checks use to stay fast (still below "
            "with 16 units and 8 epochs). Learning is tested in test_many_to_one.py: R^2 > 0.8."),
        "check_regressor_data_not_an_array": DATAFRAMES_ARE_REFUSED,
    },
}

ESTIMATORS = [
    cls(units=4, epochs=2, bidirectional=False, learning_rate=0.03, random_state=0)
    for cls in (SequenceClassifier, SequenceRegressor)
]


@parametrize_with_checks(
    ESTIMATORS, expected_failed_checks=lambda est: EXPECTED_FAILURES[type(est).__name__])
def test_sklearn_compatible(estimator, check):
    check(estimator)
