"""The course's one NumPy network engine, built from CS231n-style layers.

Read it like CS231n's ``layers.py`` / ``optim.py`` / ``solver.py``:

- every layer is a pair ``*_forward(...) -> (out, cache)`` and
  ``*_backward(dout, cache) -> gradients`` (affine, relu, tanh, dropout);
- losses take the network's output and the labels and return
  ``(cost, dscores)``: ``sigmoid_cross_entropy`` (from logits),
  ``softmax_cross_entropy`` (C classes) and ``mse`` (regression);
- ``forward`` / ``backward`` / ``loss_and_grads`` chain the layers into
  [affine -> activation -> (dropout)] x (L-1) -> affine;
- ``train`` runs full-batch training with an update rule from
  ``utils.optim`` chosen by name and returns a ``NetRun``.

Shapes. Rows are examples: ``X`` is (n, d), a hidden activation (n, h), the
``W`` of a layer (inputs, outputs). (Andrew Ng's notes use the transpose, W a + b
with examples as columns; the math is the same.) A network with one output
unit gives scores of shape (n,); with C outputs, (n, C).

A leading model axis. Every parameter may carry a leading axis of M models
(W1 (M, d, h1), b1 (M, h1), ...), so a grid of models (one per keep_prob,
one per resampled training set) trains in one vectorized call. ``X`` is then
(n, d), shared by every model, or (M, n, d), one data set per model; labels are
(n,) or (M, n); scores, costs and accuracies gain the leading M. Per-model
hyperparameters are arrays of shape (M,) (``lambd``, each entry of
``keep_probs``). Model k of a grid computes exactly what the single-model code
computes with model k's parameters, data, settings and random stream.

Regularization is *injected*: the chapters pass the learner's own
``l2_grad(dW, W, lambd, m)`` or ``dropout_forward(A, keep_prob, rng) -> (A_out,
mask)`` / ``dropout_backward(dA_out, mask, keep_prob)``, so the network runs on
the code the learner wrote. The L2 penalty follows the course's convention
J = data cost + lambd / (2m) sum_l ||W_l||_F^2 (biases are not penalized).
"""
from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from utils.optim import get_update_rule, require_learning_rate
from utils.validation import (
    as_float_array,
    require_nonnegative,
    require_nonnegative_int,
    require_positive_int,
    require_probability,
)


# ------------------------------------------------------------------------------ layers
def affine_forward(x, w, b):
    """out = x w + b.

    Single model: x (n, d), w (d, h), b (h,) -> out (n, h).
    M models: w (M, d, h), b (M, h), x (n, d) shared or (M, n, d) -> out (M, n, h).
    Returns (out, cache).
    """
    if x.shape[-1] != w.shape[-2]:
        raise ValueError(f"x has {x.shape[-1]} columns but w has {w.shape[-2]} rows")
    if b.shape[-1] != w.shape[-1]:
        raise ValueError(f"b has {b.shape[-1]} entries but w has {w.shape[-1]} columns")
    return x @ w + b[..., None, :], (x, w)


def affine_backward(dout, cache):
    """Gradients of an affine layer: dout like out -> (dx like x, dw like w, db like b).

    With a shared x (n, d) and M models, dx sums the M models' gradients
    (x feeds every model).
    """
    x, w = cache
    dx = dout @ np.swapaxes(w, -1, -2)
    if dx.ndim > x.ndim:
        dx = dx.sum(axis=0)
    return dx, np.swapaxes(x, -1, -2) @ dout, dout.sum(axis=-2)


def relu_forward(x):
    """out = max(x, 0), any shape -> (out, cache)."""
    return np.maximum(x, 0.0), x


def relu_backward(dout, cache):
    """dx = dout where x > 0, else 0."""
    return dout * (cache > 0)


def tanh_forward(x):
    """out = tanh(x), any shape -> (out, cache)."""
    out = np.tanh(x)
    return out, out


def tanh_backward(dout, cache):
    """dx = dout * (1 - tanh(x)^2), from the cached output."""
    return dout * (1.0 - cache ** 2)


ACTIVATIONS = {"relu": (relu_forward, relu_backward), "tanh": (tanh_forward, tanh_backward)}


def dropout_layer_forward(x, dropout_param: dict):
    """Inverted dropout as a layer with a train/test mode (CS231n's ``dropout_param``).

    ``dropout_param`` holds ``mode`` ("train" or "test"), ``keep_prob`` (a float,
    or an (M,) array, one per model), ``dropout_forward`` (the learner's
    ``(A, keep_prob, rng) -> (A_out, mask)``) and ``rng`` (a Generator, or one
    Generator per model). In test mode the layer is the identity. Returns
    (out like x, cache).

    Why an explicit ``rng`` rather than CS231n's ``np.random.seed(seed)`` inside
    the layer: a Generator passed in makes the masks reproducible without
    touching the global NumPy state every other library shares, lets a test
    replay a mask by passing a fresh Generator with the same seed, and lets a
    grid give every model its *own* stream, so a model's masks do not depend
    on how many other models share the grid or where it sits in it.

    A model whose keep_prob is 1 skips the call (nothing is dropped, no random
    number is drawn), exactly as a single network without dropout.
    """
    mode = dropout_param.get("mode", "train")
    if mode not in ("train", "test"):
        raise ValueError(f"dropout_param['mode'] must be 'train' or 'test', got {mode!r}")
    keep_prob = dropout_param["keep_prob"]
    if mode == "test" or np.all(np.asarray(keep_prob) == 1.0):
        return x, None
    fn, rng = dropout_param["dropout_forward"], dropout_param["rng"]
    if np.ndim(keep_prob) == 0:
        out, mask = _call_dropout_forward(fn, x, float(keep_prob), rng)
        return out, (mask, keep_prob)
    outs, masks = [], []
    for k, p in enumerate(keep_prob):
        if p == 1.0:
            outs.append(x[k])
            masks.append(None)
        else:
            out_k, mask_k = _call_dropout_forward(fn, x[k], float(p), rng[k])
            outs.append(out_k)
            masks.append(mask_k)
    return np.stack(outs), (masks, keep_prob)


def dropout_layer_backward(dout, cache, dropout_backward: Callable | None):
    """Gradient of ``dropout_layer_forward``, through the learner's
    ``dropout_backward(dA_out, mask, keep_prob) -> dA`` with the forward pass's masks."""
    if cache is None:  # test mode, or nothing dropped
        return dout
    if dropout_backward is None:
        raise ValueError("the forward pass used dropout: pass dropout_backward too")
    mask, keep_prob = cache
    if np.ndim(keep_prob) == 0:
        return _call_dropout_backward(dropout_backward, dout, mask, float(keep_prob))
    return np.stack([
        dout[k] if p == 1.0 else _call_dropout_backward(dropout_backward, dout[k], mask_k, float(p))
        for k, (mask_k, p) in enumerate(zip(mask, keep_prob))
    ])


def _call_dropout_forward(fn, A, keep_prob, rng):
    result = fn(A, keep_prob, rng)
    if result is None:
        raise TypeError("dropout_forward returned None: it must return the pair (A_out, mask)")
    if not (isinstance(result, tuple) and len(result) == 2):
        raise TypeError(f"dropout_forward must return a pair (A_out, mask), "
                        f"got {type(result).__name__}")
    A_out = np.asarray(result[0], dtype=float)
    if A_out.shape != A.shape:
        raise ValueError(f"dropout_forward returned A_out of shape {A_out.shape} "
                         f"for A of shape {A.shape}")
    return A_out, result[1]


def _call_dropout_backward(fn, dout, mask, keep_prob):
    if mask is None:
        raise TypeError("dropout_forward returned the mask None: dropout_backward needs the "
                        "mask of the forward pass")
    dA = fn(dout, mask, keep_prob)
    if dA is None:
        raise TypeError("dropout_backward returned None: did you forget a `return`?")
    dA = np.asarray(dA, dtype=float)
    if dA.shape != dout.shape:
        raise ValueError(f"dropout_backward returned shape {dA.shape} for dA_out of shape "
                         f"{dout.shape}")
    return dA


# ------------------------------------------------------------------------------ losses
def sigmoid(z):
    """The logistic function, computed without overflow for large |z|."""
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def sigmoid_cross_entropy(logits, y):
    """Mean binary cross-entropy of sigmoid(logits) against 0/1 labels.

    ``logits`` (n,) or (M, n), ``y`` broadcastable to it -> (cost, dlogits like
    logits); cost is a float, or (M,) with a model axis. Computed from logits,
    log(1 + e^z) - y z, which stays exact where log(sigmoid(z)) would overflow.
    """
    n = logits.shape[-1]
    cost = np.mean(np.logaddexp(0.0, logits) - y * logits, axis=-1)
    return _cost(cost), (sigmoid(logits) - y) / n


def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of softmax(scores) against integer class labels.

    ``scores`` (n, C) or (M, n, C), ``y`` (n,) or (M, n) integers in [0, C) ->
    (cost, dscores like scores).
    """
    n = scores.shape[-2]
    shifted = scores - scores.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    labels = np.broadcast_to(np.asarray(y, dtype=int), scores.shape[:-1])
    picked = np.take_along_axis(log_probs, labels[..., None], axis=-1)[..., 0]
    dscores = np.exp(log_probs)
    np.put_along_axis(dscores, labels[..., None],
                      np.take_along_axis(dscores, labels[..., None], axis=-1) - 1.0, axis=-1)
    return _cost(-picked.mean(axis=-1)), dscores / n


def mse(pred, y):
    """Mean squared error, mean((pred - y)^2): ``pred`` (n,) or (M, n) -> (cost, dpred)."""
    n = pred.shape[-1]
    diff = pred - y
    return _cost(np.mean(diff ** 2, axis=-1)), 2.0 * diff / n


def _cost(cost):
    return float(cost) if np.ndim(cost) == 0 else cost


LOSSES = {"sigmoid_cross_entropy": sigmoid_cross_entropy,
          "softmax_cross_entropy": softmax_cross_entropy, "mse": mse}


# ------------------------------------------------------------------------------ parameters
def init_params(layer_sizes: Sequence[int], rng: np.random.Generator) -> dict:
    """He-initialised weights for sizes ``[d, h1, ..., out]``: W1 (d, h1), b1 (h1,), ...

    For a grid of M models, initialise each and ``stack_models`` them (or repeat
    one: ``stack_models([params] * M)``).
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), "
                        f"got {type(rng).__name__}")
    sizes = [require_positive_int("layer size", s) for s in layer_sizes]
    if len(sizes) < 2:
        raise ValueError("layer_sizes needs at least an input and an output size")
    params = {}
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{layer}"] = rng.normal(0.0, np.sqrt(2.0 / fan_in), (fan_in, fan_out))
        params[f"b{layer}"] = np.zeros(fan_out)
    return params


def n_layers(params: dict) -> int:
    """Number of affine layers (weight matrices W1, W2, ...)."""
    return sum(1 for key in params if key.startswith("W"))


def weight_matrices(params: dict) -> list[np.ndarray]:
    """The weight matrices W1, W2, ... in order (biases excluded)."""
    return [params[f"W{layer}"] for layer in range(1, n_layers(params) + 1)]


def n_models(params: dict) -> int | None:
    """M if the parameters carry a leading model axis, else None."""
    return _check_params(params)


def stack_models(models: Sequence[dict]) -> dict:
    """Stack M single-model parameter dicts into one with a leading model axis (copies)."""
    if len(models) == 0:
        raise ValueError("models is empty: stack at least one parameter dict")
    for params in models:
        if _check_params(params) is not None:
            raise ValueError("stack_models takes single-model parameter dicts (no model axis)")
    return {key: np.stack([np.asarray(p[key], dtype=float) for p in models])
            for key in models[0]}


def model_params(params: dict, model: int) -> dict:
    """The parameters of one model of a grid, without the model axis (copies)."""
    count = _check_params(params)
    if count is None:
        raise ValueError("params has no model axis: it is already a single model")
    if not (isinstance(model, numbers.Integral) and -count <= model < count):
        raise ValueError(f"model must be an index in [0, {count}), got {model!r}")
    return {key: value[model].copy() for key, value in params.items()}


def spawn_rngs(seed: int, count: int) -> list[np.random.Generator]:
    """``count`` independent Generators from one seed, one per model of a grid.

    Generator k comes from ``np.random.SeedSequence(seed).spawn(count)[k]``,
    which depends on (seed, k) only: adding models to the grid does not change
    the streams of the first ones.
    """
    seed, count = require_nonnegative_int("seed", seed), require_positive_int("count", count)
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(count)]


def _check_params(params) -> int | None:
    """Validate a parameter dict; return its model count (None without a model axis)."""
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of arrays W1, b1, ..., got {type(params).__name__}")
    layers = n_layers(params)
    if layers == 0 or any(f"b{layer}" not in params for layer in range(1, layers + 1)):
        raise ValueError("params must hold W1, b1, ..., WL, bL (init_params makes them)")
    first = np.asarray(params["W1"])
    if first.ndim not in (2, 3):
        raise ValueError(f"W1 must be (d, h) or, with a model axis, (M, d, h); got {first.shape}")
    count = first.shape[0] if first.ndim == 3 else None
    previous = None
    for layer in range(1, layers + 1):
        W, b = np.asarray(params[f"W{layer}"]), np.asarray(params[f"b{layer}"])
        lead = () if count is None else (count,)
        if W.ndim != len(lead) + 2 or W.shape[:len(lead)] != lead:
            raise ValueError(f"W{layer} has shape {W.shape} but W1 has {first.shape}: every "
                             "parameter needs the same model axis")
        if b.shape != lead + (W.shape[-1],):
            raise ValueError(f"b{layer} has shape {b.shape}, expected {lead + (W.shape[-1],)}")
        for name, value in ((f"W{layer}", W), (f"b{layer}", b)):
            if value.dtype.kind not in "fiu" or not np.all(np.isfinite(value)):
                raise ValueError(f"{name} must hold finite numbers (got dtype {value.dtype}"
                                 f"{', with NaN or inf' if value.dtype.kind == 'f' else ''})")
        if previous is not None and W.shape[-2] != previous:
            raise ValueError(f"W{layer} has {W.shape[-2]} rows but layer {layer - 1} has "
                             f"{previous} outputs")
        previous = W.shape[-1]
    return count


def _check_X(params, X, name: str = "X") -> np.ndarray:
    count = _check_params(params)
    X = as_float_array(name, X)
    allowed = "(n, d)" if count is None else f"(n, d) or ({count}, n, d)"
    if X.ndim not in (2, 3) or (X.ndim == 3 and (count is None or X.shape[0] != count)):
        raise ValueError(f"{name} must have shape {allowed}, got {X.shape}")
    if X.shape[-2] == 0:
        raise ValueError(f"{name} has no rows (no examples)")
    d = np.shape(params["W1"])[-2]
    if X.shape[-1] != d:
        raise ValueError(f"{name} has {X.shape[-1]} columns but W1 expects {d} inputs")
    return X


def _check_labels(params, X, y, loss: str, name: str = "y") -> np.ndarray:
    count, n = _check_params(params), X.shape[-2]
    y = as_float_array(name, y)
    if y.ndim not in (1, 2) or (y.ndim == 2 and (count is None or y.shape[0] != count)):
        allowed = "(n,)" if count is None else f"(n,) or ({count}, n)"
        raise ValueError(f"{name} must have shape {allowed}, got {y.shape}")
    if y.shape[-1] != n:
        raise ValueError(f"X and {name} must have the same number of rows, "
                         f"got {n} and {y.shape[-1]}")
    outputs = np.shape(params[f"W{n_layers(params)}"])[-1]
    if loss == "softmax_cross_entropy":
        if outputs < 2 or not np.all((y == np.round(y)) & (y >= 0) & (y < outputs)):
            raise ValueError(f"{name} must hold integer class labels in [0, {outputs}) for "
                             f"softmax_cross_entropy (a network with {outputs} outputs)")
        return y.astype(int)
    if outputs != 1:
        raise ValueError(f"{loss} needs a network with one output unit, this one has {outputs}")
    if loss == "sigmoid_cross_entropy" and not np.all((y == 0) | (y == 1)):
        bad = np.unique(y[(y != 0) & (y != 1)])[:3]
        raise ValueError(f"{name} must hold 0/1 labels for sigmoid_cross_entropy, got values "
                         f"such as {bad.tolist()} (map -1/+1 labels with (y + 1) / 2)")
    return y


def _check_choice(name: str, value, options) -> str:
    if value not in options:
        raise ValueError(f"{name} must be one of {sorted(options)}, got {value!r}")
    return value


# ------------------------------------------------------------------------------ network
def _per_model(name: str, value, count: int | None, check: Callable):
    """A hyperparameter: a float for a single model; an (M,) array for a grid
    (a number is then repeated for every model)."""
    if np.ndim(value) == 0:
        number = check(name, value.item() if isinstance(value, np.ndarray) else value)
        return number if count is None else np.full(count, number)
    if count is None:
        raise ValueError(f"{name} must be a number for a single model, got {value!r}")
    values = np.asarray(value, dtype=float)
    if values.shape != (count,):
        raise ValueError(f"{name} must be a number or one value per model ({count},), "
                         f"got shape {values.shape}")
    for number in values:
        check(name, float(number))
    return values


def _layer_keep_probs(params: dict, keep_probs) -> list:
    hidden, count = n_layers(params) - 1, _check_params(params)
    if keep_probs is None:
        return [1.0] * hidden
    scalar = isinstance(keep_probs, numbers.Real) or (isinstance(keep_probs, np.ndarray)
                                                      and keep_probs.ndim == 0)
    per_layer = [keep_probs] * hidden if scalar else list(keep_probs)
    if len(per_layer) != hidden:
        hint = "" if count is None else (f"; for one value per model in every layer pass "
                                          f"[probs] * {hidden}")
        raise ValueError(f"keep_probs needs one value per hidden layer ({hidden}), "
                         f"got {len(per_layer)}{hint}")
    return [_per_model("keep_prob", p, count, require_probability) for p in per_layer]


def _check_rng(rng, count: int | None):
    if count is None:
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        return rng
    if isinstance(rng, np.random.Generator) or not isinstance(rng, Sequence):
        raise TypeError(f"a grid of {count} models needs one Generator per model "
                        f"(rng=spawn_rngs(seed, {count})), got {type(rng).__name__}")
    if len(rng) != count or not all(isinstance(r, np.random.Generator) for r in rng):
        raise ValueError(f"rng must hold {count} numpy.random.Generators, one per model")
    return rng


def forward(params: dict, X, *, mode: str = "train", keep_probs=None,
            dropout_forward: Callable | None = None, rng=None, activation: str = "relu"):
    """Forward pass: [affine -> activation -> (dropout)] x (L-1) -> affine.

    Returns (scores, caches): scores (n,) for one output unit, (n, C) for C,
    with a leading M for a grid. ``keep_probs`` is a number (every hidden
    layer) or one value per hidden layer, each a number or an (M,) array.
    Dropout runs in ``mode="train"`` after every hidden layer whose keep
    probability is below 1, through ``dropout_forward(A, keep_prob, rng)``;
    ``mode="test"`` turns it off. ``rng`` is a Generator, or one per model.
    ``caches[l]`` is (affine cache, activation cache, dropout cache) of layer
    l + 1; ``caches[-1][0][0]`` is the input of the output layer.
    """
    X = _check_X(params, X)
    mode = _check_choice("mode", mode, ("train", "test"))
    probs = _layer_keep_probs(params, keep_probs)
    rng = _check_dropout(params, mode, probs, dropout_forward, rng)
    return _forward(params, X, mode, probs, dropout_forward, rng, _activation(activation))


def _activation(name: str) -> str:
    return _check_choice("activation", name, ACTIVATIONS)


def _check_dropout(params, mode, probs, dropout_forward, rng):
    """The rng(s), checked, when dropout will run; else whatever was passed."""
    if mode == "train" and any(np.any(np.asarray(p) < 1.0) for p in probs):
        if dropout_forward is None or rng is None:
            raise ValueError("dropout needs both dropout_forward and rng")
        return _check_rng(rng, n_models(params))
    return rng


def _forward(params, X, mode, probs, dropout_forward, rng, activation):
    """``forward`` on validated arguments (the training loop calls it every step)."""
    act_forward, _ = ACTIVATIONS[activation]
    A, caches = X, []
    for layer in range(1, n_layers(params)):
        Z, affine_cache = affine_forward(A, params[f"W{layer}"], params[f"b{layer}"])
        A, act_cache = act_forward(Z)
        A, dropout_cache = dropout_layer_forward(A, {
            "mode": mode, "keep_prob": probs[layer - 1],
            "dropout_forward": dropout_forward, "rng": rng})
        caches.append((affine_cache, act_cache, dropout_cache))
    last = n_layers(params)
    scores, affine_cache = affine_forward(A, params[f"W{last}"], params[f"b{last}"])
    caches.append((affine_cache, None, None))
    return (scores[..., 0] if scores.shape[-1] == 1 else scores), caches


def backward(dscores, caches, *, dropout_backward: Callable | None = None,
             activation: str = "relu") -> dict:
    """Gradients of the data cost for every parameter, from d cost / d scores.

    ``dscores`` has the shape ``forward`` returned; grads are keyed like params.
    """
    _, act_backward = ACTIVATIONS[_activation(activation)]
    grads = {}
    last = len(caches)
    dout = dscores[..., None] if caches[-1][0][1].shape[-1] == 1 else dscores
    dA, grads[f"W{last}"], grads[f"b{last}"] = affine_backward(dout, caches[-1][0])
    for layer in range(last - 1, 0, -1):
        affine_cache, act_cache, dropout_cache = caches[layer - 1]
        dA = dropout_layer_backward(dA, dropout_cache, dropout_backward)
        dZ = act_backward(dA, act_cache)
        dA, grads[f"W{layer}"], grads[f"b{layer}"] = affine_backward(dZ, affine_cache)
    return grads


def reference_l2_grad(dW, W, lambd, m):
    """dW + (lambd / m) W: the gradient of the course's penalty lambd/(2m) ||W||^2."""
    return dW + (lambd / m) * W


def _penalized(params: dict, penalize) -> list[str]:
    keys = [f"W{layer}" for layer in range(1, n_layers(params) + 1)]
    if penalize is None:
        return keys
    chosen = [penalize] if isinstance(penalize, str) else list(penalize)
    unknown = [key for key in chosen if key not in keys]
    if unknown or not chosen:
        raise ValueError(f"penalize must name weight matrices among {keys}, got {penalize!r}")
    return chosen


def _call_l2_grad(fn, dW, W, lambd, m, key):
    result = fn(dW, W, lambd, m)
    if result is None:
        raise TypeError(f"l2_grad returned None for {key}: it must return dW plus the "
                        "penalty's gradient (did you forget a `return`?)")
    result = np.asarray(result, dtype=float)
    if result.shape != dW.shape:
        raise ValueError(f"l2_grad returned shape {result.shape} for {key} of shape {dW.shape}")
    return result


def _add_l2(params, grads, lambd, m, l2_grad, keys, count):
    """The penalty lambd/(2m) sum ||W||^2 (per model); its gradient is added to ``grads``."""
    fn = reference_l2_grad if l2_grad is None else l2_grad
    squares = 0
    for key in keys:
        W = params[key]
        if count is None:
            squares = squares + np.sum(W ** 2)
            grads[key] = _call_l2_grad(fn, grads[key], W, lambd, m, key)
        elif l2_grad is None:  # the reference, vectorized over the models
            squares = squares + np.sum(W ** 2, axis=(-2, -1))
            grads[key] = reference_l2_grad(grads[key], W, lambd[:, None, None], m)
        else:  # one call per model, so the learner's function sees one model's matrices
            squares = squares + np.sum(W ** 2, axis=(-2, -1))
            grads[key] = np.stack([_call_l2_grad(fn, grads[key][k], W[k], float(lambd[k]), m, key)
                                   for k in range(count)])
    return lambd / (2 * m) * squares


def loss_and_grads(params: dict, X, y, *, lambd=0.0, l2_grad: Callable | None = None,
                   penalize=None, keep_probs=None, dropout_forward: Callable | None = None,
                   dropout_backward: Callable | None = None, rng=None,
                   loss: str = "sigmoid_cross_entropy", activation: str = "relu"):
    """Cost J = data cost + lambd/(2m) sum_l ||W_l||_F^2 and its gradients (training mode).

    ``loss`` names the data cost ("sigmoid_cross_entropy", "softmax_cross_entropy",
    "mse"); m is the number of examples. ``l2_grad(dW, W, lambd, m)`` adds the
    penalty's gradient to each penalized weight matrix's (biases never; every W
    unless ``penalize`` names some, e.g. ``("W1",)``); by default the reference
    formula. For a grid it is called once per model with that model's slices.
    ``lambd`` is a number or, for a grid, an (M,) array. Returns (cost, grads):
    cost a float, or (M,); grads keyed like ``params``.
    """
    X = _check_X(params, X)
    setup = _setup(params, loss=loss, activation=activation, lambd=lambd, l2_grad=l2_grad,
                   penalize=penalize, keep_probs=keep_probs, dropout_forward=dropout_forward,
                   dropout_backward=dropout_backward, rng=rng)
    return _loss_and_grads(params, X, _check_labels(params, X, y, loss), setup)


def _setup(params, *, loss, activation, lambd=0.0, l2_grad=None, penalize=None,
           keep_probs=None, dropout_forward=None, dropout_backward=None, rng=None) -> dict:
    """The validated settings of a training-mode pass, checked once per ``train``."""
    count = _check_params(params)
    probs = _layer_keep_probs(params, keep_probs)
    return {
        "count": count, "loss": _check_choice("loss", loss, LOSSES),
        "activation": _activation(activation),
        "lambd": _per_model("lambd", lambd, count, require_nonnegative),
        "l2_grad": l2_grad, "keys": _penalized(params, penalize), "probs": probs,
        "dropout_forward": dropout_forward, "dropout_backward": dropout_backward,
        "rng": _check_dropout(params, "train", probs, dropout_forward, rng),
    }


def _loss_and_grads(params, X, y, setup: dict):
    """``loss_and_grads`` on validated arguments (the training loop calls it every step)."""
    scores, caches = _forward(params, X, "train", setup["probs"], setup["dropout_forward"],
                              setup["rng"], setup["activation"])
    cost, dscores = LOSSES[setup["loss"]](scores, y)
    grads = backward(dscores, caches, dropout_backward=setup["dropout_backward"],
                     activation=setup["activation"])
    lambd = setup["lambd"]
    if np.any(lambd > 0):
        cost = cost + _add_l2(params, grads, lambd, X.shape[-2], setup["l2_grad"],
                              setup["keys"], setup["count"])
    return _cost(cost), grads


def predict(params: dict, X, *, activation: str = "relu") -> np.ndarray:
    """The network's output in test mode (every unit on): scores (n,) or (n, C), M leading."""
    X = _check_X(params, X)
    return _predict(params, X, _activation(activation))


def _predict(params, X, activation):
    return _forward(params, X, "test", [1.0] * (n_layers(params) - 1), None, None, activation)[0]


def predict_proba(params: dict, X, *, activation: str = "relu") -> np.ndarray:
    """Class probabilities in test mode: P(y=1 | x) (n,) for one output unit
    (sigmoid), softmax (n, C) for C outputs; with a leading M for a grid."""
    scores = predict(params, X, activation=activation)
    if np.shape(params[f"W{n_layers(params)}"])[-1] == 1:
        return sigmoid(scores)
    shifted = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def accuracy(params: dict, X, y, *, activation: str = "relu"):
    """Fraction of correct predictions (test mode): a float, or (M,) for a grid."""
    outputs = np.shape(params[f"W{n_layers(params)}"])[-1]
    loss = "sigmoid_cross_entropy" if outputs == 1 else "softmax_cross_entropy"
    X = _check_X(params, X)
    scores = _predict(params, X, _activation(activation))
    return _accuracy(scores, _check_labels(params, X, y, loss), outputs)


def _accuracy(scores, y, outputs: int):
    predicted = scores > 0 if outputs == 1 else scores.argmax(axis=-1)
    return _cost(np.mean(predicted == y, axis=-1))


# ------------------------------------------------------------------------------ training
@dataclass
class NetRun:
    """What ``train`` returns. R records (one every ``record_every`` epochs and
    the last); M models for a grid, where every metric gains a leading M.

    ``cost`` is the objective of the step taken at that epoch (dropout noise
    and penalty included, before the update); the losses and accuracies are
    measured after the update, with every unit on.
    """

    epoch: np.ndarray                    # (R,) epoch of each record
    cost: np.ndarray                     # (R,) or (M, R) training objective J
    train_loss: np.ndarray               # (R,) or (M, R) data loss on the training set
    test_loss: np.ndarray | None         # (R,) or (M, R); None without a test set
    train_acc: np.ndarray | None         # (R,) or (M, R); None for the mse loss
    test_acc: np.ndarray | None          # (R,) or (M, R); None for mse or without a test set
    params: dict                         # the final parameters (the dict passed to train)

    @property
    def n_models(self) -> int | None:
        """M for a grid, None for a single model."""
        return n_models(self.params)

    def model(self, k: int) -> dict:
        """The final parameters of model k of a grid, without the model axis."""
        return model_params(self.params, k)


def _check_regularization(regularization: dict) -> dict:
    allowed = {"lambd", "l2_grad", "penalize", "keep_probs", "dropout_forward",
               "dropout_backward"}
    unknown = sorted(set(regularization) - allowed)
    if unknown:
        raise TypeError(f"train got unexpected keyword argument(s) {unknown}; "
                        f"regularization takes {sorted(allowed)}")
    return regularization


def train(params: dict, X, y, *, epochs: int = 1000, learning_rate: float = 0.01,
          optimizer: str = "adam", optim_config: dict | None = None, X_test=None, y_test=None,
          record_every: int = 10, rng=None, loss: str = "sigmoid_cross_entropy",
          activation: str = "relu", **regularization) -> NetRun:
    """Full-batch training: one update per epoch on the whole training set.

    ``optimizer`` names an update rule of ``utils.optim.UPDATE_RULES`` ("sgd",
    "sgd_momentum", "adam", "adam_keras"); ``optim_config`` sets its other
    hyperparameters (e.g. ``{"epsilon": 1e-8}``), one copy per parameter.
    ``regularization`` goes to ``loss_and_grads`` (``lambd``, ``l2_grad``,
    ``penalize``, ``keep_probs``, ``dropout_forward``, ``dropout_backward``);
    ``rng`` is a Generator, or for a grid one Generator per model
    (``spawn_rngs``). The entries of ``params`` are replaced by the updated
    arrays (the dict you pass ends holding the final weights) and it is
    returned as ``NetRun.params``.
    """
    epochs = require_positive_int("epochs", epochs)
    record_every = require_positive_int("record_every", record_every)
    learning_rate = require_learning_rate(learning_rate)
    update = get_update_rule(optimizer)
    if optim_config is not None and not isinstance(optim_config, dict):
        raise TypeError(f"optim_config must be a dict or None, got {type(optim_config).__name__}")
    setup = _setup(params, loss=loss, activation=activation, rng=rng,
                   **_check_regularization(regularization))
    X = _check_X(params, X)
    y = _check_labels(params, X, y, loss)
    data = [("train", X, y)]
    if X_test is not None or y_test is not None:
        if X_test is None or y_test is None:
            raise ValueError("pass both X_test and y_test, or neither")
        X_test = _check_X(params, X_test, "X_test")
        data.append(("test", X_test, _check_labels(params, X_test, y_test, loss, "y_test")))
    outputs = np.shape(params[f"W{n_layers(params)}"])[-1]
    configs = {key: dict(optim_config or {}, learning_rate=learning_rate) for key in params}
    records = {name: [] for name in ("epoch", "cost", "train_loss", "test_loss",
                                     "train_acc", "test_acc")}
    for epoch in range(1, epochs + 1):
        cost, grads = _loss_and_grads(params, X, y, setup)
        for key, grad in grads.items():
            params[key], configs[key] = update(params[key], grad, configs[key])
        if epoch % record_every == 0 or epoch == epochs:
            records["epoch"].append(epoch)
            records["cost"].append(cost)
            for name, X_set, y_set in data:
                scores = _predict(params, X_set, setup["activation"])
                records[f"{name}_loss"].append(LOSSES[loss](scores, y_set)[0])
                if loss != "mse":
                    records[f"{name}_acc"].append(_accuracy(scores, y_set, outputs))
    stacked = {name: (np.stack(values, axis=-1) if values else None)
               for name, values in records.items()}
    return NetRun(params=params, **stacked)


# ------------------------------------------------------------------------------ gradient check
def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5):
    """Centered-difference gradient of scalar ``f`` at ``x`` (same shape as ``x``).

    ``x`` is perturbed in place and restored, so ``f`` may read it by reference
    (``lambda _: cost(params)`` while ``x`` is ``params["W1"]``). That is why
    ``x`` must be a float64 array: an int array cannot hold x + h (it would be
    truncated back to x, and the "gradient" would be garbage), and float32
    rounds h = 1e-5 away.
    """
    if not isinstance(x, np.ndarray):
        raise TypeError(f"x must be a numpy array (perturbed in place), got {type(x).__name__}")
    if x.dtype != np.float64:
        raise TypeError(f"x must be a float64 array, got dtype {x.dtype}: an int or float32 "
                        "array cannot hold x + h exactly; pass x.astype(float) (and make f "
                        "read that array)")
    if isinstance(h, bool) or not isinstance(h, numbers.Real) or not (0 < h < np.inf):
        raise ValueError(f"h must be a small positive number, got {h!r}")
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        plus = _scalar_value(f, x)
        x[index] = old - h
        minus = _scalar_value(f, x)
        x[index] = old
        grad[index] = (plus - minus) / (2 * h)
    return grad


def _scalar_value(f, x) -> float:
    value = f(x)
    if value is None:
        raise TypeError("f returned None: it must return the scalar cost")
    if np.size(value) != 1:
        raise ValueError(f"f must return a scalar, got shape {np.shape(value)}")
    value = float(np.asarray(value).reshape(()))
    if not np.isfinite(value):
        raise ValueError(f"f returned {value} near x: the cost is not finite there")
    return value


def relative_error(a, b) -> float:
    """||a - b|| / (||a|| + ||b||), the gradient-check score: below ~1e-7 they agree.

    A whole-array ratio rather than an element-wise one, so entries that are
    zero in both (a dead ReLU's bias) do not dominate; 0 when both are zero.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    a, b = np.ravel(a), np.ravel(b)
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)
