import warnings

import numpy as np
import pytest
from logreg import LogisticRegression, sigmoid


def data(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(200, 2))
    y = (X[:, 0] + 2 * X[:, 1] > 0).astype(int)
    return X, y


def test_sigmoid_stable():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    assert out[0] == pytest.approx(0.0) and out[1] == 0.5 and out[2] == pytest.approx(1.0)


def test_learns_separable_data():
    X, y = data()
    model = LogisticRegression(lr=0.5, epochs=500).fit(X, y)
    assert (model.predict(X) == y).mean() > 0.95
    assert model.coef_.shape == (2,)
    assert isinstance(float(model.intercept_), float)


def test_probabilities_in_range():
    X, y = data(1)
    p = LogisticRegression(epochs=50).fit(X, y).predict_proba(X)
    assert p.shape == (200,) and ((p >= 0) & (p <= 1)).all()


def test_loss_decreases():
    X, y = data(2)
    hist = LogisticRegression(lr=0.1, epochs=100).fit(X, y).loss_history_
    assert len(hist) == 100 and hist[-1] < hist[0]


def test_l2_shrinks_weights():
    X, y = data(3)
    free = LogisticRegression(lr=0.5, epochs=300).fit(X, y)
    reg = LogisticRegression(lr=0.5, epochs=300, l2=1.0).fit(X, y)
    assert np.linalg.norm(reg.coef_) < np.linalg.norm(free.coef_)


def test_bad_labels():
    X, _ = data()
    with pytest.raises(ValueError):
        LogisticRegression().fit(X, np.full(200, 2))
    with pytest.raises(ValueError):
        LogisticRegression().fit(X, np.zeros(10))
