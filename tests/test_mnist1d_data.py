"""MNIST-1D is generated offline, exactly as the package makes it, without side effects."""
import random

import numpy as np
import pytest

from utils import datasets
from utils.datasets import Split, load_mnist1d


@pytest.fixture(scope="module")
def mnist1d():
    return load_mnist1d()


def test_standard_split_shapes_and_types(mnist1d):
    assert isinstance(mnist1d, Split)
    assert mnist1d.X_train.shape == (4000, 40) and mnist1d.X_test.shape == (1000, 40)
    assert mnist1d.y_train.shape == (4000,) and mnist1d.y_test.shape == (1000,)
    assert mnist1d.X_train.dtype == np.float32 and mnist1d.X_test.dtype == np.float32
    assert mnist1d.y_train.dtype == np.int64 and mnist1d.y_test.dtype == np.int64
    for labels in (mnist1d.y_train, mnist1d.y_test):
        assert set(np.unique(labels)) == set(range(10))
    # 500 signals per class over the 5,000, shuffled: every class is about 10 % of each part
    counts = np.bincount(np.concatenate([mnist1d.y_train, mnist1d.y_test]))
    assert np.all(counts == 500)
    assert np.all(np.isfinite(mnist1d.X_train)) and np.all(np.isfinite(mnist1d.X_test))


def test_the_whole_set_is_standardized(mnist1d):
    X = np.concatenate([mnist1d.X_train, mnist1d.X_test])
    assert abs(X.mean()) < 1e-5 and abs(X.std() - 1) < 1e-4


def test_equals_the_package_generator(mnist1d):
    from mnist1d.data import get_dataset_args, make_dataset

    state = np.random.get_state()
    data = make_dataset(get_dataset_args())
    np.random.set_state(state)
    np.testing.assert_array_equal(mnist1d.X_train, data["x"].astype(np.float32))
    np.testing.assert_array_equal(mnist1d.y_test, data["y_test"])
    np.testing.assert_array_equal(mnist1d.X_test, data["x_test"].astype(np.float32))


def test_restores_the_global_random_state(monkeypatch):
    monkeypatch.setattr(datasets, "_MNIST1D_CACHE", None)  # force a fresh generation
    np.random.seed(123)
    random.seed(7)
    expected_numpy, expected_python = np.random.rand(), random.random()
    np.random.seed(123)
    random.seed(7)
    load_mnist1d()
    assert np.random.rand() == expected_numpy and random.random() == expected_python


def test_never_downloads_or_writes_files(monkeypatch, tmp_path):
    import requests

    def no_network(*args, **kwargs):
        raise AssertionError("load_mnist1d must not touch the network")

    monkeypatch.setattr(requests, "get", no_network)
    monkeypatch.setattr(datasets, "_MNIST1D_CACHE", None)
    monkeypatch.chdir(tmp_path)
    split = load_mnist1d()
    assert split.X_train.shape == (4000, 40)
    assert list(tmp_path.iterdir()) == []


def test_returns_fresh_copies(mnist1d):
    first = load_mnist1d()
    first.X_train[:] = 0
    first.y_train[:] = 0
    second = load_mnist1d()
    np.testing.assert_array_equal(second.X_train, mnist1d.X_train)
    np.testing.assert_array_equal(second.y_train, mnist1d.y_train)
