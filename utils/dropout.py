"""Chapter 3: inverted dropout. The four exercises (``dropout_forward``,
``dropout_backward``, ``dropout_net_loss``, ``mc_dropout_predict``) with their
reference answers, catalogues of named mistakes and checks; mask statistics and
Monte Carlo moments; a grid of keep probabilities trained in one call of the
course's NumPy engine (``utils.numpy_net``); the mask plot and the keep_prob
explorer.

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


# ---------------------------------------------------------------- dropout_net_loss (exercise 3)
NET_KEYS = ("W1", "b1", "W2", "b2", "W3", "b3")


def _net_inputs(params, X, y, masks, keep_probs):
    """The validated arguments of ``reference_dropout_net_loss``."""
    if not isinstance(params, dict) or any(key not in params for key in NET_KEYS):
        raise ValueError(f"params must be a dict holding {', '.join(NET_KEYS)} (two hidden "
                         f"layers and an output layer), got "
                         f"{sorted(params) if isinstance(params, dict) else type(params).__name__}")
    if numpy_net.n_layers(params) != 3:
        raise ValueError("params must describe exactly two hidden layers and one output unit "
                         "(W1, W2, W3)")
    numpy_net.n_models(params)  # shapes chained, finite numbers, no model axis
    if np.ndim(params["W1"]) != 2 or np.shape(params["W3"])[-1] != 1:
        raise ValueError("params must be one network (no model axis) with one output unit")
    X = as_float_array("X", X, ndim=2, allow_empty=False)
    if X.shape[1] != np.shape(params["W1"])[0]:
        raise ValueError(f"X has {X.shape[1]} columns but W1 expects "
                         f"{np.shape(params['W1'])[0]} inputs")
    y = as_float_array("y", y, ndim=1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"X and y must have the same number of rows, got {X.shape[0]} and "
                         f"{y.shape[0]}")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("y must hold 0/1 labels")
    if isinstance(masks, np.ndarray) or not isinstance(masks, Sequence) or len(masks) != 2:
        raise TypeError("masks must be a pair (mask1, mask2), one boolean mask per hidden layer")
    if isinstance(keep_probs, np.ndarray) and keep_probs.ndim == 1:
        keep_probs = keep_probs.tolist()
    if isinstance(keep_probs, (str, bytes)) or not isinstance(keep_probs, Sequence) \
            or len(keep_probs) != 2:
        raise TypeError("keep_probs must be a pair (keep_prob1, keep_prob2), one per hidden layer")
    probs = [require_probability("keep_prob", p) for p in keep_probs]
    checked = []
    for layer, mask in enumerate(masks, start=1):
        mask = _as_mask(f"mask{layer}", mask)
        expected = (X.shape[0], np.shape(params[f"W{layer}"])[1])
        if mask.shape != expected:
            raise ValueError(f"mask{layer} must have shape {expected} (examples x units of "
                             f"hidden layer {layer}), got {mask.shape}")
        checked.append(mask)
    return X, y, checked, probs


def reference_dropout_net_loss(params, X, y, masks, keep_probs):
    """Cost and gradients of X -> [affine -> ReLU -> inverted dropout] x 2 -> affine -> sigmoid
    cross-entropy, with the dropout masks given (fixed), so the cost is a deterministic
    function of the parameters and can be gradient-checked.

    params: W1 (d, h1), b1 (h1,), W2 (h1, h2), b2 (h2,), W3 (h2, 1), b3 (1,).
    X (n, d); y (n,) 0/1 labels; masks = (mask1 (n, h1), mask2 (n, h2)) boolean, True = kept;
    keep_probs = (keep_prob1, keep_prob2). Returns (cost, grads): cost the mean cross-entropy
    (a float), grads a dict with the keys and shapes of params.
    """
    X, y, (mask1, mask2), (p1, p2) = _net_inputs(params, X, y, masks, keep_probs)
    Z1, cache1 = numpy_net.affine_forward(X, params["W1"], params["b1"])
    D1 = np.maximum(Z1, 0.0) * mask1 / p1
    Z2, cache2 = numpy_net.affine_forward(D1, params["W2"], params["b2"])
    D2 = np.maximum(Z2, 0.0) * mask2 / p2
    scores, cache3 = numpy_net.affine_forward(D2, params["W3"], params["b3"])
    cost, dscores = numpy_net.sigmoid_cross_entropy(scores[:, 0], y)
    grads = {}
    dD2, grads["W3"], grads["b3"] = numpy_net.affine_backward(dscores[:, None], cache3)
    dZ2 = dD2 * mask2 / p2 * (Z2 > 0)
    dD1, grads["W2"], grads["b2"] = numpy_net.affine_backward(dZ2, cache2)
    dZ1 = dD1 * mask1 / p1 * (Z1 > 0)
    _, grads["W1"], grads["b1"] = numpy_net.affine_backward(dZ1, cache1)
    return float(cost), {key: grads[key] for key in NET_KEYS}


# Wrong answers: each is the whole function with one natural slip (see the catalogue).
def _net(params, X, y, masks, keep_probs, *, forward_masks=None, forward_dropout=True,
         forward_scale=True, probs=None, backward_masks=None, backward_scale=True,
         relu_backward=True, dW3_from_A2=False, mean_cost=True, mean_dscores=True, sign=1.0,
         db_mean=False, new_masks=False):
    """The reference network written out by hand, with one switch flipped per wrong answer
    (``new_masks`` draws masks from the global generator, in each pass)."""
    W1, b1, W2, b2, W3, b3 = (params[k] for k in NET_KEYS)
    p1, p2 = probs or keep_probs
    m1, m2 = forward_masks or masks
    if new_masks:
        m1, m2 = (np.random.random_sample(np.shape(m)) < p for m, p in zip(masks, (p1, p2)))
    s1, s2 = (p1, p2) if forward_scale else (1.0, 1.0)
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0.0)
    D1 = A1 * m1 / s1 if forward_dropout else A1
    Z2 = D1 @ W2 + b2
    A2 = np.maximum(Z2, 0.0)
    D2 = A2 * m2 / s2 if forward_dropout else A2
    z = (D2 @ W3 + b3)[:, 0]
    n = X.shape[0]
    losses = np.logaddexp(0.0, z) - y * z
    cost = losses.mean() if mean_cost else losses.sum()
    dz = sign * (numpy_net.sigmoid(z) - y) / (n if mean_dscores else 1)
    bm1, bm2 = backward_masks or (m1, m2)
    if new_masks:
        bm1, bm2 = (np.random.random_sample(np.shape(m)) < p for m, p in zip(masks, (p1, p2)))
    t1, t2 = (p1, p2) if backward_scale else (1.0, 1.0)
    reduce_b = (lambda d: d.mean(axis=0)) if db_mean else (lambda d: d.sum(axis=0))
    grads = {"W3": (A2 if dW3_from_A2 else D2).T @ dz[:, None], "b3": reduce_b(dz[:, None])}
    dA2 = (dz[:, None] @ W3.T) * bm2 / t2
    dZ2 = dA2 * (Z2 > 0) if relu_backward else dA2
    grads["W2"], grads["b2"] = D1.T @ dZ2, reduce_b(dZ2)
    dA1 = (dZ2 @ W2.T) * bm1 / t1
    dZ1 = dA1 * (Z1 > 0) if relu_backward else dA1
    grads["W1"], grads["b1"] = X.T @ dZ1, reduce_b(dZ1)
    return cost, grads


def _net_only_cost(params, X, y, masks, keep_probs):
    return _net(params, X, y, masks, keep_probs)[0]


def _net_missing_biases(params, X, y, masks, keep_probs):
    cost, grads = _net(params, X, y, masks, keep_probs)
    return cost, {key: grads[key] for key in ("W1", "W2", "W3")}


def _net_new_masks(params, X, y, masks, keep_probs):
    return _net(params, X, y, masks, keep_probs, new_masks=True)


def _net_forward_no_dropout(params, X, y, masks, keep_probs):
    return _net(params, X, y, masks, keep_probs, forward_dropout=False)


def _net_forward_no_scaling(params, X, y, masks, keep_probs):
    return _net(params, X, y, masks, keep_probs, forward_scale=False)


def _net_one_keep_prob(params, X, y, masks, keep_probs):
    return _net(params, X, y, masks, keep_probs, probs=(keep_probs[0], keep_probs[0]))


def _net_masks_swapped(params, X, y, masks, keep_probs):
    return _net(params, X, y, masks, keep_probs, forward_masks=(masks[1], masks[0]))


def _net_summed_cost(params, X, y, masks, keep_probs):
    return _net(params, X, y, masks, keep_probs, mean_cost=False, mean_dscores=False)


def _net_cost_as_pair(params, X, y, masks, keep_probs):
    cost, grads = _net(params, X, y, masks, keep_probs)
    return (cost, np.zeros(len(y))), grads  # the loss function's (cost, dscores) pair


def _net_dscores_not_averaged(params, X, y, masks, keep_probs):
    return _net(params, X, y, masks, keep_probs, mean_dscores=False)


def _net_sign_flipped(params, X, y, masks, keep_probs):
    return _net(params, X, y, masks, keep_probs, sign=-1.0)


def _net_dW3_before_dropout(params, X, y, masks, keep_probs):
    return _net(params, X, y, masks, keep_probs, dW3_from_A2=True)


def _net_backward_no_mask(params, X, y, masks, keep_probs):
    ones = tuple(np.ones(np.shape(m), bool) for m in masks)
    return _net(params, X, y, masks, keep_probs, backward_masks=ones)


def _net_backward_no_scaling(params, X, y, masks, keep_probs):
    return _net(params, X, y, masks, keep_probs, backward_scale=False)


def _net_backward_masks_swapped(params, X, y, masks, keep_probs):
    return _net(params, X, y, masks, keep_probs, backward_masks=(masks[1], masks[0]))


def _net_forgot_relu_backward(params, X, y, masks, keep_probs):
    return _net(params, X, y, masks, keep_probs, relu_backward=False)


def _net_db_mean(params, X, y, masks, keep_probs):
    return _net(params, X, y, masks, keep_probs, db_mean=True)


def _net_dW_transposed(params, X, y, masks, keep_probs):
    cost, grads = _net(params, X, y, masks, keep_probs)
    return cost, dict(grads, W1=grads["W1"].T)


def _net_W1_doubled(params, X, y, masks, keep_probs):
    cost, grads = _net(params, X, y, masks, keep_probs)
    return cost, dict(grads, W1=2 * grads["W1"])


NET_MISTAKES = Catalogue(
    "dropout_net_loss",
    Mistake("not_a_pair",
            "dropout_net_loss returned {got} instead of the pair (cost, grads): return the "
            "cost and the dict of gradients.", _net_only_cost),
    Mistake("missing_grads",
            "grads has no {missing}: return a gradient for every parameter, biases included.",
            _net_missing_biases),
    Mistake("mask_resampled",
            "two calls with the same masks gave different results, so you drew new masks: use "
            "the masks you are given, in the forward and in the backward pass.", _net_new_masks),
    Mistake("forward_no_dropout",
            "the cost is the one of the network without dropout: apply each hidden layer's mask "
            "in the forward pass too, not only in the backward pass.", _net_forward_no_dropout),
    Mistake("forward_no_scaling",
            "the cost is the one of a forward pass that zeroes the dropped units but does not "
            "divide the kept ones by keep_prob: inverted dropout scales them.",
            _net_forward_no_scaling),
    Mistake("one_keep_prob",
            "the cost is the one with keep_probs[0] in both hidden layers: layer 2 uses its own "
            "keep probability, keep_probs[1].", _net_one_keep_prob),
    Mistake("masks_swapped",
            "the cost is the one with the two masks swapped: masks[0] belongs to the first "
            "hidden layer, masks[1] to the second.", _net_masks_swapped),
    Mistake("summed_cost",
            "the cost is the sum of the per-example losses: the course's cost is their mean "
            "over the n examples.", _net_summed_cost),
    Mistake("not_numeric", answer=_net_cost_as_pair),
    Mistake("sign_flipped",
            "{what} has the wrong sign: the derivative of the cross-entropy with respect to the "
            "logit is sigmoid(z) - y, not y - sigmoid(z).", _net_sign_flipped),
    Mistake("dscores_not_averaged",
            "{what} is n times too large: the cost is a mean over n examples, so its derivative "
            "with respect to each logit carries a 1/n.", _net_dscores_not_averaged),
    Mistake("dW3_before_dropout",
            "{what} uses the second hidden layer's activations before dropout: the output "
            "layer saw the dropped-out, rescaled ones, so its weight gradient uses those.",
            _net_dW3_before_dropout),
    Mistake("backward_no_mask",
            "{what} lets the gradient through the dropped units: in the backward pass a dropped "
            "unit passes no gradient, so apply the layer's mask.", _net_backward_no_mask),
    Mistake("backward_no_scaling",
            "{what} is not scaled at the dropout layers: the forward pass divided the kept units "
            "by keep_prob, so the backward pass divides by it too.", _net_backward_no_scaling),
    Mistake("backward_masks_swapped",
            "{what} uses the second layer's mask in the first layer's backward pass (or the other "
            "way round): each layer's backward pass uses the mask of its own forward pass.",
            _net_backward_masks_swapped),
    Mistake("forgot_relu_backward",
            "{what} ignores the ReLU: the gradient reaches a unit's input only where that "
            "input was positive.", _net_forgot_relu_backward),
    Mistake("db_mean",
            "{what} is n times too small: the 1/n is already in the gradient of the logits, so a "
            "bias's gradient sums over the examples instead of averaging.", _net_db_mean),
    Mistake("wrong_shape", answer=_net_dW_transposed),
    Mistake("wrong_value", answer=_net_W1_doubled),
)
_NET_COST_MISTAKES = ("forward_no_dropout", "forward_no_scaling", "one_keep_prob",
                      "masks_swapped", "summed_cost")
_NET_GRAD_MISTAKES = ("sign_flipped", "dscores_not_averaged", "dW3_before_dropout",
                      "backward_no_mask", "backward_no_scaling", "backward_masks_swapped",
                      "forgot_relu_backward", "db_mean")


def _net_problem(seed: int = 11):
    """A small network whose gradient check is unambiguous: 2 hidden layers of 6 units
    (equal, so swapped masks run), non-zero biases, no pre-activation near a ReLU kink."""
    rng = np.random.default_rng(seed)
    n, d, h = 10, 3, 6
    params = numpy_net.init_params([d, h, h, 1], rng)
    for key in ("b1", "b2", "b3"):
        params[key] = rng.normal(0.0, 0.2, params[key].shape)
    X = rng.normal(size=(n, d))
    y = (rng.random(n) < 0.5).astype(float)
    keep_probs = (0.8, 0.5)
    masks = tuple(rng.random((n, h)) < p for p in keep_probs)
    return params, X, y, masks, keep_probs


def _same_numbers(a, b) -> bool:
    """False only when both are numbers and they differ (other faults are named later)."""
    a, b = _float_array_or_none(a), _float_array_or_none(b)
    return a is None or b is None or (a.shape == b.shape and bool(np.array_equal(a, b)))


def _net_result(dropout_net_loss, params, X, y, masks, keep_probs):
    result = dropout_net_loss(params, X, y, masks, keep_probs)
    NET_MISTAKES.expect(isinstance(result, (tuple, list)) and len(result) == 2, "not_a_pair",
                        got=f"a single {type(result).__name__}"
                        if not isinstance(result, (tuple, list))
                        else f"a {type(result).__name__} of {len(result)} values")
    cost, grads = result
    NET_MISTAKES.expect(isinstance(grads, dict), "not_a_pair",
                        got=f"a pair whose second value is a {type(grads).__name__}")
    missing = [key for key in NET_KEYS if key not in grads]
    NET_MISTAKES.expect(not missing, "missing_grads", missing=", ".join(missing))
    return cost, grads


@exercise_check("dropout wired through both hidden layers: the cost uses the given masks, and "
                "every gradient matches the numerical gradient with those masks held fixed.",
                catalogue=NET_MISTAKES, reference=reference_dropout_net_loss)
def check_dropout_net_loss(dropout_net_loss) -> None:
    """Check ``dropout_net_loss(params, X, y, masks, keep_probs) -> (cost, grads)``: the cost
    against the reference, every gradient against a numerical gradient of the learner's own
    cost with the masks held fixed (the wrong answers of the catalogue name the mismatch)."""
    params, X, y, masks, keep_probs = _net_problem()
    global_state = np.random.get_state()
    try:  # a function drawing its own masks gives different results on two calls
        np.random.seed(1)
        cost, grads = _net_result(dropout_net_loss, params, X, y, masks, keep_probs)
        cost_value = _float_array_or_none(cost)
        if cost_value is None:
            NET_MISTAKES.fail("not_numeric", what="the cost", got_type=type(cost).__name__)
        np.random.seed(2)
        cost_again, grads_again = _net_result(dropout_net_loss, params, X, y, masks, keep_probs)
    finally:
        np.random.set_state(global_state)
    NET_MISTAKES.expect(all(_same_numbers(a, b) for a, b in [(cost, cost_again)] + [
        (grads[key], grads_again[key]) for key in NET_KEYS]), "mask_resampled")
    if cost_value.size == 1:
        cost_value = cost_value.reshape(())
    wrong = {key: NET_MISTAKES[key].answer(params, X, y, masks, keep_probs)
             for key in _NET_COST_MISTAKES + _NET_GRAD_MISTAKES}
    expected_cost, _ = reference_dropout_net_loss(params, X, y, masks, keep_probs)
    NET_MISTAKES.close(cost_value, expected_cost, what="the cost",
                       candidates={key: wrong[key][0] for key in _NET_COST_MISTAKES})
    for key in ("W3", "b3", "W2", "b2", "W1", "b1"):  # output layer first, as backprop runs
        point = {k: v.copy() for k, v in params.items()}

        def own_cost(_, point=point):
            return float(np.asarray(dropout_net_loss(point, X, y, masks, keep_probs)[0],
                                    dtype=float))

        numeric = numpy_net.numerical_gradient(own_cost, point[key])
        NET_MISTAKES.close(grads[key], numeric, what=f"grads['{key}']", rtol=1e-5, atol=1e-7,
                           candidates={k: wrong[k][1][key] for k in _NET_GRAD_MISTAKES})


# ---------------------------------------------------------------- mc_dropout_predict (exercise 4)
@dataclass
class MCMoments:
    """Per-point moments of a network's T stochastic passes, estimated with many passes."""

    prob_mean: np.ndarray   # (n,) mean of sigmoid(logit) over the passes
    prob_sd: np.ndarray     # (n,) its standard deviation
    logit_mean: np.ndarray  # (n,) mean logit
    logit_sd: np.ndarray    # (n,) sd of the logit


def _mc_inputs(params, X, keep_probs, T, rng):
    count = numpy_net.n_models(params)
    if count is not None or np.shape(params[f"W{numpy_net.n_layers(params)}"])[-1] != 1:
        raise ValueError("params must be one network (no model axis) with one sigmoid output")
    if numpy_net.n_layers(params) < 2:
        raise ValueError("params has no hidden layer, so there is nothing to drop")
    X = as_float_array("X", X, ndim=2, allow_empty=False)
    T = require_positive_int("T", T)
    _require_generator(rng)
    hidden = numpy_net.n_layers(params) - 1
    probs = ([keep_probs] * hidden if np.ndim(keep_probs) == 0 and not isinstance(keep_probs, str)
             else list(keep_probs))
    if len(probs) != hidden:
        raise ValueError(f"keep_probs needs one value per hidden layer ({hidden}), "
                         f"got {len(probs)}")
    probs = [require_probability("keep_prob", p) for p in probs]
    if all(p == 1.0 for p in probs):
        raise ValueError("every keep_prob is 1: with dropout off all T passes are the same "
                         "network, so there is no spread to estimate")
    return X, probs, T


def _stochastic_logits(params, X, keep_probs, T, rng) -> np.ndarray:
    """(T, n) logits of T forward passes in training mode, each with fresh masks from rng."""
    return np.stack([numpy_net.forward(params, X, mode="train", keep_probs=keep_probs,
                                       dropout_forward=reference_dropout_forward, rng=rng)[0]
                     for _ in range(T)])


def reference_mc_dropout_predict(params, X, keep_probs, T, rng):
    """Monte Carlo dropout: the mean and standard deviation of P(y = 1 | x) over T
    stochastic forward passes, dropout on (training mode), each with new masks from ``rng``.

    params: a single network of ``utils.numpy_net`` with one sigmoid output unit;
    X (n, d); keep_probs: one per hidden layer (or one number for all); T >= 1 passes;
    rng: a numpy Generator. Returns (mean (n,), sd (n,)): the average of the T predicted
    probabilities (not the sigmoid of the average logit) and their standard deviation.
    """
    X, probs, T = _mc_inputs(params, X, keep_probs, T, rng)
    samples = numpy_net.sigmoid(_stochastic_logits(params, X, probs, T, rng))
    return samples.mean(axis=0), samples.std(axis=0)


def mc_moments(params, X, keep_probs, *, T: int = 20_000, seed: int = 0) -> MCMoments:
    """The moments ``mc_dropout_predict`` estimates, from ``T`` passes (many: the truth to
    compare a learner's few passes with). One forward call on X stacked T times: every row
    draws its own masks, so the stacked copies are T independent passes."""
    rng = np.random.default_rng(require_nonnegative_int("seed", seed))
    X, probs, T = _mc_inputs(params, X, keep_probs, T, rng)
    n = X.shape[0]
    logits = numpy_net.forward(params, np.tile(X, (T, 1)), mode="train", keep_probs=probs,
                               dropout_forward=reference_dropout_forward,
                               rng=rng)[0].reshape(T, n)
    samples = numpy_net.sigmoid(logits)
    return MCMoments(samples.mean(axis=0), samples.std(axis=0), logits.mean(axis=0),
                     logits.std(axis=0))


def _mc_samples(params, X, keep_probs, T, rng):
    return numpy_net.sigmoid(_stochastic_logits(params, X, keep_probs, T, rng))


def _mc_only_mean(params, X, keep_probs, T, rng):
    return _mc_samples(params, X, keep_probs, T, rng).mean(axis=0)


def _mc_wrong_axis(params, X, keep_probs, T, rng):
    samples = _mc_samples(params, X, keep_probs, T, rng)
    return samples.mean(axis=1), samples.std(axis=1)


def _mc_column(params, X, keep_probs, T, rng):
    samples = _mc_samples(params, X, keep_probs, T, rng)
    return samples.mean(axis=0)[:, None], samples.std(axis=0)[:, None]


def _mc_sd_in_dict(params, X, keep_probs, T, rng):
    samples = _mc_samples(params, X, keep_probs, T, rng)
    return samples.mean(axis=0), {"sd": samples.std(axis=0)}


def _mc_dropout_off(params, X, keep_probs, T, rng):
    samples = np.stack([numpy_net.predict_proba(params, X) for _ in range(T)])
    return samples.mean(axis=0), samples.std(axis=0)


def _mc_one_mask(params, X, keep_probs, T, rng):
    state = rng.bit_generator.state
    samples = []
    for _ in range(T):  # the generator rewound before every pass: the same masks each time
        rng.bit_generator.state = state
        samples.append(_mc_samples(params, X, keep_probs, 1, rng)[0])
    samples = np.stack(samples)
    return samples.mean(axis=0), samples.std(axis=0)


def _mc_global_rng(params, X, keep_probs, T, rng):
    own = np.random.default_rng(np.random.randint(2**31))
    samples = _mc_samples(params, X, keep_probs, T, own)
    return samples.mean(axis=0), samples.std(axis=0)


def _mc_fixed_seed(params, X, keep_probs, T, rng):
    samples = _mc_samples(params, X, keep_probs, T, np.random.default_rng(0))
    return samples.mean(axis=0), samples.std(axis=0)


def _mc_keep_as_drop(params, X, keep_probs, T, rng):
    drop = [1.0 - p for p in keep_probs]
    samples = _mc_samples(params, X, drop, T, rng)
    return samples.mean(axis=0), samples.std(axis=0)


def _mc_averaged_logits(params, X, keep_probs, T, rng):
    logits = _stochastic_logits(params, X, keep_probs, T, rng)
    return numpy_net.sigmoid(logits.mean(axis=0)), numpy_net.sigmoid(logits).std(axis=0)


def _mc_sd_of_logits(params, X, keep_probs, T, rng):
    logits = _stochastic_logits(params, X, keep_probs, T, rng)
    return numpy_net.sigmoid(logits).mean(axis=0), logits.std(axis=0)


def _mc_variance(params, X, keep_probs, T, rng):
    samples = _mc_samples(params, X, keep_probs, T, rng)
    return samples.mean(axis=0), samples.var(axis=0)


def _mc_standard_error(params, X, keep_probs, T, rng):
    samples = _mc_samples(params, X, keep_probs, T, rng)
    return samples.mean(axis=0), samples.std(axis=0) / np.sqrt(T)


def _mc_other_class(params, X, keep_probs, T, rng):
    samples = _mc_samples(params, X, keep_probs, T, rng)
    return 1.0 - samples.mean(axis=0), samples.std(axis=0)


def _mc_range(params, X, keep_probs, T, rng):
    samples = _mc_samples(params, X, keep_probs, T, rng)
    return samples.mean(axis=0), (samples.max(axis=0) - samples.min(axis=0)) / 2


MC_MISTAKES = Catalogue(
    "mc_dropout_predict",
    Mistake("not_a_pair",
            "mc_dropout_predict returned {got} instead of the pair (mean, sd): return both.",
            _mc_only_mean),
    Mistake("not_numeric", answer=_mc_sd_in_dict),
    Mistake("wrong_axis",
            "{what} has one value per pass (shape {got_shape}) instead of one per point: "
            "average over the T passes (the axis you stacked them on), not over the points.",
            _mc_wrong_axis),
    Mistake("wrong_shape", answer=_mc_column),
    Mistake("dropout_off",
            "every pass gave the test-mode prediction, so the spread is 0: run the T passes in "
            "training mode, with dropout on.", _mc_dropout_off),
    Mistake("one_mask",
            "every pass gave the same prediction, so all T passes used one set of masks: each "
            "pass must draw new masks from rng.", _mc_one_mask),
    Mistake("global_rng",
            "the same rng gave different results, so you drew from somewhere else (np.random or "
            "a new generator): pass rng to every forward pass.", _mc_global_rng),
    Mistake("fixed_seed",
            "two different rng arguments gave the same results, so your masks come from a fixed "
            "seed: draw them from the rng argument.", _mc_fixed_seed),
    Mistake("keep_as_drop",
            "the mean and spread are the ones of a network that KEEPS units with probability "
            "1 - keep_prob: keep_probs are keep probabilities, pass them as they are.",
            _mc_keep_as_drop),
    Mistake("averaged_logits",
            "mean is the sigmoid of the average logit: average the T predicted probabilities "
            "instead (the mean of the sigmoids, not the sigmoid of the mean).",
            _mc_averaged_logits),
    Mistake("sd_of_logits",
            "sd is the spread of the logits: return the standard deviation of the predicted "
            "probabilities.", _mc_sd_of_logits),
    Mistake("variance",
            "sd is the variance of the T predictions: take its square root.", _mc_variance),
    Mistake("standard_error",
            "sd is the standard error of the mean (about sd divided by the square root of T): "
            "return the spread of the T predictions themselves.", _mc_standard_error),
    Mistake("mean_off",
            "mean is off by more than sampling error at {bad} of {n} points: return the average "
            "of the T predicted probabilities for each point.", _mc_other_class),
    Mistake("sd_off",
            "sd is off by more than sampling error at {bad} of {n} points: return the standard "
            "deviation of the T predicted probabilities for each point.", _mc_range),
)


def _mc_problem():
    """A network whose MC moments tell the catalogued mistakes apart: logits spread widely
    under dropout (sd 1.4 to 5), so the mean of the sigmoids is far from the sigmoid of the
    mean logit, and the 12 points have mean predictions from 0.26 to 0.68."""
    rng = np.random.default_rng(21)
    params = numpy_net.init_params([2, 16, 16, 1], rng)
    params = {key: value * (1.5 if key.startswith("W") else 1.0) for key, value in params.items()}
    params["b1"] = rng.normal(0.0, 0.5, 16)
    X = rng.uniform(-2.0, 2.0, size=(12, 2))
    params["b3"] = -np.median(numpy_net.predict(params, X), keepdims=True)
    return params, X, (0.8, 0.6)


_MC_TRUTH_PASSES = 10_000


@lru_cache(maxsize=1)
def _mc_truth():
    """The check's network and points, with their moments from many passes, for the true
    keep_probs and for 1 - keep_probs."""
    params, X, keep_probs = _mc_problem()
    return (mc_moments(params, X, keep_probs, T=_MC_TRUTH_PASSES, seed=1),
            mc_moments(params, X, [1 - p for p in keep_probs], T=_MC_TRUTH_PASSES, seed=2))


def _mc_result(mc_dropout_predict, params, X, keep_probs, T, rng):
    """The learner's (mean, sd) as float arrays of shape (n,), or a named failure."""
    result = mc_dropout_predict(params, X, keep_probs, T, rng)
    MC_MISTAKES.expect(isinstance(result, (tuple, list)) and len(result) == 2, "not_a_pair",
                       got=f"a single {type(result).__name__}"
                       if not isinstance(result, (tuple, list))
                       else f"a {type(result).__name__} of {len(result)} values")
    arrays = []
    for what, value in zip(("mean", "sd"), result):
        array = _float_array_or_none(value)
        if array is None:
            MC_MISTAKES.fail("not_numeric", what=what, got_type=type(value).__name__)
        MC_MISTAKES.expect(not (array.shape == (T,) and T != len(X)), "wrong_axis", what=what,
                           got_shape=array.shape)
        MC_MISTAKES.expect(array.shape == (len(X),), "wrong_shape", what=what,
                           got_shape=array.shape, expected_shape=(len(X),))
        arrays.append(array)
    return arrays


def _within(got, expected, spread, T, z: float = 6.0) -> np.ndarray:
    """Per point: is ``got``, a mean of T draws, within z standard errors of ``expected``, a
    mean of the check's many draws (``spread`` the draws' sd)? Six, not two: a valid answer
    must pass at all 12 points for any seed (60 seeds x 12 points never came above 4.3)."""
    return np.abs(got - expected) <= z * spread * np.sqrt(1 / T + 1 / _MC_TRUTH_PASSES) + 1e-9


@exercise_check("Monte Carlo dropout: T passes with new masks from rng, the mean of the "
                "predicted probabilities and their spread, within sampling error.",
                catalogue=MC_MISTAKES, reference=reference_mc_dropout_predict)
def check_mc_dropout_predict(mc_dropout_predict) -> None:
    """Check ``mc_dropout_predict(params, X, keep_probs, T, rng) -> (mean, sd)`` against
    moments estimated from 10,000 passes, within sampling error at every point, so any valid
    order of drawing the masks passes."""
    params, X, keep_probs = _mc_problem()
    truth, as_drop = _mc_truth()
    T, n = 500, len(X)
    global_state = np.random.get_state()
    try:
        np.random.seed(1)
        mean, sd = _mc_result(mc_dropout_predict, params, X, keep_probs, T,
                              np.random.default_rng(7))
        if np.all(sd < 1e-12):
            deterministic = numpy_net.predict_proba(params, X)
            MC_MISTAKES.expect(not np.allclose(mean, deterministic), "dropout_off")
            MC_MISTAKES.fail("one_mask")
        np.random.seed(2)
        again = _mc_result(mc_dropout_predict, params, X, keep_probs, T, np.random.default_rng(7))
        MC_MISTAKES.expect(np.array_equal(mean, again[0]) and np.array_equal(sd, again[1]),
                           "global_rng")
        np.random.seed(1)
        other = _mc_result(mc_dropout_predict, params, X, keep_probs, T, np.random.default_rng(8))
        MC_MISTAKES.expect(not np.array_equal(mean, other[0]), "fixed_seed")
    finally:
        np.random.set_state(global_state)
    mean_ok = _within(mean, truth.prob_mean, truth.prob_sd, T)
    if not mean_ok.all():
        MC_MISTAKES.expect(not _within(mean, as_drop.prob_mean, as_drop.prob_sd, T).all(),
                           "keep_as_drop")
        # sigmoid of the mean logit; sigmoid' <= 1/4 bounds how far the logits' noise moves it
        jensen = numpy_net.sigmoid(truth.logit_mean)
        MC_MISTAKES.expect(not _within(mean, jensen, truth.logit_sd / 4, T).all(),
                           "averaged_logits")
        MC_MISTAKES.fail("mean_off", bad=int(np.sum(~mean_ok)), n=n)
    # With T = 500 the sample sd's standard error is below 0.008 at every point (measured on
    # 60 seeds; the largest of 720 deviations was 0.034); the wrong answers are >= 0.18 off.
    sd_ok = np.abs(sd - truth.prob_sd) <= 0.06
    if not sd_ok.all():
        for key, wrong in (("sd_of_logits", truth.logit_sd), ("variance", truth.prob_sd ** 2),
                           ("standard_error", truth.prob_sd / np.sqrt(T))):
            MC_MISTAKES.expect(not np.allclose(sd, wrong, rtol=0.1, atol=0.01), key)
        MC_MISTAKES.fail("sd_off", bad=int(np.sum(~sd_ok)), n=n)


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
