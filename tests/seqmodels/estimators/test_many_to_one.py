"""SequenceClassifier / SequenceRegressor behave as scikit-learn estimators over ragged X."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from seqmodels.estimators import SequenceClassifier, SequenceRegressor


def sign_task(rng, n=80):
    """Class = whether the sum of the first feature is positive; lengths 3-20."""
    X = [rng.normal(size=(t, 2)).astype("float32") for t in rng.integers(3, 21, n)]
    y = np.array(["pos" if x[:, 0].sum() > 0 else "neg" for x in X])
    return X, y


def test_classifier_learns_and_keeps_string_classes(rng):
    X, y = sign_task(rng, 160)
    clf = SequenceClassifier(units=8, epochs=15, random_state=0).fit(X[:120], y[:120])
    assert clf.classes_.tolist() == ["neg", "pos"]
    proba = clf.predict_proba(X[120:])
    np.testing.assert_allclose(proba.sum(1), 1.0, rtol=1e-5)
    assert clf.score(X[120:], y[120:]) >= 0.8  # chance ~0.5
    assert set(clf.predict(X[120:])) <= {"neg", "pos"}
    assert len(clf.history_["loss"]) == 15 and clf.n_features_in_ == 2


def test_params_clone_and_unfitted_state(rng):
    clf = SequenceClassifier(cell="lstm", units=5, epochs=1)
    assert clf.get_params()["cell"] == "lstm" and clf.get_params()["units"] == 5
    twin = clone(clf.set_params(units=7))
    assert twin.units == 7 and not hasattr(twin, "model_")
    with pytest.raises(Exception, match="not fitted"):
        twin.predict([np.zeros((3, 2))])


def test_pickled_fitted_estimator_predicts_the_same(rng):
    X, y = sign_task(rng, 40)
    clf = SequenceClassifier(units=4, epochs=2, random_state=1).fit(X, y)
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_allclose(again.predict_proba(X), clf.predict_proba(X), atol=1e-6)


def test_grid_search_and_pipeline(rng):
    X, y = sign_task(rng, 60)
    pipe = Pipeline([("identity", FunctionTransformer(validate=False)),
                     ("clf", SequenceClassifier(epochs=2, random_state=0))])
    search = GridSearchCV(pipe, {"clf__units": [2, 4]}, cv=2).fit(X, y)
    assert search.best_params_["clf__units"] in (2, 4)
    assert search.predict(X[:5]).shape == (5,)


def test_regressor_recovers_a_mean_over_valid_steps(rng):
    X = [rng.normal(size=(t, 2)).astype("float32") for t in rng.integers(2, 30, 160)]
    y = np.array([100.0 + 30.0 * x[:, 0].mean() for x in X])  # raw units: scaled inside
    reg = SequenceRegressor(units=8, epochs=20, random_state=0).fit(X[:120], y[:120])
    assert reg.score(X[120:], y[120:]) > 0.8  # R^2; predicting the mean scores 0
    assert reg.predict(X[:3]).shape == (3,)


def test_bad_input_is_refused_before_training_and_names_the_item(rng):
    X, y = sign_task(rng, 10)
    bad = list(X)
    bad[4] = np.full((3, 2), np.nan)
    with pytest.raises(ValueError, match=r"X\[4\]"):
        SequenceClassifier(epochs=1).fit(bad, y)
    with pytest.raises(ValueError, match=r"one label per sequence"):
        SequenceClassifier(epochs=1).fit(X, y[:5])
    clf = SequenceClassifier(units=2, epochs=1, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match=r"X\[0\] has 3 features per step.*fitted with 2"):
        clf.predict([np.zeros((4, 3))])


def test_export_serves_what_predict_returns(rng, tmp_path):
    import tensorflow as tf

    X, y = sign_task(rng, 30)
    clf = SequenceClassifier(units=4, epochs=2, random_state=0).fit(X, y)
    reg = SequenceRegressor(units=4, epochs=2, random_state=0).fit(X, np.arange(30.0) * 5)
    width = max(len(x) for x in X)
    padded = np.zeros((len(X), width, 2), "float32")
    for i, x in enumerate(X):
        padded[i, : len(x)] = x
    lengths = tf.constant([len(x) for x in X])
    served = tf.saved_model.load(str(clf.export(tmp_path / "clf")))
    out = served.signatures["serving_default"](inputs=tf.constant(padded), lengths=lengths)
    assert [c.decode() for c in out["classes"].numpy()] == clf.predict(X).tolist()
    served = tf.saved_model.load(str(reg.export(tmp_path / "reg")))
    out = served.signatures["serving_default"](inputs=tf.constant(padded), lengths=lengths)
    np.testing.assert_allclose(out["values"].numpy()[:, 0], reg.predict(X), rtol=1e-4)
