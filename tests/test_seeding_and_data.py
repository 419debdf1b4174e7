import numpy as np
import pytest

from utils.datasets import moons_split
from utils.seeding import numpy_rng, set_seed


def test_set_seed_repeats_numpy_and_tensorflow_draws():
    import tensorflow as tf

    rng = set_seed(7)
    a = (rng.random(3), np.random.random(3), tf.random.uniform((3,)).numpy())
    rng = set_seed(7)
    b = (rng.random(3), np.random.random(3), tf.random.uniform((3,)).numpy())
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    rng = set_seed(8)
    assert not np.array_equal(rng.random(3), a[0])


def test_numpy_rng_and_bad_seeds():
    assert numpy_rng(3).random() == numpy_rng(3).random()
    with pytest.raises(ValueError, match="seed must be >= 0"):
        numpy_rng(-1)
    with pytest.raises(TypeError):
        set_seed(1.5)
    with pytest.raises(ValueError, match=r"seed must be below 2\*\*32"):
        set_seed(2**40)


def test_moons_split_is_the_seeds_split():
    from sklearn.datasets import make_moons

    split = moons_split()
    X, y = make_moons(n_samples=100, noise=0.2, random_state=1)
    assert split.X_train.shape == (30, 2) and split.X_test.shape == (70, 2)
    assert split.X_train.dtype == np.float32 and split.y_test.dtype == np.float32
    np.testing.assert_allclose(split.X_train, X[:30], rtol=1e-6)
    np.testing.assert_array_equal(split.y_test, y[30:])


def test_moons_split_rejects_bad_sizes():
    with pytest.raises(ValueError, match="n_train must be smaller than n_samples"):
        moons_split(n_samples=30, n_train=30)
    with pytest.raises(ValueError, match="noise must be >= 0"):
        moons_split(noise=-1)
