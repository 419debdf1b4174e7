"""A small fully connected network in NumPy, built from cs231n-style layers.

Rows are examples: ``X`` is (n, d), a hidden activation is (n, h), ``W`` of a
layer is (inputs, outputs). (Andrew Ng's notes use the transpose, W a + b
with examples as columns; the math is the same.)

Every layer is a pair ``*_forward(...) -> (out, cache)`` and
``*_backward(dout, cache) -> gradients``. Regularization is *injected*: the
chapters pass the learner's own ``l2_grad`` or ``dropout_forward`` /
``dropout_backward`` to ``loss_and_grads`` and ``train``, so the network
runs on the code the learner wrote.

Shapes: ``n`` examples, ``d`` inputs, hidden sizes ``h1, h2, ...``, one
output unit (binary classification with a sigmoid and cross-entropy).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from utils.validation import (
    as_float_array,
    require_nonnegative,
    require_positive_int,
    require_probability,
    require_same_length,
)


# ---------------------------------------------------------------- layers
def affine_forward(X: np.ndarray, W: np.ndarray, b: np.ndarray):
    """Z = X W + b. ``X`` (n, d), ``W`` (d, h), ``b`` (h,) -> (Z (n, h), cache)."""
    if X.shape[1] != W.shape[0]:
        raise ValueError(f"X has {X.shape[1]} columns but W has {W.shape[0]} rows")
    return X @ W + b, (X, W)


def affine_backward(dZ: np.ndarray, cache):
    """Gradients of an affine layer: dZ (n, h) -> (dX (n, d), dW (d, h), db (h,))."""
    X, W = cache
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)


def relu_forward(Z: np.ndarray):
    """A = max(Z, 0) -> (A, cache)."""
    return np.maximum(Z, 0.0), Z


def relu_backward(dA: np.ndarray, cache):
    """dZ = dA where Z > 0, else 0."""
    return dA * (cache > 0)


def sigmoid(z):
    """The logistic function, computed without overflow for large |z|."""
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def sigmoid_cross_entropy(logits: np.ndarray, y: np.ndarray):
    """Mean binary cross-entropy of sigmoid(logits) against 0/1 labels.

    ``logits`` (n,), ``y`` (n,) -> (cost, dlogits (n,)). Computed from logits
    (log(1 + e^z) - y z), which is exact where log(sigmoid) would overflow.
    """
    n = logits.shape[0]
    cost = np.mean(np.logaddexp(0.0, logits) - y * logits)
    return float(cost), (sigmoid(logits) - y) / n


# ---------------------------------------------------------------- network
def init_params(layer_sizes: Sequence[int], rng: np.random.Generator) -> dict:
    """He-initialised weights for sizes ``[d, h1, ..., 1]``: W1 (d, h1), b1 (h1,), ..."""
    sizes = [require_positive_int("layer size", s) for s in layer_sizes]
    if len(sizes) < 2:
        raise ValueError("layer_sizes needs at least an input and an output size")
    params = {}
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{layer}"] = rng.normal(0.0, np.sqrt(2.0 / fan_in), (fan_in, fan_out))
        params[f"b{layer}"] = np.zeros(fan_out)
    return params


def n_layers(params: dict) -> int:
    return sum(1 for key in params if key.startswith("W"))


def weight_matrices(params: dict) -> list[np.ndarray]:
    """The weight matrices W1, W2, ... in order (biases excluded)."""
    return [params[f"W{layer}"] for layer in range(1, n_layers(params) + 1)]


def _keep_probs(params: dict, keep_probs) -> list[float]:
    hidden = n_layers(params) - 1
    if keep_probs is None:
        return [1.0] * hidden
    probs = [keep_probs] * hidden if np.isscalar(keep_probs) else list(keep_probs)
    if len(probs) != hidden:
        raise ValueError(
            f"keep_probs needs one value per hidden layer ({hidden}), got {len(probs)}")
    return [require_probability("keep_prob", p) for p in probs]


def forward(params: dict, X, *, keep_probs=None, dropout_forward: Callable | None = None,
            rng: np.random.Generator | None = None):
    """Forward pass: [affine -> relu -> (dropout)] x (L-1) -> affine.

    Returns (logits (n,), caches). Dropout runs after a hidden layer whose
    keep probability is below 1, through ``dropout_forward(A, keep_prob, rng)
    -> (A_out, mask)``; leave ``keep_probs`` as None at test time.
    """
    probs = _keep_probs(params, keep_probs)
    if any(p < 1.0 for p in probs) and (dropout_forward is None or rng is None):
        raise ValueError("dropout needs both dropout_forward and rng")
    A, caches = np.asarray(X, dtype=float), []
    for layer in range(1, n_layers(params)):
        Z, affine_cache = affine_forward(A, params[f"W{layer}"], params[f"b{layer}"])
        A, relu_cache = relu_forward(Z)
        mask = None
        if probs[layer - 1] < 1.0:
            A, mask = dropout_forward(A, probs[layer - 1], rng)
        caches.append((affine_cache, relu_cache, mask, probs[layer - 1]))
    last = n_layers(params)
    logits, affine_cache = affine_forward(A, params[f"W{last}"], params[f"b{last}"])
    caches.append((affine_cache, None, None, 1.0))
    return logits[:, 0], caches


def backward(dlogits: np.ndarray, caches, *, dropout_backward: Callable | None = None) -> dict:
    """Gradients of the data cost for every parameter, from d cost / d logits (n,)."""
    grads = {}
    last = len(caches)
    dA, grads[f"W{last}"], grads[f"b{last}"] = affine_backward(dlogits[:, None], caches[-1][0])
    for layer in range(last - 1, 0, -1):
        affine_cache, relu_cache, mask, keep_prob = caches[layer - 1]
        if mask is not None:
            if dropout_backward is None:
                raise ValueError("the forward pass used dropout: pass dropout_backward too")
            dA = dropout_backward(dA, mask, keep_prob)
        dZ = relu_backward(dA, relu_cache)
        dA, grads[f"W{layer}"], grads[f"b{layer}"] = affine_backward(dZ, affine_cache)
    return grads


def reference_l2_grad(dW, W, lambd, m):
    """dW + (lambd / m) W: the gradient of the course's penalty lambd/(2m) ||W||^2."""
    return dW + (lambd / m) * W


def loss_and_grads(params: dict, X, y, *, lambd: float = 0.0, l2_grad: Callable | None = None,
                   keep_probs=None, dropout_forward: Callable | None = None,
                   dropout_backward: Callable | None = None,
                   rng: np.random.Generator | None = None):
    """Cost J = mean cross-entropy + lambd/(2m) sum_l ||W_l||_F^2 and its gradients.

    ``l2_grad(dW, W, lambd, m)`` adds the penalty's gradient to each weight
    matrix's (biases are not penalized); by default the reference formula.
    Returns (cost, grads) with grads keyed like ``params``.
    """
    X, y = as_float_array("X", X, ndim=2), as_float_array("y", y, ndim=1)
    require_same_length("X", X, "y", y)
    lambd = require_nonnegative("lambd", lambd)
    logits, caches = forward(params, X, keep_probs=keep_probs,
                             dropout_forward=dropout_forward, rng=rng)
    cost, dlogits = sigmoid_cross_entropy(logits, y)
    grads = backward(dlogits, caches, dropout_backward=dropout_backward)
    if lambd > 0:
        m = X.shape[0]
        cost += lambd / (2 * m) * sum(np.sum(W ** 2) for W in weight_matrices(params))
        add_penalty = l2_grad or reference_l2_grad
        for layer in range(1, n_layers(params) + 1):
            key = f"W{layer}"
            grads[key] = add_penalty(grads[key], params[key], lambd, m)
    return cost, grads


def predict_proba(params: dict, X) -> np.ndarray:
    """P(y=1 | x) with every unit on (test time): (n, d) -> (n,)."""
    logits, _ = forward(params, X)
    return sigmoid(logits)


def accuracy(params: dict, X, y) -> float:
    return float(np.mean((predict_proba(params, X) > 0.5) == (np.asarray(y) > 0.5)))


def train(params: dict, X, y, *, epochs: int = 1000, learning_rate: float = 0.01,
          optimizer: str = "adam", X_test=None, y_test=None, record_every: int = 10,
          rng: np.random.Generator | None = None, **regularization) -> dict:
    """Full-batch training; returns a history of cost and accuracies.

    ``regularization`` is passed to ``loss_and_grads`` (``lambd``, ``l2_grad``,
    ``keep_probs``, ``dropout_forward``, ``dropout_backward``). ``params`` is
    updated in place and also returned in the history under "params".
    History arrays have one entry every ``record_every`` epochs: "epoch",
    "cost" (the training objective, with dropout noise if any), "train_acc",
    "test_acc" (measured with every unit on).
    """
    epochs = require_positive_int("epochs", epochs)
    record_every = require_positive_int("record_every", record_every)
    learning_rate = require_nonnegative("learning_rate", learning_rate)
    if optimizer not in ("adam", "gd"):
        raise ValueError(f"optimizer must be 'adam' or 'gd', got {optimizer!r}")
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(p) for k, p in params.items()}
    history = {"epoch": [], "cost": [], "train_acc": [], "test_acc": []}
    for epoch in range(1, epochs + 1):
        cost, grads = loss_and_grads(params, X, y, rng=rng, **regularization)
        for key, grad in grads.items():
            if optimizer == "gd":
                params[key] -= learning_rate * grad
                continue
            m[key] = 0.9 * m[key] + 0.1 * grad
            v[key] = 0.999 * v[key] + 0.001 * grad ** 2
            m_hat, v_hat = m[key] / (1 - 0.9 ** epoch), v[key] / (1 - 0.999 ** epoch)
            params[key] -= learning_rate * m_hat / (np.sqrt(v_hat) + 1e-8)
        if epoch % record_every == 0 or epoch == epochs:
            history["epoch"].append(epoch)
            history["cost"].append(cost)
            history["train_acc"].append(accuracy(params, X, y))
            if X_test is not None:
                history["test_acc"].append(accuracy(params, X_test, y_test))
    out = {k: np.asarray(val) for k, val in history.items()}
    out["params"] = params
    return out


# ---------------------------------------------------------------- gradient check
def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5):
    """Centered-difference gradient of scalar ``f`` at ``x`` (same shape as ``x``).

    ``x`` is perturbed in place and restored, so ``f`` may read it by reference.
    """
    grad = np.zeros_like(x, dtype=float)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        plus = f(x)
        x[index] = old - h
        minus = f(x)
        x[index] = old
        grad[index] = (plus - minus) / (2 * h)
    return grad


def relative_error(a, b) -> float:
    """||a - b|| / (||a|| + ||b||), the gradient-check score: below ~1e-7 they agree.

    A whole-array ratio rather than an element-wise one, so entries that are
    zero in both (a dead ReLU's bias) do not dominate; 0 when both are zero.
    """
    a, b = np.ravel(np.asarray(a, dtype=float)), np.ravel(np.asarray(b, dtype=float))
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)
