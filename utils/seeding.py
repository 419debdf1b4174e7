"""One place to make a run reproducible."""
from __future__ import annotations

import numpy as np

from utils.validation import require_nonnegative_int

DEFAULT_SEED = 1


def set_seed(seed: int = DEFAULT_SEED, *, deterministic: bool = True) -> np.random.Generator:
    """Seed Python, NumPy, TensorFlow and Keras, and return a NumPy Generator.

    ``keras.utils.set_random_seed`` seeds ``random``, ``numpy.random`` and
    TensorFlow's global generator; ``deterministic=True`` also asks TensorFlow
    for deterministic kernels (``enable_op_determinism``), so that the same
    seed gives the same numbers on the same machine. Call it again to reset.
    """
    seed = require_nonnegative_int("seed", seed)
    if seed >= 2**32:
        raise ValueError(f"seed must be below 2**32 (NumPy's legacy seeding), got {seed}")
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    if deterministic:
        tf.config.experimental.enable_op_determinism()
    return np.random.default_rng(seed)


def numpy_rng(seed: int = DEFAULT_SEED) -> np.random.Generator:
    """A NumPy Generator for code that needs no TensorFlow (cheaper to call)."""
    return np.random.default_rng(require_nonnegative_int("seed", seed))
