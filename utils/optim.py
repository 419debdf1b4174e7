"""First-order update rules, one interface for all (after CS231n's ``optim.py``).

Every rule is ``update(w, dw, config=None) -> (next_w, config)``:

- ``w``: the current parameter, an array of any shape (a weight matrix, a
  bias vector, or either with a leading axis of M models);
- ``dw``: the gradient of the cost with respect to ``w``, same shape;
- ``config``: a dict with the hyperparameters (``learning_rate``, ...) and the
  rule's state (momentum's ``velocity``; Adam's ``m``, ``v``, ``t``). Pass
  ``None`` on the first step to get the defaults; pass the returned config on
  the next step. Keep one config per parameter.

Rules are pure: ``w`` and ``dw`` are not modified, ``next_w`` is a new array.
``UPDATE_RULES`` maps a name to its rule, so a trainer can take the rule by
name (``utils.numpy_net.train(..., optimizer="adam")``).

The two Adams differ only in where epsilon goes:

- ``adam`` is the paper's Algorithm 1 (Kingma & Ba 2015) as CS231n writes it:
  bias-correct m and v, then ``w - lr * m_hat / (sqrt(v_hat) + eps)``, eps 1e-8.
- ``adam_keras`` is the "efficient" form of the paper's section 2, which Keras 3
  uses: ``alpha_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)`` and
  ``w - alpha_t * m / (sqrt(v) + eps)``, eps 1e-7. Epsilon is added to the
  *uncorrected* sqrt(v), so the two differ in the first steps, where
  ``1 - beta2^t`` is small. Use it to compare with Keras or
  ``utils.training.train_mlp``.
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Callable

import numpy as np

from utils.validation import require_nonnegative


def require_learning_rate(value, name: str = "learning_rate") -> float:
    """``value`` as a finite float >= 0; NaN and inf are refused with a message naming it."""
    return require_nonnegative(name, value)


def _require_beta(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number in [0, 1), got {value!r}")
    value = float(value)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {value}")
    return value


def _require_epsilon(value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"epsilon must be a small positive number, got {value!r}")
    value = float(value)
    if not (math.isfinite(value) and value > 0.0):
        raise ValueError(f"epsilon must be a finite number > 0, got {value}")
    return value


def _arrays(w, dw):
    """``w`` and ``dw`` as float arrays of the same shape, finite."""
    w, dw = np.asarray(w, dtype=float), np.asarray(dw, dtype=float)
    if w.shape != dw.shape:
        raise ValueError(f"w and dw must have the same shape, got {w.shape} and {dw.shape}")
    if not np.all(np.isfinite(dw)):
        raise ValueError("dw contains NaN or infinity: the gradient blew up (learning rate "
                         "too large?) or a gradient function returned garbage")
    return w, dw


def _config(config: dict | None, defaults: dict) -> dict:
    if config is None:
        config = {}
    elif not isinstance(config, dict):
        raise TypeError(f"config must be a dict or None, got {type(config).__name__}")
    for key, value in defaults.items():
        config.setdefault(key, value)
    config["learning_rate"] = require_learning_rate(config["learning_rate"])
    return config


def sgd(w, dw, config: dict | None = None):
    """Vanilla (full-batch: plain) gradient descent, ``w - learning_rate * dw``.

    config: ``learning_rate`` (default 1e-2).
    """
    w, dw = _arrays(w, dw)
    config = _config(config, {"learning_rate": 1e-2})
    return w - config["learning_rate"] * dw, config


def sgd_momentum(w, dw, config: dict | None = None):
    """Gradient descent with (heavy-ball) momentum, CS231n's form.

    ``velocity <- momentum * velocity - learning_rate * dw``; ``w + velocity``.
    config: ``learning_rate`` (1e-2), ``momentum`` (0.9), ``velocity``
    (zeros like ``w``, the state).
    """
    w, dw = _arrays(w, dw)
    config = _config(config, {"learning_rate": 1e-2, "momentum": 0.9})
    momentum = _require_beta("momentum", config["momentum"])
    velocity = config.get("velocity")
    if velocity is None:
        velocity = np.zeros_like(w)
    velocity = momentum * velocity - config["learning_rate"] * dw
    config["velocity"] = velocity
    return w + velocity, config


def _adam_moments(w, dw, config: dict | None, epsilon: float):
    w, dw = _arrays(w, dw)
    config = _config(config, {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999,
                              "epsilon": epsilon, "m": None, "v": None, "t": 0})
    beta1, beta2 = _require_beta("beta1", config["beta1"]), _require_beta("beta2", config["beta2"])
    _require_epsilon(config["epsilon"])
    m = np.zeros_like(w) if config["m"] is None else config["m"]
    v = np.zeros_like(w) if config["v"] is None else config["v"]
    config["t"] = t = int(config["t"]) + 1
    config["m"] = m = beta1 * m + (1 - beta1) * dw
    config["v"] = v = beta2 * v + (1 - beta2) * dw ** 2
    return w, m, v, t, beta1, beta2, config


def adam(w, dw, config: dict | None = None):
    """Adam as in the paper's Algorithm 1 (and CS231n): bias-corrected moments.

    ``m <- beta1 m + (1 - beta1) dw``, ``v <- beta2 v + (1 - beta2) dw^2``,
    ``w - learning_rate * m_hat / (sqrt(v_hat) + epsilon)`` with
    ``m_hat = m / (1 - beta1^t)``, ``v_hat = v / (1 - beta2^t)``.
    config: ``learning_rate`` (1e-3), ``beta1`` (0.9), ``beta2`` (0.999),
    ``epsilon`` (1e-8); state ``m``, ``v`` (like ``w``), ``t`` (steps taken).
    """
    w, m, v, t, beta1, beta2, config = _adam_moments(w, dw, config, 1e-8)
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"]), config


def adam_keras(w, dw, config: dict | None = None):
    """Adam in the form Keras 3 (and ``utils.training.train_mlp``) computes it.

    Same moments as ``adam``; the step is
    ``w - alpha_t * m / (sqrt(v) + epsilon)`` with
    ``alpha_t = learning_rate * sqrt(1 - beta2^t) / (1 - beta1^t)``.
    Same config and state as ``adam``; ``epsilon`` defaults to Keras's 1e-7.
    """
    w, m, v, t, beta1, beta2, config = _adam_moments(w, dw, config, 1e-7)
    alpha = config["learning_rate"] * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    return w - alpha * m / (np.sqrt(v) + config["epsilon"]), config


UPDATE_RULES: dict[str, Callable] = {
    "sgd": sgd,
    "sgd_momentum": sgd_momentum,
    "adam": adam,
    "adam_keras": adam_keras,
}


def get_update_rule(name: str) -> Callable:
    """The update rule called ``name`` (a key of ``UPDATE_RULES``)."""
    if not isinstance(name, str):
        raise TypeError(f"optimizer must be a rule's name (a str), got {type(name).__name__}")
    if name not in UPDATE_RULES:
        raise ValueError(f"optimizer must be one of {sorted(UPDATE_RULES)}, got {name!r}")
    return UPDATE_RULES[name]
