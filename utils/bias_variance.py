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
(``decompose``, ``resample_predictions``, ``diagnose``, ``learning_curve``), models as
``fit(x, y) -> predict`` functions for them, the split-size table, expected learning
curves and the explorer.
"""
from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from utils import numpy_net
from utils.checks import Catalogue, Mistake, exercise_check, matches
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


# ------------------------------------------------------- models as fit(x, y) -> predict(x)
def require_generator(rng) -> np.random.Generator:
    """``rng`` itself if it is a NumPy Generator, else TypeError naming the argument."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), "
                        f"got {type(rng).__name__}")
    return rng


def training_set_drawer(n_train: int, *, noise_std: float = NOISE_STD,
                        stratified: bool = True) -> Callable:
    """A function ``draw_training_set(rng) -> (x, y)``: one fresh training set from ``rng``.

    ``x`` (n_train,) in [0, 1] and ``y = f(x) + noise``. ``stratified=True`` draws one
    uniform x per equal bin, in bin order (the same draws as ``sample_training_sets(1,
    n_train, seed=s)`` from ``numpy_rng(s)``); ``stratified=False`` draws plain uniform
    x, in random order, like a shuffled real data set.
    """
    n_train = require_positive_int("n_train", n_train)
    noise_std = require_nonnegative("noise_std", noise_std)

    def draw_training_set(rng):
        uniform = require_generator(rng).uniform(0.0, 1.0, size=n_train)
        x = (np.arange(n_train) + uniform) / n_train if stratified else uniform
        return x, true_function(x) + noise_std * rng.standard_normal(n_train)

    draw_training_set.__qualname__ = f"training_set_drawer({n_train})"
    return draw_training_set


def polynomial_fitter(degree: int) -> Callable:
    """A function ``fit(x_train, y_train) -> predict``: the least-squares polynomial of
    ``degree`` (``fit_polynomials``) on one training set, and ``predict(x) -> (len(x),)``."""
    degree = require_nonnegative_int("degree", degree)

    def fit(x_train, y_train):
        x_train = as_float_array("x_train", x_train, ndim=1, allow_empty=False)
        y_train = as_float_array("y_train", y_train, ndim=1, allow_empty=False)
        require_same_shape("x_train", x_train, "y_train", y_train)
        coef = fit_polynomials(x_train[None], y_train[None], degree)

        def predict(x):
            return predict_polynomials(coef, as_float_array("x", x, ndim=1))[0]

        return predict

    fit.__qualname__ = f"polynomial_fitter({degree})"
    return fit


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


def expected_learning_curve(degree: int, sizes, *, rounds: int = 100, seed: int = 0,
                            noise_std: float = NOISE_STD, x_test=X_TEST):
    """Mean train and test MSE of polynomials of ``degree`` for each training-set size.

    Returns ``(train_mse, test_mse)`` arrays of len(sizes); test MSE is against
    fresh noisy targets, averaged over ``rounds`` resampled training sets (the
    expected curves; the chapter's ``learning_curve`` exercise measures one data set's).
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


# ---------------------------------------------------------------------- resample_predictions
def reference_resample_predictions(draw_training_set, fit, x_eval, rounds, rng):
    """The course's ``resample_predictions``: ``rounds`` times, draw a fresh training set
    from ``rng``, fit a model on it, predict at the fixed ``x_eval`` and score it on its own
    training set. Returns ``(preds (rounds, points), train_mse (rounds,))``. Validates its
    inputs."""
    for name, value in (("draw_training_set", draw_training_set), ("fit", fit)):
        if not callable(value):
            raise TypeError(f"{name} must be a function, got {type(value).__name__}")
    x_eval = as_float_array("x_eval", x_eval, ndim=1, allow_empty=False)
    rounds = require_positive_int("rounds", rounds)
    rng = require_generator(rng)
    preds, train_mse = np.empty((rounds, x_eval.size)), np.empty(rounds)
    for r in range(rounds):
        x_train, y_train = draw_training_set(rng)
        predict = fit(x_train, y_train)
        preds[r] = predict(x_eval)
        train_mse[r] = np.mean((predict(x_train) - y_train) ** 2)
    return preds, train_mse


class _RecordingTask:
    """The check's data and model, recording how the learner's loop uses them.

    ``draw(rng)``: 6 stratified points of sin(2 pi x) + noise; ``fit(x, y)``: a
    least-squares quadratic (minimum norm, so any number of points works) whose
    ``predict`` records where it was asked. Every draw, fit and prediction is logged.
    """

    n_train, degree = 6, 2

    def __init__(self):
        self.draws: list[tuple[np.ndarray, np.ndarray]] = []
        self.draw_rngs: list = []
        self.fits: list[tuple[np.ndarray, np.ndarray]] = []
        self.queries: list[np.ndarray] = []

    def draw(self, rng):
        self.draw_rngs.append(rng)
        x = (np.arange(self.n_train) + rng.uniform(0.0, 1.0, self.n_train)) / self.n_train
        y = np.sin(2.0 * np.pi * x) + 0.3 * rng.standard_normal(self.n_train)
        self.draws.append((x.copy(), y.copy()))
        return x, y

    @classmethod
    def coefficients(cls, x, y):
        V = np.vander(np.asarray(x, dtype=float), cls.degree + 1)
        return np.linalg.lstsq(V, np.asarray(y, dtype=float), rcond=None)[0]

    def fit(self, x, y):
        self.fits.append((np.array(x, dtype=float), np.array(y, dtype=float)))
        coef = self.coefficients(x, y)

        def predict(x_new):
            x_new = np.asarray(x_new, dtype=float)
            self.queries.append(x_new.copy())
            return np.polyval(coef, x_new)

        return predict


def _true_resample(task: _RecordingTask, x_eval):
    """What the loop should return for the training sets ``task`` actually drew."""
    preds, train_mse = [], []
    for x, y in task.draws:
        coef = task.coefficients(x, y)
        preds.append(np.polyval(coef, x_eval))
        train_mse.append(np.mean((np.polyval(coef, x) - y) ** 2))
    return np.array(preds), np.array(train_mse)


def _wrong_preds_only(draw_training_set, fit, x_eval, rounds, rng):
    return reference_resample_predictions(draw_training_set, fit, x_eval, rounds, rng)[0]


def _wrong_one_training_set(draw_training_set, fit, x_eval, rounds, rng):
    x_train, y_train = draw_training_set(rng)          # drawn once, before the loop
    preds, train_mse = [], []
    for _ in range(rounds):
        predict = fit(x_train, y_train)
        preds.append(predict(x_eval))
        train_mse.append(np.mean((predict(x_train) - y_train) ** 2))
    return np.array(preds), np.array(train_mse)


def _loop_with(draw_rng_for_round):
    """A correct loop except for the Generator each round's draw receives."""
    def answer(draw_training_set, fit, x_eval, rounds, rng):
        preds, train_mse = np.empty((rounds, len(x_eval))), np.empty(rounds)
        for r in range(rounds):
            x_train, y_train = draw_training_set(draw_rng_for_round(r, rng))
            predict = fit(x_train, y_train)
            preds[r] = predict(x_eval)
            train_mse[r] = np.mean((predict(x_train) - y_train) ** 2)
        return preds, train_mse
    return answer


_wrong_same_seed_each_round = _loop_with(lambda r, rng: np.random.default_rng(0))
_wrong_new_generator = _loop_with(lambda r, rng: np.random.default_rng(1000 + r))


def _wrong_one_round_short(draw_training_set, fit, x_eval, rounds, rng):
    preds, train_mse = np.zeros((rounds, len(x_eval))), np.zeros(rounds)
    for r in range(rounds - 1):
        x_train, y_train = draw_training_set(rng)
        predict = fit(x_train, y_train)
        preds[r] = predict(x_eval)
        train_mse[r] = np.mean((predict(x_train) - y_train) ** 2)
    return preds, train_mse


def _wrong_fitted_once(draw_training_set, fit, x_eval, rounds, rng):
    predict, preds, train_mse = None, [], []
    for _ in range(rounds):
        x_train, y_train = draw_training_set(rng)
        if predict is None:                             # only the first set is ever fitted
            predict = fit(x_train, y_train)
        preds.append(predict(x_eval))
        train_mse.append(np.mean((predict(x_train) - y_train) ** 2))
    return np.array(preds), np.array(train_mse)


def _wrong_predicted_at_training_points(draw_training_set, fit, x_eval, rounds, rng):
    preds, train_mse = [], []
    for _ in range(rounds):
        x_train, y_train = draw_training_set(rng)
        predict = fit(x_train, y_train)
        preds.append(predict(x_train))
        train_mse.append(np.mean((preds[-1] - y_train) ** 2))
    return np.array(preds), np.array(train_mse)


def _transformed(preds_of, mse_of):
    """The reference loop with its outputs passed through the given transforms."""
    def answer(draw_training_set, fit, x_eval, rounds, rng):
        preds, train_mse = [], []
        for _ in range(rounds):
            x_train, y_train = draw_training_set(rng)
            predict = fit(x_train, y_train)
            preds.append(predict(x_eval))
            train_mse.append(mse_of(predict(x_train) - y_train))
        return preds_of(preds), np.array(train_mse)
    return answer


def _running_mean(rows):
    rows = np.array(rows)
    return np.cumsum(rows, axis=0) / np.arange(1, len(rows) + 1)[:, None]


def _mse(residual):
    return np.mean(residual ** 2)


RESAMPLE = Catalogue(
    "resample_predictions",
    Mistake("not_a_pair", "resample_predictions returned {got} instead of the pair (preds, "
            "train_mse): return both.", _wrong_preds_only),
    Mistake("same_seed_each_round", "every round drew the same training set from a new "
            "Generator seeded the same way: pass the rng argument itself to draw_training_set "
            "every round, so each round gets a fresh set.", _wrong_same_seed_each_round),
    Mistake("not_from_rng", "draw_training_set received a Generator other than the rng "
            "argument: pass rng itself every round, so the experiment is reproducible from "
            "one seed.", _wrong_new_generator),
    Mistake("one_training_set", "draw_training_set was called once for {rounds} rounds: draw a "
            "fresh training set inside the loop, or every model sees the same data and the "
            "variance comes out 0.", _wrong_one_training_set),
    Mistake("rounds_count", "draw_training_set was called {calls} times for rounds={rounds}: "
            "draw exactly one fresh training set per round.", _wrong_one_round_short),
    Mistake("refit_each_round", "fit was called {fits} for {rounds} rounds: fit a new "
            "model on each round's own training set, inside the loop.", _wrong_fitted_once),
    Mistake("not_at_eval_points", "no model was asked to predict at x_eval: row r of preds is "
            "model r's predictions at the fixed evaluation points x_eval, not at its training "
            "points.", _wrong_predicted_at_training_points),
    Mistake("axes_swapped", "preds has shape {got_shape}, which is (points, rounds): put one "
            "round per row, shape (rounds, points) = {expected_shape}.",
            _transformed(lambda rows: np.array(rows).T, _mse)),
    Mistake("train_rmse", "{what} holds root mean squared errors: drop the square root, "
            "train_mse is the mean of the squared residuals.",
            _transformed(np.array, lambda res: np.sqrt(np.mean(res ** 2)))),
    Mistake("train_summed", "{what} sums the squared residuals: take their mean instead.",
            _transformed(np.array, lambda res: np.sum(res ** 2))),
    Mistake("train_abs", "{what} averages absolute residuals: square them instead "
            "(a mean *squared* error).", _transformed(np.array, lambda res: np.mean(np.abs(res)))),
    Mistake("not_numeric", answer=_transformed(lambda rows: "preds", _mse)),
    Mistake("wrong_shape", answer=_transformed(np.hstack, _mse)),
    Mistake("wrong_value", answer=_transformed(_running_mean, _mse)),
)


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def _pair(result, catalogue: Catalogue, name: str):
    """The two values of a returned pair, or the catalogue's not_a_pair failure."""
    pair = isinstance(result, (tuple, list)) or (isinstance(result, np.ndarray)
                                                  and result.ndim >= 1)
    if not (pair and len(result) == 2):
        if isinstance(result, np.ndarray):
            got = f"one array of shape {result.shape}"
        else:
            got = (f"a {type(result).__name__} of {len(result)} values" if pair
                   else f"a single {type(result).__name__}")
        catalogue.fail("not_a_pair", got=got, name=name)
    return result


@exercise_check("a fresh training set from rng every round, a new model on each, its "
                "predictions at x_eval in row r and its own training error.",
                catalogue=RESAMPLE, reference=reference_resample_predictions)
def check_resample_predictions(resample_predictions: Callable) -> None:
    """Check ``resample_predictions(draw_training_set, fit, x_eval, rounds, rng) ->
    (preds, train_mse)`` by recording what the learner's loop draws, fits and predicts."""
    rounds, x_eval = 7, np.array([0.9, 0.1, 0.55, 0.3, 0.75])   # unsorted, 5 points
    task, rng = _RecordingTask(), np.random.default_rng(11)
    preds, train_mse = _pair(resample_predictions(task.draw, task.fit, x_eval, rounds, rng),
                             RESAMPLE, "resample_predictions")
    # The decorator compares inputs by parameter name; a *args function escapes it.
    given_x_eval = resample_predictions.received[2]
    RESAMPLE.expect(np.array_equal(given_x_eval, x_eval), "mutated_input",
                    name="resample_predictions", argument="x_eval")
    if any(given is not rng for given in task.draw_rngs):
        first = task.draws[0][0]
        RESAMPLE.expect(len(task.draws) < 2 or not all(np.array_equal(x, first)
                                                       for x, _ in task.draws),
                        "same_seed_each_round")
        RESAMPLE.fail("not_from_rng")
    calls = len(task.draws)
    RESAMPLE.expect(not (calls == 1 and rounds > 1), "one_training_set", rounds=rounds)
    RESAMPLE.expect(calls == rounds, "rounds_count", calls=calls, rounds=rounds)
    fitted_on_draws = all(any(np.array_equal(fx, x) and np.array_equal(fy, y)
                              for x, y in task.draws) for fx, fy in task.fits)
    RESAMPLE.expect(len(task.fits) == rounds and fitted_on_draws, "refit_each_round",
                    fits=_times(len(task.fits)), rounds=rounds)
    RESAMPLE.expect(any(np.array_equal(q, x_eval) for q in task.queries), "not_at_eval_points")
    expected_preds, expected_mse = _true_resample(task, x_eval)
    if np.shape(preds) == (x_eval.size, rounds):
        RESAMPLE.fail("axes_swapped", got_shape=np.shape(preds),
                      expected_shape=expected_preds.shape)
    RESAMPLE.close(preds, expected_preds, what="preds")
    residuals = [np.polyval(task.coefficients(x, y), x) - y for x, y in task.draws]
    RESAMPLE.close(train_mse, expected_mse, what="train_mse", candidates={
        "train_rmse": np.sqrt(expected_mse),
        "train_summed": [np.sum(r ** 2) for r in residuals],
        "train_abs": [np.mean(np.abs(r)) for r in residuals]})


# --------------------------------------------------------------------------- learning_curve
def reference_learning_curve(fit, x_train, y_train, x_dev, y_dev, sizes):
    """The course's ``learning_curve``: for each n in ``sizes`` fit on the first n training
    examples; return ``(train_errors, dev_errors)`` (len(sizes),), the mean squared error on
    those n examples and on the whole dev set. Validates its inputs."""
    if not callable(fit):
        raise TypeError(f"fit must be a function, got {type(fit).__name__}")
    x_train = as_float_array("x_train", x_train, ndim=1, allow_empty=False)
    y_train = as_float_array("y_train", y_train, ndim=1, allow_empty=False)
    x_dev = as_float_array("x_dev", x_dev, ndim=1, allow_empty=False)
    y_dev = as_float_array("y_dev", y_dev, ndim=1, allow_empty=False)
    require_same_shape("x_train", x_train, "y_train", y_train)
    require_same_shape("x_dev", x_dev, "y_dev", y_dev)
    sizes = _counts("sizes", sizes, minimum=1)
    if np.any(sizes > x_train.size):
        raise ValueError(f"sizes must all be <= len(x_train) = {x_train.size}, got "
                         f"{sizes.tolist()}")
    train_errors, dev_errors = np.empty(sizes.size), np.empty(sizes.size)
    for i, n in enumerate(sizes):
        predict = fit(x_train[:n], y_train[:n])
        train_errors[i] = np.mean((predict(x_train[:n]) - y_train[:n]) ** 2)
        dev_errors[i] = np.mean((predict(x_dev) - y_dev) ** 2)
    return train_errors, dev_errors


def _curve_with(subset, train_error_of, dev_error_of, *, swap=False):
    """A learning-curve answer built from its parts, for the catalogue's wrong answers."""
    def answer(fit, x_train, y_train, x_dev, y_dev, sizes):
        train_errors, dev_errors = [], []
        for n in sizes:
            x, y = subset(x_train, y_train, n)
            predict = fit(x, y)
            train_errors.append(train_error_of(predict, x, y, x_train, y_train))
            dev_errors.append(dev_error_of(predict, x_dev, y_dev, n, x, y))
        pair = (np.array(train_errors), np.array(dev_errors))
        return pair[::-1] if swap else pair
    return answer


def _first_n(x_train, y_train, n):
    return x_train[:n], y_train[:n]


def _train_mse(predict, x, y, x_train, y_train):
    return np.mean((predict(x) - y) ** 2)


def _dev_mse(predict, x_dev, y_dev, n, x, y):
    return np.mean((predict(x_dev) - y_dev) ** 2)


CURVE = Catalogue(
    "learning_curve",
    Mistake("not_a_pair", "learning_curve returned {got} instead of the pair (train_errors, "
            "dev_errors): return both.",
            lambda fit, x_train, y_train, x_dev, y_dev, sizes: _curve_with(
                _first_n, _train_mse, _dev_mse)(fit, x_train, y_train, x_dev, y_dev, sizes)[1]),
    Mistake("fit_per_size", "fit was called {fits} for {count} sizes: fit one new model "
            "for each size n.",
            lambda fit, x_train, y_train, x_dev, y_dev, sizes: _curve_with(
                _first_n, _train_mse, _dev_mse)(fit, x_train, y_train, x_dev, y_dev,
                                                list(sizes)[:-1])),
    Mistake("ignored_size", "every model was fitted on the whole training set: for size n fit "
            "on x_train[:n], y_train[:n] only.",
            _curve_with(lambda x_train, y_train, n: (x_train, y_train), _train_mse, _dev_mse)),
    Mistake("index_as_size", "the models were fitted on {got} examples for sizes {sizes}: "
            "slice with the size n itself, x_train[:n], not with its position in sizes.",
            lambda fit, x_train, y_train, x_dev, y_dev, sizes: _curve_with(
                lambda x, y, i: (x[:i], y[:i]), _train_mse, _dev_mse)(
                    fit, x_train, y_train, x_dev, y_dev, range(len(sizes)))),
    Mistake("not_first_n", "the model for n = {n} was fitted on {got}: fit on the first n "
            "examples, x_train[:n], y_train[:n] (the data are already shuffled).",
            _curve_with(lambda x_train, y_train, n: (x_train[:n + 1], y_train[:n + 1]),
                        _train_mse, _dev_mse)),
    Mistake("last_n", "the model for n = {n} was fitted on the last n training examples: use "
            "the first n, x_train[:n], so each size adds examples to the previous one.",
            _curve_with(lambda x_train, y_train, n: (x_train[-n:], y_train[-n:]),
                        _train_mse, _dev_mse)),
    Mistake("swapped", "the two curves are swapped: return (train_errors, dev_errors) in that "
            "order.", _curve_with(_first_n, _train_mse, _dev_mse, swap=True)),
    Mistake("train_on_all", "{what} is measured on the whole training set: measure each model "
            "on the n examples it was fitted on, x_train[:n].",
            _curve_with(_first_n, lambda predict, x, y, x_train, y_train:
                        np.mean((predict(x_train) - y_train) ** 2), _dev_mse)),
    Mistake("train_is_dev", "{what} equals the dev error: measure the training error on the n "
            "examples each model was fitted on, x_train[:n], y_train[:n].",
            lambda fit, x_train, y_train, x_dev, y_dev, sizes: (lambda dev: (dev, dev))(
                _curve_with(_first_n, _train_mse, _dev_mse)(
                    fit, x_train, y_train, x_dev, y_dev, sizes)[1])),
    Mistake("dev_sliced", "{what} uses only the first n dev examples: measure every model on "
            "the whole dev set, so all sizes are scored on the same data.",
            _curve_with(_first_n, _train_mse, lambda predict, x_dev, y_dev, n, x, y:
                        np.mean((predict(x_dev[:n]) - y_dev[:n]) ** 2))),
    Mistake("dev_is_train", "{what} equals the training error: score each model on x_dev, "
            "y_dev, the data it was not fitted on.",
            _curve_with(_first_n, _train_mse, lambda predict, x_dev, y_dev, n, x, y:
                        np.mean((predict(x) - y) ** 2))),
    Mistake("rmse", "{what} holds root mean squared errors: drop the square root.",
            _curve_with(_first_n, lambda predict, x, y, *_: np.sqrt(np.mean((predict(x) - y) ** 2)),
                        lambda predict, x_dev, y_dev, *_: np.sqrt(
                            np.mean((predict(x_dev) - y_dev) ** 2)))),
    Mistake("summed", "{what} sums the squared residuals: take their mean, so that errors on "
            "sets of different sizes can be compared.",
            _curve_with(_first_n, lambda predict, x, y, *_: np.sum((predict(x) - y) ** 2),
                        lambda predict, x_dev, y_dev, *_: np.sum((predict(x_dev) - y_dev) ** 2))),
    Mistake("not_numeric", answer=lambda fit, x_train, y_train, x_dev, y_dev, sizes: tuple(
        dict(zip(sizes, errors)) for errors in _curve_with(_first_n, _train_mse, _dev_mse)(
            fit, x_train, y_train, x_dev, y_dev, sizes))),  # {n: error} dicts
    Mistake("wrong_shape", answer=lambda fit, x_train, y_train, x_dev, y_dev, sizes: tuple(
        e[-1] for e in _curve_with(_first_n, _train_mse, _dev_mse)(
            fit, x_train, y_train, x_dev, y_dev, sizes))),
    Mistake("wrong_value", answer=_curve_with(
        _first_n, _train_mse, lambda predict, x_dev, y_dev, *_: np.mean((predict(x_dev) - y_dev)
                                                                         ** 2) / 2)),
)


class _RecordingFit:
    """The check's ``fit``: a least-squares quadratic; records every training set it gets."""

    def __init__(self):
        self.fits: list[tuple[np.ndarray, np.ndarray]] = []

    def __call__(self, x, y):
        self.fits.append((np.array(x, dtype=float), np.array(y, dtype=float)))
        coef = _RecordingTask.coefficients(x, y)
        return lambda x_new: np.polyval(coef, np.asarray(x_new, dtype=float))


@exercise_check("one model per size, fitted on the first n examples, scored on those n and on "
                "the whole dev set.", catalogue=CURVE, reference=reference_learning_curve)
def check_learning_curve(learning_curve: Callable) -> None:
    """Check ``learning_curve(fit, x_train, y_train, x_dev, y_dev, sizes) -> (train_errors,
    dev_errors)`` by recording which examples each model was fitted on."""
    data = np.random.default_rng(21)
    x_train, x_dev = data.uniform(0.0, 1.0, 40), data.uniform(0.0, 1.0, 30)
    y_train = np.sin(2 * np.pi * x_train) + 0.3 * data.standard_normal(40)
    y_dev = np.sin(2 * np.pi * x_dev) + 0.3 * data.standard_normal(30)
    sizes, fit = [3, 5, 10, 20, 40], _RecordingFit()
    with warnings.catch_warnings():  # e.g. "mean of empty slice": the message below says why
        warnings.simplefilter("ignore", RuntimeWarning)
        result = learning_curve(fit, x_train, y_train, x_dev, y_dev, sizes)
    train_errors, dev_errors = _pair(result, CURVE, "learning_curve")
    CURVE.expect(len(fit.fits) == len(sizes), "fit_per_size", fits=_times(len(fit.fits)),
                 count=len(sizes))
    CURVE.expect(not all(fx.size == x_train.size for fx, _ in fit.fits), "ignored_size")
    fitted_sizes = [fx.size for fx, _ in fit.fits]
    CURVE.expect(fitted_sizes != list(range(len(sizes))), "index_as_size",
                 got=", ".join(map(str, fitted_sizes)), sizes=", ".join(map(str, sizes)))
    for n, (fx, fy) in zip(sizes, fit.fits):
        CURVE.expect(n == x_train.size or not np.array_equal(fx, x_train[-n:]), "last_n", n=n)
        got = f"{fx.size} examples" if fx.size != n else f"{n} examples other than the first {n}"
        CURVE.expect(np.array_equal(fx, x_train[:n]) and np.array_equal(fy, y_train[:n]),
                     "not_first_n", n=n, got=got)
    expected = reference_learning_curve(fit, x_train, y_train, x_dev, y_dev, sizes)
    CURVE.expect(not (matches(train_errors, expected[1]) and matches(dev_errors, expected[0])),
                 "swapped")
    residuals = [fit(x_train[:n], y_train[:n])(x_train[:n]) - y_train[:n] for n in sizes]
    dev_residuals = [fit(x_train[:n], y_train[:n])(x_dev) - y_dev for n in sizes]
    CURVE.close(train_errors, expected[0], what="train_errors", candidates={
        "train_on_all": [np.mean((fit(x_train[:n], y_train[:n])(x_train) - y_train) ** 2)
                         for n in sizes],
        "train_is_dev": expected[1],
        "rmse": np.sqrt(expected[0]), "summed": [np.sum(r ** 2) for r in residuals]})
    CURVE.close(dev_errors, expected[1], what="dev_errors", candidates={
        "dev_sliced": [np.mean((fit(x_train[:n], y_train[:n])(x_dev[:n]) - y_dev[:n]) ** 2)
                       for n in sizes],
        "dev_is_train": expected[0], "rmse": np.sqrt(expected[1]),
        "summed": [np.sum(r ** 2) for r in dev_residuals]})


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
