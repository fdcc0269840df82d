import numpy as np


def kmeans_pp_init(X, k, rng):
    centers = [X[rng.integers(len(X))]]
    for _ in range(1, k):
        d2 = ((X[:, None, :] - np.array(centers)[None]) ** 2).sum(-1).min(1)
        probs = d2 / d2.sum() if d2.sum() > 0 else np.full(len(X), 1 / len(X))
        centers.append(X[rng.choice(len(X), p=probs)])
    return np.array(centers, dtype=float)


def fit(X, k, max_iter=100, seed=0):
    X = np.asarray(X, dtype=float)
    if not 1 <= k <= len(X):
        raise ValueError("k must be between 1 and the number of points")
    centers = kmeans_pp_init(X, k, np.random.default_rng(seed))
    labels = None
    for _ in range(max_iter):
        new = ((X[:, None, :] - centers[None]) ** 2).sum(-1).argmin(1)
        if labels is not None and (new == labels).all():
            break
        labels = new
        for j in range(k):
            if (labels == j).any():
                centers[j] = X[labels == j].mean(0)
    inertia = float(((X - centers[labels]) ** 2).sum())
    return centers, labels, inertia
