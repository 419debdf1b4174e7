"""Chapter 6, the capstone: every regularizer on MNIST-1D under one protocol.

What the learner writes (exercises, each with its reference, catalogue of mistakes
and check here): the protocol — a stratified validation split carved from the
training set (``train_val_split``), a Student-t confidence interval
(``mean_and_interval``), the choice of a regularizer's strength on validation data
only (``select_on_validation``) — and a regularizer of their own, a random
time-stretch of the signals (``stretch_signals``).

What the course provides: the t quantile without SciPy (``t_quantile``), the table
of results and its paired differences (``compare``), the figures (``plot_signals``,
``plot_comparison``) and the explorer over a recorded grid of runs. Training is
``utils.training.train_grid`` (every model of a grid in one compiled loop).
"""
from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from utils.checks import Catalogue, Mistake, exercise_check, matches
from utils.plotting import COLORS, explorer, explorer_factory, fast_figure
from utils.seeding import numpy_rng
from utils.validation import as_float_array, require_positive_int, require_probability

# The published test accuracies (the mnist1d package's README, Greydanus and Kobak 2024).
PUBLISHED_BASELINES = {"logistic regression": 0.32, "MLP": 0.68, "CNN": 0.94, "GRU": 0.91,
                       "human": 0.96}


# --------------------------------------------------------------------------- t quantile
def _t_density(x: np.ndarray, dof: float) -> np.ndarray:
    log_c = math.lgamma((dof + 1) / 2) - math.lgamma(dof / 2) - 0.5 * math.log(dof * math.pi)
    return np.exp(log_c - (dof + 1) / 2 * np.log1p(x * x / dof))


def _t_cdf_above_half(t: float, dof: float) -> float:
    """P(T <= t) for t >= 0: 1/2 plus Simpson's rule on the density over [0, t]."""
    n = 2000  # even; the density is smooth, the error is below 1e-10 for t < 1e3
    x = np.linspace(0.0, t, n + 1)
    weights = np.ones(n + 1)
    weights[1:-1:2], weights[2:-1:2] = 4.0, 2.0
    return 0.5 + float(weights @ _t_density(x, dof)) * t / (3 * n)


def t_quantile(p: float, dof: int) -> float:
    """The p-quantile of Student's t distribution with ``dof`` degrees of freedom.

    ``t_quantile(0.975, 4)`` = 2.776: a 95 % interval from 5 runs is mean ± 2.776 × sd / √5.
    Computed by bisection on the numerically integrated density (no SciPy); agrees with
    ``scipy.stats.t.ppf`` to 1e-6 (tests/test_capstone.py).
    """
    p = require_probability("p", p)
    dof = require_positive_int("dof", dof)
    if p >= 1.0:
        raise ValueError(f"p must be below 1 (the quantile at 1 is infinite), got {p}")
    if p < 0.5:
        return -t_quantile(1.0 - p, dof)
    low, high = 0.0, 1.0
    while _t_cdf_above_half(high, dof) < p:
        high *= 2.0
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if _t_cdf_above_half(middle, dof) < p else (low, middle)
    return (low + high) / 2


# =========================================================================== exercise 1
def reference_train_val_split(y, val_fraction, seed):
    """The course's answer: a stratified split -> (train_idx, val_idx), sorted int arrays."""
    y = np.asarray(y)
    rng = np.random.default_rng(seed)
    val = []
    for label in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == label))
        val.append(members[:round(val_fraction * len(members))])
    val_idx = np.sort(np.concatenate(val))
    return np.setdiff1d(np.arange(len(y)), val_idx), val_idx


# --- wrong answers learners write
def _split_unstratified(y, val_fraction, seed):
    order = np.random.default_rng(seed).permutation(len(y))
    n_val = round(val_fraction * len(y))
    return np.sort(order[n_val:]), np.sort(order[:n_val])


def _split_unshuffled(y, val_fraction, seed):
    y = np.asarray(y)
    val = [np.flatnonzero(y == c)[:round(val_fraction * np.sum(y == c))] for c in np.unique(y)]
    val_idx = np.sort(np.concatenate(val))
    return np.setdiff1d(np.arange(len(y)), val_idx), val_idx


def _split_global_rng(y, val_fraction, seed):
    y = np.asarray(y)
    val = []
    for c in np.unique(y):
        members = np.random.permutation(np.flatnonzero(y == c))
        val.append(members[:round(val_fraction * len(members))])
    val_idx = np.sort(np.concatenate(val))
    return np.setdiff1d(np.arange(len(y)), val_idx), val_idx


def _split_swapped_fraction(y, val_fraction, seed):
    train_idx, val_idx = reference_train_val_split(y, val_fraction, seed)
    return val_idx, train_idx


def _split_train_is_everything(y, val_fraction, seed):
    return np.arange(len(y)), reference_train_val_split(y, val_fraction, seed)[1]


def _split_train_from_last_class(y, val_fraction, seed):
    y = np.asarray(y)
    rng = np.random.default_rng(seed)
    val = []
    for c in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == c))
        n_val = round(val_fraction * len(members))
        val.append(members[:n_val])
    train = members[n_val:]  # the loop's last class only: the append was forgotten
    return np.sort(train), np.sort(np.concatenate(val))


def _split_masks(y, val_fraction, seed):
    train_idx, val_idx = reference_train_val_split(y, val_fraction, seed)
    val_mask = np.isin(np.arange(len(y)), val_idx)
    return ~val_mask, val_mask


def _split_returns_data(y, val_fraction, seed):
    train_idx, val_idx = reference_train_val_split(y, val_fraction, seed)
    return np.asarray(y)[train_idx].astype(float), np.asarray(y)[val_idx].astype(float)


def _split_one_array(y, val_fraction, seed):
    return reference_train_val_split(y, val_fraction, seed)[1]


TRAIN_VAL_SPLIT = Catalogue(
    "train_val_split",
    Mistake("not_a_pair", "train_val_split should return two arrays, "
                          "`return train_idx, val_idx`, got {got}.", _split_one_array),
    Mistake("not_indices", "{which} should be a 1-D array of integer positions in y (e.g. from "
                           "np.flatnonzero), got {got}: boolean masks or the labels themselves "
                           "cannot index X and y together.", _split_masks),
    Mistake("extra_not_indices", "the positions must be integers, got {got}: return positions "
                                 "in y, not values of y.", _split_returns_data),
    Mistake("overlap", "{count} positions are in both train_idx and val_idx: a signal used for "
                       "training must never be scored as validation (it would flatter the "
                       "model); take train_idx as every position not in val_idx.",
            _split_train_is_everything),
    Mistake("not_covering", "{count} of the {n} positions are in neither train_idx nor val_idx: "
                            "every training signal belongs to exactly one part (collect each "
                            "class's training positions, not only the last class's).",
            _split_train_from_last_class),
    Mistake("fraction_swapped", "val_idx holds {got} positions, expected about {expected} "
                                "(val_fraction of each class): the validation part is the "
                                "val_fraction share, the training part the rest.",
            _split_swapped_fraction),
    Mistake("unstratified", "class {label} has {got} of its {n_class} signals in val_idx, "
                            "expected {expected}: split each class separately (stratify), so "
                            "validation has the classes in the training set's proportions.",
            _split_unstratified),
    Mistake("not_reproducible", "two calls with the same seed gave different splits: draw from "
                                "np.random.default_rng(seed), not from np.random's global "
                                "generator, so the split can be repeated.", _split_global_rng),
    Mistake("ignores_seed", "seeds 0 and 1 gave the same split: shuffle each class's positions "
                            "with rng = np.random.default_rng(seed) (rng.permutation) before "
                            "taking the validation share.", _split_unshuffled),
)


def _check_labels(seed: int = 11) -> np.ndarray:
    """Unbalanced, shuffled labels: classes of 300, 121, 60 and 21 signals."""
    y = np.repeat(np.arange(4), [300, 121, 60, 21])
    return numpy_rng(seed).permutation(y)


def _as_index_array(value, which: str) -> np.ndarray:
    array = np.asarray(value)
    TRAIN_VAL_SPLIT.expect(array.ndim == 1 and array.dtype != bool
                           and (array.dtype.kind in "iu" or array.size == 0), "not_indices"
                           if array.dtype == bool or array.ndim != 1 else "extra_not_indices",
                           which=which, got=f"dtype {array.dtype}, shape {array.shape}")
    return array.astype(np.int64)


def _split_pair(train_val_split: Callable, y, val_fraction, seed):
    got = train_val_split(y, val_fraction, seed)
    TRAIN_VAL_SPLIT.expect(isinstance(got, (tuple, list)) and len(got) == 2, "not_a_pair",
                           got=type(got).__name__ if not hasattr(got, "shape")
                           else f"one array of shape {np.shape(got)}")
    return _as_index_array(got[0], "train_idx"), _as_index_array(got[1], "val_idx")


@exercise_check("a stratified, disjoint, covering split, reproducible from its seed.",
                catalogue=TRAIN_VAL_SPLIT, reference=reference_train_val_split)
def check_train_val_split(train_val_split: Callable) -> None:
    """Check ``train_val_split(y, val_fraction, seed) -> (train_idx, val_idx)`` by properties."""
    y = _check_labels()
    fraction = 0.25
    train_idx, val_idx = _split_pair(train_val_split, y, fraction, 3)
    both = np.intersect1d(train_idx, val_idx)
    TRAIN_VAL_SPLIT.expect(both.size == 0 and len(np.unique(train_idx)) == len(train_idx)
                           and len(np.unique(val_idx)) == len(val_idx), "overlap",
                           count=max(both.size, len(train_idx) + len(val_idx) - len(y)))
    missing = np.setdiff1d(np.arange(len(y)), np.concatenate([train_idx, val_idx]))
    TRAIN_VAL_SPLIT.expect(missing.size == 0 and len(train_idx) + len(val_idx) == len(y),
                           "not_covering", count=missing.size, n=len(y))
    expected_total = fraction * len(y)
    TRAIN_VAL_SPLIT.expect(abs(len(val_idx) - expected_total) <= 4, "fraction_swapped",
                           got=len(val_idx), expected=round(expected_total))
    for label in np.unique(y):
        n_class = int(np.sum(y == label))
        got = int(np.sum(y[val_idx] == label))
        share = fraction * n_class
        TRAIN_VAL_SPLIT.expect(math.floor(share) <= got <= math.ceil(share), "unstratified",
                               label=int(label), got=got, n_class=n_class,
                               expected=f"{share:g}" if share == int(share)
                               else f"{math.floor(share)} or {math.ceil(share)}")
    sorted_labels = np.sort(y)  # as a list, sorted by class: the same properties must hold
    again = _split_pair(train_val_split, list(sorted_labels), fraction, 3)[1]
    TRAIN_VAL_SPLIT.expect(np.intersect1d(np.setdiff1d(np.arange(len(y)), again), again).size
                           == 0, "overlap", count=0)
    repeat = _split_pair(train_val_split, list(sorted_labels), fraction, 3)[1]
    TRAIN_VAL_SPLIT.expect(np.array_equal(np.sort(again), np.sort(repeat)), "not_reproducible")
    other = _split_pair(train_val_split, list(sorted_labels), fraction, 4)[1]
    TRAIN_VAL_SPLIT.expect(not np.array_equal(np.sort(again), np.sort(other)), "ignores_seed")


# =========================================================================== exercise 2
def reference_mean_and_interval(scores, confidence=0.95):
    """The course's answer: (mean, half-width of the Student-t interval), two floats."""
    scores = np.asarray(scores, dtype=float)
    n = len(scores)
    standard_error = scores.std(ddof=1) / math.sqrt(n)
    return float(scores.mean()), t_quantile((1 + confidence) / 2, n - 1) * standard_error


def _interval_with(quantile: Callable, *, ddof=1, sem=True, width=1.0):
    def mean_and_interval(scores, confidence=0.95):
        scores = np.asarray(scores, dtype=float)
        n = len(scores)
        spread = scores.std(ddof=ddof) / (math.sqrt(n) if sem else 1.0)
        return float(scores.mean()), width * quantile(confidence, n) * spread
    return mean_and_interval


_t = lambda confidence, n: t_quantile((1 + confidence) / 2, n - 1)  # noqa: E731
_interval_ddof0 = _interval_with(_t, ddof=0)
_interval_z = _interval_with(lambda c, n: statistics.NormalDist().inv_cdf((1 + c) / 2))
_interval_1_96 = _interval_with(lambda c, n: 1.96)
_interval_sd = _interval_with(_t, sem=False)
_interval_one_sided = _interval_with(lambda c, n: t_quantile(c, n - 1))
_interval_dof_n = _interval_with(lambda c, n: t_quantile((1 + c) / 2, n))
_interval_full_width = _interval_with(_t, width=2.0)


def _interval_default_0_9(scores, confidence=0.9):
    return reference_mean_and_interval(scores, confidence)


def _interval_as_text(scores, confidence=0.95):
    mean, half = reference_mean_and_interval(scores, confidence)
    return f"{mean:.3f} ± {half:.3f}"


def _interval_ends(scores, confidence=0.95):
    mean, half = reference_mean_and_interval(scores, confidence)
    return mean, mean - half, mean + half


def _interval_median(scores, confidence=0.95):
    return float(np.median(scores)), reference_mean_and_interval(scores, confidence)[1]


MEAN_AND_INTERVAL = Catalogue(
    "mean_and_interval",
    Mistake("ddof_0", "{what} uses np.std's default ddof=0 (divides by n): the sample standard "
                      "deviation of a few runs divides by n - 1, `np.std(scores, ddof=1)`.",
            _interval_ddof0),
    Mistake("z_not_t", "{what} uses the normal quantile (1.96 for 95 %): with n runs the mean "
                       "over sd/√n follows Student's t with n - 1 degrees of freedom, so use "
                       "t_quantile((1 + confidence) / 2, n - 1), 2.776 for 5 runs.",
            _interval_z),
    Mistake("ignores_confidence", "{what} is the 95 % interval whatever `confidence` says: "
                                  "compute the quantile from confidence, "
                                  "t_quantile((1 + confidence) / 2, n - 1).", _interval_1_96),
    Mistake("sd_not_standard_error", "{what} is the spread of single runs, not of their mean: "
                                     "divide the standard deviation by √n (the standard error).",
            _interval_sd),
    Mistake("one_sided", "{what} uses t_quantile(confidence, ...): a two-sided interval leaves "
                         "(1 - confidence) / 2 in each tail, so use "
                         "t_quantile((1 + confidence) / 2, n - 1).", _interval_one_sided),
    Mistake("dof_n", "{what} uses n degrees of freedom: estimating the mean uses one up, so "
                     "Student's t has n - 1.", _interval_dof_n),
    Mistake("full_width", "{what} is twice the half-width: return the distance from the mean to "
                          "either end, mean ± half_width.", _interval_full_width),
    Mistake("confidence_default", "confidence should default to 0.95: "
                                  "`def mean_and_interval(scores, confidence=0.95)`.",
            _interval_default_0_9),
    Mistake("not_numeric", answer=_interval_as_text),
    Mistake("wrong_shape", answer=_interval_ends),
    Mistake("wrong_value", answer=_interval_median),
)

_INTERVAL_CASES = (  # (scores as given, confidence)
    ([0.71, 0.69, 0.74, 0.70, 0.72], 0.95),
    (np.array([0.655, 0.6825, 0.67, 0.64, 0.69, 0.7, 0.66, 0.675]), 0.9),
    ((0.9, 0.8, 0.95), 0.99),
)


@exercise_check("mean ± the Student-t half-width, as a 95 % (or any) confidence interval.",
                catalogue=MEAN_AND_INTERVAL, reference=reference_mean_and_interval)
def check_mean_and_interval(mean_and_interval: Callable) -> None:
    """Check ``mean_and_interval(scores, confidence=0.95) -> (mean, half_width)``."""
    wrong_keys = [m.key for m in MEAN_AND_INTERVAL
                  if m.key not in ("confidence_default", "not_numeric", "wrong_shape",
                                   "wrong_value")]
    for scores, confidence in _INTERVAL_CASES:
        expected = reference_mean_and_interval(scores, confidence)
        got = mean_and_interval(scores, confidence)
        what = f"(mean, half_width) of {len(scores)} scores at confidence {confidence}"
        MEAN_AND_INTERVAL.close(got, expected, what=what, rtol=1e-6, candidates={
            key: MEAN_AND_INTERVAL[key].answer(scores, confidence) for key in wrong_keys})
    scores = _INTERVAL_CASES[0][0]
    MEAN_AND_INTERVAL.expect(matches(mean_and_interval(scores), reference_mean_and_interval(
        scores), rtol=1e-6), "confidence_default")


# =========================================================================== exercise 3
def _final_val_means(run, curve: str = "val_acc", *, seed_major: bool = False,
                     reduce=np.mean, at=-1):
    n_seeds = len(np.unique(run.seeds))
    final = np.asarray(getattr(run, curve))[:, at] if at is not None else \
        np.asarray(getattr(run, curve)).max(axis=1)
    if seed_major:
        return reduce(final.reshape(n_seeds, -1), axis=0), n_seeds
    return reduce(final.reshape(-1, n_seeds), axis=1), n_seeds


def reference_select_on_validation(run):
    """The course's answer: the Recipe with the best mean final validation accuracy
    (the first listed, i.e. the weakest, among exact ties)."""
    means, n_seeds = _final_val_means(run)
    return run.recipes[int(np.argmax(means)) * n_seeds]


def _select_by(curve="val_acc", *, seed_major=False, reduce=np.mean, at=-1, pick=np.argmax):
    def select_on_validation(run):
        means, n_seeds = _final_val_means(run, curve, seed_major=seed_major, reduce=reduce, at=at)
        return run.recipes[int(pick(means)) * n_seeds]
    return select_on_validation


_select_test = _select_by("test_acc")
_select_train = _select_by("train_acc")
_select_seed_major = _select_by(seed_major=True)
_select_best_run = _select_by(reduce=np.max)
_select_best_epoch = _select_by(at=None)
_select_lowest = _select_by(pick=np.argmin)
_select_ties_to_stronger = _select_by(pick=lambda m: len(m) - 1 - int(np.argmax(m[::-1])))


def _select_index(run):
    means, n_seeds = _final_val_means(run)
    return int(np.argmax(means))


def _select_sorts_in_place(run):
    run.val_acc.sort(axis=0)  # sorts the recorded curves in place
    return reference_select_on_validation(run)


SELECT_ON_VALIDATION = Catalogue(
    "select_on_validation",
    Mistake("not_a_recipe", "select_on_validation should return one of run.recipes (a Recipe), "
                            "got {got}: return run.recipes[k * n_seeds] for the chosen recipe k.",
            _select_index),
    Mistake("used_test", "it chose {got}, the recipe with the best TEST accuracy: a choice made "
                         "on the test set makes its test score optimistic; choose on "
                         "run.val_acc.", _select_test),
    Mistake("used_train", "it chose {got}, the best on the TRAINING set, which rewards the "
                          "weakest regularization; choose on run.val_acc.", _select_train),
    Mistake("seed_major", "it chose {got}: models are recipe-major (model k is recipe "
                          "k // n_seeds, seed k % n_seeds), so group the final accuracies with "
                          "reshape(n_recipes, n_seeds) and average along axis 1.",
            _select_seed_major),
    Mistake("best_single_run", "it chose {got}, the recipe of the single best model: one lucky "
                               "seed is not evidence; average each recipe's final validation "
                               "accuracy over its seeds.", _select_best_run),
    Mistake("best_epoch", "it chose {got} by each model's best epoch: compare the recipes after "
                          "the last epoch, val_acc[:, -1] (picking epochs is early stopping, a "
                          "row of its own).", _select_best_epoch),
    Mistake("lowest", "it chose {got}, the recipe with the LOWEST validation accuracy: take the "
                      "highest (np.argmax).", _select_lowest),
    Mistake("ties_to_stronger", "two recipes tie on mean validation accuracy and it chose the "
                                "stronger, {got}: on a tie keep the weaker regularization (the "
                                "first listed; np.argmax returns the first maximum), which "
                                "changes the model least.", _select_ties_to_stronger),
    Mistake("mutated_input", answer=_select_sorts_in_place),
)


def _fake_run(val_final, *, test_final, train_final, val_peak, seeds=(0, 1, 2)):
    """A GridRun over L2 strengths whose final (and peak) accuracies are the given (K, S) ones."""
    from utils.training import GridRun, Recipe

    val_final = np.asarray(val_final, dtype=float)
    n_recipes, n_seeds = val_final.shape
    strengths = [0.0, 1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2][:n_recipes]
    recipes = [Recipe(l2=s) for s in strengths for _ in seeds]

    def curves(final, peak=None):
        final = np.asarray(final, dtype=float).reshape(-1)
        early = np.full_like(final, 0.3) if peak is None else np.asarray(peak, float).reshape(-1)
        return np.stack([np.full_like(final, 0.2), early, final], axis=1)

    loss = np.ones((n_recipes * n_seeds, 3))
    return GridRun(recipes=recipes, seeds=np.tile(np.asarray(seeds), n_recipes),
                   train_loss=loss, train_acc=curves(train_final), val_loss=loss,
                   val_acc=curves(val_final, val_peak), test_loss=loss,
                   test_acc=curves(test_final), weight_norm=loss.copy(), epochs=3, arch="mlp")


# Accuracies are multiples of 1/8, so equal sums are exactly equal means.
_SELECT_CASES = (
    dict(val_final=[[0.5, 0.5, 0.5], [0.625, 0.5, 0.375], [0.625, 0.625, 0.625],
                    [0.875, 0.25, 0.5], [0.5, 0.625, 0.5], [0.25, 0.25, 0.375],
                    [0.375, 0.5, 0.375]],
         test_final=[[0.5] * 3, [0.5] * 3, [0.5] * 3, [0.5] * 3, [0.875] * 3, [0.5] * 3,
                     [0.5] * 3],
         train_final=[[1.0] * 3, [0.875] * 3, [0.75] * 3, [0.75] * 3, [0.625] * 3, [0.5] * 3,
                      [0.5] * 3],
         val_peak=[[0.5] * 3, [0.625] * 3, [0.625] * 3, [0.5] * 3, [0.625] * 3, [0.375] * 3,
                   [0.875] * 3]),
    dict(val_final=[[0.5, 0.5, 0.5], [0.75, 0.625, 0.5], [0.625, 0.625, 0.625],
                    [0.5, 0.625, 0.5]],
         test_final=[[0.5] * 3] * 4, train_final=[[1.0] * 3] * 4, val_peak=None),
)


def _picked(run, recipe) -> str:
    labels = [r.label() for r in run.recipes]
    return repr(recipe.label()) if recipe in run.recipes and recipe.label() in labels \
        else repr(recipe)


@exercise_check("the recipe with the best mean validation accuracy, ties to the weaker one.",
                catalogue=SELECT_ON_VALIDATION, reference=reference_select_on_validation)
def check_select_on_validation(select_on_validation: Callable) -> None:
    """Check ``select_on_validation(run) -> Recipe`` on recorded runs built to separate the
    mistakes (each wrong rule picks another recipe)."""
    from utils.training import Recipe

    possible = ["used_test", "used_train", "seed_major", "best_single_run", "best_epoch",
                "lowest", "ties_to_stronger"]  # the wrong rules consistent with every case so far
    missed = None
    for case in _SELECT_CASES:
        expected = reference_select_on_validation(_fake_run(**case))
        wrong = {key: SELECT_ON_VALIDATION[key].answer(_fake_run(**case)) for key in possible}
        run = _fake_run(**case)
        got = select_on_validation(run)
        if not np.array_equal(run.val_acc, _fake_run(**case).val_acc):
            SELECT_ON_VALIDATION.fail("mutated_input", name=select_on_validation.__name__,
                                      argument="run")
        SELECT_ON_VALIDATION.expect(isinstance(got, Recipe), "not_a_recipe",
                                    got=f"{type(got).__name__} {got!r}")
        if got == expected:
            possible = [key for key in possible if wrong[key] == expected]
            continue
        matched = [key for key in possible if wrong[key] == got]
        if not matched:
            SELECT_ON_VALIDATION.fail("wrong_value", what="the chosen recipe",
                                      difference=f"got {_picked(run, got)}, expected "
                                                 f"{_picked(run, expected)}")
        possible, missed = matched, _picked(run, got)
        if len(matched) == 1:
            break
    if missed is not None:
        SELECT_ON_VALIDATION.fail(possible[0], got=missed)


# =========================================================================== exercise 4
def stretch_at(X, factors) -> np.ndarray:
    """Each signal ``X[i]`` stretched in time by ``factors[i]`` about its centre.

    Output sample ``t`` is the signal linearly interpolated at
    ``centre + (t - centre) / factors[i]``, ``centre = (L - 1) / 2``, and 0 outside the
    signal (a factor above 1 widens the pattern, below 1 narrows it, with zeros
    coming in at the ends). Keeps ``X``'s dtype. ``X`` (n, L), ``factors`` (n,).
    """
    X = np.asarray(X)
    as_float_array("X", X, ndim=2)
    factors = as_float_array("factors", factors, ndim=1)
    if len(factors) != len(X):
        raise ValueError(f"factors must hold one factor per signal ({len(X)}), got {len(factors)}")
    if np.any(factors <= 0):
        raise ValueError(f"factors must be > 0, got {factors.min():g}")
    positions = np.arange(X.shape[1], dtype=float)
    centre = (X.shape[1] - 1) / 2
    out = np.empty_like(X)
    for i, factor in enumerate(factors):
        out[i] = np.interp(centre + (positions - centre) / factor, positions, X[i],
                           left=0.0, right=0.0)
    return out


def reference_stretch_signals(X, rng, max_stretch):
    """The course's answer: (stretched, factors), factors ~ U(1 - max_stretch, 1 + max_stretch)."""
    X = np.asarray(X)
    factors = rng.uniform(1 - max_stretch, 1 + max_stretch, size=len(X))
    return stretch_at(X, factors), factors


def _stretch_with(source: Callable, *, edge=False):
    """A learner's loop whose sampling positions are ``source(positions, centre, factor)``."""
    def stretch_signals(X, rng, max_stretch):
        X = np.asarray(X)
        factors = rng.uniform(1 - max_stretch, 1 + max_stretch, size=len(X))
        positions = np.arange(X.shape[1], dtype=float)
        centre = (X.shape[1] - 1) / 2
        out = np.empty_like(X)
        for i, factor in enumerate(factors):
            kwargs = {} if edge else {"left": 0.0, "right": 0.0}
            out[i] = np.interp(source(positions, centre, factor), positions, X[i], **kwargs)
        return out, factors
    return stretch_signals


_stretch_inverted = _stretch_with(lambda t, c, f: c + (t - c) * f)
_stretch_from_start = _stretch_with(lambda t, c, f: t / f)
_stretch_edge_values = _stretch_with(lambda t, c, f: c + (t - c) / f, edge=True)


def _stretch_one_factor(X, rng, max_stretch):
    X = np.asarray(X)
    factor = rng.uniform(1 - max_stretch, 1 + max_stretch)
    factors = np.full(len(X), factor)
    return stretch_at(X, factors), factors


def _stretch_global_rng(X, rng, max_stretch):
    factors = np.random.uniform(1 - max_stretch, 1 + max_stretch, size=len(X))
    return stretch_at(X, factors), factors


def _stretch_zero_to_max(X, rng, max_stretch):
    factors = rng.uniform(0, max_stretch, size=len(X)) + 1e-3
    return stretch_at(X, factors), factors


def _stretch_float64(X, rng, max_stretch):
    stretched, factors = reference_stretch_signals(np.asarray(X, dtype=float), rng, max_stretch)
    return stretched, factors


def _stretch_in_place(X, rng, max_stretch):
    stretched, factors = reference_stretch_signals(X, rng, max_stretch)
    X[...] = stretched
    return X, factors


def _stretch_returns_signals_only(X, rng, max_stretch):
    return reference_stretch_signals(X, rng, max_stretch)[0]


def _stretch_as_text(X, rng, max_stretch):
    stretched, factors = reference_stretch_signals(X, rng, max_stretch)
    return map(np.asarray, stretched), factors  # a lazy map, not an array


def _stretch_transposed(X, rng, max_stretch):
    stretched, factors = reference_stretch_signals(X, rng, max_stretch)
    return stretched.T.copy(), factors


def _stretch_rounded(X, rng, max_stretch):
    stretched, factors = reference_stretch_signals(X, rng, max_stretch)
    return np.round(stretched, 1), factors


STRETCH_SIGNALS = Catalogue(
    "stretch_signals",
    Mistake("not_a_pair", "stretch_signals should return two arrays, "
                          "`return stretched, factors`, got {got}.", _stretch_returns_signals_only),
    Mistake("bad_factors", "factors should be {n} numbers in [1 - max_stretch, 1 + max_stretch] "
                           "= [{low}, {high}], one per signal, got values from {got_low} to "
                           "{got_high}: draw rng.uniform(1 - max_stretch, 1 + max_stretch, "
                           "size=n).", _stretch_zero_to_max),
    Mistake("one_factor", "every signal got the same factor {value}: draw one factor per signal "
                          "(size=len(X)), so each copy is stretched differently.",
            _stretch_one_factor),
    Mistake("inverted", "{what} is stretched the wrong way: to widen a pattern by the factor f, "
                        "output sample t reads the input at centre + (t - centre) / f (divide, "
                        "do not multiply).", _stretch_inverted),
    Mistake("from_start", "{what} is stretched about sample 0, so the pattern slides as well as "
                          "stretching: stretch about the centre (L - 1) / 2, reading the input at "
                          "centre + (t - centre) / f.", _stretch_from_start),
    Mistake("edge_values", "{what} repeats the end values where a stretched signal reads "
                           "outside the input: np.interp holds the edge values unless you pass "
                           "left=0.0, right=0.0 (zeros, like the engine's shifts).",
            _stretch_edge_values),
    Mistake("dtype_changed", "the stretched signals are {got}, the input was {expected}: keep the "
                             "dtype (np.empty_like(X), or .astype(X.dtype)), the engine trains in "
                             "float32.", _stretch_float64),
    Mistake("global_rng", "the factors do not come from `rng`: two calls with generators of the "
                          "same seed gave different factors (use rng.uniform, not "
                          "np.random.uniform).", _stretch_global_rng),
    Mistake("mutated_input", answer=_stretch_in_place),
    Mistake("not_numeric", answer=_stretch_as_text),
    Mistake("wrong_shape", answer=_stretch_transposed),
    Mistake("wrong_value", answer=_stretch_rounded),
)


def _check_signals() -> np.ndarray:
    """8 float32 signals of length 40: a smooth bump off-centre plus a ramp, all nonzero."""
    t = np.arange(40, dtype=float)
    rows = [np.exp(-((t - 14 - 2 * k) / 4.0) ** 2) + 0.02 * t + 0.3 for k in range(8)]
    return np.asarray(rows, dtype=np.float32)


def _stretch_call(stretch_signals: Callable, X, seed: int, max_stretch: float):
    got = stretch_signals(X, numpy_rng(seed), max_stretch)
    STRETCH_SIGNALS.expect(isinstance(got, (tuple, list)) and len(got) == 2, "not_a_pair",
                           got=type(got).__name__ if not hasattr(got, "shape")
                           else f"one array of shape {np.shape(got)}")
    return got


@exercise_check("one random stretch per signal, about its centre, zero-filled, from `rng`.",
                catalogue=STRETCH_SIGNALS, reference=reference_stretch_signals)
def check_stretch_signals(stretch_signals: Callable) -> None:
    """Check ``stretch_signals(X, rng, max_stretch) -> (stretched, factors)`` by properties:
    the factors' range and spread, then the signals against ``stretch_at(X, factors)``."""
    X, max_stretch = _check_signals(), 0.3
    stretched, factors = _stretch_call(stretch_signals, X, 5, max_stretch)
    factors = np.asarray(factors, dtype=float).reshape(-1)
    low, high = 1 - max_stretch, 1 + max_stretch
    STRETCH_SIGNALS.expect(factors.size == len(X) and factors.min() >= low - 1e-12
                           and factors.max() <= high + 1e-12, "bad_factors", n=len(X),
                           low=f"{low:g}", high=f"{high:g}", got_low=f"{factors.min():.3g}",
                           got_high=f"{factors.max():.3g}")
    STRETCH_SIGNALS.expect(np.ptp(factors) > 0, "one_factor", value=f"{factors[0]:.3f}")
    what = "`stretched`"
    STRETCH_SIGNALS.close(stretched, stretch_at(X, factors), what=what, rtol=1e-5, atol=1e-6,
                          candidates={
                              "inverted": _sampled(X, factors, lambda t, c, f: c + (t - c) * f),
                              "from_start": _sampled(X, factors, lambda t, c, f: t / f),
                              "edge_values": _sampled(X, factors,
                                                      lambda t, c, f: c + (t - c) / f,
                                                      edge=True)})
    STRETCH_SIGNALS.expect(np.asarray(stretched).dtype == X.dtype, "dtype_changed",
                           got=np.asarray(stretched).dtype, expected=X.dtype)
    again = np.asarray(_stretch_call(stretch_signals, X, 5, max_stretch)[1], dtype=float)
    STRETCH_SIGNALS.expect(np.allclose(again.reshape(-1), factors), "global_rng")
    unchanged, _ = _stretch_call(stretch_signals, X, 6, 0.0)
    STRETCH_SIGNALS.close(unchanged, X, what="with max_stretch=0 the signals", atol=1e-6)


def _sampled(X, factors, source: Callable, *, edge: bool = False) -> np.ndarray:
    positions = np.arange(X.shape[1], dtype=float)
    centre = (X.shape[1] - 1) / 2
    kwargs = {} if edge else {"left": 0.0, "right": 0.0}
    return np.stack([np.interp(source(positions, centre, f), positions, x, **kwargs)
                     for x, f in zip(X, factors)])


# =========================================================================== data figure
def plot_signals(axes, X, y, *, per_class: int = 3, title: str | None = None):
    """One panel per class (10 axes, e.g. ``new_figure(2, 5)``'s), ``per_class`` signals each,
    drawn against their sample index."""
    X = as_float_array("X", X, ndim=2, allow_empty=False)
    y = np.asarray(y)
    per_class = require_positive_int("per_class", per_class)
    axes = np.asarray(axes).ravel()
    classes = np.unique(y)
    if len(axes) < len(classes):
        raise ValueError(f"axes must hold one axis per class ({len(classes)}), got {len(axes)}")
    for ax, label in zip(axes, classes):
        for k, row in enumerate(np.flatnonzero(y == label)[:per_class]):
            ax.plot(X[row], lw=1.1, color=f"C{k}", alpha=0.9)
        ax.set_title(f"digit {label}", fontsize=9)
        ax.set_xticks([0, 20, 39])
        ax.tick_params(labelsize=7)
    if title:
        axes[0].figure.suptitle(title, fontsize=10)
    return axes


# =========================================================================== the table
@dataclass
class Result:
    """One row of the comparison: a regularizer at its chosen strength, over the same seeds.

    Arrays are (S,), one entry per seed, in the order of the grid's seeds."""

    name: str               # the regularizer, e.g. "L2"
    setting: str            # the chosen strength, e.g. "L2 1e-3" or "patience 10"
    val_acc: np.ndarray
    test_acc: np.ndarray
    train_acc: np.ndarray


def result_of(run, name: str, recipe, *, epoch: int = -1) -> Result:
    """The ``Result`` of the models of ``run`` trained with ``recipe`` (after ``epoch``)."""
    mask = np.array([r == recipe for r in run.recipes])
    if not mask.any():
        raise ValueError(f"recipe {recipe!r} is not in the run")
    return Result(name, recipe.label(), run.val_acc[mask, epoch], run.test_acc[mask, epoch],
                  run.train_acc[mask, epoch])


def early_stopping_result(run, recipe, patience: int, name: str = "early stopping") -> Result:
    """The models of ``recipe`` restored at Keras's early-stopping epoch (on ``val_loss``)."""
    mask = np.array([r == recipe for r in run.recipes])
    if not mask.any():
        raise ValueError(f"recipe {recipe!r} is not in the run")
    best, _ = run.early_stopped(patience)
    best, rows = best[mask], np.flatnonzero(mask)
    return Result(name, f"patience {patience}", run.val_acc[rows, best], run.test_acc[rows, best],
                  run.train_acc[rows, best])


@dataclass
class Row:
    """One printed row: means and intervals over seeds, and the paired difference to the
    baseline (the same seeds: the same initial weights and batches)."""

    result: Result
    test_mean: float
    test_sd: float
    test_half: float        # half-width of the confidence interval of the mean
    val_mean: float
    gap_mean: float         # train accuracy - test accuracy
    diff_mean: float        # test accuracy - the baseline's, paired by seed
    diff_half: float

    @property
    def beats_spread(self) -> bool:
        """True when the interval of the paired difference excludes 0."""
        return abs(self.diff_mean) > self.diff_half


def compare(results: Sequence[Result], *, baseline: str = "none",
            interval: Callable | None = None, confidence: float = 0.95) -> list[Row]:
    """Means, intervals and paired differences to the result named ``baseline``.

    ``interval(scores, confidence) -> (mean, half_width)``: the learner's
    ``mean_and_interval`` (default: the course's)."""
    interval = interval or reference_mean_and_interval
    if not callable(interval):
        raise TypeError(f"interval must be a function (scores, confidence) -> (mean, half_width), "
                        f"got {type(interval).__name__}")
    confidence = require_probability("confidence", confidence)
    if not results or not all(isinstance(r, Result) for r in results):
        raise TypeError("results must be a non-empty list of Result objects (see result_of)")
    by_name = {r.name: r for r in results}
    if baseline not in by_name:
        raise ValueError(f"baseline {baseline!r} is not among the results {list(by_name)}")
    base = by_name[baseline]
    rows = []
    for result in results:
        if len(result.test_acc) != len(base.test_acc):
            raise ValueError(f"{result.name} has {len(result.test_acc)} seeds, the baseline "
                             f"{len(base.test_acc)}: compare over the same seeds")
        mean, half = interval(result.test_acc, confidence)
        diff = np.asarray(result.test_acc) - np.asarray(base.test_acc)
        diff_mean, diff_half = interval(diff, confidence) if result is not base else (0.0, 0.0)
        rows.append(Row(result, float(mean), float(np.std(result.test_acc, ddof=1)),
                        float(half), float(np.mean(result.val_acc)),
                        float(np.mean(np.asarray(result.train_acc) - result.test_acc)),
                        float(diff_mean), float(diff_half)))
    return rows


def print_table(rows: Sequence[Row], *, confidence: float = 0.95) -> None:
    """The comparison as a text table (accuracies in %); the chosen setting comes last."""
    level = f"{confidence:.0%}"
    print(f"{'regularizer':23s} {'val':>5s} {'test mean ± sd':>14s} {level + ' CI':>11s} "
          f"{'gap':>5s} {'vs none, ' + level + ' CI':>17s}  chosen on validation")
    for row in rows:
        r = row.result
        vs = "" if row.diff_half == 0 and row.diff_mean == 0 else (
            f"{100 * row.diff_mean:+5.1f} ± {100 * row.diff_half:3.1f}"
            + (" *" if row.beats_spread else "  "))
        low, high = 100 * (row.test_mean - row.test_half), 100 * (row.test_mean + row.test_half)
        print(f"{r.name:23s} {100 * row.val_mean:5.1f} {100 * row.test_mean:6.1f} ± "
              f"{100 * row.test_sd:3.1f} {f'{low:.1f}–{high:.1f}':>11s} "
              f"{100 * row.gap_mean:5.1f} {vs:>17s}  {r.setting}")


def plot_comparison(ax, rows: Sequence[Row], *, reference: float | None = None,
                    reference_label: str = "published MLP"):
    """Test accuracy of each row, mean with its confidence interval as error bars;
    rows whose paired difference to the baseline excludes 0 are drawn solid."""
    names = [row.result.name if len(row.result.setting) > 24 or row.result.setting == "none"
             else f"{row.result.name}\n({row.result.setting})" for row in rows]
    y = np.arange(len(rows))[::-1]
    base = next((row for row in rows if row.diff_mean == 0 and row.diff_half == 0), rows[0])
    for yi, row in zip(y, rows):
        solid = row.beats_spread
        color = COLORS["model"] if solid and row.diff_mean > 0 else (
            COLORS["test"] if solid else "0.6")
        ax.barh(yi, 100 * row.test_mean, color=color, alpha=0.85 if solid else 0.45,
                xerr=100 * row.test_half, capsize=3, error_kw={"lw": 1.2})
        ax.plot(100 * row.result.test_acc, np.full(len(row.result.test_acc), yi), "k.", ms=3)
    ax.axvline(100 * base.test_mean, color="k", lw=1, ls="--", label="no regularization")
    if reference is not None:
        ax.axvline(100 * reference, color=COLORS["dev"], lw=1.2, ls=":", label=reference_label)
    ax.set_yticks(y, names, fontsize=7)
    low = min(100 * (row.test_mean - row.test_half) for row in rows)
    high = max(100 * (row.test_mean + row.test_half) for row in rows)
    ax.set_xlim(low - 3, high + 2)
    ax.set_xlabel("test accuracy (%), mean and 95 % interval over seeds; dots: single seeds")
    ax.legend(fontsize=8, loc="lower right")
    return ax


# =========================================================================== explorer
def demo_grid_run(epochs: int = 40, seeds: Sequence[int] = (0, 1, 2)):
    """A small SYNTHETIC GridRun (made-up curves, no training) for the explorer's default."""
    from utils.training import GridRun, Recipe

    recipes = [Recipe(), Recipe(l2=1e-3), Recipe(dropout=0.3), Recipe(shift=4, scale=0.2)]
    rng = numpy_rng(0)
    t = np.arange(1, epochs + 1) / epochs
    rows = {name: [] for name in ("train_loss", "train_acc", "val_loss", "val_acc", "test_loss",
                                  "test_acc", "weight_norm")}
    for k, _ in enumerate(recipes):
        for _ in seeds:
            fit = 1 - np.exp(-6 * t * (1 - 0.15 * k))
            overfit = (0.4 - 0.09 * k) * t ** 2
            noise = rng.normal(0, 0.01, (2, epochs))
            rows["train_acc"].append(0.1 + 0.88 * fit)
            rows["val_acc"].append(0.1 + 0.6 * fit + 0.04 * k * t - 0.1 * overfit + noise[0])
            rows["test_acc"].append(0.1 + 0.6 * fit + 0.04 * k * t - 0.1 * overfit + noise[1])
            rows["train_loss"].append(2.3 * (1 - 0.95 * fit))
            rows["val_loss"].append(2.3 * (1 - 0.6 * fit) + 2 * overfit)
            rows["test_loss"].append(2.3 * (1 - 0.6 * fit) + 2 * overfit + noise[1])
            rows["weight_norm"].append(8 + (12 - 2.5 * k) * np.sqrt(t))
    arrays = {name: np.array(values) for name, values in rows.items()}
    return GridRun(recipes=[r for r in recipes for _ in seeds],
                   seeds=np.tile(np.asarray(seeds), len(recipes)), epochs=epochs, arch="mlp",
                   **arrays)


def _recipe_options(run) -> list:
    seen, options = set(), []
    for recipe in run.recipes:
        if recipe not in seen:
            seen.add(recipe)
            options.append((recipe.label(), recipe))
    return options


def draw_recipe(axes, run, recipe, *, metric: str = "accuracy", rows=None) -> None:
    """Three panels for one recipe of ``run``: its train/val/test curves (mean over seeds,
    band = lowest to highest seed), its weight norm against no regularization's, and its
    final test accuracy against the table's rows."""
    curves_ax, norm_ax, table_ax = axes
    mask = np.array([r == recipe for r in run.recipes])
    none = np.array([r.label() == "none" for r in run.recipes])
    epochs = np.arange(1, run.epochs + 1)
    suffix = "acc" if metric == "accuracy" else "loss"
    for part, color in (("train", COLORS["train"]), ("val", COLORS["dev"]),
                        ("test", COLORS["test"])):
        values = getattr(run, f"{part}_{suffix}")[mask]
        curves_ax.fill_between(epochs, values.min(0), values.max(0), color=color, alpha=0.2)
        curves_ax.plot(epochs, values.mean(0), color=color, lw=1.4, label=part)
    curves_ax.set(xlabel="epoch", ylabel=metric, title=f"{recipe.label()}: {mask.sum()} seeds")
    curves_ax.legend(fontsize=7)
    if none.any() and not mask[none].all():
        norm_ax.plot(epochs, run.weight_norm[none].mean(0), color="0.5", lw=1.2,
                     label="none")
    norm_ax.plot(epochs, run.weight_norm[mask].mean(0), color=COLORS["model"], lw=1.6,
                 label=recipe.label())
    norm_ax.set(xlabel="epoch", ylabel="weight norm", title="sqrt(sum of squared kernels)")
    norm_ax.legend(fontsize=7)
    final = 100 * run.test_acc[mask, -1]
    labels, means, halves = [], [], []
    for row in rows or []:
        labels.append(row.result.name)
        means.append(100 * row.test_mean)
        halves.append(100 * row.test_half)
    if labels:
        y = np.arange(len(labels))[::-1]
        table_ax.errorbar(means, y, xerr=halves, fmt="o", color="0.4", ms=3, capsize=2)
        table_ax.set_yticks(y, labels, fontsize=7)
    table_ax.axvspan(final.min(), final.max(), color=COLORS["model"], alpha=0.25)
    table_ax.axvline(final.mean(), color=COLORS["model"], lw=2,
                     label=f"this recipe {final.mean():.1f} %")
    table_ax.set(xlabel="test accuracy (%)", title="against the table")
    table_ax.legend(fontsize=7, loc="lower left")


@explorer_factory
def make_capstone_explorer(run=None, rows=None):
    """Slide through the recipes of a recorded grid (``run``, a GridRun) and see its curves,
    its weight norm and where it lands against the table's ``rows`` (from ``compare``).
    Nothing is trained on a move. Without arguments it shows a small synthetic grid."""
    import ipywidgets as widgets

    run = demo_grid_run() if run is None else run
    options = _recipe_options(run)
    controls = {
        "recipe": widgets.SelectionSlider(options=options,
                                          value=options[min(1, len(options) - 1)][1],
                                          description="recipe",
                                          layout=widgets.Layout(width="520px")),
        "metric": widgets.ToggleButtons(options=["accuracy", "loss"], value="accuracy",
                                        description="curves"),
    }

    def draw(axes, recipe, metric):
        draw_recipe(axes, run, recipe, metric=metric, rows=rows)

    return explorer("capstone", controls, draw,
                    figure=lambda: fast_figure(1, 3, width=12.5, height=3.6, left=0.06,
                                               right=0.99, bottom=0.15, top=0.9, wspace=0.55))


def concat_runs(*runs):
    """Several GridRuns of the same architecture and epochs as one (models stacked)."""
    from utils.training import GridRun

    if not runs:
        raise ValueError("concat_runs needs at least one GridRun")
    for run in runs:
        if not isinstance(run, GridRun):
            raise TypeError(f"runs must be GridRun objects, got {type(run).__name__}")
        if run.epochs != runs[0].epochs or run.arch != runs[0].arch:
            raise ValueError(f"runs must share epochs and arch: got {run.epochs} epochs of "
                             f"{run.arch!r} and {runs[0].epochs} of {runs[0].arch!r}")
    arrays = {name: np.concatenate([getattr(r, name) for r in runs]) for name in (
        "seeds", "train_loss", "train_acc", "val_loss", "val_acc", "test_loss", "test_acc",
        "weight_norm")}
    return GridRun(recipes=[recipe for r in runs for recipe in r.recipes], epochs=runs[0].epochs,
                   arch=runs[0].arch, seconds=sum(r.seconds for r in runs),
                   from_cache=all(r.from_cache for r in runs), **arrays)
