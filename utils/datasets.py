"""Small data sets the chapters share. Nothing is downloaded."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from utils.validation import require_nonnegative, require_positive_int


class Split(NamedTuple):
    """A train/test split; ``X_*`` are (n, features) float32, ``y_*`` (n,) float32."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def moons_split(n_samples: int = 100, noise: float = 0.2, random_state: int = 1,
                n_train: int = 30) -> Split:
    """The seeds' moons problem: ``make_moons(100, noise=0.2, random_state=1)``,
    the first ``n_train`` points to train on and the rest to test on.

    The tiny training set (30 points for a 500-unit network) is the point: it
    makes the model overfit.
    """
    from sklearn.datasets import make_moons

    n_samples = require_positive_int("n_samples", n_samples)
    n_train = require_positive_int("n_train", n_train)
    require_nonnegative("noise", noise)
    if n_train >= n_samples:
        raise ValueError(f"n_train must be smaller than n_samples ({n_samples}), got {n_train}")
    X, y = make_moons(n_samples=n_samples, noise=noise, random_state=random_state)
    X, y = X.astype(np.float32), y.astype(np.float32)
    return Split(X[:n_train], y[:n_train], X[n_train:], y[n_train:])
