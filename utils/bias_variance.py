"""Chapter 1: bias and variance, measured.

The data: a known function ``f(x) = sin(2 pi x)`` on [0, 1] plus Gaussian noise
of standard deviation ``NOISE_STD``. Because ``f`` is known, bias, variance and
noise can be *measured*: draw many training sets, fit one model per set, and
look at the spread of the predictions at fixed test points.

Everything is vectorized across the resampled training sets: polynomials are
fitted to all sets at once with one batched pseudo-inverse, and a small tanh
network is trained on all sets at once with full-batch Adam in NumPy.

Also here: the checks of the chapter's exercises (``decompose``, ``diagnose``),
the split-size table, learning curves and the explorer.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from utils.checks import exercise_check, expect, expect_close
from utils.plotting import COLORS, settle_garbage, show_in
from utils.validation import (
    as_float_array,
    require_nonnegative,
    require_nonnegative_int,
    require_positive_int,
    require_probability,
    require_same_shape,
)

NOISE_STD = 0.3
X_TEST = np.linspace(0.0, 1.0, 41)
DIAGNOSES = ("high bias", "high variance", "high bias and high variance", "good fit")
# diagnose() thresholds, in error-rate units (0.02 = 2 percentage points).
BIAS_TOLERANCE = 0.02      # avoidable bias = train_error - base_error above this: high bias
VARIANCE_TOLERANCE = 0.02  # variance gap  = dev_error - train_error above this: high variance


def true_function(x):
    """The known target ``f(x) = sin(2 pi x)``, elementwise."""
    return np.sin(2.0 * np.pi * np.asarray(x, dtype=float))


def _rng(seed) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(require_nonnegative_int("seed", seed))


def sample_training_sets(rounds: int, n_train: int, *, noise_std: float = NOISE_STD, seed=0):
    """``rounds`` independent training sets of ``n_train`` points, y = f(x) + noise.

    x is drawn *stratified* on [0, 1]: one uniform point in each of ``n_train``
    equal bins, so every set covers the interval (no wide gaps where a
    high-degree polynomial would shoot off to infinity). Returns ``(X, Y)``,
    both of shape (rounds, n_train). ``seed`` is an int or a Generator.
    """
    rounds = require_positive_int("rounds", rounds)
    n_train = require_positive_int("n_train", n_train)
    noise_std = require_nonnegative("noise_std", noise_std)
    rng = _rng(seed)
    X = (np.arange(n_train) + rng.uniform(0.0, 1.0, size=(rounds, n_train))) / n_train
    Y = true_function(X) + noise_std * rng.standard_normal((rounds, n_train))
    return X, Y


# ----------------------------------------------------------------------------- polynomials
def polynomial_features(x, degree: int):
    """Chebyshev features of ``2x - 1`` up to ``degree``: shape ``x.shape + (degree + 1,)``.

    Same model class as powers 1, x, ..., x^degree, but well conditioned on [0, 1].
    """
    degree = require_nonnegative_int("degree", degree)
    return np.polynomial.chebyshev.chebvander(2.0 * np.asarray(x, dtype=float) - 1.0, degree)


def fit_polynomials(X, Y, degree: int):
    """Least-squares polynomials of ``degree``, one per row of ``X``/``Y`` (rounds, n).

    All rows are solved at once: with plenty of points (n >= 2 (degree + 1)) by
    the batched normal equations (the Chebyshev features keep them well
    conditioned), otherwise by a batched pseudo-inverse (the minimum-norm
    solution when degree + 1 > n). Returns coefficients of shape (rounds, degree + 1).
    """
    X = as_float_array("X", X, ndim=2)
    Y = as_float_array("Y", Y, ndim=2)
    require_same_shape("X", X, "Y", Y)
    V = polynomial_features(X, degree)                  # (rounds, n, degree + 1)
    if X.shape[1] >= 2 * (degree + 1):
        gram = np.einsum("rnd,rne->rde", V, V)
        return np.linalg.solve(gram, np.einsum("rnd,rn->rd", V, Y)[..., None])[..., 0]
    return (np.linalg.pinv(V) @ Y[..., None])[..., 0]    # (rounds, degree + 1)


def predict_polynomials(coef, x):
    """Predictions (rounds, points) of every polynomial at ``x`` (points,) or (rounds, points)."""
    coef = as_float_array("coef", coef, ndim=2)
    x = np.asarray(x, dtype=float)
    V = polynomial_features(x, coef.shape[1] - 1)
    if x.ndim == 1:
        return coef @ V.T
    return np.einsum("rnd,rd->rn", V, coef)


def polynomial_experiment(degree: int, n_train: int, *, rounds: int = 200, seed=0,
                          noise_std: float = NOISE_STD, x_test=X_TEST):
    """Fit ``rounds`` polynomials on fresh training sets; predictions on ``x_test`` and train.

    Returns ``(preds, train_mse)``: preds (rounds, len(x_test)); train_mse (rounds,)
    the mean squared error of each model on its own training set.
    """
    X, Y = sample_training_sets(rounds, n_train, noise_std=noise_std, seed=seed)
    coef = fit_polynomials(X, Y, degree)
    train_mse = np.mean((predict_polynomials(coef, X) - Y) ** 2, axis=1)
    return predict_polynomials(coef, as_float_array("x_test", x_test, ndim=1)), train_mse


# ------------------------------------------------------------------- a small neural network
def train_tanh_nets(X, Y, *, hidden: int = 16, steps: int = 1500, learning_rate: float = 0.03,
                    weight_decay: float = 0.0, seed=0):
    """Train one 1-hidden-layer tanh network per row of ``X``/``Y`` (rounds, n), all at once.

    Full-batch Adam on the mean squared error (+ ``weight_decay`` * sum of squared
    weights, biases excluded), vectorized over the rounds with NumPy. Input is
    scaled to 2x - 1. Returns a dict of parameters W1 (r, h), b1 (r, h), W2 (r, h), b2 (r,).
    """
    X = as_float_array("X", X, ndim=2)
    Y = as_float_array("Y", Y, ndim=2)
    require_same_shape("X", X, "Y", Y)
    hidden = require_positive_int("hidden", hidden)
    steps = require_positive_int("steps", steps)
    learning_rate = require_nonnegative("learning_rate", learning_rate)
    weight_decay = require_nonnegative("weight_decay", weight_decay)
    rng = _rng(seed)
    rounds, n = X.shape
    params = {
        "W1": rng.normal(0.0, 2.0, (rounds, hidden)),
        "b1": rng.uniform(-2.0, 2.0, (rounds, hidden)),
        "W2": rng.normal(0.0, 1.0 / np.sqrt(hidden), (rounds, hidden)),
        "b2": np.zeros(rounds),
    }
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(v) for k, v in params.items()}
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    U = 2.0 * X - 1.0
    for t in range(1, steps + 1):
        H = np.tanh(U[:, :, None] * params["W1"][:, None, :] + params["b1"][:, None, :])
        out = np.einsum("rnh,rh->rn", H, params["W2"]) + params["b2"][:, None]
        dout = 2.0 * (out - Y) / n                                    # (r, n)
        dH = dout[:, :, None] * params["W2"][:, None, :] * (1.0 - H ** 2)
        grads = {
            "W2": np.einsum("rn,rnh->rh", dout, H) + 2.0 * weight_decay * params["W2"],
            "b2": dout.sum(axis=1),
            "W1": np.einsum("rnh,rn->rh", dH, U) + 2.0 * weight_decay * params["W1"],
            "b1": dH.sum(axis=1),
        }
        lr_t = learning_rate * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
        for k in params:
            m[k] = beta1 * m[k] + (1 - beta1) * grads[k]
            v[k] = beta2 * v[k] + (1 - beta2) * grads[k] ** 2
            params[k] = params[k] - lr_t * m[k] / (np.sqrt(v[k]) + eps)
    return params


def predict_tanh_nets(params, x):
    """Predictions (rounds, points) of every network at ``x`` (points,) or (rounds, points)."""
    x = np.asarray(x, dtype=float)
    U = 2.0 * (x if x.ndim == 2 else np.broadcast_to(x, (len(params["b2"]), len(x)))) - 1.0
    H = np.tanh(U[:, :, None] * params["W1"][:, None, :] + params["b1"][:, None, :])
    return np.einsum("rnh,rh->rn", H, params["W2"]) + params["b2"][:, None]


# ------------------------------------------------------------------ measuring the decomposition
def bias2_variance(preds, f_true):
    """Reference bias² and variance (used by the explorer and the checks), averaged over points."""
    preds = as_float_array("preds", preds, ndim=2)
    f_true = as_float_array("f_true", f_true, ndim=1)
    if preds.shape[1] != f_true.shape[0]:
        raise ValueError(f"preds must be (rounds, points) with points = len(f_true) = "
                         f"{f_true.shape[0]}, got shape {preds.shape}")
    mean_pred = preds.mean(axis=0)
    return float(np.mean((mean_pred - f_true) ** 2)), float(np.mean(preds.var(axis=0)))


@dataclass
class TestError:
    """The measured expected test error of models evaluated on fresh noisy targets."""

    mse: float          # mean over rounds and test points of (prediction - noisy target)^2
    mse_se: float       # its standard error over the independent rounds
    noise: float        # measured noise: mean of (noisy target - f)^2
    gap_se: float       # standard error of mse - (bias^2 + variance + noise_std^2)
    y_test: np.ndarray  # the noisy targets (rounds, points)


def measure_test_error(preds, f_true, *, noise_std: float = NOISE_STD, seed=0) -> TestError:
    """Score each model (row of ``preds``) against fresh noisy targets ``f_true + noise``.

    Rounds are independent, so standard errors are taken over per-round means.
    ``gap_se`` is the standard error of ``mse - (bias^2 + variance + noise_std^2)``,
    whose expectation is exactly zero: its per-round terms are
    ``mean_j[(p - y)^2 - (p - f)^2] - noise_std^2``.
    """
    preds = as_float_array("preds", preds, ndim=2)
    f_true = as_float_array("f_true", f_true, ndim=1)
    noise_std = require_nonnegative("noise_std", noise_std)
    bias2_variance(preds, f_true)  # validates the shapes
    rounds = preds.shape[0]
    if rounds < 2:
        raise ValueError("need at least 2 rounds to estimate a standard error")
    y = f_true + noise_std * _rng(seed).standard_normal(preds.shape)
    per_round = np.mean((preds - y) ** 2, axis=1)
    gap_terms = per_round - np.mean((preds - f_true) ** 2, axis=1) - noise_std ** 2
    root = np.sqrt(rounds)
    return TestError(float(per_round.mean()), float(per_round.std(ddof=1) / root),
                     float(np.mean((y - f_true) ** 2)), float(gap_terms.std(ddof=1) / root), y)


def decomposition_table(degrees, n_train: int, *, rounds: int = 200, seed=0,
                        noise_std: float = NOISE_STD, x_test=X_TEST):
    """Bias², variance, noise and measured test MSE (with its SE) for each polynomial degree.

    Returns a dict of arrays keyed "degree", "bias2", "variance", "noise", "mse",
    "mse_se", "gap_se", "train_mse".
    """
    rows = {k: [] for k in ("degree", "bias2", "variance", "noise", "mse", "mse_se", "gap_se",
                            "train_mse")}
    f_test = true_function(x_test)
    for degree in degrees:
        preds, train_mse = polynomial_experiment(degree, n_train, rounds=rounds, seed=seed,
                                                 noise_std=noise_std, x_test=x_test)
        b2, var = bias2_variance(preds, f_test)
        err = measure_test_error(preds, f_test, noise_std=noise_std, seed=seed + 1)
        for key, value in zip(rows, (degree, b2, var, noise_std ** 2, err.mse, err.mse_se,
                                     err.gap_se, train_mse.mean())):
            rows[key].append(value)
    return {k: np.asarray(v) for k, v in rows.items()}


def learning_curve(degree: int, sizes, *, rounds: int = 100, seed=0,
                   noise_std: float = NOISE_STD, x_test=X_TEST):
    """Mean train and test MSE of polynomials of ``degree`` for each training-set size.

    Returns ``(train_mse, test_mse)`` arrays of len(sizes); test MSE is against
    fresh noisy targets, averaged over ``rounds`` resampled training sets.
    """
    f_test = true_function(x_test)
    train, test = [], []
    for i, n in enumerate(sizes):
        preds, train_mse = polynomial_experiment(degree, int(n), rounds=rounds, seed=seed + i,
                                                 noise_std=noise_std, x_test=x_test)
        train.append(train_mse.mean())
        test.append(measure_test_error(preds, f_test, noise_std=noise_std, seed=seed + 100 + i).mse)
    return np.asarray(train), np.asarray(test)


# ------------------------------------------------------------------------------- data splits
def split_sizes(n_examples: int, fractions):
    """Integer sizes of a train/dev/test split: ``fractions`` sum to 1; rounding goes to train."""
    n_examples = require_positive_int("n_examples", n_examples)
    fractions = as_float_array("fractions", fractions, ndim=1)
    if np.any(fractions < 0) or not np.isclose(fractions.sum(), 1.0):
        raise ValueError(f"fractions must be >= 0 and sum to 1, got {fractions.tolist()}")
    sizes = np.floor(fractions * n_examples + 1e-9).astype(int)
    sizes[0] += n_examples - sizes.sum()
    return sizes


def error_standard_error(error_rate: float, n: int) -> float:
    """Standard error of an error rate measured on ``n`` examples: sqrt(p (1 - p) / n)."""
    p = require_probability("error_rate", error_rate, allow_zero=True)
    return float(np.sqrt(p * (1.0 - p) / require_positive_int("n", n)))


# --------------------------------------------------------------------------------- diagnosis
def diagnose_reference(train_error, dev_error, base_error=0.0):
    """The course's diagnosis rule (the exercise's answer), with validated inputs."""
    train_error = require_probability("train_error", train_error, allow_zero=True)
    dev_error = require_probability("dev_error", dev_error, allow_zero=True)
    base_error = require_probability("base_error", base_error, allow_zero=True)
    high_bias = train_error - base_error > BIAS_TOLERANCE
    high_variance = dev_error - train_error > VARIANCE_TOLERANCE
    return _label(high_bias, high_variance)


def _label(high_bias: bool, high_variance: bool) -> str:
    return DIAGNOSES[{(True, False): 0, (False, True): 1, (True, True): 2,
                      (False, False): 3}[(bool(high_bias), bool(high_variance))]]


# The check's cases: (train_error, dev_error, base_error, expected, where it comes from).
DIAGNOSE_CASES = [
    (0.01, 0.11, 0.0, "high variance", "the notes: 1% train, 11% dev"),
    (0.15, 0.16, 0.0, "high bias", "the notes: 15% train, 16% dev"),
    (0.15, 0.30, 0.0, "high bias and high variance", "the notes: 15% train, 30% dev"),
    (0.005, 0.01, 0.0, "good fit", "the notes: 0.5% train, 1% dev"),
    (0.15, 0.16, 0.15, "good fit", "15% train, 16% dev when even the best model errs 15%"),
    (0.15, 0.30, 0.15, "high variance", "15% train, 30% dev with a 15% base error"),
    (0.10, 0.115, 0.02, "high bias", "10% train, 11.5% dev with a 2% base error"),
    (0.03, 0.035, 0.02, "good fit", "3% train, 3.5% dev with a 2% base error"),
]


def _wrong_base_ignored(train, dev, base=0.0):
    return _label(train > BIAS_TOLERANCE, dev - train > VARIANCE_TOLERANCE)


def _wrong_gap_from_base(train, dev, base=0.0):
    return _label(train - base > BIAS_TOLERANCE, dev - base > VARIANCE_TOLERANCE)


def _wrong_bias_from_dev(train, dev, base=0.0):
    return _label(dev - base > BIAS_TOLERANCE, dev - train > VARIANCE_TOLERANCE)


def _wrong_swapped(train, dev, base=0.0):
    return _label(dev - train > VARIANCE_TOLERANCE, train - base > BIAS_TOLERANCE)


def _wrong_one_label(train, dev, base=0.0):
    if train - base > BIAS_TOLERANCE:
        return "high bias"
    if dev - train > VARIANCE_TOLERANCE:
        return "high variance"
    return "good fit"


DIAGNOSE_MISTAKES = {
    "the base error is ignored: high bias means train_error - base_error > 0.02 "
    "(the *avoidable* bias), not train_error > 0.02.": _wrong_base_ignored,
    "variance is the gap between dev and *train* error (dev_error - train_error), "
    "not dev_error - base_error.": _wrong_gap_from_base,
    "avoidable bias is measured on the *training* error (train_error - base_error), "
    "not on the dev error.": _wrong_bias_from_dev,
    "bias and variance are swapped: a high training error is high bias, a big "
    "dev - train gap is high variance.": _wrong_swapped,
    "a model can have both problems at once: test both conditions (not if/elif) and return "
    "'high bias and high variance' when both hold.": _wrong_one_label,
}


@exercise_check("your diagnosis matches the notes' four cases and uses the base error.")
def check_diagnose(diagnose: Callable) -> None:
    """Check ``diagnose(train_error, dev_error, base_error=0.0) -> str`` on DIAGNOSE_CASES."""
    got = [diagnose(train, dev, base) for train, dev, base, _, _ in DIAGNOSE_CASES]
    for answer, (train, dev, base, _, _) in zip(got, DIAGNOSE_CASES):
        if answer is None:
            raise AssertionError("diagnose returned None: did you forget a `return`?")
        expect(isinstance(answer, str) and answer in DIAGNOSES,
               f"diagnose({train}, {dev}, {base}) returned {answer!r}: return exactly one of "
               f"{', '.join(repr(d) for d in DIAGNOSES)}.")
    for message, wrong in DIAGNOSE_MISTAKES.items():
        wrong_answers = [wrong(t, d, b) for t, d, b, _, _ in DIAGNOSE_CASES]
        if got == wrong_answers:
            first = next(i for i, (a, c) in enumerate(zip(got, DIAGNOSE_CASES)) if a != c[3])
            t, d, b, expected, source = DIAGNOSE_CASES[first]
            raise AssertionError(f"diagnose({t}, {d}, {b}) returned {got[first]!r}, expected "
                                 f"{expected!r} ({source}): {message}")
    for answer, (train, dev, base, expected, source) in zip(got, DIAGNOSE_CASES):
        expect(answer == expected,
               f"diagnose({train}, {dev}, {base}) returned {answer!r}, expected {expected!r} "
               f"({source}). Rule: high bias if train_error - base_error > {BIAS_TOLERANCE}, "
               f"high variance if dev_error - train_error > {VARIANCE_TOLERANCE}.")
    expect(diagnose(0.15, 0.16) == "high bias",
           "base_error must default to 0.0: diagnose(0.15, 0.16) should be 'high bias'.")


# -------------------------------------------------------------------------------- decompose
def _decompose_fixture():
    rng = np.random.default_rng(7)
    f_true = np.sin(np.linspace(0.2, 2.8, 6))
    rounds = 40
    offset = np.array([0.3, -0.1, 0.25, 0.4, -0.2, 0.15])
    spread = np.array([0.1, 0.3, 0.2, 0.5, 0.15, 0.4])
    preds = f_true + offset + spread * rng.standard_normal((rounds, 6))
    return preds, f_true


def decompose_mistakes(preds, f_true):
    """Known wrong (bias2, variance) answers on ``preds``/``f_true``, keyed by their message."""
    mean_pred = preds.mean(axis=0)
    b2, var = bias2_variance(preds, f_true)
    return {
        "bias and variance are swapped: return (bias2, variance) in that order.": (var, b2),
        "the variance is taken over the wrong axis: rows are rounds, so use "
        "preds.var(axis=0) (across models at each point), then average over points.":
            (b2, float(np.mean(preds.var(axis=1)))),
        "the variance is of all numbers at once (np.var(preds)): it mixes how f varies over "
        "x with how models vary; take the variance across rounds at each point.":
            (b2, float(np.var(preds))),
        "it uses the standard deviation instead of the variance: variance is the mean squared "
        "deviation (no square root).": (b2, float(np.mean(preds.std(axis=0)))),
        "it is the square root of the variance: drop the square root.":
            (b2, float(np.sqrt(np.mean(preds.var(axis=0))))),
        "it uses ddof=1: use np.var's default ddof=0 so that bias2 + variance equals the mean "
        "squared deviation from f_true exactly.":
            (b2, float(np.mean(preds.var(axis=0, ddof=1)))),
        "the bias is not squared: bias2 = mean over points of (mean prediction - f_true)**2.":
            (float(np.mean(mean_pred - f_true)), var),
        "it uses |bias| instead of bias squared.": (float(np.mean(np.abs(mean_pred - f_true))),
                                                    var),
        "it squares after averaging over points: square the bias at each point, then average.":
            (float(np.mean(mean_pred - f_true) ** 2), var),
        "bias2 is the mean squared error of the predictions (that is bias2 + variance): "
        "average the predictions over rounds first, then compare with f_true.":
            (float(np.mean((preds - f_true) ** 2)), var),
        "it sums over points: average over points instead.":
            (float(np.sum((mean_pred - f_true) ** 2)), float(np.sum(preds.var(axis=0)))),
    }


@exercise_check("bias² and variance come out right and add up to the mean squared deviation.")
def check_decompose(decompose: Callable) -> None:
    """Check ``decompose(preds, f_true) -> (bias2, variance)``."""
    preds, f_true = _decompose_fixture()
    result = decompose(preds, f_true)
    expect(result is not None, "decompose returned None: did you forget a `return`?")
    expect(isinstance(result, tuple) and len(result) == 2,
           f"decompose should return a tuple (bias2, variance), got {type(result).__name__}")
    expect(all(np.ndim(r) == 0 for r in result),
           "bias2 and variance should each be one number averaged over the points, got shapes "
           f"{[np.shape(r) for r in result]}: take np.mean over the points.")
    expect_close(result, bias2_variance(preds, f_true), what="(bias2, variance)",
                 mistakes=decompose_mistakes(preds, f_true))
    same = np.tile(f_true + 0.5, (5, 1))
    expect_close(decompose(same, f_true), (0.25, 0.0),
                 what="(bias2, variance) when every round predicts f_true + 0.5")
    expect_close(decompose((preds[:3] - preds[:3].mean(0) + f_true).tolist(), f_true.tolist()),
                 (0.0, bias2_variance(preds[:3], f_true)[1]),
                 what="(bias2, variance) for lists whose mean prediction is f_true")


def check_measured_bias2(bias2: float, preds, f_true, y_noisy) -> None:
    """Check a measured bias² was taken against the true function, not the noisy targets."""
    __tracebackhide__ = True  # noqa: F841
    preds = as_float_array("preds", preds, ndim=2)
    y_noisy = as_float_array("y_noisy", y_noisy)
    right = bias2_variance(preds, f_true)[0]
    noisy = y_noisy if y_noisy.ndim == 1 else y_noisy[0]
    wrong = float(np.mean((preds.mean(axis=0) - noisy) ** 2))
    expect_close(bias2, right, what="the measured bias2", mistakes={
        "it compares the mean prediction with noisy targets instead of the true function: the "
        "noise then shows up inside bias2 (about bias2 + noise_std**2). Use f_true.": wrong})
    print(f"\u2714 bias2 = {right:.4f} is measured against the true function.")


# --------------------------------------------------------------------------------- plotting
def _fits(degree: int, n_train: int, rounds: int, seed, noise_std: float):
    """One batch of resampled polynomial fits: (X, Y, coef)."""
    degree = require_nonnegative_int("degree", degree)
    X, Y = sample_training_sets(rounds, n_train, noise_std=noise_std, seed=seed)
    return X, Y, fit_polynomials(X, Y, degree)


def draw_fits(ax, degree: int, n_train: int, *, rounds: int = 200, shown: int = 20, seed=0,
              noise_std: float = NOISE_STD, fits=None):
    """Draw ``shown`` of ``rounds`` resampled polynomial fits, their mean and f.

    Returns ``(ax, bias2, variance)`` measured on X_TEST over all rounds.
    ``fits`` = (X, Y, coef) reuses fits already computed for these arguments.
    """
    shown = require_positive_int("shown", shown)
    X, Y, coef = fits if fits is not None else _fits(degree, n_train, rounds, seed, noise_std)
    grid = np.linspace(0.0, 1.0, 120)
    curves = predict_polynomials(coef, grid)
    b2, var = bias2_variance(predict_polynomials(coef, X_TEST), true_function(X_TEST))
    from matplotlib.collections import LineCollection

    segments = np.stack([np.broadcast_to(grid, curves[:shown].shape), curves[:shown]], axis=-1)
    ax.add_collection(LineCollection(segments, colors=COLORS["model"], linewidths=0.8,
                                     alpha=0.35))  # one artist for all fits: fast to draw
    ax.plot(grid, curves.mean(axis=0), color=COLORS["test"], lw=2.2, label="mean of the fits")
    ax.plot(grid, true_function(grid), color=COLORS["truth"], lw=2, ls="--", label="true f")
    ax.scatter(X[0], Y[0], s=14, color=COLORS["train"], zorder=3, label="one training set")
    ax.set(ylim=(-2.0, 2.0), xlabel="x", ylabel="y",
           title=f"degree {degree}, n = {n_train}: {shown} of {len(coef)} fits")
    ax.legend(loc="lower left", fontsize=8)
    return ax, b2, var


def draw_bars(ax, bias2: float, variance: float, noise: float, mse: float | None = None):
    """Bars of bias², variance and noise, their stacked sum, and the measured MSE if given.

    Each bar's value is written in its label (fewer text artists: faster redraws).
    """
    values = [bias2, variance, noise]
    colors = [COLORS["test"], COLORS["model"], "#bbbbbb"]
    ax.bar([0, 1, 2], values, color=colors)
    bottom = 0.0
    for value, color in zip(values, colors):
        ax.bar([3], [value], bottom=[bottom], color=color)
        bottom += value
    names, shown = ["bias²", "variance", "noise", "sum"], values + [bottom]
    if mse is not None:
        ax.bar([4], [mse], color=COLORS["dev"])
        names.append("test MSE")
        shown.append(mse)
    ax.set_xticks(range(len(names)),
                  [f"{n}\n{v:.3g}" if v >= 100 else f"{n}\n{v:.3f}" for n, v in zip(names, shown)])
    top = max(shown)
    if top > 20 * noise:  # a huge variance would flatten the other bars: use a log axis
        ax.set(yscale="log", ylim=(1e-3, 3 * top), title="measured at the test points (log)")
    else:
        ax.set(ylim=(0, 1.1 * top), title="measured at the test points")
    ax.set_ylabel("squared error")
    ax.tick_params(axis="x", labelsize=8)
    return ax


EXPLORER_SIZES = (10, 15, 20, 30, 50, 100, 200)


def explorer_figure(degree: int = 3, n_train: int = 20, *, rounds: int = 200, seed=0):
    """The explorer's figure: resampled fits (left) and bias²/variance/noise bars (right).

    The ``rounds`` polynomials are fitted once (one batched pseudo-inverse) and
    used for both panels.
    """
    import matplotlib.pyplot as plt

    fits = _fits(degree, n_train, rounds, seed, NOISE_STD)
    fig, (ax_fit, ax_bar) = plt.subplots(1, 2, figsize=(9.0, 3.4),
                                         gridspec_kw={"width_ratios": [1.5, 1]})
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.17, top=0.9, wspace=0.25)
    _, b2, var = draw_fits(ax_fit, degree, n_train, fits=fits)
    ax_fit.set_xticks([0.0, 0.5, 1.0])
    ax_fit.set_yticks([-2, -1, 0, 1, 2])
    for ax in (ax_fit, ax_bar):
        ax.grid(False)  # fewer lines and labels: the explorer must redraw fast
    preds = predict_polynomials(fits[2], X_TEST)
    err = measure_test_error(preds, true_function(X_TEST), seed=(seed + 1) if isinstance(
        seed, int) else seed)
    draw_bars(ax_bar, b2, var, NOISE_STD ** 2, err.mse)
    return fig


def make_bias_variance_explorer():
    """Sliders for polynomial degree and training-set size; redraws fits and bias²/variance bars."""
    import ipywidgets as widgets

    degree = widgets.IntSlider(value=3, min=0, max=12, description="degree",
                               continuous_update=False)
    n_train = widgets.SelectionSlider(options=list(EXPLORER_SIZES), value=20,
                                      description="n_train", continuous_update=False)
    output = widgets.Output()

    def redraw(change=None):
        show_in(output, explorer_figure(degree.value, n_train.value))

    degree.observe(redraw, names="value")
    n_train.observe(redraw, names="value")
    redraw()
    settle_garbage()
    return widgets.VBox([widgets.HBox([degree, n_train]), output])
