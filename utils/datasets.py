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


_MNIST1D_CACHE: Split | None = None


def load_mnist1d() -> Split:
    """MNIST-1D (Greydanus and Kobak, ICML 2024), generated offline by the ``mnist1d``
    package: ``make_dataset(get_dataset_args())``, the standard 4,000 train / 1,000 test
    signals of length 40 in 10 classes.

    ``X_train`` (4000, 40) float32, ``y_train`` (4000,) int64 in 0..9, ``X_test``
    (1000, 40) float32, ``y_test`` (1000,) int64. Nothing is downloaded (the package's
    ``get_dataset(download=True)`` path is never used). ``mnist1d`` seeds NumPy's and
    Python's global random generators; both are restored afterwards. Generated once per
    process (about a second); every call returns fresh copies.
    """
    global _MNIST1D_CACHE
    if _MNIST1D_CACHE is None:
        _MNIST1D_CACHE = _make_mnist1d()
    return Split(*(array.copy() for array in _MNIST1D_CACHE))


def _make_mnist1d() -> Split:
    import random

    try:
        from mnist1d.data import get_dataset_args, make_dataset
    except ImportError as err:  # pragma: no cover - the package is pinned in requirements
        raise ImportError("load_mnist1d needs the mnist1d package: pip install "
                          "mnist1d==0.0.2.post1 (see requirements.txt)") from err
    numpy_state, python_state = np.random.get_state(), random.getstate()
    try:
        data = make_dataset(get_dataset_args())
    finally:
        np.random.set_state(numpy_state)
        random.setstate(python_state)
    return Split(np.asarray(data["x"], dtype=np.float32), np.asarray(data["y"], dtype=np.int64),
                 np.asarray(data["x_test"], dtype=np.float32),
                 np.asarray(data["y_test"], dtype=np.int64))
