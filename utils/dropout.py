"""Chapter 3: inverted dropout. The two exercises (``dropout_forward``,
``dropout_backward``) with their reference answers, catalogues of named
mistakes and checks; mask statistics; a grid of keep probabilities trained in
one call of the course's NumPy engine (``utils.numpy_net``); the mask plot and
the keep_prob explorer.

Conventions: ``keep_prob`` is the probability of KEEPING a unit (Andrew Ng's
notes, Srivastava et al. 2014 call it p); Keras ``rate`` and PyTorch ``p`` are
the probability of DROPPING it, ``rate = 1 - keep_prob``.

The exercises depart from the ``*_forward -> (out, cache)`` convention of
``utils.numpy_net`` on purpose: ``dropout_forward(A, keep_prob, rng)`` returns
``(A_out, mask)`` because the mask *is* the cache, and it takes an explicit
``numpy.random.Generator`` instead of CS231n's ``np.random.seed`` inside the
layer, so a mask can be replayed (a gradient check passes a freshly seeded
generator) without touching the global NumPy state other libraries share.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from utils import numpy_net
from utils.checks import Catalogue, Mistake, exercise_check, matches
from utils.numpy_net import NetRun
from utils.plotting import COLORS, explorer, explorer_factory, fast_figure
from utils.validation import (
    as_float_array,
    require_nonnegative_int,
    require_positive_int,
    require_probability,
    require_same_shape,
)


# ---------------------------------------------------------------- reference answers
def _require_generator(rng) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), "
                        f"got {type(rng).__name__}")
    return rng


def _as_mask(name: str, mask) -> np.ndarray:
    """``mask`` as a boolean array; 0/1 numbers are accepted, anything else refused."""
    array = np.asarray(mask)
    if array.dtype == np.bool_:
        return array
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a boolean array, got dtype {array.dtype}")
    if not np.all((array == 0) | (array == 1)):
        raise ValueError(f"{name} must be boolean (or hold only 0 and 1), got values such as "
                         f"{array[(array != 0) & (array != 1)].ravel()[:3].tolist()}")
    return array.astype(bool)


def reference_dropout_forward(A, keep_prob, rng):
    """Inverted dropout: keep each entry of ``A`` independently with probability
    ``keep_prob`` and divide the kept ones by ``keep_prob``.

    ``A`` any shape, ``rng`` a numpy Generator -> (A_out like A, mask bool like A).
    """
    keep_prob = require_probability("keep_prob", keep_prob)
    A = as_float_array("A", A)
    mask = _require_generator(rng).random(A.shape) < keep_prob
    return A * mask / keep_prob, mask


def reference_dropout_backward(dA_out, mask, keep_prob):
    """Gradient of inverted dropout, with the forward pass's ``mask`` and ``keep_prob``."""
    keep_prob = require_probability("keep_prob", keep_prob)
    dA_out = as_float_array("dA_out", dA_out)
    mask = _as_mask("mask", mask)
    require_same_shape("dA_out", dA_out, "mask", mask)
    return dA_out * mask / keep_prob


def rate_from_keep_prob(keep_prob) -> float:
    """Keras/PyTorch ``rate`` (drop probability) for a ``keep_prob``: 1 - keep_prob."""
    return 1.0 - require_probability("keep_prob", keep_prob)


@dataclass
class MaskStatistics:
    """What one dropout output says about its mask (``mask_statistics``)."""

    kept_fraction: float   # fraction of entries with A_out != 0
    scale: float           # mean of A_out / A over the kept entries (1/keep_prob if inverted)
    mean_in: float         # mean of A
    mean_out: float        # mean of A_out
    se_mean: float         # standard error of mean_out under inverted dropout with keep_prob


def mask_statistics(A, A_out, keep_prob) -> MaskStatistics:
    """Kept fraction, the factor kept entries are scaled by, and both means.

    Works for any dropout output (NumPy, ``keras.layers.Dropout``,
    ``tf.nn.dropout``): an entry counts as kept where ``A_out != 0``, so ``A``
    must have no zero entries (positive activations, like ReLU outputs after a
    shift).
    """
    keep_prob = require_probability("keep_prob", keep_prob)
    A = as_float_array("A", A, allow_empty=False)
    A_out = as_float_array("A_out", A_out, allow_empty=False)
    require_same_shape("A", A, "A_out", A_out)
    if np.any(A == 0):
        raise ValueError("A must have no zero entries, so that a zero in A_out means 'dropped'")
    kept = A_out != 0
    scale = float(np.mean(A_out[kept] / A[kept])) if kept.any() else float("nan")
    # Var of A*m/p per entry is A^2 (1-p)/p; the mean over N entries has SE sqrt(sum var)/N.
    se = float(np.sqrt(np.sum(A ** 2) * (1 - keep_prob) / keep_prob) / A.size)
    return MaskStatistics(kept_fraction=float(kept.mean()), scale=scale,
                          mean_in=float(A.mean()), mean_out=float(A_out.mean()), se_mean=se)


# ---------------------------------------------------------------- dropout_forward: mistakes
# Each wrong answer below is a mistake learners make; the catalogue pairs it with the
# message the check must give it (tests/test_catalogues.py runs every pair).
def _only_A_out(A, keep_prob, rng):
    mask = rng.random(A.shape) < keep_prob
    return A * mask / keep_prob


def _mask_first(A, keep_prob, rng):
    mask = rng.random(A.shape) < keep_prob
    return mask, A * mask / keep_prob


def _mask_per_unit_only(A, keep_prob, rng):
    mask = rng.random(A.shape[1]) < keep_prob
    return A * mask / keep_prob, mask


def _flattened(A, keep_prob, rng):
    mask = rng.random(A.shape) < keep_prob
    return (A * mask / keep_prob).ravel(), mask


def _not_numbers(A, keep_prob, rng):
    mask = rng.random(A.shape) < keep_prob
    return "A_out", mask


def _float_mask(A, keep_prob, rng):
    mask = (rng.random(A.shape) < keep_prob).astype(float)
    return A * mask / keep_prob, mask


def _in_place(A, keep_prob, rng):
    mask = rng.random(A.shape) < keep_prob
    A *= mask / keep_prob
    return A, mask


def _global_rng(A, keep_prob, rng):
    mask = np.random.rand(*A.shape) < keep_prob
    return A * mask / keep_prob, mask


def _fixed_seed(A, keep_prob, rng):
    mask = np.random.default_rng(0).random(A.shape) < keep_prob
    return A * mask / keep_prob, mask


def _same_mask_for_every_example(A, keep_prob, rng):
    mask = np.broadcast_to(rng.random((1, A.shape[1])) < keep_prob, A.shape)
    return A * mask / keep_prob, mask


def _same_mask_for_every_unit(A, keep_prob, rng):
    mask = np.broadcast_to(rng.random((A.shape[0], 1)) < keep_prob, A.shape)
    return A * mask / keep_prob, mask


def _keep_prob_as_drop(A, keep_prob, rng):
    mask = rng.random(A.shape) < 1 - keep_prob
    return A * mask / keep_prob, mask


def _hard_coded_mask(A, keep_prob, rng):
    mask = rng.random(A.shape) < 0.8
    return A * mask / keep_prob, mask


def _fixed_count(A, keep_prob, rng):
    kept = np.zeros(A.size, dtype=bool)
    kept[:round(keep_prob * A.size)] = True
    mask = rng.permutation(kept).reshape(A.shape)
    return A * mask / keep_prob, mask


def _forgot_mask(A, keep_prob, rng):
    mask = rng.random(A.shape) < keep_prob
    return A / keep_prob, mask


def _two_masks(A, keep_prob, rng):
    A_out = A * (rng.random(A.shape) < keep_prob) / keep_prob
    mask = rng.random(A.shape) < keep_prob
    return A_out, mask


def _no_scaling(A, keep_prob, rng):
    mask = rng.random(A.shape) < keep_prob
    return A * mask, mask


def _times_keep_prob(A, keep_prob, rng):
    mask = rng.random(A.shape) < keep_prob
    return A * mask * keep_prob, mask


def _divided_twice(A, keep_prob, rng):
    mask = rng.random(A.shape) < keep_prob
    return A * mask / keep_prob / keep_prob, mask


def _divided_by_rate(A, keep_prob, rng):
    mask = rng.random(A.shape) < keep_prob
    return A * mask / (1 - keep_prob), mask


def _float32(A, keep_prob, rng):
    mask = rng.random(A.shape) < keep_prob
    return A.astype(np.float32) * mask / np.float32(keep_prob), mask


def _hard_coded_scale(A, keep_prob, rng):
    mask = rng.random(A.shape) < keep_prob
    return A * mask / 0.8, mask


FORWARD_MISTAKES = Catalogue(
    "dropout_forward",
    Mistake("not_a_pair",
            "dropout_forward returned {got} instead of the pair (A_out, mask): return both, "
            "since the backward pass needs the mask.", _only_A_out),
    Mistake("swapped_order",
            "dropout_forward returned (mask, A_out): return A_out first and the mask second.",
            _mask_first),
    Mistake("mask_shape",
            "the mask has shape {got_shape} but A has shape {expected_shape}: draw one random "
            "number for every entry of A, not one per unit.", _mask_per_unit_only),
    Mistake("wrong_shape", answer=_flattened),
    Mistake("not_numeric", answer=_not_numbers),
    Mistake("float_mask",
            "the mask has dtype {dtype}, but it should be boolean (True = kept), which is what a "
            "comparison with keep_prob gives.", _float_mask),
    Mistake("mutated_input", answer=_in_place),
    Mistake("global_rng",
            "the same rng gave a different mask, so you drew from somewhere else (np.random or a "
            "new generator): draw every random number from the rng argument.", _global_rng),
    Mistake("fixed_seed",
            "two different rng arguments gave the same mask, so your randomness comes from a "
            "fixed seed: draw from the rng argument instead.", _fixed_seed),
    Mistake("same_mask_for_every_example",
            "every example (row) got the same mask: draw a mask for every entry of A, so each "
            "example loses different units.", _same_mask_for_every_example),
    Mistake("same_mask_for_every_unit",
            "all units of an example are kept or dropped together: draw a mask for every entry "
            "of A, so each unit is kept independently.", _same_mask_for_every_unit),
    Mistake("keep_as_drop",
            "the kept fraction is {kept} with keep_prob={keep_prob}, which is the drop "
            "probability: keep_prob is the probability of KEEPING a unit (Keras' rate is the "
            "one that drops).", _keep_prob_as_drop),
    Mistake("kept_fraction",
            "the kept fraction is {kept} with keep_prob={keep_prob}: keep each entry with "
            "probability keep_prob (the argument, not a fixed number).", _hard_coded_mask),
    Mistake("fixed_count",
            "every call kept exactly the same number of units, so the entries are not kept "
            "independently (that is a shuffled fixed count): keep each entry with its own "
            "random draw.", _fixed_count),
    Mistake("forgot_mask",
            "A_out is A divided by keep_prob everywhere: the dropped entries must be 0, so "
            "apply the mask to A.", _forgot_mask),
    Mistake("mask_mismatch",
            "A_out is zero where your mask is True or non-zero where it is False: build A_out "
            "from the same mask you return.", _two_masks),
    Mistake("no_scaling",
            "the kept entries are not scaled: inverted dropout divides them by keep_prob so "
            "that the expected activation is unchanged.", _no_scaling),
    Mistake("times_keep_prob",
            "the kept entries are multiplied by keep_prob: inverted dropout divides by it "
            "(0.8 of the units survive, each scaled by 1/0.8, so the mean is unchanged).",
            _times_keep_prob),
    Mistake("divided_twice",
            "the kept entries are divided by keep_prob twice: divide once.", _divided_twice),
    Mistake("divided_by_rate",
            "the kept entries are divided by 1 - keep_prob (the drop probability): divide by "
            "keep_prob.", _divided_by_rate),
    Mistake("lost_precision",
            "A_out is right only to float32 precision: compute it in A's dtype (float64 here), "
            "or the gradient check of a whole network cannot pass.", _float32),
    Mistake("wrong_value", answer=_hard_coded_scale),
)


def _float_array_or_none(value):
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def _array(value) -> np.ndarray:
    """``value`` as an array; a ragged or odd object becomes a 0-d object array."""
    try:
        return np.asarray(value)
    except (TypeError, ValueError):
        holder = np.empty((), dtype=object)
        holder[()] = value
        return holder


def _looks_like_mask(array: np.ndarray) -> bool:
    return array.dtype == np.bool_ or (
        array.dtype.kind in "biuf" and array.size > 0 and bool(np.all((array == 0) | (array == 1))))


def _forward_result(dropout_forward, A, keep_prob, rng):
    """Call the learner's function; (A_out float array, mask bool array) or a named failure."""
    result = dropout_forward(A, keep_prob, rng)
    FORWARD_MISTAKES.expect(isinstance(result, (tuple, list)) and len(result) == 2, "not_a_pair",
                            got=f"a single {type(result).__name__}"
                            if not isinstance(result, (tuple, list))
                            else f"a {type(result).__name__} of {len(result)} values")
    A_out, mask = _array(result[0]), _array(result[1])
    FORWARD_MISTAKES.expect(not (_looks_like_mask(A_out) and not _looks_like_mask(mask)),
                            "swapped_order")
    FORWARD_MISTAKES.expect(A_out.dtype.kind in "biuf", "not_numeric", what="A_out",
                            got_type=type(result[0]).__name__)
    FORWARD_MISTAKES.expect(mask.shape == A.shape, "mask_shape", got_shape=mask.shape,
                            expected_shape=A.shape)
    FORWARD_MISTAKES.expect(A_out.shape == A.shape, "wrong_shape", what="A_out",
                            got_shape=A_out.shape, expected_shape=A.shape)
    FORWARD_MISTAKES.expect(mask.dtype == np.bool_, "float_mask", dtype=mask.dtype)
    return A_out.astype(float), mask


@exercise_check("inverted dropout with your own mask: each entry kept independently with "
                "probability keep_prob, the kept ones divided by keep_prob, drawn only from rng.",
                catalogue=FORWARD_MISTAKES, reference=reference_dropout_forward)
def check_dropout_forward(dropout_forward) -> None:
    """Check ``dropout_forward(A, keep_prob, rng) -> (A_out, mask)`` by its properties:
    any valid way of drawing the mask passes (rng.random, rng.uniform, rng.binomial ...)."""
    keep_prob = 0.8
    data_rng = np.random.default_rng(123)
    A = data_rng.uniform(0.5, 1.5, size=(400, 250))  # positive, like ReLU outputs
    global_state = np.random.get_state()
    try:  # reseed the global generator between calls: a mask drawn from it changes
        np.random.seed(1)
        A_out, mask = _forward_result(dropout_forward, A, keep_prob, np.random.default_rng(7))
        np.random.seed(2)
        _, mask_again = _forward_result(dropout_forward, A, keep_prob, np.random.default_rng(7))
        FORWARD_MISTAKES.expect(np.array_equal(mask, mask_again), "global_rng")
        np.random.seed(1)
        _, mask_other = _forward_result(dropout_forward, A, keep_prob, np.random.default_rng(8))
        FORWARD_MISTAKES.expect(not np.array_equal(mask, mask_other), "fixed_seed")
    finally:
        np.random.set_state(global_state)
    FORWARD_MISTAKES.expect(not np.all(mask == mask[:1, :]), "same_mask_for_every_example")
    FORWARD_MISTAKES.expect(not np.all(mask == mask[:, :1]), "same_mask_for_every_unit")
    kept, se_kept = mask.mean(), np.sqrt(keep_prob * (1 - keep_prob) / mask.size)
    FORWARD_MISTAKES.expect(abs(kept - (1 - keep_prob)) > 5 * se_kept, "keep_as_drop",
                            kept=f"{kept:.3f}", keep_prob=keep_prob)
    FORWARD_MISTAKES.expect(abs(kept - keep_prob) < 5 * se_kept, "kept_fraction",
                            kept=f"{kept:.3f}", keep_prob=keep_prob)
    FORWARD_MISTAKES.expect(not matches(A_out, A / keep_prob), "forgot_mask")
    FORWARD_MISTAKES.expect(np.array_equal(A_out != 0, mask), "mask_mismatch")
    FORWARD_MISTAKES.close(A_out, A * mask / keep_prob, what="A_out", candidates={
        "no_scaling": A * mask, "times_keep_prob": A * mask * keep_prob,
        "divided_twice": A * mask / keep_prob ** 2,
        "divided_by_rate": A * mask / (1 - keep_prob)})
    FORWARD_MISTAKES.expect(np.allclose(A_out, A * mask / keep_prob, rtol=1e-12, atol=0),
                            "lost_precision")
    # Independence: over 30 calls on a 4 x 5 array with keep_prob 0.5 the number kept is
    # Binomial(20, 0.5) (variance 5); a shuffled fixed count never varies.
    B = data_rng.uniform(0.5, 1.5, size=(4, 5))
    counts = []
    for seed in range(30):
        B_out, B_mask = _forward_result(dropout_forward, B, 0.5,
                                        np.random.default_rng(100 + seed))
        FORWARD_MISTAKES.close(B_out, B * B_mask / 0.5,
                               what="A_out for a 4 x 5 A with keep_prob=0.5")
        counts.append(int(B_mask.sum()))
    FORWARD_MISTAKES.expect(np.var(counts) > 1.0, "fixed_count")
    FORWARD_MISTAKES.expect(abs(np.mean(counts) - 10) < 5 * np.sqrt(5 / 30), "kept_fraction",
                            kept=f"{np.mean(counts) / 20:.3f}", keep_prob=0.5)


# ---------------------------------------------------------------- dropout_backward: mistakes
def _backward_forgot_mask(dA_out, mask, keep_prob):
    return dA_out / keep_prob


def _backward_forgot_scaling(dA_out, mask, keep_prob):
    return dA_out * mask


def _backward_times_keep_prob(dA_out, mask, keep_prob):
    return dA_out * mask * keep_prob


def _backward_forgot_both(dA_out, mask, keep_prob):
    return dA_out


def _backward_inverted_mask(dA_out, mask, keep_prob):
    return dA_out * ~mask / keep_prob


def _backward_new_mask(dA_out, mask, keep_prob):
    new_mask = np.random.default_rng().random(dA_out.shape) < keep_prob
    return dA_out * new_mask / keep_prob


def _backward_divided_twice(dA_out, mask, keep_prob):
    return dA_out * mask / keep_prob ** 2


def _backward_float32(dA_out, mask, keep_prob):
    return dA_out.astype(np.float32) * mask / np.float32(keep_prob)


def _backward_in_place(dA_out, mask, keep_prob):
    dA_out[~mask] = 0
    dA_out /= keep_prob
    return dA_out


def _backward_hard_coded(dA_out, mask, keep_prob):
    return dA_out * mask / 0.7


def _backward_summed(dA_out, mask, keep_prob):
    return (dA_out * mask / keep_prob).sum(axis=0)


def _backward_dict(dA_out, mask, keep_prob):
    return {"dA": dA_out * mask / keep_prob}


BACKWARD_MISTAKES = Catalogue(
    "dropout_backward",
    Mistake("forgot_mask",
            "dA is non-zero at the dropped units: a dropped unit did not affect the cost, so its "
            "gradient is 0 (apply the mask).", _backward_forgot_mask),
    Mistake("forgot_scaling",
            "dA is not scaled: the forward pass divided the kept units by keep_prob, so the "
            "backward pass divides by it too.", _backward_forgot_scaling),
    Mistake("times_keep_prob",
            "dA is multiplied by keep_prob: the forward pass divided by keep_prob, so the "
            "backward pass divides too.", _backward_times_keep_prob),
    Mistake("forgot_both",
            "dA equals dA_out: the gradient must be zeroed at the dropped units and scaled like "
            "the forward pass.", _backward_forgot_both),
    Mistake("inverted_mask",
            "dA is non-zero exactly at the dropped units and zero at the kept ones: the mask is "
            "True where a unit was KEPT.", _backward_inverted_mask),
    Mistake("new_mask",
            "dA is non-zero at units the forward pass dropped: use the mask you were given, do "
            "not draw a new one.", _backward_new_mask),
    Mistake("divided_twice",
            "dA is divided by keep_prob twice: divide once, like the forward pass.",
            _backward_divided_twice),
    Mistake("lost_precision",
            "dA is right only to float32 precision: compute it in dA_out's dtype (float64 "
            "here), or the gradient check of a whole network cannot pass.", _backward_float32),
    Mistake("mutated_input", answer=_backward_in_place),
    Mistake("wrong_value", answer=_backward_hard_coded),
    Mistake("wrong_shape", answer=_backward_summed),
    Mistake("not_numeric", answer=_backward_dict),
)


def _compare_gradient(got, dA_out, mask, keep_prob, what):
    """Pass if ``got`` is the gradient, else name the mistake."""
    expected = dA_out * mask / keep_prob
    values = _float_array_or_none(got)
    if values is not None and values.shape == expected.shape and not matches(values, expected):
        wrong_answers = {"forgot_mask": dA_out / keep_prob, "forgot_scaling": dA_out * mask,
                         "times_keep_prob": dA_out * mask * keep_prob, "forgot_both": dA_out,
                         "inverted_mask": dA_out * ~mask / keep_prob,
                         "divided_twice": dA_out * mask / keep_prob ** 2}
        for key, wrong in wrong_answers.items():
            BACKWARD_MISTAKES.expect(not matches(values, wrong), key)
        BACKWARD_MISTAKES.expect(np.all(values[~mask] == 0), "new_mask")
    BACKWARD_MISTAKES.close(got, expected, what=what)
    BACKWARD_MISTAKES.expect(np.allclose(values, expected, rtol=1e-12, atol=0), "lost_precision")


@exercise_check("the gradient flows only through the kept units, divided by keep_prob like the "
                "forward pass.", catalogue=BACKWARD_MISTAKES,
                reference=reference_dropout_backward)
def check_dropout_backward(dropout_backward) -> None:
    """Check ``dropout_backward(dA_out, mask, keep_prob) -> dA`` on two masks and keep_probs."""
    rng = np.random.default_rng(5)
    for keep_prob, shape in ((0.7, (6, 8)), (0.5, (5, 4))):
        mask = rng.random(shape) < keep_prob
        dA_out = rng.normal(size=shape)
        got = dropout_backward(dA_out, mask, keep_prob)
        what = f"dA for a {shape[0]} x {shape[1]} dA_out with keep_prob={keep_prob}"
        _compare_gradient(got, dA_out, mask, keep_prob, what=what)


# ---------------------------------------------------------------- a grid of keep probabilities
@dataclass
class KeepProbGrid:
    """What ``train_keep_prob_grid`` returns: one network per (seed, keep_prob).

    Model ``s * K + k`` started from the initial weights of ``seeds[s]`` and was
    trained with ``keep_probs[k]`` in every hidden layer. S seeds, K keep
    probabilities, R records (one every ``record_every`` epochs, and the last).
    """

    keep_probs: np.ndarray  # (K,)
    seeds: np.ndarray       # (S,)
    run: NetRun             # cost, train_acc, test_acc, ... (S*K, R); params W1 (S*K, d, h1), ...

    def index(self, keep_prob, seed: int | None = None) -> int:
        """The model trained with ``keep_prob`` from ``seed`` (default: the first seed)."""
        keep_prob = require_probability("keep_prob", keep_prob)
        k = int(np.argmin(np.abs(self.keep_probs - keep_prob)))
        if not np.isclose(self.keep_probs[k], keep_prob):
            raise ValueError(f"keep_prob {keep_prob} was not trained; choose one of "
                             f"{self.keep_probs.tolist()}")
        s = 0 if seed is None else np.flatnonzero(self.seeds == seed)
        if seed is not None and s.size == 0:
            raise ValueError(f"seed {seed} was not trained; choose one of {self.seeds.tolist()}")
        return int(np.ravel(s)[0]) * len(self.keep_probs) + k

    def params(self, keep_prob, seed: int | None = None) -> dict:
        """The final weights of one model: W1 (d, h1), b1 (h1,), ..."""
        return self.run.model(self.index(keep_prob, seed))

    def final(self, metric: str) -> np.ndarray:
        """The last record of ``metric`` ("train_acc", "test_acc", "cost", ...) as (S, K)."""
        values = getattr(self.run, metric)
        return values[:, -1].reshape(len(self.seeds), len(self.keep_probs))


def train_keep_prob_grid(X, y, X_test, y_test, keep_probs: Sequence[float], *,
                         hidden: Sequence[int] = (64, 64), epochs: int = 1500,
                         learning_rate: float = 0.01, record_every: int = 25,
                         seed: int | Sequence[int] = 1) -> KeepProbGrid:
    """Train one network per (seed, keep_prob), all in one call of the NumPy engine.

    ``utils.numpy_net.train`` with a leading model axis: [affine -> relu ->
    inverted dropout] per hidden layer (the same keep_prob in every hidden
    layer), a sigmoid output, full-batch Adam. Each model has its own Generator,
    seeded with its seed: it draws the He initial weights, then the dropout
    masks, exactly as ``numpy_net.train`` does for one network given
    ``np.random.default_rng(seed)``. So a model's masks depend on its seed and
    keep_prob only, never on the other models of the grid (keep_prob 0.6 is the
    same network in any grid), and the keep_probs of one seed start from the
    same weights and compare on the same uniform draws (common random numbers).
    """
    probs = np.array([require_probability("keep_prob", p) for p in keep_probs])
    if probs.size == 0:
        raise ValueError("keep_probs is empty: give at least one keep probability")
    seeds = np.array([require_nonnegative_int("seed", s) for s in np.atleast_1d(seed).tolist()])
    if seeds.size == 0 or len(set(seeds.tolist())) != seeds.size:
        raise ValueError(f"seed must be an integer or distinct integers, got {seed!r}")
    sizes = [as_float_array("X", X, ndim=2).shape[1],
             *(require_positive_int("hidden size", h) for h in hidden), 1]
    rngs, inits = [], []
    for model_seed in seeds:
        for _ in probs:
            rng = np.random.default_rng(int(model_seed))
            inits.append(numpy_net.init_params(sizes, rng))
            rngs.append(rng)
    per_model = np.tile(probs, seeds.size)
    run = numpy_net.train(numpy_net.stack_models(inits), X, y, epochs=epochs,
                          learning_rate=learning_rate, X_test=X_test, y_test=y_test,
                          record_every=record_every, rng=rngs,
                          keep_probs=[per_model] * (len(sizes) - 2),
                          dropout_forward=reference_dropout_forward,
                          dropout_backward=reference_dropout_backward)
    return KeepProbGrid(probs, seeds, run)


# ---------------------------------------------------------------- mask plot and explorer
MASK_COLORS = ("0.15", "#a6dba0")  # dropped (near black), kept (green): every mask figure


def plot_mask(ax, mask, *, title: str | None = None):
    """Draw a 2-D boolean mask (rows = examples, columns = units): green kept, black dropped.

    Rows and columns are numbered from 1. Returns ``ax``.
    """
    from matplotlib.colors import ListedColormap

    mask = _as_mask("mask", mask)
    if mask.ndim != 2 or mask.size == 0:
        raise ValueError(f"mask must be a non-empty 2-D array (examples x units), "
                         f"got shape {mask.shape}")
    rows, cols = mask.shape
    ax.imshow(mask, cmap=ListedColormap(MASK_COLORS), vmin=0, vmax=1, aspect="auto",
              interpolation="nearest", extent=(0.5, cols + 0.5, rows + 0.5, 0.5))
    ax.grid(False)
    ax.set(xlabel="hidden unit", ylabel="example")
    if title:
        ax.set_title(title)
    return ax


EXPLORER_KEEP_PROBS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


@lru_cache(maxsize=2)
def explorer_runs(epochs: int = 1500):
    """The explorer's precomputed runs (cached): moons, 30 train / 270 test, 64-64 net."""
    from utils.datasets import moons_split

    epochs = require_positive_int("epochs", epochs)
    split = moons_split(n_samples=300, noise=0.3, random_state=1, n_train=30)
    runs = train_keep_prob_grid(split.X_train, split.y_train, split.X_test, split.y_test,
                                EXPLORER_KEEP_PROBS, epochs=epochs)
    return split, runs


def draw_dropout_state(axes, keep_prob: float, runs: KeepProbGrid, split, *,
                       seed: int = 0):
    """Three panels for one keep_prob: a mask on the first hidden layer (10 examples x 32 units),
    one example's activations before/after inverted dropout, the train/test curves.

    ``axes`` is a sequence of three matplotlib axes; returns it.
    """
    keep_prob = require_probability("keep_prob", keep_prob)
    seed = require_nonnegative_int("seed", seed)
    if len(axes) != 3:
        raise ValueError(f"axes must hold 3 matplotlib axes (mask, activations, curves), "
                         f"got {len(axes)}")
    if not isinstance(runs, KeepProbGrid):
        raise TypeError(f"runs must be what train_keep_prob_grid returns (a KeepProbGrid), "
                        f"got {type(runs).__name__}")
    probs = runs.keep_probs
    if not np.any(np.isclose(probs, keep_prob)):
        raise ValueError(f"keep_prob {keep_prob} was not precomputed; choose one of {list(probs)}")
    index = runs.index(keep_prob)
    ax_mask, ax_act, ax_curve = axes
    params = runs.params(keep_prob)
    A_all = np.maximum(np.asarray(split.X_train, float) @ params["W1"] + params["b1"], 0.0)
    units = np.sort(np.argsort(-A_all.mean(axis=0))[:32])  # the 32 most active units
    A = A_all[:10, units]
    A_out, mask = reference_dropout_forward(A, keep_prob, np.random.default_rng(seed))
    row = int(np.argmax((A > 0).sum(axis=1)))  # the example with the most active units
    plot_mask(ax_mask, mask, title=f"mask (green kept, black dropped): {mask.mean():.2f} kept")
    ax_mask.set_xlabel("hidden unit (32 most active)")
    x = np.arange(1, A.shape[1] + 1)
    ax_act.vlines(x - 0.15, 0, A[row], color="0.6", lw=2.5, label="a (before)")
    ax_act.vlines(x + 0.15, 0, A_out[row], color=COLORS["model"], lw=2.5,
                  label=f"a·mask/{keep_prob:.1f} (after)")
    ax_act.set(title=f"example {row + 1}: mean {A[row].mean():.2f} → {A_out[row].mean():.2f}",
               xlabel="hidden unit (32 most active)", ylabel="activation")
    ax_act.set_ylim(0, 1.3 * max(float(A_out[row].max()), 1e-3))
    ax_act.legend(loc="upper center", ncol=2, fontsize=8)
    run = runs.run
    ax_curve.plot(run.epoch, run.train_acc[index], color=COLORS["train"], label="train")
    ax_curve.plot(run.epoch, run.test_acc[index], color=COLORS["test"], label="test")
    if not np.isclose(keep_prob, 1.0) and np.any(np.isclose(probs, 1.0)):
        ax_curve.plot(run.epoch, run.test_acc[runs.index(1.0)], color=COLORS["test"], ls=":",
                      lw=1, label="test, no dropout")
    ax_curve.set(ylim=(0.6, 1.02), xlabel="epoch", ylabel="accuracy",
                 title=f"final: train {run.train_acc[index, -1]:.3f}, "
                       f"test {run.test_acc[index, -1]:.3f}")
    ax_curve.legend(loc="lower right", fontsize=8)
    for ax in axes:  # few ticks: tick labels are most of the drawing time
        ax.locator_params(nbins=4)
    ax_mask.set_yticks([1, 5, 10])
    return axes


def explorer_figure():
    """The explorer's 1 x 3 figure (the fast-figure recipe: fixed margins, dpi 72)."""
    return fast_figure(1, 3, width=13.0, height=3.4, left=0.05, right=0.99, bottom=0.16,
                       top=0.9, wspace=0.28, grid=False)


@explorer_factory
def make_dropout_explorer():
    """A keep_prob slider and a mask seed: the mask, one example's activations, the
    train/test curves of the network trained with that keep_prob.

    The networks for every keep_prob are trained once (vectorized, cached) when
    the explorer is first built; moving a control only draws.
    """
    import ipywidgets as widgets

    split, runs = explorer_runs()
    controls = {
        "keep_prob": widgets.SelectionSlider(
            options=[float(p) for p in runs.keep_probs], value=0.8, description="keep_prob",
            continuous_update=True),
        "mask_seed": widgets.IntSlider(value=0, min=0, max=20, description="mask seed",
                                       continuous_update=True),
    }

    def draw(axes, keep_prob, mask_seed):
        draw_dropout_state(axes, keep_prob, runs, split, seed=mask_seed)

    return explorer("dropout keep_prob", controls, draw, figure=explorer_figure, dpi=80)
