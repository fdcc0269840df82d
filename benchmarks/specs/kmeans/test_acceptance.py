import numpy as np
import pytest
from kmeans import fit, kmeans_pp_init


def blobs(seed=1):
    rng = np.random.default_rng(seed)
    centers = np.array([[0, 0], [10, 10], [-10, 10]], dtype=float)
    X = np.vstack([c + rng.normal(scale=0.5, size=(50, 2)) for c in centers])
    return X, np.repeat(np.arange(3), 50)


def test_recovers_blobs():
    X, truth = blobs()
    centers, labels, inertia = fit(X, 3, seed=0)
    assert centers.shape == (3, 2) and labels.shape == (150,)
    for group in range(3):
        assert len(set(labels[truth == group])) == 1
    assert inertia < 150


def test_deterministic():
    X, _ = blobs()
    a = fit(X, 3, seed=5)
    b = fit(X, 3, seed=5)
    assert np.allclose(a[0], b[0]) and (a[1] == b[1]).all()


def test_init_picks_data_points():
    X, _ = blobs()
    init = kmeans_pp_init(X, 3, np.random.default_rng(0))
    assert init.shape == (3, 2)
    assert all(any(np.allclose(c, x) for x in X) for c in init)


def test_inertia_matches_labels():
    X, _ = blobs(2)
    centers, labels, inertia = fit(X, 3, seed=0)
    assert inertia == pytest.approx(((X - centers[labels]) ** 2).sum())


@pytest.mark.parametrize("k", [0, 151])
def test_bad_k(k):
    X, _ = blobs()
    with pytest.raises(ValueError):
        fit(X, k)
