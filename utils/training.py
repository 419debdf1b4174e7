"""Fast training of the course's small dense networks on tiny data sets.

Why this module exists: ``model.fit(X, y, epochs=4000, validation_data=...)``
on 30 points spends almost all its time in per-epoch Python overhead (building
an iterator, running callbacks, evaluating the validation set through a second
compiled function): about 50 ms an epoch, so 4000 epochs take minutes. The
actual arithmetic of one full-batch step on 30 points is microseconds.

``train_mlp`` runs the whole training, every epoch and the per-epoch
metrics, inside one XLA-compiled ``tf.while_loop`` and trains several models
at once (one per penalty strength) by giving every weight a leading "model"
axis. It reproduces Keras exactly in what matters: the same Glorot-uniform
initial weights (taken from a seeded Keras model), the same Adam update
(Keras 3's formula and defaults), the same loss (mean binary cross-entropy +
``l2 * sum(W**2)`` + ``l1 * sum(|W|)`` on the hidden kernel, as
``keras.regularizers.L1L2`` adds it).

Shapes: ``M`` models, ``n`` points, ``d`` input features, ``H`` hidden units,
``E`` epochs.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from utils.datasets import Split
from utils.optim import require_learning_rate
from utils.validation import (
    as_float_array,
    require_nonnegative,
    require_nonnegative_int,
    require_positive_int,
    require_same_length,
)

ADAM_BETA_1, ADAM_BETA_2, ADAM_EPSILON = 0.9, 0.999, 1e-7  # Keras 3 defaults


@dataclass
class MLPRun:
    """What ``train_mlp`` returns: one row per model, one column per epoch.

    Metrics are measured after each epoch's update, so column ``t`` describes
    the weights after ``t + 1`` epochs.
    """

    l2: np.ndarray            # (M,) L2 strength of each model (Keras convention)
    l1: np.ndarray            # (M,) L1 strength of each model
    train_acc: np.ndarray     # (M, E)
    test_acc: np.ndarray      # (M, E)
    train_loss: np.ndarray    # (M, E) data loss (cross-entropy), penalty excluded
    test_loss: np.ndarray     # (M, E)
    weight_norm: np.ndarray   # (M, E) Frobenius norm of the hidden kernel
    params: dict              # W1 (M, d, H), b1 (M, H), W2 (M, H), b2 (M,)

    @property
    def n_models(self) -> int:
        return self.train_acc.shape[0]

    @property
    def epochs(self) -> int:
        return self.train_acc.shape[1]

    def weights(self, model: int = 0) -> dict:
        """The final weights of one model, Keras-shaped: W1 (d, H), b1 (H,), W2 (H, 1), b2 (1,)."""
        p = self.params
        return {"W1": p["W1"][model], "b1": p["b1"][model],
                "W2": p["W2"][model][:, None], "b2": p["b2"][model][None]}

    def predict_proba(self, X, model: int = 0) -> np.ndarray:
        """P(y=1 | x) under one model's final weights; ``X`` (n, d) -> (n,)."""
        return predict_proba(self.weights(model), X)


def predict_proba(weights: dict, X) -> np.ndarray:
    """P(y=1 | x) of the Dense(H, relu) -> Dense(1, sigmoid) network: the NumPy engine's
    ``utils.numpy_net.predict_proba`` on Keras-shaped weights.

    ``weights`` holds W1 (d, H), b1 (H,), W2 (H, 1), b2 (1,); ``X`` (n, d) -> (n,).
    """
    from utils.numpy_net import predict_proba as engine_predict_proba

    return engine_predict_proba(weights, X)


def build_seed_model(hidden: int = 500, l2: float = 0.0, l1: float = 0.0, n_inputs: int = 2):
    """The seeds' moons network in Keras 3: Dense(hidden, relu) -> Dense(1, sigmoid).

    The penalty goes on the hidden kernel only, as in the seed. Not compiled.
    """
    import keras

    hidden = require_positive_int("hidden", hidden)
    l2, l1 = require_nonnegative("l2", l2), require_nonnegative("l1", l1)
    regularizer = keras.regularizers.L1L2(l1=l1, l2=l2) if (l1 or l2) else None
    return keras.Sequential([
        keras.Input((n_inputs,)),
        keras.layers.Dense(hidden, activation="relu", kernel_regularizer=regularizer),
        keras.layers.Dense(1, activation="sigmoid"),
    ])


def keras_initial_weights(hidden: int = 500, n_inputs: int = 2, seed: int = 1) -> dict:
    """The initial weights of ``build_seed_model`` right after ``set_random_seed(seed)``.

    Returns W1 (d, H), b1 (H,), W2 (H, 1), b2 (1,) as float32 arrays.
    """
    import keras

    keras.utils.set_random_seed(require_nonnegative_int("seed", seed))
    model = build_seed_model(hidden, n_inputs=n_inputs)
    W1, b1, W2, b2 = (np.asarray(w) for w in model.get_weights())
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def _as_strengths(name: str, value) -> np.ndarray:
    values = np.atleast_1d(np.asarray(value, dtype=float))
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"{name} must be a number or a non-empty 1-D sequence, got {value!r}")
    for v in values:
        require_nonnegative(name, float(v))
    return values.astype(np.float32)


def _check_split(split) -> tuple[np.ndarray, ...]:
    """The four arrays of a ``Split``, checked: shapes agree, labels are 0/1."""
    if not isinstance(split, Split):
        raise TypeError(f"split must be a utils.datasets.Split, got {type(split).__name__}; "
                        "wrap four arrays as Split(X_train, y_train, X_test, y_test)")
    X_train = as_float_array("split.X_train", split.X_train, ndim=2)
    X_test = as_float_array("split.X_test", split.X_test, ndim=2)
    y_train = as_float_array("split.y_train", split.y_train, ndim=1)
    y_test = as_float_array("split.y_test", split.y_test, ndim=1)
    require_same_length("split.X_train", X_train, "split.y_train", y_train)
    require_same_length("split.X_test", X_test, "split.y_test", y_test)
    for name, array in (("split.X_train", X_train), ("split.X_test", X_test)):
        if array.shape[0] == 0:
            raise ValueError(f"{name} has no rows (no examples)")
    if X_test.shape[1] != X_train.shape[1]:
        raise ValueError(f"split.X_test has {X_test.shape[1]} columns but split.X_train has "
                         f"{X_train.shape[1]}: both need the same features")
    for name, labels in (("split.y_train", y_train), ("split.y_test", y_test)):
        if not np.all((labels == 0) | (labels == 1)):
            bad = np.unique(labels[(labels != 0) & (labels != 1)])[:3].tolist()
            raise ValueError(f"{name} must hold 0/1 labels (binary cross-entropy), got values "
                             f"such as {bad}")
    return X_train, y_train, X_test, y_test


def train_mlp(split: Split, *, l2: float | Sequence[float] = 0.0,
              l1: float | Sequence[float] = 0.0, hidden: int = 500, epochs: int = 4000,
              learning_rate: float = 1e-3, seed: int = 1) -> MLPRun:
    """Train Dense(hidden, relu) -> Dense(1, sigmoid) with full-batch Adam.

    ``l2`` and ``l1`` are penalty strengths in the Keras convention
    (``l2 * sum(W1**2) + l1 * sum(|W1|)`` added to the mean cross-entropy);
    pass a sequence to train one model per value, all in one compiled call.
    Every model starts from the same initial weights (``keras_initial_weights(seed)``),
    so differences between them come from the penalty alone.

    One epoch is one step on the whole training set, which is what
    ``model.fit(..., batch_size=32)`` does on the seeds' 30 training points.
    """
    import tensorflow as tf

    epochs = require_positive_int("epochs", epochs)
    hidden = require_positive_int("hidden", hidden)
    learning_rate = require_learning_rate(learning_rate)
    X_train, y_train, X_test, y_test = _check_split(split)
    l2s, l1s = _as_strengths("l2", l2), _as_strengths("l1", l1)
    if l2s.size > 1 and l1s.size > 1 and l2s.size != l1s.size:
        raise ValueError(f"l2 and l1 must have the same length, got {l2s.size} and {l1s.size}")
    n_models = max(l2s.size, l1s.size)
    l2s, l1s = np.broadcast_to(l2s, (n_models,)), np.broadcast_to(l1s, (n_models,))

    init = keras_initial_weights(hidden, X_train.shape[1], seed)
    params = tuple(
        tf.constant(np.repeat(init[k].reshape((1,) + shape), n_models, axis=0))
        for k, shape in (("W1", init["W1"].shape), ("b1", (hidden,)),
                         ("W2", (hidden,)), ("b2", ()))
    )
    f32 = lambda a: tf.constant(np.asarray(a, dtype=np.float32))  # noqa: E731
    final, history = _train_loop(params, f32(l2s), f32(l1s), f32(X_train), f32(y_train),
                                 f32(X_test), f32(y_test), epochs, float(learning_rate))
    history = [h.numpy().T for h in history]  # (E, M) -> (M, E)
    return MLPRun(np.array(l2s), np.array(l1s), *history,
                  params=dict(zip(("W1", "b1", "W2", "b2"), (p.numpy() for p in final))))


def _logits(params, X):
    """(M models) x (n points) logits of the stacked networks."""
    import tensorflow as tf

    W1, b1, W2, b2 = params
    hidden = tf.nn.relu(tf.einsum("nd,mdh->mnh", X, W1) + b1[:, None, :])
    return tf.einsum("mnh,mh->mn", hidden, W2) + b2[:, None]


def _metrics(logits, y):
    """Mean cross-entropy and accuracy per model, each (M,)."""
    import tensorflow as tf

    labels = tf.broadcast_to(y, tf.shape(logits))
    loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels, logits), axis=1)
    acc = tf.reduce_mean(tf.cast(tf.equal(tf.cast(logits > 0, tf.float32), labels), tf.float32), 1)
    return loss, acc


def _make_train_loop():
    import tensorflow as tf

    @tf.function(jit_compile=True, reduce_retracing=True)
    def train_loop(params, l2, l1, X_train, y_train, X_test, y_test, epochs, learning_rate):
        zeros = tuple(tf.zeros_like(p) for p in params)
        records = tuple(tf.TensorArray(tf.float32, size=epochs) for _ in range(5))

        def step(t, params, m, v, records):
            with tf.GradientTape() as tape:
                tape.watch(params)
                data_loss, _ = _metrics(_logits(params, X_train), y_train)
                W1 = params[0]
                penalty = (l2 * tf.reduce_sum(tf.square(W1), axis=[1, 2])
                           + l1 * tf.reduce_sum(tf.abs(W1), axis=[1, 2]))
                # Models are independent, so the gradient of the sum is each model's own.
                total = tf.reduce_sum(data_loss + penalty)
            grads = tape.gradient(total, params)
            power = tf.cast(t + 1, tf.float32)
            alpha = learning_rate * tf.sqrt(1 - ADAM_BETA_2 ** power) / (1 - ADAM_BETA_1 ** power)
            m = tuple(mi + (g - mi) * (1 - ADAM_BETA_1) for mi, g in zip(m, grads))
            v = tuple(vi + (tf.square(g) - vi) * (1 - ADAM_BETA_2) for vi, g in zip(v, grads))
            params = tuple(p - alpha * mi / (tf.sqrt(vi) + ADAM_EPSILON)
                           for p, mi, vi in zip(params, m, v))
            train_loss, train_acc = _metrics(_logits(params, X_train), y_train)
            test_loss, test_acc = _metrics(_logits(params, X_test), y_test)
            norm = tf.sqrt(tf.reduce_sum(tf.square(params[0]), axis=[1, 2]))
            values = (train_acc, test_acc, train_loss, test_loss, norm)
            records = tuple(r.write(t, x) for r, x in zip(records, values))
            return t + 1, params, m, v, records

        _, params, _, _, records = tf.while_loop(
            lambda t, *_: t < epochs, step, (tf.constant(0), params, zeros, zeros, records))
        return params, tuple(r.stack() for r in records)

    return train_loop


_TRAIN_LOOP = None


def _train_loop(*args):
    """Build the compiled loop once per process and reuse it (tracing costs ~0.5 s)."""
    global _TRAIN_LOOP
    if _TRAIN_LOOP is None:
        _TRAIN_LOOP = _make_train_loop()
    return _TRAIN_LOOP(*args)


def fit_keras_fast(model, X, y, epochs: int, *, steps_per_execution: int = 200):
    """``model.fit`` made fast for full-batch training on a tiny data set.

    One epoch of the seed (30 points, batch_size 32) is one step on the whole
    set. Repeating that one batch as a ``tf.data`` set and running
    ``steps_per_execution`` steps per call into the compiled train function
    removes the per-epoch Python overhead. The model must be compiled;
    returns the ``History`` (one "epoch" of ``epochs`` steps).
    """
    import tensorflow as tf

    epochs = require_positive_int("epochs", epochs)
    X = as_float_array("X", X, ndim=2).astype(np.float32)
    y = as_float_array("y", y, ndim=1).astype(np.float32)
    require_same_length("X", X, "y", y)
    if getattr(model, "optimizer", None) is None:
        raise ValueError("compile the model before calling fit_keras_fast")
    model.steps_per_execution = min(require_positive_int("steps_per_execution",
                                                         steps_per_execution), epochs)
    batches = tf.data.Dataset.from_tensors((X, y)).repeat()
    return model.fit(batches, steps_per_epoch=epochs, epochs=1, verbose=0, shuffle=False)
