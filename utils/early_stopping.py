"""Chapter 4: early stopping — Keras's rule, its check, a patience study and the explorer.

Keras 3's ``EarlyStopping(monitor="val_loss", patience, min_delta, mode="min",
restore_best_weights=True)`` does this at the end of every epoch (0-based), from
``keras/src/callbacks/early_stopping.py`` and ``monitor_callback.py``:

* the first epoch is always an improvement;
* an epoch improves when ``val_loss + min_delta < best`` (strictly; ``best`` is
  the value at the last *improvement*, not the lowest value seen). The sum is a
  Python float (float64) and ``keras.ops.less`` converts both sides to float32
  (``floatx``) before comparing: the comparison is
  ``float32(val_loss + min_delta) < float32(best)``;
* on an improvement, ``best`` and the best weights are updated and the wait
  counter goes back to 0; otherwise the counter grows by one, and when it
  reaches ``patience`` training stops at that epoch (patience 0 stops at the
  first epoch without improvement, exactly like patience 1);
* at the end the best weights are restored; training that never triggers
  stops at the last epoch.

``keras_early_stopping`` runs the real callback on a recorded curve;
``early_stopping_rule`` is the same rule in vectorized NumPy (many curves at once)
for the patience study and the explorer; ``reference_early_stopping_epoch`` is the
exercise's reference answer (one curve, a tuple of two ints).
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from utils.checks import Catalogue, Mistake, exercise_check
from utils.plotting import COLORS, explorer, explorer_factory, fast_figure
from utils.seeding import numpy_rng
from utils.validation import (
    as_float_array,
    require_nonnegative,
    require_nonnegative_int,
    require_positive_int,
)


def _curves(name: str, values, *, ndim: int | None) -> np.ndarray:
    return as_float_array(name, values, ndim=ndim, allow_empty=False)


# --------------------------------------------------------------------------- Keras itself
class _EpochTag:
    """What ``EarlyStopping`` uses of a model, nothing more: ``get_weights``,
    ``set_weights`` and ``stop_training``. Its only "weight" is the epoch number, so
    the weights that ``restore_best_weights`` puts back name the restored epoch."""

    def __init__(self):
        self.epoch, self.stop_training = 0, False

    def get_weights(self) -> list:
        return [self.epoch]

    def set_weights(self, weights) -> None:
        self.epoch = weights[0]


def keras_early_stopping(val_losses, patience: int, min_delta: float = 0.0) -> tuple[int, int]:
    """Run the real ``keras.callbacks.EarlyStopping`` on a recorded validation curve.

    ``val_losses`` (E,) is the validation loss after each epoch. The callback is
    driven as ``fit`` drives it (``on_train_begin``, ``on_epoch_end(epoch, {"val_loss":
    v})`` until it sets ``stop_training``, ``on_train_end``), on a stand-in model whose
    weights are the epoch number (``_EpochTag``). Returns ``(best_epoch, stop_epoch)``,
    0-based: the epoch whose weights ``restore_best_weights=True`` restored and the last
    epoch trained.
    """
    import keras

    losses = _curves("val_losses", val_losses, ndim=1)
    patience = require_nonnegative_int("patience", patience)
    min_delta = require_nonnegative("min_delta", min_delta)
    model = _EpochTag()
    callback = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience,
                                             min_delta=min_delta, mode="min",
                                             restore_best_weights=True)
    callback.set_model(model)
    callback.on_train_begin()
    stop = len(losses) - 1
    for epoch, value in enumerate(losses):
        model.epoch = epoch  # the weights after training this epoch
        callback.on_epoch_end(epoch, {"val_loss": float(value)})
        if model.stop_training:
            stop = epoch
            break
    callback.on_train_end()
    return int(model.epoch), stop


# --------------------------------------------------------------------------- NumPy rule
def early_stopping_rule(val_losses, patience: int, min_delta: float = 0.0):
    """Keras's early-stopping rule in NumPy, vectorized over curves.

    ``val_losses`` (E,) or (D, E): D recorded curves of E epochs. Returns
    ``(best_epoch, stop_epoch)``: two ints for one curve, two (D,) int arrays for D.
    Comparisons are ``float32(loss + min_delta) < float32(best)``, as Keras makes them.
    """
    losses = _curves("val_losses", val_losses, ndim=None)
    if losses.ndim not in (1, 2):
        raise ValueError(f"val_losses must be 1-D (E,) or 2-D (D, E), got shape {losses.shape}")
    patience = require_nonnegative_int("patience", patience)
    min_delta = require_nonnegative("min_delta", min_delta)
    best, stop = _rule(np.atleast_2d(losses), patience, min_delta)
    if losses.ndim == 1:
        return int(best[0]), int(stop[0])
    return best, stop


def _rule(curves: np.ndarray, patience: int, min_delta: float):
    """Keras's rule on validated (D, E) float64 curves -> (best_epoch, stop_epoch), (D,) each."""
    n_curves, n_epochs = curves.shape
    best_value = curves[:, 0].astype(np.float32)
    best_epoch = np.zeros(n_curves, dtype=int)
    stop = np.full(n_curves, n_epochs - 1)
    running = np.ones(n_curves, dtype=bool)
    wait = np.zeros(n_curves, dtype=int)
    for epoch in range(1, n_epochs):
        current = curves[:, epoch]
        improved = running & ((current + min_delta).astype(np.float32) < best_value)
        best_value = np.where(improved, current.astype(np.float32), best_value)
        best_epoch = np.where(improved, epoch, best_epoch)
        wait = np.where(improved, 0, wait + 1)
        stopping = running & ~improved & (wait >= patience)
        stop = np.where(stopping, epoch, stop)
        running &= ~stopping
        if not running.any():
            break
    return best_epoch, stop


def reference_early_stopping_epoch(val_losses, patience, min_delta=0.0) -> tuple[int, int]:
    """The course's answer to the exercise: ``(best_epoch, stop_epoch)`` of one curve
    ``val_losses`` (E,), a tuple of two ints (Keras's float32 comparison, like every rule here)."""
    return early_stopping_rule(_curves("val_losses", val_losses, ndim=1), patience, min_delta)


# --------------------------------------------------------------------------- wrong answers
def _walk(val_losses, patience, min_delta=0.0, *, improves=None, stops=None, reset=True,
          vs_previous=False, check_every_epoch=False):
    """A learner's loop over the curve (right by default); the switches make the
    catalogued mistakes. Returns ``(best_epoch, stop_epoch, stopped)``."""
    improves = improves or (lambda loss, best: loss + min_delta < best)
    stops = stops or (lambda wait: wait >= patience)
    best_loss, best_epoch, wait = None, 0, 0
    for epoch, loss in enumerate(val_losses):
        if best_loss is None or improves(loss, best_loss):
            best_loss, best_epoch = loss, epoch
            wait = 0 if reset else wait
        else:
            wait += 1
            if not check_every_epoch and stops(wait):
                return best_epoch, epoch, True
        if vs_previous:
            best_loss = loss
        if check_every_epoch and stops(wait):
            return best_epoch, epoch, True
    return best_epoch, len(val_losses) - 1, False


def _right(val_losses, patience, min_delta=0.0):
    return _walk(val_losses, patience, min_delta)[:2]


def reports_stop_as_best(val_losses, patience, min_delta=0.0):
    best, stop = _right(val_losses, patience, min_delta)
    return stop, stop


def counts_from_one(val_losses, patience, min_delta=0.0):
    best, stop = _right(val_losses, patience, min_delta)
    return best + 1, stop + 1


def never_stops_at_len(val_losses, patience, min_delta=0.0):
    best, stop, stopped = _walk(val_losses, patience, min_delta)
    return (best, stop) if stopped else (best, len(val_losses))


def never_stops_last_is_best(val_losses, patience, min_delta=0.0):
    best, stop, stopped = _walk(val_losses, patience, min_delta)
    return (best, stop) if stopped else (stop, stop)


def never_stops_lowest_is_best(val_losses, patience, min_delta=0.0):
    best, stop, stopped = _walk(val_losses, patience, min_delta)
    return (best, stop) if stopped else (int(np.argmin(val_losses)), stop)


def never_stops_none(val_losses, patience, min_delta=0.0):
    best, stop, stopped = _walk(val_losses, patience, min_delta)
    return (best, stop) if stopped else (best, None)


def lowest_is_best(val_losses, patience, min_delta=0.0):
    best, stop = _right(val_losses, patience, min_delta)
    return int(np.argmin(val_losses[:stop + 1])), stop


def ignores_min_delta(val_losses, patience, min_delta=0.0):
    return _walk(val_losses, patience, min_delta,
                 improves=lambda loss, best: loss < best)[:2]


def subtracts_min_delta(val_losses, patience, min_delta=0.0):
    return _walk(val_losses, patience, min_delta,
                 improves=lambda loss, best: loss - min_delta < best)[:2]


def relative_min_delta(val_losses, patience, min_delta=0.0):
    return _walk(val_losses, patience, min_delta,
                 improves=lambda loss, best: loss * (1 + min_delta) < best)[:2]


def doubled_min_delta(val_losses, patience, min_delta=0.0):
    return _walk(val_losses, patience, min_delta,
                 improves=lambda loss, best: loss + 2 * min_delta < best)[:2]


def difference_above_min_delta(val_losses, patience, min_delta=0.0):
    return _walk(val_losses, patience, min_delta,
                 improves=lambda loss, best: best - loss > min_delta)[:2]


def tie_improves(val_losses, patience, min_delta=0.0):
    return _walk(val_losses, patience, min_delta,
                 improves=lambda loss, best: loss + min_delta <= best)[:2]


def stops_one_late(val_losses, patience, min_delta=0.0):
    return _walk(val_losses, patience, min_delta, stops=lambda wait: wait > patience)[:2]


def stops_one_early(val_losses, patience, min_delta=0.0):
    return _walk(val_losses, patience, min_delta, stops=lambda wait: wait >= patience - 1)[:2]


def never_resets_wait(val_losses, patience, min_delta=0.0):
    return _walk(val_losses, patience, min_delta, reset=False)[:2]


def compares_with_previous(val_losses, patience, min_delta=0.0):
    return _walk(val_losses, patience, min_delta, vs_previous=True)[:2]


def checks_patience_every_epoch(val_losses, patience, min_delta=0.0):
    return _walk(val_losses, patience, min_delta, check_every_epoch=True)[:2]


def stop_is_best_plus_patience(val_losses, patience, min_delta=0.0):
    best, stop = _right(val_losses, patience, min_delta)
    return best, min(best + patience, len(val_losses) - 1)


def returns_a_list(val_losses, patience, min_delta=0.0):
    return list(_right(val_losses, patience, min_delta))


def returns_floats(val_losses, patience, min_delta=0.0):
    return tuple(float(epoch) for epoch in _right(val_losses, patience, min_delta))


def min_delta_defaults_to_0_01(val_losses, patience, min_delta=0.01):
    return _right(val_losses, patience, min_delta)


def always_first_and_last(val_losses, patience, min_delta=0.0):
    return 0, len(val_losses) - 1


_SEEN = " (on {case}: got {got}, Keras gives {expected})."

EARLY_STOPPING_EPOCH = Catalogue(
    "early_stopping_epoch",
    Mistake("not_a_tuple", "early_stopping_epoch should return a tuple of two ints, "
                           "`return best_epoch, stop_epoch`, but on {case} it returned {got}.",
            returns_a_list),
    Mistake("stop_is_none", "on {case} it returned {got}: when patience never runs out, training "
                            "stops at the last epoch, so return len(val_losses) - 1 as the stop "
                            "epoch.", never_stops_none),
    Mistake("not_ints", "epochs are ints, but on {case} it returned {got}: return the epoch "
                        "numbers of `enumerate`, not losses or floats.", returns_floats),
    Mistake("counts_from_one", "epochs count from 0 here, like Keras's best_epoch and "
                               "stopped_epoch, not from 1" + _SEEN, counts_from_one),
    Mistake("stop_as_best", "the best epoch is the last improvement, whose weights "
                            "restore_best_weights=True puts back, not the stop epoch" + _SEEN,
            reports_stop_as_best),
    Mistake("patience_checked_on_improvement",
            "with patience 0 it stopped on an epoch that improved: count (and compare with "
            "patience) only epochs without improvement, so patience 0 acts like patience 1"
            + _SEEN, checks_patience_every_epoch),
    Mistake("stop_is_best_plus_patience",
            "stop = best + patience fails for patience 0, which Keras treats like patience 1: "
            "stop at the first epoch where the count of epochs without improvement reaches "
            "patience" + _SEEN, stop_is_best_plus_patience),
    Mistake("stops_one_late", "the stop is one epoch late: stop as soon as the count of epochs "
                              "without improvement reaches patience (wait >= patience, not "
                              "wait > patience)" + _SEEN, stops_one_late),
    Mistake("stops_one_early", "the stop is one epoch early: add the current epoch to the count "
                               "first, then stop when the count reaches patience" + _SEEN,
            stops_one_early),
    Mistake("never_resets_wait", "the count of epochs without improvement must go back to 0 at "
                                 "every improvement" + _SEEN, never_resets_wait),
    Mistake("compares_with_previous", "it compares each loss with the previous epoch's: compare "
                                      "with the best loss so far, which moves only on an "
                                      "improvement" + _SEEN, compares_with_previous),
    Mistake("tie_improves", "a tie counts as an improvement here, but Keras needs "
                            "loss + min_delta strictly below best (<, not <=)" + _SEEN,
            tie_improves),
    Mistake("ignores_min_delta", "it ignores min_delta: an epoch improves only when "
                                 "loss + min_delta < best" + _SEEN, ignores_min_delta),
    Mistake("subtracts_min_delta", "min_delta has the wrong sign: an epoch improves when "
                                   "loss + min_delta < best, not loss - min_delta < best" + _SEEN,
            subtracts_min_delta),
    Mistake("doubled_min_delta", "min_delta counts once: an epoch improves when "
                                 "loss + min_delta < best, not loss + 2 * min_delta < best"
            + _SEEN, doubled_min_delta),
    Mistake("relative_min_delta", "min_delta is an absolute change of the loss, not a fraction "
                                  "of it: loss + min_delta < best, not "
                                  "loss * (1 + min_delta) < best" + _SEEN, relative_min_delta),
    Mistake("difference_above_min_delta",
            "compare as Keras does, loss + min_delta < best: best - loss > min_delta differs by "
            "float rounding when the decrease is exactly min_delta (1.0 - 0.99 > 0.01 is True "
            "in floating point)" + _SEEN, difference_above_min_delta),
    Mistake("lowest_as_best", "the best epoch is the last improvement by more than min_delta, "
                              "not the lowest loss seen: best only moves when "
                              "loss + min_delta < best" + _SEEN, lowest_is_best),
    Mistake("never_stops_last_as_best",
            "when patience never runs out, the best epoch is still the last improvement, not "
            "the last epoch" + _SEEN, never_stops_last_is_best),
    Mistake("never_stops_lowest_as_best",
            "when patience never runs out, the best epoch is still the last improvement by more "
            "than min_delta, not the lowest loss" + _SEEN, never_stops_lowest_is_best),
    Mistake("never_stops_at_len",
            "when patience never runs out the stop epoch is the last one trained, "
            "len(val_losses) - 1, not len(val_losses)" + _SEEN, never_stops_at_len),
    Mistake("min_delta_default", "min_delta should default to 0.0: "
                                 "`def early_stopping_epoch(val_losses, patience, min_delta=0.0)`"
                                 " (early_stopping_epoch(curve, {patience}) gave {got}, Keras "
                                 "{expected}).", min_delta_defaults_to_0_01),
    Mistake("wrong_value", answer=always_first_and_last),
)

# The named mistakes whose answer the check compares with the learner's, in this order.
_VALUE_MISTAKES = [m.key for m in EARLY_STOPPING_EPOCH
                   if m.key not in ("not_a_tuple", "stop_is_none", "not_ints",
                                    "min_delta_default", "wrong_value")]


@dataclass(frozen=True)
class CheckCase:
    """One curve the check runs: the learner's function gets it as a list or an array."""

    curve: tuple
    patience: int
    min_delta: float
    what: str
    as_array: bool = False

    def describe(self) -> str:
        return f"{self.what} (patience={self.patience}, min_delta={self.min_delta:g})"


def _noisy_check_curve() -> tuple:
    epochs = np.arange(60)
    noise = numpy_rng(4).normal(0, 0.02, 60)
    return tuple(np.round(0.3 + 0.5 * np.exp(-epochs / 8) + 0.004 * epochs + noise, 4))


CHECK_CASES = (
    CheckCase((1.0, 0.8, 0.6, 0.5, 0.45, 0.47, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9), 3, 0.0,
              "a clean U-shaped curve"),
    CheckCase((1.0, 0.8, 0.9, 0.7, 0.6), 0, 0.0, "a dip then a rise", as_array=True),
    CheckCase((1.0, 0.9, 0.895, 0.892, 0.899, 0.898, 0.897, 0.6, 0.5, 0.4), 3, 0.01,
              "improvements smaller than min_delta"),
    CheckCase((1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.4, 0.3), 3, 0.0, "a plateau of equal losses",
              as_array=True),
    CheckCase((1.0, 0.5, 0.6, 0.55, 0.58, 0.56, 0.59, 0.57, 0.6, 0.58), 2, 0.0,
              "a noisy rise with small dips"),
    CheckCase((0.5, 0.6, 0.7, 0.8, 0.4, 0.3), 2, 0.0, "a curve that rises from the first epoch",
              as_array=True),
    CheckCase((0.7, 0.92), 2, 0.0, "a curve too short for the patience to run out"),
    CheckCase(tuple(np.round(np.linspace(1.0, 0.1, 10), 2)), 2, 0.0,
              "a curve that always improves", as_array=True),
    CheckCase((1.0, 0.8, 0.795, 0.9), 3, 0.01, "a short curve whose lowest loss is no improvement"),
    CheckCase((1.0, 0.8, 0.78, 0.77, 0.76, 0.9), 2, 0.015,
              "decreases between min_delta and twice min_delta"),
    CheckCase((0.02, 0.015, 0.012, 0.0119, 0.0118, 0.02), 2, 0.001,
              "a loss around 0.01", as_array=True),
    CheckCase((1.0, 0.99), 1, 0.01, "a decrease of exactly min_delta"),
    CheckCase(_noisy_check_curve(), 5, 0.001, "a noisy 60-epoch curve", as_array=True),
)
_DEFAULT_CASE = CHECK_CASES[2]


@functools.lru_cache(maxsize=1)
def _keras_answers() -> tuple:
    """What the real Keras callback does on each check case (and on the default case
    with min_delta left out), computed once per process."""
    answers = tuple(keras_early_stopping(c.curve, c.patience, c.min_delta) for c in CHECK_CASES)
    return answers + (keras_early_stopping(_DEFAULT_CASE.curve, _DEFAULT_CASE.patience),)


def _given(case: CheckCase):
    return np.array(case.curve) if case.as_array else list(case.curve)


def _shown(pair) -> str:
    if isinstance(pair, tuple) and all(isinstance(e, (int, np.integer)) for e in pair):
        return str(tuple(int(e) for e in pair))
    return repr(pair)


def _expect_a_pair_of_ints(got, case: CheckCase) -> tuple:
    where = dict(case=case.describe(), got=_shown(got))
    EARLY_STOPPING_EPOCH.expect(isinstance(got, tuple) and len(got) == 2, "not_a_tuple", **where)
    EARLY_STOPPING_EPOCH.expect(all(e is not None for e in got), "stop_is_none", **where)
    EARLY_STOPPING_EPOCH.expect(
        all(isinstance(e, (int, np.integer)) and not isinstance(e, bool) for e in got),
        "not_ints", **where)
    return int(got[0]), int(got[1])


@exercise_check("your rule stops and restores at the same epochs as keras.callbacks.EarlyStopping.",
                catalogue=EARLY_STOPPING_EPOCH, reference=reference_early_stopping_epoch)
def check_early_stopping_epoch(early_stopping_epoch: Callable) -> None:
    """Check ``early_stopping_epoch(val_losses, patience, min_delta=0.0) -> (best, stop)``
    against the real Keras callback on curves that separate the common mistakes."""
    possible = list(_VALUE_MISTAKES)  # mistakes consistent with the cases passed so far
    for case, expected in zip(CHECK_CASES, _keras_answers()):
        got = early_stopping_epoch(_given(case), case.patience, case.min_delta)
        got = _expect_a_pair_of_ints(got, case)
        wrong = {key: tuple(EARLY_STOPPING_EPOCH[key].answer(_given(case), case.patience,
                                                             case.min_delta))
                 for key in possible}
        if got == expected:
            possible = [key for key in possible if wrong[key] == expected]
            continue
        where = dict(case=case.describe(), got=got, expected=expected)
        for key in possible:
            if wrong[key] == got:
                EARLY_STOPPING_EPOCH.fail(key, **where)
        EARLY_STOPPING_EPOCH.fail("wrong_value", what=f"(best_epoch, stop_epoch) on "
                                  f"{case.describe()}", difference=f"got {got}, Keras gives "
                                  f"{expected}")
    expected = _keras_answers()[-1]
    got = early_stopping_epoch(_given(_DEFAULT_CASE), _DEFAULT_CASE.patience)
    got = _expect_a_pair_of_ints(got, _DEFAULT_CASE)
    EARLY_STOPPING_EPOCH.expect(got == expected, "min_delta_default",
                                patience=_DEFAULT_CASE.patience, got=got, expected=expected)


# --------------------------------------------------------------------------- noise and patience
def demo_validation_curve(epochs: int = 300, noise: float = 0.01, seed: int = 0):
    """A synthetic validation curve shaped like a recorded one: fast fall, slow rise, noise.

    Returns ``(clean, noisy)``, each (epochs,).
    """
    epochs = require_positive_int("epochs", epochs)
    noise = require_nonnegative("noise", noise)
    t = np.arange(epochs, dtype=float)
    clean = 0.35 + 0.45 * np.exp(-t / 15) + 0.0006 * t
    return clean, clean + numpy_rng(seed).normal(0.0, noise, epochs)


@dataclass
class PatienceStudy:
    """Early stopping on noisy copies of one clean curve; arrays are (noise levels, patiences)."""

    patiences: np.ndarray     # (P,)
    noise_levels: np.ndarray  # (S,)
    excess: np.ndarray        # (S, P) mean clean loss at the restored epoch minus the clean minimum
    stop: np.ndarray          # (S, P) mean stop epoch
    best: np.ndarray          # (S, P) mean restored epoch


def patience_study(clean_curve, patiences: Sequence[int], noise_levels: Sequence[float], *,
                   n_draws: int = 200, min_delta: float = 0.0, seed: int = 0) -> PatienceStudy:
    """Early stopping on many noisy copies of one clean validation curve.

    For each noise level (std of Gaussian noise, independent at every epoch) and
    patience, stop ``n_draws`` noisy curves with Keras's rule and measure, on the
    CLEAN curve, how much worse the restored epoch is than the clean minimum.
    The same ``n_draws`` noise patterns (scaled) are used for every level.
    """
    clean = _curves("clean_curve", clean_curve, ndim=1)
    patiences = [require_nonnegative_int("patiences[i]", p) for p in patiences]
    noise_levels = [require_nonnegative("noise_levels[i]", s) for s in noise_levels]
    if not patiences or not noise_levels:
        raise ValueError("patiences and noise_levels must each hold at least one value")
    n_draws = require_positive_int("n_draws", n_draws)
    min_delta = require_nonnegative("min_delta", min_delta)
    base_noise = numpy_rng(seed).normal(0.0, 1.0, (n_draws, clean.size))
    shape = (len(noise_levels), len(patiences))
    excess, stop, best = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    for i, sigma in enumerate(noise_levels):
        curves = clean + sigma * base_noise
        for j, patience in enumerate(patiences):
            b, s = _rule(curves, patience, min_delta)
            excess[i, j] = np.mean(clean[b] - clean.min())
            stop[i, j], best[i, j] = s.mean(), b.mean()
    return PatienceStudy(np.array(patiences), np.array(noise_levels), excess, stop, best)


# --------------------------------------------------------------------------- drawing + explorer
def _same_length(name: str, values, n_epochs: int) -> np.ndarray:
    array = _curves(name, values, ndim=1)
    if array.size != n_epochs:
        raise ValueError(f"{name} must have one value per epoch of val_losses ({n_epochs}), "
                         f"got {array.size}")
    return array


def draw_early_stopping(ax, val_losses, patience: int, min_delta: float = 0.0, *,
                        train_losses=None, clean_losses=None):
    """The validation curve with the restored (best) and stop epochs marked.

    Epochs after the stop are drawn faint: training never ran them.
    """
    losses = _curves("val_losses", val_losses, ndim=1)
    best, stop = early_stopping_rule(losses, patience, min_delta)
    epochs = np.arange(losses.size)
    if train_losses is not None:
        train = _same_length("train_losses", train_losses, losses.size)
        ax.plot(epochs[:stop + 1], train[:stop + 1], color=COLORS["train"], lw=1.2, label="train")
        ax.plot(epochs[stop:], train[stop:], color=COLORS["train"], lw=1.0, alpha=0.25)
    if clean_losses is not None:
        clean = _same_length("clean_losses", clean_losses, losses.size)
        ax.plot(epochs, clean, color="k", lw=1.0, ls=":", label="noise-free curve")
    ax.plot(epochs[:stop + 1], losses[:stop + 1], color=COLORS["dev"], lw=1.4, label="validation")
    ax.plot(epochs[stop:], losses[stop:], color=COLORS["dev"], lw=1.0, alpha=0.25)
    ax.axvspan(stop, epochs[-1] if epochs[-1] > stop else stop + 0.5, color="0.85", alpha=0.5)
    ax.axvline(best, color=COLORS["model"], lw=1.5, label=f"restored (best) epoch {best}")
    ax.axvline(stop, color="k", ls="--", lw=1.2, label=f"stop epoch {stop}")
    ax.plot([best], [losses[best]], "o", color=COLORS["model"])
    title = (f"patience={patience}, min_delta={min_delta:g}: best {best}, stop {stop}, "
             f"val loss {losses[best]:.3f}")
    if clean_losses is not None:
        title += f" (noise-free {clean[best]:.3f})"
    ax.set(xlabel="epoch (0-based)", ylabel="loss", title=title)
    ax.legend(fontsize=8, loc="upper right")
    return ax


@explorer_factory
def make_early_stopping_explorer(val_losses=None, train_losses=None, *, noise_scale: float = 0.03):
    """Patience, min_delta and added-noise sliders on a recorded validation curve.

    Without arguments it uses ``demo_validation_curve``. The noise slider adds a fixed,
    seeded noise pattern times its value to the curve (what a minibatch or a small
    validation set would add). Pure NumPy: each redraw is one pass of the rule.
    """
    import ipywidgets as widgets

    if val_losses is None:
        val_losses = demo_validation_curve()[0]
    clean = _curves("val_losses", val_losses, ndim=1)
    train = None if train_losses is None else _same_length("train_losses", train_losses,
                                                           clean.size)
    noise_scale = require_nonnegative("noise_scale", noise_scale)
    if noise_scale == 0:
        raise ValueError("noise_scale must be > 0 (it is the noise slider's maximum)")
    pattern = numpy_rng(0).normal(0.0, 1.0, clean.size)
    max_patience = max(20, clean.size // 4)
    controls = {
        "patience": widgets.IntSlider(value=min(10, max_patience), min=0, max=max_patience,
                                      description="patience"),
        "min_delta": widgets.SelectionSlider(options=[0.0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2],
                                             value=0.0, description="min_delta"),
        "noise": widgets.FloatSlider(value=0.0, min=0.0, max=noise_scale,
                                     step=noise_scale / 10, description="added noise",
                                     readout_format=".3f"),
    }

    def draw(ax, patience, min_delta, noise):
        draw_early_stopping(ax, clean + noise * pattern, patience, min_delta, train_losses=train,
                            clean_losses=clean if noise > 0 else None)
        ax.title.set_fontsize(9)

    return explorer("early stopping", controls, draw,
                    figure=lambda: fast_figure(width=7.5, height=3.6, left=0.08, bottom=0.14,
                                               top=0.9))
