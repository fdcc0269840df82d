import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1 + ez)
    return out


class LogisticRegression:
    def __init__(self, lr=0.1, epochs=1000, l2=0.0):
        self.lr, self.epochs, self.l2 = lr, epochs, l2

    def fit(self, X, y):
        X, y = np.asarray(X, dtype=float), np.asarray(y)
        if len(X) != len(y):
            raise ValueError("X and y lengths differ")
        if not np.isin(y, (0, 1)).all():
            raise ValueError("labels must be 0 or 1")
        n, d = X.shape
        self.coef_, self.intercept_, self.loss_history_ = np.zeros(d), 0.0, []
        for _ in range(self.epochs):
            p = self.predict_proba(X)
            self.coef_ = self.coef_ - self.lr * (X.T @ (p - y) / n + self.l2 * self.coef_)
            self.intercept_ = float(self.intercept_ - self.lr * np.mean(p - y))
            p = np.clip(self.predict_proba(X), 1e-12, 1 - 1e-12)
            loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
            self.loss_history_.append(float(loss + self.l2 / 2 * self.coef_ @ self.coef_))
        return self

    def predict_proba(self, X):
        return sigmoid(np.asarray(X, dtype=float) @ self.coef_ + self.intercept_)

    def predict(self, X):
        return (self.predict_proba(X) >= 0.5).astype(int)
