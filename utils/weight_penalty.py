"""Chapter 2 (first notebook): L1 and L2 weight penalties, derived.

What the learner does not write: the chapter's exercises' references, catalogues
of mistakes and checks; the forward pass of a three-layer ReLU network built from
``utils.numpy_net``'s layers (its backward pass with L2 is exercise 3); the penalty
conventions of the different libraries as one table of coefficients; a small
sparse-regression problem with a proximal-gradient (ISTA) solver; the L1-vs-L2
geometry drawings and explorer.

Conventions: every L2 convention below is written as ``c * sum(w**2)``; the
course's own (Andrew Ng's notes) is ``lambd / (2 m) * sum ||W||_F^2``.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from utils import numpy_net as nn
from utils.checks import Catalogue, CheckFailed, Mistake, exercise_check, matches
from utils.plotting import COLORS, explorer, explorer_factory, fast_figure
from utils.validation import (
    as_float_array,
    require_binary_labels,
    require_nonnegative,
    require_nonnegative_int,
    require_positive,
    require_positive_int,
    require_same_length,
    require_same_shape,
)


# ------------------------------------------------------------------ references
def _weight_list(name: str, weights) -> list[np.ndarray]:
    """``weights`` as a non-empty list of finite float arrays (a lone array is refused)."""
    if isinstance(weights, np.ndarray) or not isinstance(weights, (list, tuple)):
        raise TypeError(f"{name} must be a list of weight arrays (one per layer), "
                        f"got {type(weights).__name__}")
    if not weights:
        raise ValueError(f"{name} is empty: pass a list with at least one weight array")
    return [as_float_array(f"{name}[{i}]", W) for i, W in enumerate(weights)]


def _finite_number(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
            or np.ndim(value) != 0:
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return float(value)


def reference_compute_cost_with_l2(data_cost, weights, lambd, m) -> float:
    """The course's answer to exercise 1: data_cost + lambd/(2m) sum_l ||W_l||_F^2."""
    data_cost = _finite_number("data_cost", data_cost)
    weights = _weight_list("weights", weights)
    lambd, m = require_nonnegative("lambd", lambd), require_positive_int("m", m)
    return data_cost + lambd / (2 * m) * float(sum(np.sum(W ** 2) for W in weights))


def reference_l2_grad(dW, W, lambd, m) -> np.ndarray:
    """The course's answer to exercise 2: dW + (lambd/m) W, a new array."""
    dW, W = as_float_array("dW", dW), as_float_array("W", W)
    require_same_shape("dW", dW, "W", W)
    lambd, m = require_nonnegative("lambd", lambd), require_positive_int("m", m)
    return dW + (lambd / m) * W


def reference_soft_threshold(w, t) -> np.ndarray:
    """The course's answer to exercise 4: sign(w) max(|w| - t, 0), the proximal step of t|w|."""
    w = as_float_array("w", w)
    t = require_nonnegative("t", t)
    return np.sign(w) * np.maximum(np.abs(w) - t, 0.0)


# ------------------------------------------------------------------ catalogues of mistakes
# Each wrong answer below is what a learner could plausibly write; the check must
# name it with its message (tests/test_catalogues.py runs every one).
def _sq(weights):
    return sum(np.sum(W ** 2) for W in weights)


def _cost_in_place(data_cost, weights, lambd, m):
    total = 0.0
    for W in weights:
        W **= 2
        total += W.sum()
    return data_cost + lambd / (2 * m) * total


COST = Catalogue(
    "compute_cost_with_l2",
    Mistake("no_half", "the penalty is twice too large: did you forget the 1/2 in lambd/(2m)? "
            "(it is there to cancel the 2 of the derivative)",
            lambda dc, ws, lambd, m: dc + lambd / m * _sq(ws)),
    Mistake("no_m", "the penalty is m times too large: did you forget to divide by m "
            "(the number of examples)?",
            lambda dc, ws, lambd, m: dc + lambd / 2 * _sq(ws)),
    Mistake("keras_convention", "both the 1/2 and the 1/m are missing: lambd * sum w^2 is "
            "Keras's l2(lambd) convention, the course's is lambd/(2m) * sum w^2.",
            lambda dc, ws, lambd, m: dc + lambd * _sq(ws)),
    Mistake("lambd_over_2_times_m", "`lambd / 2 * m` multiplies by m (Python reads it as "
            "(lambd / 2) * m): write `lambd / (2 * m)`.",
            lambda dc, ws, lambd, m: dc + lambd / 2 * m * _sq(ws)),
    Mistake("l1_penalty", "you summed |w| (the L1 penalty): the L2 penalty sums w**2.",
            lambda dc, ws, lambd, m: dc + lambd / (2 * m) * sum(np.sum(np.abs(W)) for W in ws)),
    Mistake("norm_not_squared", "you added the Frobenius norms without squaring them: the "
            "penalty is ||W||_F^2 = np.sum(W ** 2) per layer.",
            lambda dc, ws, lambd, m: dc + lambd / (2 * m) * sum(np.linalg.norm(W) for W in ws)),
    Mistake("first_layer_only", "only the first layer is penalized: add the squared norms of "
            "every matrix in weights.",
            lambda dc, ws, lambd, m: dc + lambd / (2 * m) * np.sum(ws[0] ** 2)),
    Mistake("last_layer_only", "only the last layer is penalized: add the squared norms of "
            "every matrix in weights.",
            lambda dc, ws, lambd, m: dc + lambd / (2 * m) * np.sum(ws[-1] ** 2)),
    Mistake("skipped_first_layer", "the first layer is missing from the penalty (weights[1:]?): "
            "the sum runs over every matrix, weights[0] included.",
            lambda dc, ws, lambd, m: dc + lambd / (2 * m) * _sq(ws[1:])),
    Mistake("no_data_cost", "you returned the penalty alone: the function returns the whole "
            "cost J, data_cost plus the penalty.",
            lambda dc, ws, lambd, m: lambd / (2 * m) * _sq(ws)),
    Mistake("mean_not_sum", "you averaged the squares (np.mean) instead of summing them.",
            lambda dc, ws, lambd, m: dc + lambd / (2 * m) * sum(np.mean(W ** 2) for W in ws)),
    Mistake("per_layer_not_summed", "you returned one cost per layer: add the layers' squared "
            "norms up into one number.",
            lambda dc, ws, lambd, m: dc + lambd / (2 * m) * np.array([np.sum(W ** 2)
                                                                      for W in ws])),
    Mistake("one_array_sum", "your code treats weights as one array, which fails when the "
            "layers have different shapes: sum each matrix separately, "
            "sum(np.sum(W ** 2) for W in weights).",
            lambda dc, ws, lambd, m: dc + lambd / (2 * m) * np.sum(np.square(ws))),
    Mistake("mutated_input", answer=_cost_in_place),
    Mistake("not_numeric", answer=lambda dc, ws, lambd, m: "J"),
    Mistake("wrong_shape", answer=lambda dc, ws, lambd, m: np.full(2, dc + lambd / (2 * m)
                                                                   * _sq(ws))),
    Mistake("wrong_value", answer=lambda dc, ws, lambd, m: dc + lambd / (2 * m) * _sq(ws) + 0.1),
)


def _grad_in_place(dW, W, lambd, m):
    dW += (lambd / m) * W
    return dW


def _grad_returns_dW_when_no_penalty(dW, W, lambd, m):
    if lambd == 0:
        return dW
    return dW + (lambd / m) * W


GRAD = Catalogue(
    "l2_grad",
    Mistake("factor_2_over_m", "the penalty's gradient is twice too large: "
            "d/dW [lambd/(2m) ||W||^2] = (lambd/m) W, the 2 cancels the 1/2.",
            lambda dW, W, lambd, m: dW + 2 * lambd / m * W),
    Mistake("no_m", "the penalty's gradient is m times too large: did you forget to divide "
            "by m?", lambda dW, W, lambd, m: dW + lambd * W),
    Mistake("half_factor", "the factor is lambd/(2m): the 2 of the derivative cancels the 1/2, "
            "leaving lambd/m.", lambda dW, W, lambd, m: dW + lambd / (2 * m) * W),
    Mistake("wrong_sign", "wrong sign: the penalty's gradient (lambd/m) W is added to dW "
            "(the update then subtracts the whole gradient).",
            lambda dW, W, lambd, m: dW - lambd / m * W),
    Mistake("l1_sign", "sign(W) is the L1 penalty's (sub)gradient; the L2 penalty's gradient "
            "is (lambd/m) * W itself.", lambda dW, W, lambd, m: dW + lambd / m * np.sign(W)),
    Mistake("no_data_gradient", "you returned the penalty's gradient alone: return dW plus "
            "(lambd/m) * W.", lambda dW, W, lambd, m: lambd / m * W),
    Mistake("penalized_dW", "you added (lambd/m) * dW: the penalty's gradient is (lambd/m) "
            "times the weights W, not times the data gradient.",
            lambda dW, W, lambd, m: dW + lambd / m * dW),
    Mistake("returned_update", "you returned an updated W (W minus a step): l2_grad returns "
            "the gradient dW + (lambd/m) * W, the update happens elsewhere.",
            lambda dW, W, lambd, m: W - 0.01 * (dW + lambd / m * W)),
    Mistake("returned_dW_itself", "with lambd=0 you returned the dW you were given, not a new "
            "array: a caller that changes the result would change its dW too; return "
            "dW + (lambd / m) * W for every lambd.", _grad_returns_dW_when_no_penalty),
    Mistake("mutated_input", answer=_grad_in_place),
    Mistake("not_numeric", answer=lambda dW, W, lambd, m: "gradient"),
    Mistake("wrong_shape", answer=lambda dW, W, lambd, m: np.sum(dW + lambd / m * W, axis=0)),
    Mistake("wrong_value", answer=lambda dW, W, lambd, m: dW + lambd / m * W + 0.01),
)


def _soft_in_place(w, t):
    w[np.abs(w) <= t] = 0.0
    w -= t * np.sign(w)
    return w


def _soft_vector_only(w, t):
    return np.array([np.sign(v) * max(abs(v) - t, 0.0) for v in w])


def _soft_flattened(w, t):
    return np.array([np.sign(v) * max(abs(v) - t, 0.0) for v in np.ravel(w)])


def _soft(w, t):
    return np.sign(w) * np.maximum(np.abs(w) - t, 0.0)


SOFT = Catalogue(
    "soft_threshold",
    Mistake("no_negative_side", "negative weights should move up towards 0 too: "
            "sign(w) * max(|w| - t, 0), not max(w - t, 0).",
            lambda w, t: np.maximum(w - t, 0.0)),
    Mistake("crosses_zero", "weights smaller than t crossed zero: clip at 0 with "
            "max(|w| - t, 0) instead of computing w - t * sign(w).",
            lambda w, t: w - t * np.sign(w)),
    Mistake("l2_shrink", "this is the L2 step w / (1 + t), which never gives exact zeros.",
            lambda w, t: w / (1 + t)),
    Mistake("hard_threshold", "this is hard thresholding (keep w when |w| > t, else 0): the L1 "
            "step also moves the surviving weights by t towards 0.",
            lambda w, t: w * (np.abs(w) > t)),
    Mistake("sign_lost", "negative weights came out positive: multiply max(|w| - t, 0) by "
            "np.sign(w) to put the sign back.", lambda w, t: np.maximum(np.abs(w) - t, 0.0)),
    Mistake("elastic_mix", "you also divided by (1 + t): that is the elastic-net step (L1 "
            "then the L2 shrink); soft_threshold is the L1 step alone.",
            lambda w, t: _soft(w, t) / (1 + t)),
    Mistake("half_threshold", "the threshold is t, not t/2: the L1 penalty t|w| has no square, "
            "so no 1/2 to cancel.", lambda w, t: _soft(w, t / 2)),
    Mistake("vector_only", "soft_threshold works on a vector but fails on a (2, 7) matrix: "
            "use element-wise NumPy (np.sign, np.abs, np.maximum) so that any shape works.",
            _soft_vector_only),
    Mistake("mutated_input", answer=_soft_in_place),
    Mistake("not_numeric", answer=lambda w, t: "w"),
    Mistake("wrong_shape", answer=_soft_flattened),
    Mistake("wrong_value", answer=lambda w, t: _soft(w, t) + 0.01),
)


# ------------------------------------------------------------------ checks
_RNG = np.random.default_rng(20)
_WEIGHTS = (_RNG.normal(0, 1, (3, 4)), _RNG.normal(0, 1, (4, 2)), _RNG.normal(0, 1, (2, 1)))
_SAME_SHAPE_WEIGHTS = (np.array([[1.0, -2.0], [0.5, 3.0]]), np.array([[2.0, 0.0], [-1.0, 1.5]]))
_DATA_COST, _LAMBD, _M = 0.6931, 0.7, 5


def _retry_after_raised(failure: CheckFailed, retry: Callable[[], object], expected) -> object:
    """When the learner's function raised, run ``retry`` (the same function on easier
    input); returns its result if it is right there, else re-raises ``failure``."""
    if failure.mistake != "raised":
        raise failure
    try:
        result = retry()
    except CheckFailed:
        raise failure from None
    if not (np.shape(result) == np.shape(expected) and np.allclose(result, expected)):
        raise failure
    return result


@exercise_check("data cost + lambd/(2m) times the squared Frobenius norms of every layer.",
                catalogue=COST, reference=reference_compute_cost_with_l2)
def check_compute_cost_with_l2(compute_cost_with_l2: Callable) -> None:
    """Check ``compute_cost_with_l2(data_cost, weights, lambd, m)`` on three layers of
    different shapes."""
    weights = [W.copy() for W in _WEIGHTS]
    dc, lambd, m = _DATA_COST, _LAMBD, _M
    per_layer = np.array([np.sum(W ** 2) for W in weights])
    c = lambd / (2 * m)
    right = dc + c * per_layer.sum()
    try:
        got = compute_cost_with_l2(dc, weights, lambd, m)
    except CheckFailed as failure:  # fails only when the layers' shapes differ?
        same = list(_SAME_SHAPE_WEIGHTS)
        _retry_after_raised(failure, lambda: compute_cost_with_l2(dc, same, lambd, m),
                            dc + c * _sq(same))
        COST.fail("one_array_sum")
    what = f"the cost J (one number) for lambd={lambd}, m={m} and three layers"
    COST.close(got, right, what=what, candidates={
        "no_half": dc + lambd / m * per_layer.sum(),
        "no_m": dc + lambd / 2 * per_layer.sum(),
        "keras_convention": dc + lambd * per_layer.sum(),
        "lambd_over_2_times_m": dc + lambd / 2 * m * per_layer.sum(),
        "l1_penalty": dc + c * sum(np.sum(np.abs(W)) for W in weights),
        "norm_not_squared": dc + c * sum(np.linalg.norm(W) for W in weights),
        "first_layer_only": dc + c * per_layer[0],
        "last_layer_only": dc + c * per_layer[-1],
        "skipped_first_layer": dc + c * per_layer[1:].sum(),
        "no_data_cost": c * per_layer.sum(),
        "mean_not_sum": dc + c * sum(np.mean(W ** 2) for W in weights),
        "per_layer_not_summed": dc + c * per_layer,
    })


def _update_coefficients(got, W, dW):
    """(a, b) when ``got`` is exactly a W + b dW, else None."""
    basis = np.column_stack([np.ravel(W), np.ravel(dW)])
    try:
        target = np.asarray(got, dtype=float).ravel()
    except (TypeError, ValueError):
        return None
    if target.shape != (basis.shape[0],):
        return None
    coefficients, *_ = np.linalg.lstsq(basis, target, rcond=None)
    if not np.allclose(basis @ coefficients, target, rtol=1e-6, atol=1e-9):
        return None
    return coefficients


@exercise_check("dW + (lambd/m) W, a new array even when lambd is 0.",
                catalogue=GRAD, reference=reference_l2_grad)
def check_l2_grad(l2_grad: Callable) -> None:
    """Check ``l2_grad(dW, W, lambd, m) -> dW + (lambd/m) W`` (a new array)."""
    rng = np.random.default_rng(3)
    W, dW = rng.normal(0, 1, (4, 3)), rng.normal(0, 0.1, (4, 3))
    lambd, m = 0.7, 5
    got = l2_grad(dW, W, lambd, m)
    coefficients = _update_coefficients(got, W, dW)
    GRAD.expect(coefficients is None or not (abs(coefficients[0] - 1) < 0.5
                                             and coefficients[1] < 0), "returned_update")
    GRAD.close(got, dW + lambd / m * W, what=f"l2_grad for lambd={lambd}, m={m}", candidates={
        "factor_2_over_m": dW + 2 * lambd / m * W,
        "no_m": dW + lambd * W,
        "half_factor": dW + lambd / (2 * m) * W,
        "wrong_sign": dW - lambd / m * W,
        "l1_sign": dW + lambd / m * np.sign(W),
        "no_data_gradient": lambd / m * W,
        "penalized_dW": dW + lambd / m * dW,
    })
    got_zero = l2_grad(dW, W, 0.0, m)
    GRAD.close(got_zero, dW, what="l2_grad with lambd=0 (it should equal dW)")
    given_dW = l2_grad.received[0]  # the copy of dW the learner's function was handed
    GRAD.expect(not np.shares_memory(np.asarray(got_zero), given_dW), "returned_dW_itself")


@exercise_check("sign(w) max(|w| - t, 0): small weights become exactly 0, the rest move by t.",
                catalogue=SOFT, reference=reference_soft_threshold)
def check_soft_threshold(soft_threshold: Callable) -> None:
    """Check ``soft_threshold(w, t) -> sign(w) * max(|w| - t, 0)`` element-wise, any shape."""
    w = np.array([-2.0, -0.5, -0.1, 0.0, 0.05, 0.3, 1.5])
    t = 0.4
    right = _soft(w, t)
    SOFT.close(soft_threshold(w, t), right, what=f"soft_threshold(w, t={t})", candidates={
        "no_negative_side": np.maximum(w - t, 0.0),
        "crosses_zero": w - t * np.sign(w),
        "l2_shrink": w / (1 + t),
        "hard_threshold": w * (np.abs(w) > t),
        "sign_lost": np.maximum(np.abs(w) - t, 0.0),
        "elastic_mix": right / (1 + t),
        "half_threshold": _soft(w, t / 2),
    })
    SOFT.close(soft_threshold(w, 0.0), w, what="soft_threshold with t=0 (it should return w)")
    matrix = np.tile(w, (2, 1))
    try:
        got_matrix = soft_threshold(matrix, t)
    except CheckFailed as failure:
        if failure.mistake != "raised":
            raise
        SOFT.fail("vector_only")
    SOFT.close(got_matrix, np.tile(right, (2, 1)), what="soft_threshold on a (2, 7) matrix")


# ------------------------------------------------------------------ exercise 3: the backward pass
# A 3-layer ReLU network written from the course's CS231n-style layers; the learner
# writes its backward pass with the L2 penalty's gradients.
_LAYER_KEYS = ("W1", "b1", "W2", "b2", "W3", "b3")
_WEIGHT_KEYS = ("W1", "W2", "W3")


def _three_layer_params(params) -> dict:
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of arrays W1, b1, W2, b2, W3, b3, "
                        f"got {type(params).__name__}")
    if sorted(params) != sorted(_LAYER_KEYS):
        raise ValueError(f"params must hold exactly W1, b1, W2, b2, W3, b3, got {sorted(params)}")
    if nn.n_models(params) is not None:  # validates every shape; a grid is refused
        raise ValueError("params must be one network's parameters (no model axis)")
    if np.shape(params["W3"])[-1] != 1:
        raise ValueError(f"W3 must have one output column, got shape {np.shape(params['W3'])}")
    return {key: np.asarray(value, dtype=float) for key, value in params.items()}


def three_layer_forward(X, params):
    """Forward pass of affine -> ReLU -> affine -> ReLU -> affine, one output unit.

    ``X`` (n, d); ``params`` W1 (d, h1), b1 (h1,), W2 (h1, h2), b2 (h2,), W3 (h2, 1),
    b3 (1,). Returns ``(scores, caches)``: scores (n,), and
    ``caches = (fc1, relu1, fc2, relu2, fc3)``, each layer's cache exactly as its
    ``affine_forward`` / ``relu_forward`` returned it, in forward order
    (fc caches are ``(x, w)``, relu caches the pre-activation ``z``).
    """
    params = _three_layer_params(params)
    X = as_float_array("X", X, ndim=2, allow_empty=False)
    if X.shape[1] != params["W1"].shape[0]:
        raise ValueError(f"X has {X.shape[1]} columns but W1 expects {params['W1'].shape[0]}")
    Z1, fc1 = nn.affine_forward(X, params["W1"], params["b1"])
    A1, relu1 = nn.relu_forward(Z1)
    Z2, fc2 = nn.affine_forward(A1, params["W2"], params["b2"])
    A2, relu2 = nn.relu_forward(Z2)
    scores, fc3 = nn.affine_forward(A2, params["W3"], params["b3"])
    return scores[:, 0], (fc1, relu1, fc2, relu2, fc3)


def _check_caches(caches):
    if not isinstance(caches, (tuple, list)) or len(caches) != 5:
        raise TypeError("caches must be the 5 caches (fc1, relu1, fc2, relu2, fc3) that "
                        "three_layer_forward returned")
    return caches


def reference_backward_with_l2(dscores, caches, params, lambd, m) -> dict:
    """The course's answer to exercise 3: the data gradients by backprop through the
    cached layers, plus (lambd/m) W on each weight matrix (biases unpenalized)."""
    dscores = as_float_array("dscores", dscores, ndim=1)
    fc1, relu1, fc2, relu2, fc3 = _check_caches(caches)
    params = _three_layer_params(params)
    lambd, m = require_nonnegative("lambd", lambd), require_positive_int("m", m)
    grads = {}
    dA2, grads["W3"], grads["b3"] = nn.affine_backward(dscores[:, None], fc3)
    dA1, grads["W2"], grads["b2"] = nn.affine_backward(nn.relu_backward(dA2, relu2), fc2)
    _, grads["W1"], grads["b1"] = nn.affine_backward(nn.relu_backward(dA1, relu1), fc1)
    for key in _WEIGHT_KEYS:
        grads[key] = grads[key] + lambd / m * params[key]
    return grads


def _backprop(dscores, caches, relu_grad=nn.relu_backward, swap=False) -> dict:
    """Data gradients of the three-layer net, with a chosen (possibly wrong) ReLU step."""
    fc1, relu1, fc2, relu2, fc3 = caches
    if swap:
        relu1, relu2 = relu2, relu1
    grads = {}
    dA2, grads["W3"], grads["b3"] = nn.affine_backward(np.reshape(dscores, (-1, 1)), fc3)
    dA1, grads["W2"], grads["b2"] = nn.affine_backward(relu_grad(dA2, relu2), fc2)
    _, grads["W1"], grads["b1"] = nn.affine_backward(relu_grad(dA1, relu1), fc1)
    return grads


def _penalize(grads, params, factor, keys=_WEIGHT_KEYS, biases=False) -> dict:
    out = dict(grads)
    for key in keys:
        out[key] = grads[key] + factor * params[key]
    if biases:
        for key in ("b1", "b2", "b3"):
            out[key] = grads[key] + factor * params[key]
    return out


def _no_relu(dA, z):
    return dA


def _relu_value(dA, z):
    return dA * np.maximum(z, 0.0)


def _flat_dscores(dscores, caches, params, lambd, m):
    fc1, relu1, fc2, relu2, fc3 = caches
    grads = {}
    dA2, grads["W3"], grads["b3"] = nn.affine_backward(dscores, fc3)  # (n,), not (n, 1)
    dA1, grads["W2"], grads["b2"] = nn.affine_backward(nn.relu_backward(dA2, relu2), fc2)
    _, grads["W1"], grads["b1"] = nn.affine_backward(nn.relu_backward(dA1, relu1), fc1)
    return _penalize(grads, params, lambd / m)


def _decay_params_in_place(dscores, caches, params, lambd, m):
    grads = _backprop(dscores, caches)
    for key in _WEIGHT_KEYS:
        W = params[key]
        W *= lambd / m              # scales the caller's weights
        grads[key] = grads[key] + W
    return grads


def _as_tuple(dscores, caches, params, lambd, m):
    grads = _penalize(_backprop(dscores, caches), params, lambd / m)
    return tuple(grads[key] for key in _LAYER_KEYS)


BACKWARD = Catalogue(
    "backward_with_l2",
    Mistake("flat_dscores", "affine_backward needs dout of shape (n, 1) for the one-unit "
            "output layer: reshape dscores, `dscores[:, None]` (or `.reshape(-1, 1)`), before "
            "the first affine_backward.", _flat_dscores),
    Mistake("not_a_dict", "return the gradients as a dict keyed like params, "
            "{'W1': dW1, 'b1': db1, ..., 'b3': db3}, not a {got_type}.", _as_tuple),
    Mistake("missing_keys", "the returned dict lacks {missing}: return the gradient of every "
            "parameter, W1, b1, W2, b2, W3 and b3.",
            lambda ds, cs, p, lambd, m: {k: v for k, v in _penalize(
                _backprop(ds, cs), p, lambd / m).items() if k.startswith("W")}),
    Mistake("skipped_relu_backward", "with lambd=0 {what} is what you get when dA goes straight "
            "into affine_backward: pass it through relu_backward first (dZ = dA where Z > 0).",
            lambda ds, cs, p, lambd, m: _penalize(_backprop(ds, cs, _no_relu), p, lambd / m)),
    Mistake("relu_value_not_slope", "with lambd=0 {what} is wrong: you multiplied dA by the "
            "activation ReLU(Z); the ReLU's derivative is the 0/1 mask (Z > 0).",
            lambda ds, cs, p, lambd, m: _penalize(_backprop(ds, cs, _relu_value), p, lambd / m)),
    Mistake("swapped_relu_caches", "with lambd=0 {what} is wrong: the ReLU caches are swapped; "
            "going backward, the gradient reaching W2 passes relu2 (layer 2's Z), the one "
            "reaching W1 passes relu1.",
            lambda ds, cs, p, lambd, m: _penalize(_backprop(ds, cs, swap=True), p, lambd / m)),
    Mistake("no_penalty", "your gradients are the data gradients alone (right for lambd=0): "
            "add (lambd/m) * W to the gradient of each weight matrix.",
            lambda ds, cs, p, lambd, m: _backprop(ds, cs)),
    Mistake("last_layer_only", "only W3's gradient has the penalty term: the penalty sums over "
            "every layer, so dW1 and dW2 get + (lambd/m) W too.",
            lambda ds, cs, p, lambd, m: _penalize(_backprop(ds, cs), p, lambd / m, ("W3",))),
    Mistake("last_layer_skipped", "W1 and W2 are penalized but W3 is not (did your loop stop "
            "one layer early? range(1, 3) is 1, 2): the penalty covers every weight matrix.",
            lambda ds, cs, p, lambd, m: _penalize(_backprop(ds, cs), p, lambd / m,
                                                  ("W1", "W2"))),
    Mistake("no_m", "the penalty term in {what} is m times too large: the gradient of "
            "lambd/(2m) ||W||^2 is (lambd/m) W, divide by m.",
            lambda ds, cs, p, lambd, m: _penalize(_backprop(ds, cs), p, lambd)),
    Mistake("factor_2_over_m", "the penalty term in {what} is twice too large: the 2 of the "
            "square cancels the 1/2 of lambd/(2m), leaving (lambd/m) W.",
            lambda ds, cs, p, lambd, m: _penalize(_backprop(ds, cs), p, 2 * lambd / m)),
    Mistake("half_factor", "the penalty term in {what} is half what it should be: the "
            "gradient of lambd/(2m) ||W||^2 is (lambd/m) W, not (lambd/(2m)) W.",
            lambda ds, cs, p, lambd, m: _penalize(_backprop(ds, cs), p, lambd / (2 * m))),
    Mistake("wrong_sign", "the penalty term in {what} has the wrong sign: (lambd/m) W is "
            "added to the data gradient, not subtracted.",
            lambda ds, cs, p, lambd, m: _penalize(_backprop(ds, cs), p, -lambd / m)),
    Mistake("bias_penalized", "{what} has a penalty term: the penalty sums the weight matrices "
            "only, so each db is the data gradient alone.",
            lambda ds, cs, p, lambd, m: _penalize(_backprop(ds, cs), p, lambd / m,
                                                  biases=True)),
    Mistake("mutated_input", answer=_decay_params_in_place),
    Mistake("not_numeric", answer=lambda ds, cs, p, lambd, m: {k: "grad" for k in _LAYER_KEYS}),
    Mistake("wrong_shape", answer=lambda ds, cs, p, lambd, m: {
        k: np.ravel(v) for k, v in _penalize(_backprop(ds, cs), p, lambd / m).items()}),
    Mistake("wrong_value", answer=lambda ds, cs, p, lambd, m: {
        k: v + 0.01 for k, v in _penalize(_backprop(ds, cs), p, lambd / m).items()}),
)


def _backward_problem(seed: int = 9):
    """The check's network: 3 -> 4 -> 4 -> 1 with non-zero biases, 6 examples. With
    seed 9 every pre-activation is at least 0.1 away from the ReLU's kink (so centered
    differences are exact to ~1e-10) and every hidden unit is on for some examples and
    off for others (so a wrong ReLU mask changes the gradients)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(0, 1, (6, 3))
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0])
    params = nn.init_params([3, 4, 4, 1], rng)
    for key in ("b1", "b2", "b3"):
        params[key] = rng.normal(0, 0.5, params[key].shape)
    return X, y, params


def _cost_with_l2(X, y, params, lambd):
    scores, _ = three_layer_forward(X, params)
    data_cost, _ = nn.sigmoid_cross_entropy(scores, y)
    return data_cost + lambd / (2 * len(X)) * sum(np.sum(params[k] ** 2) for k in _WEIGHT_KEYS)


def numerical_gradients(X, y, params, lambd) -> dict:
    """Centered-difference gradients of the L2-regularized cost of ``three_layer_forward``
    (sigmoid cross-entropy + lambd/(2m) sum ||W||^2) for every parameter."""
    params = {key: value.copy() for key, value in _three_layer_params(params).items()}
    X = as_float_array("X", X, ndim=2, allow_empty=False)
    y = require_binary_labels("y", as_float_array("y", y, ndim=1))
    require_same_length("X", X, "y", y)
    lambd = require_nonnegative("lambd", lambd)
    return {key: nn.numerical_gradient(lambda _: _cost_with_l2(X, y, params, lambd), params[key])
            for key in _LAYER_KEYS}


def _params_changed(original: dict, given) -> bool:
    return not isinstance(given, dict) or any(
        not (isinstance(given.get(k), np.ndarray) and given[k].shape == v.shape
             and np.array_equal(given[k], v)) for k, v in original.items())


@exercise_check("backprop through the cached layers, plus (lambd/m) W on every weight matrix "
                "and nothing on the biases: it agrees with the numerical gradient.",
                catalogue=BACKWARD, reference=reference_backward_with_l2)
def check_backward_with_l2(backward_with_l2: Callable) -> None:
    """Check ``backward_with_l2(dscores, caches, params, lambd, m) -> grads`` against the
    numerical gradient of the regularized cost, with lambd = 0 first (backprop alone)."""
    X, y, params = _backward_problem()
    m = len(X)
    scores, caches = three_layer_forward(X, params)
    _, dscores = nn.sigmoid_cross_entropy(scores, y)
    for lambd in (0.0, 0.7):
        numeric = numerical_gradients(X, y, params, lambd)
        try:
            grads = backward_with_l2(dscores, caches, params, lambd, m)
        except CheckFailed as failure:  # does it run when dscores comes as (n, 1)?
            _name_flat_dscores(failure, lambda lambd=lambd: backward_with_l2(
                dscores[:, None], caches, params, lambd, m), numeric)
        BACKWARD.expect(not _params_changed(params, backward_with_l2.received[2]),
                        "mutated_input", name=backward_with_l2.__name__, argument="params")
        BACKWARD.expect(isinstance(grads, dict), "not_a_dict", got_type=type(grads).__name__)
        missing = [key for key in _LAYER_KEYS if key not in grads]
        BACKWARD.expect(not missing, "missing_keys", missing=", ".join(missing))
        _close_grads(grads, numeric, dscores, caches, params, lambd, m)


def _name_flat_dscores(failure: CheckFailed, retry: Callable[[], object], numeric) -> None:
    """Name ``flat_dscores`` when an answer that raised works once dscores is (n, 1);
    else re-raise the original failure."""
    if failure.mistake != "raised":
        raise failure
    try:
        retried = retry()
    except CheckFailed:
        raise failure from None
    if isinstance(retried, dict) and all(key in retried and matches(retried[key], numeric[key])
                                         for key in _LAYER_KEYS):
        BACKWARD.fail("flat_dscores")
    raise failure


def _close_grads(grads, numeric, dscores, caches, params, lambd, m) -> None:
    data = _backprop(dscores, caches)
    if lambd == 0:  # backprop alone: the ReLU step's mistakes show in W2, b2, W1, b1
        wrong = {"skipped_relu_backward": _backprop(dscores, caches, _no_relu),
                 "relu_value_not_slope": _backprop(dscores, caches, _relu_value),
                 "swapped_relu_caches": _backprop(dscores, caches, swap=True)}
        for key in ("W3", "b3", "W2", "b2", "W1", "b1"):
            BACKWARD.close(grads[key], numeric[key], what=f"grads['{key}']",
                           candidates={k: g[key] for k, g in wrong.items()})
        return
    right = {key: data[key] + lambd / m * params[key] for key in _WEIGHT_KEYS}
    penalized = [matches(grads[key], right[key]) for key in _WEIGHT_KEYS]
    bare = [matches(grads[key], data[key]) for key in _WEIGHT_KEYS]
    BACKWARD.expect(not all(bare), "no_penalty")
    BACKWARD.expect(not (bare[0] and bare[1] and penalized[2]), "last_layer_only")
    BACKWARD.expect(not (penalized[0] and penalized[1] and bare[2]), "last_layer_skipped")
    for key in ("W1", "W2", "W3"):
        what = f"grads['{key}'] (lambd={lambd})"
        BACKWARD.close(grads[key], numeric[key], what=what, candidates={
            "no_m": data[key] + lambd * params[key],
            "factor_2_over_m": data[key] + 2 * lambd / m * params[key],
            "half_factor": data[key] + lambd / (2 * m) * params[key],
            "wrong_sign": data[key] - lambd / m * params[key]})
    for key in ("b1", "b2", "b3"):
        BACKWARD.close(grads[key], numeric[key], what=f"grads['{key}']", candidates={
            "bias_penalized": data[key] + lambd / m * params[key]})


# ------------------------------------------------------------------ exercise 5: the ISTA step
def reference_ista_step(w, grad, learning_rate, lambd, soft_threshold) -> np.ndarray:
    """The course's answer to exercise 5: a gradient step on the smooth loss, then the
    proximal step of learning_rate * lambd * |w|, soft_threshold(v, learning_rate * lambd)."""
    w, grad = as_float_array("w", w), as_float_array("grad", grad)
    require_same_shape("w", w, "grad", grad)
    learning_rate, lambd = require_positive("learning_rate", learning_rate), \
        require_nonnegative("lambd", lambd)
    if not callable(soft_threshold):
        raise TypeError(f"soft_threshold must be a function (w, t) -> array, "
                        f"got {type(soft_threshold).__name__}")
    return _call_prox(soft_threshold, w - learning_rate * grad, learning_rate * lambd)


def _ista_in_place(w, grad, learning_rate, lambd, soft_threshold):
    w -= learning_rate * grad
    return soft_threshold(w, learning_rate * lambd)


ISTA = Catalogue(
    "ista_step",
    Mistake("threshold_not_scaled", "the threshold is learning_rate * lambd, not lambd: a step "
            "of size learning_rate on lambd |w| moves each weight by at most learning_rate * "
            "lambd.", lambda w, g, lr, lambd, prox: prox(w - lr * g, lambd)),
    Mistake("threshold_without_lambd", "the threshold is learning_rate * lambd: you passed the "
            "learning rate alone.", lambda w, g, lr, lambd, prox: prox(w - lr * g, lr)),
    Mistake("no_gradient_step", "you thresholded w itself: first take the gradient step "
            "v = w - learning_rate * grad, then soft_threshold(v, learning_rate * lambd).",
            lambda w, g, lr, lambd, prox: prox(w, lr * lambd)),
    Mistake("threshold_then_step", "you thresholded before the gradient step: the weights set "
            "to 0 move off 0 again; step first, then soft_threshold.",
            lambda w, g, lr, lambd, prox: prox(w, lr * lambd) - lr * g),
    Mistake("gradient_ascent", "the gradient step goes the wrong way: v = w - learning_rate * "
            "grad (downhill).", lambda w, g, lr, lambd, prox: prox(w + lr * g, lr * lambd)),
    Mistake("subgradient_step", "this is the subgradient step w - lr (grad + lambd sign(w)), "
            "which never lands exactly on 0: the ISTA step calls soft_threshold on "
            "w - learning_rate * grad instead.",
            lambda w, g, lr, lambd, prox: w - lr * (g + lambd * np.sign(w))),
    Mistake("l2_shrink", "you divided by (1 + learning_rate * lambd): that is the proximal "
            "step of the L2 penalty; the L1 step is soft_threshold.",
            lambda w, g, lr, lambd, prox: (w - lr * g) / (1 + lr * lambd)),
    Mistake("mutated_input", answer=_ista_in_place),
    Mistake("not_numeric", answer=lambda w, g, lr, lambd, prox: "w"),
    Mistake("wrong_shape", answer=lambda w, g, lr, lambd, prox: np.ravel(
        prox(w - lr * g, lr * lambd))),
    Mistake("wrong_value", answer=lambda w, g, lr, lambd, prox: prox(w - lr * g, lr * lambd)
            + 0.01),
)


@exercise_check("a gradient step, then soft_threshold with the threshold learning_rate * "
                "lambd: weights that land near 0 become exactly 0.",
                catalogue=ISTA, reference=reference_ista_step)
def check_ista_step(ista_step: Callable) -> None:
    """Check ``ista_step(w, grad, learning_rate, lambd, soft_threshold)`` on a (3, 4) weight
    matrix, with the course's soft_threshold passed in."""
    prox = reference_soft_threshold
    w = np.array([[0.9, -0.05, 0.3, -1.2], [0.02, 0.6, -0.35, 0.0], [-0.7, 0.12, 1.5, -0.2]])
    grad = np.array([[0.4, -0.3, 0.5, -0.6], [0.1, 0.8, 0.2, 0.3], [-0.5, 0.25, 0.9, 0.7]])
    for learning_rate, lambd in ((0.5, 0.3), (0.1, 0.0)):
        v = w - learning_rate * grad
        got = ista_step(w, grad, learning_rate, lambd, prox)
        ISTA.close(got, _soft(v, learning_rate * lambd),
                   what=f"ista_step with learning_rate={learning_rate}, lambd={lambd}",
                   candidates={
                       "threshold_not_scaled": _soft(v, lambd),
                       "threshold_without_lambd": _soft(v, learning_rate),
                       "no_gradient_step": _soft(w, learning_rate * lambd),
                       "threshold_then_step": _soft(w, learning_rate * lambd) - learning_rate
                       * grad,
                       "gradient_ascent": _soft(w + learning_rate * grad, learning_rate * lambd),
                       "subgradient_step": w - learning_rate * (grad + lambd * np.sign(w)),
                       "l2_shrink": v / (1 + learning_rate * lambd),
                   })


# ------------------------------------------------------------------ conventions
CONVENTIONS = {
    "course notes": ("lambd/(2m) * sum w^2", "lambd / (2 m)"),
    "d2l": ("lambd/2 * sum w^2", "lambd / 2"),
    "keras l2": ("lambd * sum w^2", "lambd"),
    "tf.nn.l2_loss": ("lambd * sum w^2 / 2", "lambd / 2"),
    "pytorch weight_decay": ("gradient += lambd * w", "lambd / 2"),
}


def _convention(name: str, value) -> str:
    if not isinstance(value, str) or value not in CONVENTIONS:
        raise ValueError(f"{name} must be one of {list(CONVENTIONS)}, got {value!r}")
    return value


def l2_coefficient(convention: str, lambd: float, m: int | None = None) -> float:
    """The ``c`` of ``c * sum(w**2)`` that ``lambd`` means in ``convention``.

    ``convention`` is one of ``CONVENTIONS``; "course notes" needs ``m``.
    ("tf.nn.l2_loss" means ``lambd * tf.nn.l2_loss(w)`` as in article 002;
    "pytorch weight_decay" means SGD's ``weight_decay=lambd``, which adds
    ``lambd * w`` to the gradient, the gradient of ``lambd/2 * sum w^2``.)
    """
    lambd = require_nonnegative("lambd", lambd)
    convention = _convention("convention", convention)
    if convention == "course notes":
        if m is None:
            raise ValueError("the course-notes convention lambd/(2m) needs m (examples)")
        return lambd / (2 * require_positive_int("m", m))
    if convention == "keras l2":
        return lambd
    return lambd / 2


def convert_l2(lambd: float, source: str, target: str, m: int | None = None) -> float:
    """The lambd of ``target`` convention giving the same penalty as ``lambd`` in ``source``."""
    _convention("source", source)
    _convention("target", target)
    c = l2_coefficient(source, lambd, m)
    return c / l2_coefficient(target, 1.0, m)


# ------------------------------------------------------------------ exercise 6: converting lambd
def reference_convert_lambd(lambd, m) -> tuple[float, float]:
    """The course's answer to exercise 6: the course's lambd (penalty lambd/(2m) sum w^2)
    as Keras's ``l2(...)`` coefficient and as SGD's ``weight_decay``:
    ``(lambd / (2m), lambd / m)``."""
    return (convert_l2(lambd, "course notes", "keras l2", m),
            convert_l2(lambd, "course notes", "pytorch weight_decay", m))


CONVERT = Catalogue(
    "convert_lambd",
    Mistake("keras_no_half", "Keras's l2(c) is c * sum w^2 with no 1/2: for the course's "
            "lambd/(2m) * sum w^2 the coefficient is lambd / (2 * m), not lambd / m.",
            lambda lambd, m: (lambd / m, lambd / m)),
    Mistake("no_m", "both are m times too large: the course divides by m (the number of "
            "examples) and Keras's l2 and weight_decay do not, so divide by m here.",
            lambda lambd, m: (lambd / 2, lambd)),
    Mistake("times_m", "you multiplied by m: the course's penalty is divided by m, so the "
            "other conventions' coefficients are smaller, lambd / (2 * m) and lambd / m.",
            lambda lambd, m: (lambd * m / 2, lambd * m)),
    Mistake("decay_like_keras", "weight_decay adds weight_decay * w to the gradient, and the "
            "gradient of the course's penalty is (lambd/m) w: weight_decay = lambd / m, twice "
            "Keras's l2 coefficient.", lambda lambd, m: (lambd / (2 * m), lambd / (2 * m))),
    Mistake("swapped", "the two are swapped: Keras's l2 is the smaller, lambd / (2 * m); "
            "weight_decay is lambd / m. Return (keras_l2, weight_decay).",
            lambda lambd, m: (lambd / m, lambd / (2 * m))),
    Mistake("other_direction", "you converted the other way round (from Keras to the course): "
            "the course's lambd is the largest of the three, so divide it by 2m and by m.",
            lambda lambd, m: (2 * m * lambd, m * lambd)),
    Mistake("decay_no_m", "weight_decay is m times too large: it too must absorb the course's "
            "1/m, weight_decay = lambd / m.", lambda lambd, m: (lambd / (2 * m), lambd)),
    Mistake("not_numeric", answer=lambda lambd, m: ("l2", "weight_decay")),
    Mistake("wrong_shape", answer=lambda lambd, m: lambd / (2 * m)),
    Mistake("wrong_value", answer=lambda lambd, m: (lambd / (2 * m) + 0.001, lambd / m)),
    takes_arrays=False,
)


@exercise_check("the course's lambd with m examples is Keras l2(lambd / (2m)) and "
                "weight_decay lambd / m, as the conventions table says.",
                catalogue=CONVERT, reference=reference_convert_lambd)
def check_convert_lambd(convert_lambd: Callable) -> None:
    """Check ``convert_lambd(lambd, m) -> (keras_l2, weight_decay)`` against the chapter's
    conventions table (``convert_l2``)."""
    for lambd, m in ((0.7, 30), (0.1, 10)):
        got = convert_lambd(lambd, m)
        expected = [convert_l2(lambd, "course notes", "keras l2", m),
                    convert_l2(lambd, "course notes", "pytorch weight_decay", m)]
        CONVERT.close(got, expected,
                      what=f"(keras_l2, weight_decay) for lambd={lambd}, m={m}", candidates={
                          key: CONVERT[key].answer(lambd, m) for key in (
                              "keras_no_half", "no_m", "times_m", "decay_like_keras",
                              "swapped", "other_direction", "decay_no_m")})


# ------------------------------------------------------------------ sparse regression
def make_sparse_regression(n: int = 100, d: int = 40, k: int = 5, noise: float = 0.5,
                           seed: int = 0):
    """Linear data where only ``k`` of ``d`` features matter.

    Returns ``(X (n, d), y (n,), w_true (d,))``; the first ``k`` entries of
    ``w_true`` are non-zero (magnitudes 1 to 3, random signs), the others 0.
    """
    n, d, k = (require_positive_int(name, v) for name, v in (("n", n), ("d", d), ("k", k)))
    if k > d:
        raise ValueError(f"k (relevant features) must be <= d (features), got k={k}, d={d}")
    noise = require_nonnegative("noise", noise)
    rng = np.random.default_rng(require_nonnegative_int("seed", seed))
    X = rng.normal(0.0, 1.0, (n, d))
    w_true = np.zeros(d)
    w_true[:k] = rng.uniform(1.0, 3.0, k) * rng.choice([-1.0, 1.0], k)
    y = X @ w_true + noise * rng.normal(0.0, 1.0, n)
    return X, y, w_true


def _call_prox(prox: Callable, v: np.ndarray, t: float) -> np.ndarray:
    result = prox(v, t)
    if result is None:
        raise TypeError("soft_threshold returned None: it must return the thresholded "
                        "array (did you forget a `return`?)")
    result = np.asarray(result, dtype=float)
    if result.shape != v.shape:
        raise ValueError(f"soft_threshold returned shape {result.shape} for w of shape "
                         f"{v.shape}: it must keep w's shape")
    return result


def fit_linear(X, y, *, l1: float = 0.0, l2: float = 0.0, epochs: int = 500,
               method: str = "proximal", soft_threshold: Callable | None = None) -> np.ndarray:
    """Least squares with an elastic-net penalty, by full-batch gradient steps.

    Minimizes ``1/(2n) ||X w - y||^2 + l1 ||w||_1 + l2/2 ||w||^2`` (the
    objective of scikit-learn's ``Lasso``/``ElasticNet`` without intercept)
    with step ``1/L``, ``L`` the curvature of the smooth part. ``method``:
    "proximal" (ISTA: gradient step on the smooth part, then
    ``soft_threshold(w, step * l1)``) or "subgradient" (a step along
    ``gradient + l1 * sign(w)``, which never lands exactly on 0).
    Returns ``w`` (d,).
    """
    X = as_float_array("X", X, ndim=2, allow_empty=False)
    y = as_float_array("y", y, ndim=1)
    require_same_length("X", X, "y", y)
    l1, l2 = require_nonnegative("l1", l1), require_nonnegative("l2", l2)
    epochs = require_positive_int("epochs", epochs)
    if method not in ("proximal", "subgradient"):
        raise ValueError(f"method must be 'proximal' or 'subgradient', got {method!r}")
    if soft_threshold is not None and not callable(soft_threshold):
        raise TypeError(f"soft_threshold must be a function (w, t) -> array, "
                        f"got {type(soft_threshold).__name__}")
    prox = soft_threshold or reference_soft_threshold
    n = X.shape[0]
    gram, xty = X.T @ X / n, X.T @ y / n
    step = 1.0 / (np.linalg.eigvalsh(gram)[-1] + l2)
    w = np.zeros(X.shape[1])
    for _ in range(epochs):
        grad = gram @ w - xty + l2 * w
        if method == "proximal":
            w = _call_prox(prox, w - step * grad, step * l1)
        else:
            w = w - step * (grad + l1 * np.sign(w))
    return w


# ------------------------------------------------------------------ geometry
# A quadratic loss 1/2 (w - c)^T A (w - c) with tilted elliptic contours.
GEOMETRY_A = np.array([[1.0, 0.55], [0.55, 0.8]])
GEOMETRY_C = np.array([2.2, 0.9])


def _quadratic_loss(W1, W2, A=GEOMETRY_A, c=GEOMETRY_C):
    d1, d2 = W1 - c[0], W2 - c[1]
    return 0.5 * (A[0, 0] * d1 ** 2 + 2 * A[0, 1] * d1 * d2 + A[1, 1] * d2 ** 2)


def _kind(kind) -> str:
    if kind not in ("l1", "l2"):
        raise ValueError(f"kind must be 'l1' or 'l2', got {kind!r}")
    return kind


def ball_boundary(kind: str, radius: float, n: int = 4000) -> np.ndarray:
    """Points (n, 2) on the boundary of the L1 ("l1", a diamond) or L2 ("l2") ball.

    For the diamond, ``n`` a multiple of 4 includes its four corners exactly.
    """
    kind = _kind(kind)
    radius = require_nonnegative("radius", radius)
    n = require_positive_int("n", n)
    theta = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    if kind == "l2":
        return radius * np.column_stack([np.cos(theta), np.sin(theta)])
    s = np.linspace(0.0, 4.0, n, endpoint=False)  # corners at s = 0, 1, 2, 3
    corners = radius * np.array([[1, 0], [0, 1], [-1, 0], [0, -1], [1, 0]], dtype=float)
    i, f = np.floor(s).astype(int), (s - np.floor(s))[:, None]
    return corners[i] * (1 - f) + corners[i + 1] * f


def _check_quadratic(A, c) -> tuple[np.ndarray, np.ndarray]:
    A, c = as_float_array("A", A, ndim=2), as_float_array("c", c, ndim=1)
    if A.shape != (2, 2) or c.shape != (2,):
        raise ValueError(f"A must be 2 x 2 and c of length 2, got shapes {A.shape} and {c.shape}")
    if not np.allclose(A, A.T) or np.linalg.eigvalsh(A)[0] <= 0:
        raise ValueError(f"A must be symmetric positive definite (elliptic contours), got {A}")
    return A, c


def constrained_optimum(kind: str, radius: float, A=GEOMETRY_A, c=GEOMETRY_C) -> np.ndarray:
    """argmin of 1/2 (w - c)^T A (w - c) over the L1 or L2 ball of ``radius`` (2-D), exactly.

    If the unconstrained minimum ``c`` is inside the ball it is the answer;
    otherwise the optimum is on the boundary: for L1 the best point of the
    diamond's four edges (a corner when an edge's minimum is clipped to its end,
    with a coordinate exactly 0); for L2 the point where (A + mu I) w = A c has
    norm ``radius`` (mu the Lagrange multiplier, found by bisection).
    """
    kind = _kind(kind)
    radius = require_nonnegative("radius", radius)
    A, c = _check_quadratic(A, c)
    norm = np.abs(c).sum() if kind == "l1" else np.linalg.norm(c)
    if norm <= radius:
        return c.copy()
    if radius == 0.0:
        return np.zeros(2)
    if kind == "l1":
        corners = radius * np.array([[1, 0], [0, 1], [-1, 0], [0, -1], [1, 0]], dtype=float)
        best, best_loss = None, np.inf
        for start, end in zip(corners[:-1], corners[1:]):
            direction = end - start
            s = -direction @ A @ (start - c) / (direction @ A @ direction)
            s = min(max(s, 0.0), 1.0)
            w = end.copy() if s == 1.0 else start + s * direction
            loss = 0.5 * (w - c) @ A @ (w - c)
            if loss < best_loss:
                best, best_loss = w, loss
        return best
    eigenvalues, Q = np.linalg.eigh(A)
    b = Q.T @ c

    def norm_at(mu):
        return np.linalg.norm(eigenvalues * b / (eigenvalues + mu))

    low, high = 0.0, eigenvalues[-1] * np.linalg.norm(c) / radius
    for _ in range(200):
        mid = 0.5 * (low + high)
        low, high = (mid, high) if norm_at(mid) > radius else (low, mid)
    return Q @ (eigenvalues * b / (eigenvalues + high))


def _loss_contour(level: float, n: int = 200) -> np.ndarray:
    """Points (n, 2) on the ellipse where the geometry's quadratic loss equals ``level``.

    With A = L L^T, the points c + sqrt(2 level) L^-T u for unit vectors u; drawing
    ellipses as lines is much faster than ``contour`` on a grid (the explorer
    redraws on every slider move).
    """
    theta = np.linspace(0.0, 2 * np.pi, n)
    circle = np.stack([np.cos(theta), np.sin(theta)])
    L = np.linalg.cholesky(GEOMETRY_A)
    return (GEOMETRY_C[:, None] + np.sqrt(2 * level) * np.linalg.solve(L.T, circle)).T


def draw_penalty_geometry(ax, radius: float = 1.0):
    """Loss contours, the L1 diamond and the L2 circle of ``radius``, and both optima."""
    radius = require_nonnegative("radius", radius)
    for level in np.geomspace(0.02, 12, 14):
        ax.plot(*_loss_contour(level).T, color="0.72", lw=0.6)
    ax.plot(*GEOMETRY_C, "k*", ms=10, label="unpenalized minimum")
    for kind, color, name in (("l1", COLORS["test"], "L1"), ("l2", COLORS["train"], "L2")):
        pts = ball_boundary(kind, radius, 400)
        ax.fill(pts[:, 0], pts[:, 1], color=color, alpha=0.12)
        ax.plot(*np.vstack([pts, pts[:1]]).T, color=color, lw=1.5)
        w = constrained_optimum(kind, radius)
        level = float(_quadratic_loss(w[0], w[1]))
        if level > 1e-9:  # the loss contour that touches the region at the optimum
            ax.plot(*_loss_contour(level).T, color=color, lw=1.8, ls="--")
        zeros = int(np.sum(w == 0.0))
        ax.plot(*w, "o", color=color, ms=8, mec="k",
                label=f"{name} optimum ({w[0]:.2f}, {w[1]:.2f}), {zeros} exact zero(s)")
    ax.axhline(0, color="k", lw=0.6)
    ax.axvline(0, color="k", lw=0.6)
    ax.set(xlim=(-3, 3), ylim=(-3, 3), aspect="equal", xlabel="$w_1$", ylabel="$w_2$",
           title=f"constraint size t = {radius:.2f}")
    ax.legend(loc="lower left", fontsize=8.5, frameon=True, framealpha=0.9)
    return ax


def draw_shrinkage_maps(ax, lambd: float = 1.0):
    """What one penalized step does to a weight w: soft threshold (L1), shrink (L2), hard (L0)."""
    lambd = require_nonnegative("lambd", lambd)
    w = np.linspace(-3.0, 3.0, 601)
    ax.plot(w, w, color="0.6", ls=":", lw=1, label="no penalty: w")
    ax.plot(w, reference_soft_threshold(w, lambd), color=COLORS["test"], lw=2,
            label=r"L1 prox: sign(w) max(|w|$-\lambda$, 0)")
    ax.plot(w, w / (1 + lambd), color=COLORS["train"], lw=2, label=r"L2 prox: w / (1+$\lambda$)")
    ax.plot(w, w * (np.abs(w) > np.sqrt(2 * lambd)), color=COLORS["model"], lw=1.2, ls="--",
            label=r"L0 prox: hard threshold at $\sqrt{2\lambda}$")
    ax.set(xlim=(-3, 3), ylim=(-3, 3), aspect="equal", xlabel="w before the step",
           ylabel="w after the step",
           title=fr"$\lambda$ = {lambd:.2f}: L1 zeroes |w| $\leq$ {lambd:.2f}")
    ax.legend(loc="upper left", fontsize=8.5, frameon=True, framealpha=0.9)
    return ax


def _geometry_figure():
    return fast_figure(ncols=2, width=10.4, height=5.0, left=0.06, right=0.99, bottom=0.1,
                       top=0.93, wspace=0.22)


@explorer_factory
def make_penalty_geometry_explorer():
    """Sliders for the constraint size t (diamond vs circle) and lambd (the prox maps)."""
    import ipywidgets as widgets

    controls = {
        "radius": widgets.FloatSlider(value=1.0, min=0.1, max=2.8, step=0.05,
                                      description="t (size)"),
        "lambd": widgets.FloatSlider(value=0.8, min=0.0, max=2.0, step=0.05,
                                     description="λ (prox)"),
    }

    def draw(axes, radius, lambd):
        draw_penalty_geometry(axes[0], radius)
        draw_shrinkage_maps(axes[1], lambd)

    return explorer("L1 vs L2 geometry", controls, draw, figure=_geometry_figure)


# ------------------------------------------------------------------ Keras's penalties by hand
def weight_norms(weights) -> np.ndarray:
    """Frobenius norm of each array in ``weights`` (a list of arrays)."""
    return np.array([np.linalg.norm(W) for W in _weight_list("weights", weights)])


def penalty_by_hand(weights, *, l1: float = 0.0, l2: float = 0.0) -> float:
    """Keras's convention, computed by hand: ``l1 * sum|w| + l2 * sum w^2`` over ``weights``."""
    l1, l2 = require_nonnegative("l1", l1), require_nonnegative("l2", l2)
    arrays = _weight_list("weights", weights)
    return float(sum(l1 * np.abs(W).sum() + l2 * np.square(W).sum() for W in arrays))
