"""Chapter 1: bias and variance, measured.

The data: a known function ``f(x) = sin(2 pi x)`` on [0, 1] plus Gaussian noise
of standard deviation ``NOISE_STD``. Because ``f`` is known, bias, variance and
noise can be *measured*: draw many training sets, fit one model per set, and
look at the spread of the predictions at fixed test points.

Everything is vectorized across the resampled training sets: polynomials are
fitted to all sets at once with one batched solve, and small tanh networks are
trained on all sets at once by the course's NumPy engine (``utils.numpy_net``,
one model per training set on its leading model axis).

Also here: the exercises' references, catalogues of mistakes and checks
(``decompose``, ``diagnose``), the split-size table, learning curves and the explorer.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from utils import numpy_net
from utils.checks import Catalogue, Mistake, exercise_check
from utils.numpy_net import NetRun
from utils.plotting import COLORS, explorer, explorer_factory, fast_figure
from utils.seeding import numpy_rng
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
# diagnose() thresholds, in error-rate units (0.02 = 2 percentage points). A gap counts
# only when it is *above* its tolerance: exactly 0.02 is not high bias.
BIAS_TOLERANCE = 0.02      # avoidable bias = train_error - base_error above this: high bias
VARIANCE_TOLERANCE = 0.02  # dev-train gap  = dev_error - train_error above this: high variance

_rng = numpy_rng  # train_tanh_nets' seeding (the course's one seeded-generator helper)


def true_function(x):
    """The known target ``f(x) = sin(2 pi x)``, elementwise on a number or array ``x``."""
    return np.sin(2.0 * np.pi * as_float_array("x", x))


def sample_training_sets(rounds: int, n_train: int, *, noise_std: float = NOISE_STD,
                         seed: int = 0):
    """``rounds`` independent training sets of ``n_train`` points, y = f(x) + noise.

    x is drawn *stratified* on [0, 1]: one uniform point in each of ``n_train``
    equal bins, so every set covers the interval (no wide gaps where a
    high-degree polynomial would shoot off to infinity). Returns ``(X, Y)``,
    both of shape (rounds, n_train). ``seed`` is a non-negative int.
    """
    rounds = require_positive_int("rounds", rounds)
    n_train = require_positive_int("n_train", n_train)
    noise_std = require_nonnegative("noise_std", noise_std)
    rng = numpy_rng(seed)
    X = (np.arange(n_train) + rng.uniform(0.0, 1.0, size=(rounds, n_train))) / n_train
    Y = true_function(X) + noise_std * rng.standard_normal((rounds, n_train))
    return X, Y


# ----------------------------------------------------------------------------- polynomials
def polynomial_features(x, degree: int):
    """Chebyshev features of ``2x - 1`` up to ``degree``: shape ``x.shape + (degree + 1,)``.

    Same model class as powers 1, x, ..., x^degree, but well conditioned on [0, 1].
    """
    degree = require_nonnegative_int("degree", degree)
    return np.polynomial.chebyshev.chebvander(2.0 * as_float_array("x", x) - 1.0, degree)


def _distinct_per_row(X) -> np.ndarray:
    """How many different values each row of the 2-D array ``X`` holds."""
    return 1 + np.count_nonzero(np.diff(np.sort(X, axis=1), axis=1), axis=1)


def fit_polynomials(X, Y, degree: int):
    """Least-squares polynomials of ``degree``, one per row of ``X``/``Y`` (rounds, n).

    All rows are solved at once: by the batched normal equations (the Chebyshev
    features keep them well conditioned) where a row has plenty of distinct x
    (at least ``2 (degree + 1)`` points, ``degree + 1`` of them distinct), otherwise
    by a batched pseudo-inverse (the minimum-norm solution when the fit is
    underdetermined). Returns coefficients of shape (rounds, degree + 1).
    Raises ValueError when a row's x are all equal and ``degree >= 1``: a slope
    cannot be fitted to one x value.
    """
    X = as_float_array("X", X, ndim=2, allow_empty=False)
    Y = as_float_array("Y", Y, ndim=2, allow_empty=False)
    require_same_shape("X", X, "Y", Y)
    degree = require_nonnegative_int("degree", degree)
    distinct = _distinct_per_row(X)
    if degree >= 1 and np.any(distinct < 2):
        row = int(np.argmax(distinct < 2))
        raise ValueError(f"X row {row} has all its x values equal ({X[row, 0]:g}): a polynomial "
                         f"of degree {degree} needs at least 2 different x values per row")
    V = polynomial_features(X, degree)                  # (rounds, n, degree + 1)
    coef = np.empty((X.shape[0], degree + 1))
    solvable = (distinct >= degree + 1) & (X.shape[1] >= 2 * (degree + 1))
    if np.any(solvable):
        Vs, Ys = V[solvable], Y[solvable]
        gram = np.einsum("rnd,rne->rde", Vs, Vs)
        coef[solvable] = np.linalg.solve(gram, np.einsum("rnd,rn->rd", Vs, Ys)[..., None])[..., 0]
    if not np.all(solvable):
        rest = ~solvable
        coef[rest] = (np.linalg.pinv(V[rest]) @ Y[rest][..., None])[..., 0]
    return coef


def predict_polynomials(coef, x):
    """Predictions (rounds, points) of every polynomial at ``x`` (points,) or (rounds, points)."""
    coef = as_float_array("coef", coef, ndim=2, allow_empty=False)
    x = as_float_array("x", x)
    if x.ndim not in (1, 2) or (x.ndim == 2 and x.shape[0] != coef.shape[0]):
        raise ValueError(f"x must be (points,) or (rounds, points) with rounds = "
                         f"{coef.shape[0]} (the rows of coef), got shape {x.shape}")
    V = polynomial_features(x, coef.shape[1] - 1)
    if x.ndim == 1:
        return coef @ V.T
    return np.einsum("rnd,rd->rn", V, coef)


def polynomial_experiment(degree: int, n_train: int, *, rounds: int = 200, seed: int = 0,
                          noise_std: float = NOISE_STD, x_test=X_TEST):
    """Fit ``rounds`` polynomials on fresh training sets; predictions on ``x_test`` and train.

    Returns ``(preds, train_mse)``: preds (rounds, len(x_test)); train_mse (rounds,)
    the mean squared error of each model on its own training set.
    """
    x_test = as_float_array("x_test", x_test, ndim=1, allow_empty=False)
    X, Y = sample_training_sets(rounds, n_train, noise_std=noise_std, seed=seed)
    coef = fit_polynomials(X, Y, degree)
    train_mse = np.mean((predict_polynomials(coef, X) - Y) ** 2, axis=1)
    return predict_polynomials(coef, x_test), train_mse


# ------------------------------------------------------------------- a small neural network
def tanh_net_inputs(x) -> np.ndarray:
    """The tanh nets' input: x in [0, 1] scaled to 2x - 1, with a feature axis.

    ``x`` (points,) -> (points, 1), shared by every net; (rounds, n) -> (rounds, n, 1),
    one training set per net.
    """
    x = as_float_array("x", x)
    if x.ndim not in (1, 2) or x.size == 0:
        raise ValueError(f"x must be (points,) or (rounds, points) and non-empty, got {x.shape}")
    return 2.0 * x[..., None] - 1.0


def train_tanh_nets(X, Y, *, hidden: int = 16, steps: int = 1500, learning_rate: float = 0.03,
                    l2: float = 0.0, seed=0) -> NetRun:
    """Train one 1-hidden-layer tanh network per row of ``X``/``Y`` (rounds, n), all at once.

    The course's NumPy engine (``utils.numpy_net.train``) with a leading model
    axis: net r trains on training set r (``tanh_net_inputs``). Full-batch Adam
    in Keras's form (epsilon 1e-8) on the mean squared error plus the L2 penalty
    ``l2 * sum W^2`` over both weight matrices (biases excluded; Keras's
    convention, the course's lambd / (2n) with lambd = 2 n l2). Returns the
    engine's ``NetRun``: params W1 (r, 1, h), b1 (r, h), W2 (r, h, 1), b2 (r, 1),
    train_loss (r, 1).
    """
    X = as_float_array("X", X, ndim=2)
    Y = as_float_array("Y", Y, ndim=2)
    require_same_shape("X", X, "Y", Y)
    hidden = require_positive_int("hidden", hidden)
    steps = require_positive_int("steps", steps)
    l2 = require_nonnegative("l2", l2)
    if not np.isfinite(l2):
        raise ValueError(f"l2 must be finite, got {l2}")
    rng = _rng(seed)
    rounds, n = X.shape
    params = {  # spread-out tanh units over the input range [-1, 1]
        "W1": rng.normal(0.0, 2.0, (rounds, 1, hidden)),
        "b1": rng.uniform(-2.0, 2.0, (rounds, hidden)),
        "W2": rng.normal(0.0, 1.0 / np.sqrt(hidden), (rounds, hidden, 1)),
        "b2": np.zeros((rounds, 1)),
    }
    return numpy_net.train(params, tanh_net_inputs(X), Y, epochs=steps,
                           learning_rate=learning_rate, optimizer="adam_keras",
                           optim_config={"epsilon": 1e-8}, loss="mse", activation="tanh",
                           record_every=steps, lambd=2 * n * l2)


def predict_tanh_nets(params: dict, x) -> np.ndarray:
    """Predictions (rounds, points) of every net at ``x`` (points,) or (rounds, points)."""
    return numpy_net.predict(params, tanh_net_inputs(x), activation="tanh")


# ------------------------------------------------------------------ measuring the decomposition
def _preds_and_truth(preds, f_true):
    preds = as_float_array("preds", preds, ndim=2, allow_empty=False)
    f_true = as_float_array("f_true", f_true, ndim=1, allow_empty=False)
    if preds.shape[1] != f_true.shape[0]:
        raise ValueError(f"preds must be (rounds, points) with points = len(f_true) = "
                         f"{f_true.shape[0]}, got shape {preds.shape}")
    return preds, f_true


def reference_decompose(preds, f_true):
    """The course's ``decompose``: (bias², variance) of ``preds`` (rounds, points), averaged
    over the points; variance with ddof=0. Validates its inputs."""
    preds, f_true = _preds_and_truth(preds, f_true)
    mean_pred = preds.mean(axis=0)
    return float(np.mean((mean_pred - f_true) ** 2)), float(np.mean(preds.var(axis=0)))


@dataclass
class TestError:
    """The measured expected test error of models evaluated on fresh noisy targets."""

    mse: float          # mean over rounds and test points of (prediction - noisy target)^2
    mse_se: float       # its standard error over the independent rounds
    noise: float        # measured noise: mean of (noisy target - f)^2
    gap_se: float       # standard error of mse - (bias^2 + variance + noise_std^2)
    y_test: np.ndarray  # (rounds, points) the noisy targets


def measure_test_error(preds, f_true, *, noise_std: float = NOISE_STD,
                       seed: int = 0) -> TestError:
    """Score each model (row of ``preds``) against fresh noisy targets ``f_true + noise``.

    Rounds are independent, so standard errors are taken over per-round means.
    ``gap_se`` is the standard error of ``mse - (bias^2 + variance + noise_std^2)``,
    whose expectation is exactly zero: its per-round terms are
    ``mean_j[(p - y)^2 - (p - f)^2] - noise_std^2``.
    """
    preds, f_true = _preds_and_truth(preds, f_true)
    noise_std = require_nonnegative("noise_std", noise_std)
    rounds = preds.shape[0]
    if rounds < 2:
        raise ValueError(f"preds needs at least 2 rounds (rows) to estimate a standard error, "
                         f"got {rounds}")
    y = f_true + noise_std * numpy_rng(seed).standard_normal(preds.shape)
    per_round = np.mean((preds - y) ** 2, axis=1)
    gap_terms = per_round - np.mean((preds - f_true) ** 2, axis=1) - noise_std ** 2
    root = np.sqrt(rounds)
    return TestError(float(per_round.mean()), float(per_round.std(ddof=1) / root),
                     float(np.mean((y - f_true) ** 2)), float(gap_terms.std(ddof=1) / root), y)


def _counts(name: str, values, *, minimum: int) -> np.ndarray:
    """``values`` as a non-empty 1-D int array, each >= ``minimum``."""
    array = np.asarray(values)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D list of integers, got shape "
                         f"{array.shape}")
    if array.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integers, got {array.dtype} values "
                        f"{array.tolist()[:5]}")
    if np.any(array < minimum):
        raise ValueError(f"{name} must all be >= {minimum}, got {array.tolist()}")
    return array.astype(int)


def decomposition_table(degrees, n_train: int, *, rounds: int = 200, seed: int = 0,
                        noise_std: float = NOISE_STD, x_test=X_TEST):
    """Bias², variance, noise and measured test MSE (with its SE) for each polynomial degree.

    Returns a dict of arrays keyed "degree", "bias2", "variance", "noise", "mse",
    "mse_se", "gap_se", "train_mse".
    """
    degrees = _counts("degrees", degrees, minimum=0)
    seed = require_nonnegative_int("seed", seed)
    rows = {k: [] for k in ("degree", "bias2", "variance", "noise", "mse", "mse_se", "gap_se",
                            "train_mse")}
    f_test = true_function(x_test)
    for degree in degrees:
        preds, train_mse = polynomial_experiment(int(degree), n_train, rounds=rounds, seed=seed,
                                                 noise_std=noise_std, x_test=x_test)
        b2, var = reference_decompose(preds, f_test)
        err = measure_test_error(preds, f_test, noise_std=noise_std, seed=seed + 1)
        for key, value in zip(rows, (degree, b2, var, noise_std ** 2, err.mse, err.mse_se,
                                     err.gap_se, train_mse.mean())):
            rows[key].append(value)
    return {k: np.asarray(v) for k, v in rows.items()}


def learning_curve(degree: int, sizes, *, rounds: int = 100, seed: int = 0,
                   noise_std: float = NOISE_STD, x_test=X_TEST):
    """Mean train and test MSE of polynomials of ``degree`` for each training-set size.

    Returns ``(train_mse, test_mse)`` arrays of len(sizes); test MSE is against
    fresh noisy targets, averaged over ``rounds`` resampled training sets.
    """
    sizes = _counts("sizes", sizes, minimum=2)
    seed = require_nonnegative_int("seed", seed)
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
    fractions = as_float_array("fractions", fractions, ndim=1, allow_empty=False)
    if np.any(fractions < 0) or not np.isclose(fractions.sum(), 1.0):
        raise ValueError(f"fractions must be >= 0 and sum to 1, got {fractions.tolist()}")
    sizes = np.floor(fractions * n_examples + 1e-9).astype(int)
    sizes[0] += n_examples - sizes.sum()
    return sizes


def error_standard_error(error_rate: float, n: int) -> float:
    """Standard error of an error rate measured on ``n`` examples: sqrt(p (1 - p) / n)."""
    p = require_probability("error_rate", error_rate, allow_zero=True)
    return float(np.sqrt(p * (1.0 - p) / require_positive_int("n", n)))


def _moons_centres(n_samples: int):
    """The arc points of ``make_moons(n_samples)`` before noise: (class 0, class 1)."""
    n_upper = n_samples // 2
    t_upper, t_lower = np.linspace(0, np.pi, n_upper), np.linspace(0, np.pi, n_samples - n_upper)
    return (np.c_[np.cos(t_upper), np.sin(t_upper)],
            np.c_[1 - np.cos(t_lower), 1 - np.sin(t_lower) - 0.5])


def moons_posterior(x, *, n_samples: int = 100, noise: float = 0.2):
    """P(class 1 | x) for ``make_moons(n_samples, noise=noise)``, from the exact densities.

    Each class's density is a mixture of Gaussians (standard deviation ``noise``)
    centred on its arc points; ``x`` is (points, 2). The Bayes classifier predicts
    class 1 where this exceeds 0.5.
    """
    x = as_float_array("x", x, ndim=2, allow_empty=False)
    if x.shape[1] != 2:
        raise ValueError(f"x must have 2 columns (points in the plane), got shape {x.shape}")
    n_samples = require_positive_int("n_samples", n_samples)
    if n_samples < 2:
        raise ValueError(f"n_samples must be >= 2 (one point per class), got {n_samples}")
    noise = require_nonnegative("noise", noise)
    if noise == 0.0:
        raise ValueError("noise must be > 0: without noise the classes do not overlap")
    # p(x, class) up to a common factor: the sum of the class's Gaussian kernels
    joint = [np.exp(-((x[:, None, :] - c[None]) ** 2).sum(axis=-1) / (2 * noise ** 2)).sum(axis=1)
             for c in _moons_centres(n_samples)]
    return joint[1] / (joint[0] + joint[1])


def moons_bayes_error(*, n_samples: int = 100, noise: float = 0.2, draws: int = 20_000,
                      seed: int = 0) -> tuple[float, float]:
    """The base (Bayes) error of scikit-learn's ``make_moons(n_samples, noise=noise)``.

    ``make_moons`` places ``n_samples // 2`` points evenly on the upper arc (class 0)
    and the rest on the lower arc (class 1), then adds Gaussian noise, so the best
    possible classifier is known (``moons_posterior``); its error at x is the smaller
    posterior. Averaged over ``draws`` points drawn from the same process, that is
    the Bayes error. Returns ``(error, standard_error)`` of this Monte Carlo estimate.
    """
    draws = require_positive_int("draws", draws)
    n_samples = require_positive_int("n_samples", n_samples)
    noise = require_nonnegative("noise", noise)
    rng = numpy_rng(seed)
    arc_points = np.concatenate(_moons_centres(n_samples))
    x = arc_points[rng.integers(0, n_samples, draws)] + noise * rng.standard_normal((draws, 2))
    p1 = moons_posterior(x, n_samples=n_samples, noise=noise)
    smaller = np.minimum(p1, 1.0 - p1)
    return float(smaller.mean()), float(smaller.std(ddof=1) / np.sqrt(draws))


# --------------------------------------------------------------------------------- diagnose
def reference_diagnose(train_error, dev_error, base_error=0.0):
    """The course's ``diagnose``: high bias when train_error - base_error is *above*
    BIAS_TOLERANCE, high variance when dev_error - train_error is above VARIANCE_TOLERANCE.
    Validates its inputs (error rates in [0, 1])."""
    train_error = require_probability("train_error", train_error, allow_zero=True)
    dev_error = require_probability("dev_error", dev_error, allow_zero=True)
    base_error = require_probability("base_error", base_error, allow_zero=True)
    return _label(train_error - base_error > BIAS_TOLERANCE,
                  dev_error - train_error > VARIANCE_TOLERANCE)


def _label(high_bias: bool, high_variance: bool) -> str:
    return DIAGNOSES[{(True, False): 0, (False, True): 1, (True, True): 2,
                      (False, False): 3}[(bool(high_bias), bool(high_variance))]]


# The check's cases: (train_error, dev_error, base_error, expected, why).
# The two cases exactly at the tolerance subtract 0.0, so no float rounding decides them.
DIAGNOSE_CASES = [
    (0.01, 0.11, 0.0, "high variance", "the notes: 1% train, 11% dev"),
    (0.15, 0.16, 0.0, "high bias", "the notes: 15% train, 16% dev"),
    (0.15, 0.30, 0.0, "high bias and high variance", "the notes: 15% train, 30% dev"),
    (0.005, 0.01, 0.0, "good fit", "the notes: 0.5% train, 1% dev"),
    (0.15, 0.16, 0.15, "good fit", "15% train, 16% dev when even the best model errs 15%"),
    (0.15, 0.30, 0.15, "high variance", "15% train, 30% dev with a 15% base error"),
    (0.10, 0.115, 0.02, "high bias", "10% train, 11.5% dev with a 2% base error"),
    (0.03, 0.035, 0.02, "good fit", "3% train, 3.5% dev with a 2% base error"),
    (0.10, 0.05, 0.0, "high bias", "a dev error below the training error is no variance"),
    (0.05, 0.01, 0.04, "good fit", "a dev error below the training error is no variance"),
    (0.045, 0.05, 0.02, "high bias", "avoidable bias 0.025, just above 0.02"),
    (0.035, 0.04, 0.02, "good fit", "avoidable bias 0.015, just below 0.02"),
    (0.05, 0.075, 0.05, "high variance", "a dev - train gap of 0.025, just above 0.02"),
    (0.05, 0.065, 0.05, "good fit", "a dev - train gap of 0.015, just below 0.02"),
    (0.02, 0.03, 0.0, "good fit", "an avoidable bias of exactly 0.02 is not above 0.02"),
    (0.0, 0.02, 0.0, "good fit", "a dev - train gap of exactly 0.02 is not above 0.02"),
]
_RULE = ("high bias when train_error - base_error > 0.02, high variance when "
         "dev_error - train_error > 0.02")


def _wrong_base_ignored(train_error, dev_error, base_error=0.0):
    return _label(train_error > BIAS_TOLERANCE, dev_error - train_error > VARIANCE_TOLERANCE)


def _wrong_gap_from_base(train_error, dev_error, base_error=0.0):
    return _label(train_error - base_error > BIAS_TOLERANCE,
                  dev_error - base_error > VARIANCE_TOLERANCE)


def _wrong_bias_from_dev(train_error, dev_error, base_error=0.0):
    return _label(dev_error - base_error > BIAS_TOLERANCE,
                  dev_error - train_error > VARIANCE_TOLERANCE)


def _wrong_swapped(train_error, dev_error, base_error=0.0):
    return _label(dev_error - train_error > VARIANCE_TOLERANCE,
                  train_error - base_error > BIAS_TOLERANCE)


def _wrong_one_label(train_error, dev_error, base_error=0.0):
    if train_error - base_error > BIAS_TOLERANCE:
        return "high bias"
    elif dev_error - train_error > VARIANCE_TOLERANCE:
        return "high variance"
    return "good fit"


def _wrong_abs_gap(train_error, dev_error, base_error=0.0):
    return _label(train_error - base_error > BIAS_TOLERANCE,
                  abs(dev_error - train_error) > VARIANCE_TOLERANCE)


def _wrong_at_tolerance(train_error, dev_error, base_error=0.0):
    return _label(train_error - base_error >= BIAS_TOLERANCE,
                  dev_error - train_error >= VARIANCE_TOLERANCE)


def _wrong_percent(train_error, dev_error, base_error=0.0):
    return _label(train_error - base_error > 2, dev_error - train_error > 2)


def _wrong_tolerance(train_error, dev_error, base_error=0.0):
    return _label(train_error - base_error > 0.01, dev_error - train_error > 0.01)


def _wrong_default(train_error, dev_error, base_error=0.5):
    return reference_diagnose(train_error, dev_error, base_error)


def _wrong_not_a_label(train_error, dev_error, base_error=0.0):
    return "overfitting" if dev_error - train_error > VARIANCE_TOLERANCE else "good fit"


_SAID = "{call} returned {got}, expected {expected}"
DIAGNOSE = Catalogue(
    "diagnose",
    Mistake("base_ignored", _SAID + ": high bias means the *avoidable* bias train_error - "
            "base_error is above 0.02, not train_error itself.", _wrong_base_ignored),
    Mistake("gap_from_base", _SAID + ": high variance is about the gap dev_error - train_error, "
            "not dev_error - base_error.", _wrong_gap_from_base),
    Mistake("bias_from_dev", _SAID + ": avoidable bias is measured on the training error "
            "(train_error - base_error), not on the dev error.", _wrong_bias_from_dev),
    Mistake("swapped", _SAID + ": bias and variance are swapped (a training error far above the "
            "base error is high bias, a big dev - train gap is high variance).", _wrong_swapped),
    Mistake("one_label", _SAID + ": a model can have both problems, so test both conditions "
            "(not if/elif) and return 'high bias and high variance' when both hold.",
            _wrong_one_label),
    Mistake("abs_gap", _SAID + ": a dev error *below* the training error is no variance "
            "problem, so use dev_error - train_error, not its absolute value.", _wrong_abs_gap),
    Mistake("at_tolerance", _SAID + ": a gap of exactly 0.02 is not *above* the tolerance, so "
            "compare with >, not >=.", _wrong_at_tolerance),
    Mistake("percent", _SAID + ": the errors are fractions (0.15 means 15%), so compare the gaps "
            "with 0.02, not 2.", _wrong_percent),
    Mistake("wrong_diagnosis", _SAID + " ({why}); the rule is " + _RULE + ".", _wrong_tolerance),
    Mistake("no_default", "diagnose(0.15, 0.16) returned {got}, expected 'high bias': "
            "base_error must default to 0.0.", _wrong_default),
    Mistake("not_a_label", "{call} returned {got}: return exactly one of 'high bias', "
            "'high variance', 'high bias and high variance', 'good fit'.", _wrong_not_a_label),
    takes_arrays=False,
)
# Wrong rules the check recognises from the learner's answers on all of DIAGNOSE_CASES.
_DIAGNOSE_RULES = ("base_ignored", "gap_from_base", "bias_from_dev", "swapped", "one_label",
                   "abs_gap", "at_tolerance", "percent")


def _call(train_error, dev_error, base_error) -> str:
    return f"diagnose({train_error}, {dev_error}, {base_error})"


@exercise_check("your diagnosis matches the notes' cases, uses the base error and is right on "
                "both sides of the 2-point tolerance.", catalogue=DIAGNOSE,
                reference=reference_diagnose)
def check_diagnose(diagnose: Callable) -> None:
    """Check ``diagnose(train_error, dev_error, base_error=0.0) -> str`` on DIAGNOSE_CASES."""
    got = [diagnose(t, d, b) for t, d, b, _, _ in DIAGNOSE_CASES]
    for answer, (t, d, b, _, _) in zip(got, DIAGNOSE_CASES):
        DIAGNOSE.expect(isinstance(answer, str) and answer in DIAGNOSES, "not_a_label",
                        call=_call(t, d, b), got=repr(answer))
    expected = [case[3] for case in DIAGNOSE_CASES]
    if got != expected:
        first = next(i for i, (a, e) in enumerate(zip(got, expected)) if a != e)
        t, d, b, right, why = DIAGNOSE_CASES[first]
        said = {"call": _call(t, d, b), "got": repr(got[first]), "expected": repr(right)}
        for key in _DIAGNOSE_RULES:
            rule = DIAGNOSE[key].answer
            DIAGNOSE.expect(got != [rule(*case[:3]) for case in DIAGNOSE_CASES], key, **said)
        DIAGNOSE.fail("wrong_diagnosis", why=why, **said)
    default = diagnose(0.15, 0.16)
    DIAGNOSE.expect(default == "high bias", "no_default", got=repr(default))


# -------------------------------------------------------------------------------- decompose
def _decompose_fixture():
    """Square predictions (8 rounds x 8 points), so a mean or variance over the wrong axis
    gives a wrong number instead of a broadcasting error, and the true function there."""
    rng = np.random.default_rng(7)
    f_true = np.sin(np.linspace(0.2, 2.8, 8))
    offset = np.array([0.3, -0.1, 0.25, 0.4, -0.2, 0.15, 0.05, -0.3])
    spread = np.array([0.1, 0.3, 0.2, 0.5, 0.15, 0.4, 0.25, 0.35])
    preds = f_true + offset + spread * rng.standard_normal((8, 8))
    return preds, f_true


def _mean_gap(preds, f_true):
    return preds.mean(axis=0) - f_true


def _wrong_swapped_terms(preds, f_true):
    return tuple(reversed(reference_decompose(preds, f_true)))


def _wrong_variance_axis(preds, f_true):
    return reference_decompose(preds, f_true)[0], float(np.mean(preds.var(axis=1)))


def _wrong_mean_axis(preds, f_true):
    bias2 = np.mean((preds.mean(axis=1) - f_true) ** 2)
    return float(bias2), reference_decompose(preds, f_true)[1]


def _wrong_both_axes(preds, f_true):
    bias2 = np.mean((preds.mean(axis=1) - f_true) ** 2)
    return float(bias2), float(np.mean(preds.var(axis=1)))


def _wrong_variance_of_everything(preds, f_true):
    return reference_decompose(preds, f_true)[0], float(np.var(preds))


def _wrong_mean_std(preds, f_true):
    return reference_decompose(preds, f_true)[0], float(np.mean(preds.std(axis=0)))


def _wrong_sqrt_variance(preds, f_true):
    return reference_decompose(preds, f_true)[0], float(np.sqrt(np.mean(preds.var(axis=0))))


def _wrong_ddof1(preds, f_true):
    return reference_decompose(preds, f_true)[0], float(np.mean(preds.var(axis=0, ddof=1)))


def _wrong_bias_not_squared(preds, f_true):
    return float(np.mean(_mean_gap(preds, f_true))), reference_decompose(preds, f_true)[1]


def _wrong_abs_bias(preds, f_true):
    return float(np.mean(np.abs(_mean_gap(preds, f_true)))), reference_decompose(preds, f_true)[1]


def _wrong_squared_after_mean(preds, f_true):
    return float(np.mean(_mean_gap(preds, f_true)) ** 2), reference_decompose(preds, f_true)[1]


def _wrong_bias_is_mse(preds, f_true):
    return float(np.mean((preds - f_true) ** 2)), reference_decompose(preds, f_true)[1]


def _wrong_summed(preds, f_true):
    return (float(np.sum(_mean_gap(preds, f_true) ** 2)), float(np.sum(preds.var(axis=0))))


def _wrong_per_point(preds, f_true):
    return _mean_gap(preds, f_true) ** 2, preds.var(axis=0)


def _wrong_centers_in_place(preds, f_true):
    mean_pred = preds.mean(axis=0)
    bias2 = np.mean((mean_pred - f_true) ** 2)
    preds -= mean_pred  # right numbers, but the caller's array is changed
    return float(bias2), float(np.mean(preds ** 2))


DECOMPOSE = Catalogue(
    "decompose",
    Mistake("swapped", "bias2 and variance are swapped: return (bias2, variance) in that order.",
            _wrong_swapped_terms),
    Mistake("variance_axis", "the variance is taken over the wrong axis: rows are rounds, so "
            "take preds.var(axis=0) (across models at each point), then average over the points.",
            _wrong_variance_axis),
    Mistake("mean_axis", "the mean prediction is taken over the wrong axis: rows are rounds, so "
            "the average model is preds.mean(axis=0), one value per point.", _wrong_mean_axis),
    Mistake("both_axes", "the mean and the variance are both taken over the wrong axis: rows are "
            "rounds and columns are points, so use axis=0 for both, then average over the points.",
            _wrong_both_axes),
    Mistake("variance_of_everything", "the variance is of all numbers at once (np.var(preds)), "
            "which mixes how f varies over x with how the models vary: take the variance across "
            "rounds at each point.", _wrong_variance_of_everything),
    Mistake("mean_std", "it averages standard deviations (preds.std) instead of variances: the "
            "variance is the mean squared deviation, without a square root.", _wrong_mean_std),
    Mistake("sqrt_variance", "it returns the square root of the variance: drop the square root.",
            _wrong_sqrt_variance),
    Mistake("ddof1", "the variance uses ddof=1: use np.var's default ddof=0, so that bias2 + "
            "variance equals the mean squared deviation from f_true exactly.", _wrong_ddof1),
    Mistake("bias_not_squared", "the bias is not squared: bias2 is the mean over the points of "
            "(mean prediction - f_true)**2.", _wrong_bias_not_squared),
    Mistake("abs_bias", "it uses |bias| instead of bias squared: square (mean prediction - "
            "f_true) at each point, then average.", _wrong_abs_bias),
    Mistake("squared_after_mean", "it squares after averaging over the points: square the bias "
            "at each point, then average.", _wrong_squared_after_mean),
    Mistake("bias_is_mse", "bias2 is the mean squared error of the predictions (that is bias2 + "
            "variance): average the predictions over the rounds first, then compare with f_true.",
            _wrong_bias_is_mse),
    Mistake("summed", "it sums over the points: average over them instead (np.mean).",
            _wrong_summed),
    Mistake("per_point", "bias2 and variance should each be one number averaged over the "
            "points, got shapes {shapes}: take np.mean over the points.", _wrong_per_point),
    Mistake("mutated_input", answer=_wrong_centers_in_place),
    Mistake("not_numeric", answer=lambda preds, f_true: ("bias2", "variance")),
    Mistake("wrong_shape", answer=lambda preds, f_true: reference_decompose(preds, f_true)[0]),
    Mistake("wrong_value", answer=lambda preds, f_true: (  # the bias of the first model only
        float(np.mean((preds[0] - f_true) ** 2)), reference_decompose(preds, f_true)[1])),
)
# The wrong (bias2, variance) pairs the check recognises, in the order they are tried.
_DECOMPOSE_CANDIDATES = ("swapped", "variance_axis", "mean_axis", "both_axes",
                         "variance_of_everything", "mean_std", "sqrt_variance", "ddof1",
                         "bias_not_squared", "abs_bias", "squared_after_mean", "bias_is_mse",
                         "summed")


def _one_number_each(result) -> None:
    if isinstance(result, (tuple, list, np.ndarray)) and len(result) == 2:
        shapes = [np.shape(r) for r in result]
        DECOMPOSE.expect(all(s == () for s in shapes), "per_point", shapes=shapes)


@exercise_check("bias² and variance come out right and add up to the mean squared deviation.",
                catalogue=DECOMPOSE, reference=reference_decompose)
def check_decompose(decompose: Callable) -> None:
    """Check ``decompose(preds, f_true) -> (bias2, variance)``: any pair of two numbers
    (a tuple, a list or a length-2 array), given float arrays as its docstring promises."""
    preds, f_true = _decompose_fixture()
    result = decompose(preds, f_true)  # the learner's function gets copies (exercise_check)
    _one_number_each(result)
    candidates = {key: DECOMPOSE[key].answer(preds.copy(), f_true.copy())
                  for key in _DECOMPOSE_CANDIDATES}
    DECOMPOSE.close(result, reference_decompose(preds, f_true), what="(bias2, variance)",
                    candidates=candidates)
    same = np.tile(f_true[:5] + 0.5, (3, 1))     # 3 rounds x 5 points, all f_true + 0.5
    result = decompose(same, f_true[:5])
    _one_number_each(result)
    DECOMPOSE.close(result, (0.25, 0.0),
                    what="(bias2, variance) when all 3 rounds predict f_true + 0.5")


# A measured number rather than a function: not an exercise, but its messages are data too.
MEASURED_BIAS2 = Catalogue(
    "measured_bias2",
    Mistake("noisy_targets", "{what} compares the mean prediction with noisy targets instead "
            "of the true function: the noise then shows up inside bias2 (about bias2 + "
            "noise_std**2), so use f_true."),
)


def check_measured_bias2(bias2: float, preds, f_true, y_noisy) -> None:
    """Check a measured bias² was taken against the true function, not the noisy targets.

    ``y_noisy`` is one noisy target per point (points,), or (rounds, points) of which
    the first row is used.
    """
    __tracebackhide__ = True  # noqa: F841
    preds, f_true = _preds_and_truth(preds, f_true)
    y_noisy = as_float_array("y_noisy", y_noisy)
    noisy = y_noisy if y_noisy.ndim == 1 else y_noisy[0]
    if noisy.shape != f_true.shape:
        raise ValueError(f"y_noisy must hold one target per point ({f_true.shape[0]}), got "
                         f"shape {y_noisy.shape}")
    right = reference_decompose(preds, f_true)[0]
    wrong = float(np.mean((preds.mean(axis=0) - noisy) ** 2))
    MEASURED_BIAS2.close(bias2, right, what="the measured bias2",
                         candidates={"noisy_targets": wrong})
    print(f"\u2714 bias2 = {right:.4f} is measured against the true function.")


# --------------------------------------------------------------------------------- plotting
def _fits(degree: int, n_train: int, rounds: int, seed: int, noise_std: float):
    """One batch of resampled polynomial fits: (X, Y, coef)."""
    X, Y = sample_training_sets(rounds, n_train, noise_std=noise_std, seed=seed)
    return X, Y, fit_polynomials(X, Y, degree)


def draw_fits(ax, degree: int, n_train: int, *, rounds: int = 200, shown: int = 20,
              seed: int = 0, noise_std: float = NOISE_STD, fits=None):
    """Draw ``shown`` of ``rounds`` resampled polynomial fits, their mean and f.

    Returns ``(ax, bias2, variance)`` measured on X_TEST over all rounds.
    ``fits`` = (X, Y, coef) reuses fits already computed for these arguments.
    """
    from matplotlib.collections import LineCollection

    shown = require_positive_int("shown", shown)
    X, Y, coef = fits if fits is not None else _fits(degree, n_train, rounds, seed, noise_std)
    grid = np.linspace(0.0, 1.0, 120)
    curves = predict_polynomials(coef, grid)
    b2, var = reference_decompose(predict_polynomials(coef, X_TEST), true_function(X_TEST))
    segments = np.stack([np.broadcast_to(grid, curves[:shown].shape), curves[:shown]], axis=-1)
    ax.add_collection(LineCollection(segments, colors=COLORS["model"], linewidths=0.8,
                                     alpha=0.35))  # one artist for all fits: fast to draw
    ax.plot(grid, curves.mean(axis=0), color=COLORS["test"], lw=2.2, label="mean of the fits")
    ax.plot(grid, true_function(grid), color=COLORS["truth"], lw=2, ls="--", label="true f")
    ax.scatter(X[0], Y[0], s=14, color=COLORS["train"], zorder=3, label="one training set")
    ax.set(ylim=(-2.0, 2.0), xlabel="x", ylabel="y",
           title=f"degree {degree}, n = {n_train}: {min(shown, len(coef))} of {len(coef)} fits")
    ax.legend(loc="lower left", fontsize=8)
    return ax, b2, var


def draw_bars(ax, bias2: float, variance: float, noise: float, mse: float | None = None):
    """Bars of bias², variance and noise, their stacked sum, and the measured MSE if given.

    Each bar's value is written in its label (fewer text artists: faster redraws).
    """
    values = [require_nonnegative("bias2", bias2), require_nonnegative("variance", variance),
              require_nonnegative("noise", noise)]
    colors = [COLORS["test"], COLORS["model"], "#bbbbbb"]
    ax.bar([0, 1, 2], values, color=colors)
    bottom = 0.0
    for value, color in zip(values, colors):
        ax.bar([3], [value], bottom=[bottom], color=color)
        bottom += value
    names, shown = ["bias²", "variance", "noise", "sum"], values + [bottom]
    if mse is not None:
        ax.bar([4], [require_nonnegative("mse", mse)], color=COLORS["dev"])
        names.append("test MSE")
        shown.append(mse)
    ax.set_xticks(range(len(names)),
                  [f"{n}\n{v:.3g}" if v >= 100 else f"{n}\n{v:.3f}" for n, v in zip(names, shown)])
    top = max(max(shown), 1e-12)
    if top > 20 * noise:  # a huge variance would flatten the other bars: use a log axis
        ax.set(yscale="log", ylim=(1e-3, 3 * top), title="measured at the test points (log)")
    else:
        ax.set(ylim=(0, 1.1 * top), title="measured at the test points")
    ax.set_ylabel("squared error")
    ax.tick_params(axis="x", labelsize=8)
    return ax


EXPLORER_SIZES = (10, 15, 20, 30, 50, 100, 200)


def draw_bias_variance(axes, degree: int = 3, n_train: int = 20, *, rounds: int = 200,
                       seed: int = 0):
    """The explorer's drawing on two axes: resampled fits (left) and bias²/variance/noise bars
    (right). The ``rounds`` polynomials are fitted once and used for both panels."""
    ax_fit, ax_bar = axes
    seed = require_nonnegative_int("seed", seed)
    fits = _fits(degree, n_train, rounds, seed, NOISE_STD)
    _, b2, var = draw_fits(ax_fit, degree, n_train, fits=fits)
    ax_fit.set_xticks([0.0, 0.5, 1.0])
    ax_fit.set_yticks([-2, -1, 0, 1, 2])
    err = measure_test_error(predict_polynomials(fits[2], X_TEST), true_function(X_TEST),
                             seed=seed + 1)
    draw_bars(ax_bar, b2, var, NOISE_STD ** 2, err.mse)
    return axes


def _explorer_axes():
    return fast_figure(1, 2, width=9.0, height=3.4, left=0.07, right=0.98, bottom=0.18,
                       top=0.9, wspace=0.25, grid=False)


@explorer_factory
def make_bias_variance_explorer():
    """Sliders for polynomial degree and training-set size; redraws fits and bias²/variance bars."""
    import ipywidgets as widgets

    controls = {
        "degree": widgets.IntSlider(value=3, min=0, max=12, description="degree",
                                    continuous_update=False),
        "n_train": widgets.SelectionSlider(options=list(EXPLORER_SIZES), value=20,
                                           description="n_train", continuous_update=False),
    }
    return explorer("bias_variance", controls, draw_bias_variance, figure=_explorer_axes)
