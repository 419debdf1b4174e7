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
for the patience study and the explorer. The chapter's three exercises, each with its
reference answer, catalogue of mistakes and check:

1. ``early_stopping_epoch``: the rule on one recorded curve -> (best, stop);
2. ``train_with_early_stopping``: the rule inside a training loop that restores a copy of
   the best weights, checked on ``ScriptedModel`` (live weights that name their epoch);
3. ``choose_patience``: a patience chosen on several recorded validation curves
   (``record_minibatch_curves`` records real ones), its test loss reported once.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from utils.checks import Catalogue, Mistake, exercise_check, matches
from utils.plotting import COLORS, explorer, explorer_factory, fast_figure
from utils.seeding import numpy_rng
from utils.validation import (
    as_float_array,
    require_binary_labels,
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


# --------------------------------------------------------------------------- exercise 2: a loop
def reference_train_with_early_stopping(step, evaluate, get_weights, set_weights, max_epochs,
                                        patience, min_delta=0.0):
    """The course's answer to exercise 2: train epoch by epoch, stop by Keras's rule, restore a
    COPY of the best weights. Returns ``(best_epoch, stop_epoch, val_losses)``."""
    best_loss, best_epoch, best_weights, wait = None, 0, None, 0
    val_losses = []
    for epoch in range(max_epochs):
        step()
        loss = float(evaluate())
        val_losses.append(loss)
        if best_loss is None or np.float32(loss + min_delta) < np.float32(best_loss):
            best_loss, best_epoch, wait = loss, epoch, 0
            best_weights = [np.array(w, copy=True) for w in get_weights()]
        else:
            wait += 1
            if wait >= patience:
                break
    set_weights(best_weights)
    return best_epoch, epoch, val_losses


_W_PATTERN = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
_B_PATTERN = np.array([0.125, -0.5, 1.0])


class ScriptedModel:
    """A stand-in for a model in training, for checking a training loop.

    ``step()`` trains one epoch; ``evaluate()`` returns the scripted validation loss of the
    current weights (``untrained_loss`` before any step); ``get_weights()`` returns a new
    list of the model's LIVE arrays, which the next ``step()`` changes in place (as PyTorch's
    ``state_dict()`` does); ``set_weights(weights)`` copies values into them. The weights after
    ``k`` steps are ``k`` times a fixed pattern, so any copy of them names its epoch.
    """

    def __init__(self, curve, untrained_loss: float):
        self.curve = tuple(float(v) for v in curve)
        self.untrained_loss = float(untrained_loss)
        self.steps = 0
        self.events: list[str] = []         # "step" / "evaluate", in call order
        self.restored: list = []            # per set_weights call: "live" or the epoch set
        self._live = [np.zeros_like(_W_PATTERN), np.zeros_like(_B_PATTERN)]

    def step(self) -> None:
        self.steps += 1
        self.events.append("step")
        self._live[0][...] = self.steps * _W_PATTERN
        self._live[1][...] = self.steps * _B_PATTERN

    def evaluate(self) -> float:
        self.events.append("evaluate")
        if self.steps == 0:
            return self.untrained_loss
        return self.curve[min(self.steps, len(self.curve)) - 1]

    def get_weights(self) -> list:
        return list(self._live)

    def set_weights(self, weights) -> None:
        if weights is None:
            raise TypeError("set_weights got None: no epoch stored a copy of its weights (the "
                            "first epoch always counts as an improvement)")
        if not isinstance(weights, (list, tuple)) or len(weights) != len(self._live):
            raise TypeError("set_weights takes a list of arrays like the one get_weights() "
                            f"returned, got {type(weights).__name__}")
        arrays = [np.asarray(w, dtype=float) for w in weights]
        shapes, expected = [a.shape for a in arrays], [w.shape for w in self._live]
        if shapes != expected:
            raise ValueError(f"set_weights got arrays of shapes {shapes}, expected {expected}")
        live = any(isinstance(w, np.ndarray) and np.shares_memory(w, mine)
                   for w, mine in zip(weights, self._live))
        for mine, array in zip(self._live, arrays):
            mine[...] = array
        self.restored.append("live" if live else self.epoch_of_weights())

    def epoch_of_weights(self):
        """The epoch whose weights the model holds (-1: untrained), or None if no epoch's."""
        steps = self._live[0][0, 0] / _W_PATTERN[0, 0]
        if not (np.isclose(steps, round(steps)) and
                np.allclose(self._live[0], round(steps) * _W_PATTERN) and
                np.allclose(self._live[1], round(steps) * _B_PATTERN)):
            return None
        return int(round(steps)) - 1


def _loop(step, evaluate, get_weights, set_weights, max_epochs, patience, min_delta=0.0, *,
          evaluate_first=False, extra_epoch=False, record_after_check=False, late=False,
          no_break=False, improves=None, one_based=False, restore="copy", pair=False,
          best_zero=False):
    """A learner's training loop (right by default); the switches make the catalogued
    mistakes. ``restore``: "copy", "none", "when_stopped", "reference", "every_epoch",
    "before_step"."""
    improves = improves or (lambda loss, best, delta: loss + delta < best)
    best_loss, best_epoch, best_weights, wait, stopped = None, 0, None, 0, False
    val_losses = []
    for epoch in range(max_epochs + 1 if extra_epoch else max_epochs):
        before = [w.copy() for w in get_weights()]
        if evaluate_first:
            loss = float(evaluate())
            step()
        else:
            step()
            loss = float(evaluate())
        if not record_after_check:
            val_losses.append(loss)
        now = {"reference": get_weights(), "before_step": before}.get(
            restore, [w.copy() for w in get_weights()])
        if restore == "every_epoch":
            best_weights = now
        if best_loss is None or improves(loss, best_loss, min_delta):
            best_loss, best_epoch, wait = loss, epoch, 0
            if restore != "every_epoch":
                best_weights = now
        else:
            wait += 1
            if (wait > patience if late else wait >= patience) and not no_break:
                stopped = True
                break
        if record_after_check:
            val_losses.append(loss)
    if restore in ("copy", "reference", "every_epoch", "before_step") or \
            (restore == "when_stopped" and stopped):
        set_weights(best_weights)
    best_epoch = 0 if best_zero else best_epoch
    if one_based:
        return best_epoch + 1, epoch + 1, val_losses
    return (best_epoch, epoch) if pair else (best_epoch, epoch, val_losses)


def _loop_mistake(**switches) -> Callable:
    def train_with_early_stopping(step, evaluate, get_weights, set_weights, max_epochs,
                                  patience, min_delta=0.0):
        return _loop(step, evaluate, get_weights, set_weights, max_epochs, patience, min_delta,
                     **switches)
    return train_with_early_stopping


@dataclass(frozen=True)
class LoopCase:
    """A scripted run: the validation loss after each epoch (more epochs than ``max_epochs``
    may be scripted, so a loop that trains too long still gets a loss)."""

    curve: tuple
    max_epochs: int
    patience: int
    min_delta: float
    what: str
    untrained_loss: float = 2.0

    def describe(self) -> str:
        return (f"{self.what} (max_epochs={self.max_epochs}, patience={self.patience}, "
                f"min_delta={self.min_delta:g})")

    def model(self) -> ScriptedModel:
        return ScriptedModel(self.curve, self.untrained_loss)

    def expected(self) -> tuple[int, int]:
        return early_stopping_rule(self.curve[:self.max_epochs], self.patience, self.min_delta)


LOOP_CASES = (
    LoopCase((1.0, 0.8, 0.6, 0.5, 0.45, 0.47, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9), 12, 3, 0.0,
             "a clean U-shaped curve"),
    LoopCase((0.7, 0.92, 0.5), 2, 2, 0.0, "a run too short for the patience to run out"),
    LoopCase((1.0, 0.9, 0.895, 0.892, 0.899, 0.898, 0.897, 0.6, 0.5, 0.4), 10, 3, 0.01,
             "improvements smaller than min_delta"),
    LoopCase((1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.4, 0.3), 8, 3, 0.0, "a plateau of equal losses"),
    LoopCase((1.0, 0.8, 0.9, 0.7, 0.6), 5, 0, 0.0, "a dip then a rise, patience 0"),
    LoopCase(tuple(np.round(np.linspace(1.0, 0.1, 10), 2)), 6, 2, 0.0,
             "a curve that improves until max_epochs"),
)

_LOOP = "the loop"
TRAIN_WITH_EARLY_STOPPING = Catalogue(
    "train_with_early_stopping",
    Mistake("not_a_triple", "train_with_early_stopping should return the tuple "
                            "(best_epoch, stop_epoch, val_losses), two int epochs and the list "
                            "of losses, but on {case} it returned {got}.",
            _loop_mistake(pair=True)),
    Mistake("evaluates_before_step", "it called evaluate() before the first step(): train the "
                                     "epoch first, then measure its validation loss "
                                     "(on {case})."
            , _loop_mistake(evaluate_first=True)),
    Mistake("too_many_epochs", "it trained {steps} epochs with max_epochs={max_epochs}: "
                               "`for epoch in range(max_epochs)` trains exactly max_epochs "
                               "(on {case}).", _loop_mistake(extra_epoch=True)),
    Mistake("wrong_history", "val_losses should hold the loss evaluate() returned after each "
                             "epoch trained, {steps} of them, including the stop epoch: append "
                             "before you test for the stop (on {case}: got {n_losses}).",
            _loop_mistake(record_after_check=True)),
    Mistake("stops_one_late", "the stop is one epoch late: stop as soon as the count of epochs "
                              "without improvement reaches patience (wait >= patience, not "
                              "wait > patience)" + _SEEN, _loop_mistake(late=True)),
    Mistake("never_stops", "training went on after patience ran out: `break` out of the loop "
                           "when the count of epochs without improvement reaches patience"
            + _SEEN, _loop_mistake(no_break=True)),
    Mistake("counts_from_one", "epochs count from 0, like Keras's best_epoch and stopped_epoch "
                               "(the first epoch of range(max_epochs) is 0)" + _SEEN,
            _loop_mistake(one_based=True)),
    Mistake("tie_improves", "a tie counts as an improvement here, but Keras needs "
                            "loss + min_delta strictly below best (<, not <=)" + _SEEN,
            _loop_mistake(improves=lambda loss, best, delta: loss + delta <= best)),
    Mistake("ignores_min_delta", "it ignores min_delta: an epoch improves only when "
                                 "loss + min_delta < best" + _SEEN,
            _loop_mistake(improves=lambda loss, best, delta: loss < best)),
    Mistake("no_restore", "after the loop the model still holds the weights of the stop epoch "
                          "{stop}: call set_weights(best_weights) before returning, so the "
                          "best epoch {best} is restored (on {case})."
            , _loop_mistake(restore="none")),
    Mistake("restores_only_when_stopped",
            "when patience never runs out the best weights must still be restored (Keras 3 "
            "restores them whether or not it stopped): call set_weights after the loop, not "
            "only where you break (on {case}).", _loop_mistake(restore="when_stopped")),
    Mistake("stores_reference",
            "the weights you restored are the live arrays that step() kept changing, so the "
            "model keeps its last weights: store a copy at each improvement, "
            "[w.copy() for w in get_weights()] (a new list of the same arrays is no copy) "
            "(on {case})."
            , _loop_mistake(restore="reference")),
    Mistake("restores_stop_epoch", "it restored the weights of the stop epoch {stop}, not of the "
                                   "best epoch {best}: copy the weights only on an improvement "
                                   "(on {case}).", _loop_mistake(restore="every_epoch")),
    Mistake("restores_previous_epoch",
            "it restored the weights of epoch {restored}, one before the best epoch {best}: "
            "copy the weights after the step() whose validation loss improved, not before it "
            "(on {case}).", _loop_mistake(restore="before_step")),
    Mistake("wrong_value", answer=_loop_mistake(best_zero=True)),
    takes_arrays=False,  # it takes functions and numbers: nothing a learner could write into
)

# The rule mistakes the check recognises by running their answers on the same script.
_LOOP_RULE_MISTAKES = ("stops_one_late", "never_stops", "counts_from_one", "tie_improves",
                       "ignores_min_delta")


def _run_loop(fn: Callable, case: LoopCase):
    model = case.model()
    result = fn(model.step, model.evaluate, model.get_weights, model.set_weights,
                case.max_epochs, case.patience, case.min_delta)
    return model, result


def _int_epoch(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _shown_result(result) -> str:
    text = repr(result)
    return text if len(text) <= 80 else text[:77] + "..."


@exercise_check("your loop stops at the same epoch and restores the same weights as "
                "keras.callbacks.EarlyStopping(restore_best_weights=True).",
                catalogue=TRAIN_WITH_EARLY_STOPPING,
                reference=reference_train_with_early_stopping)
def check_train_with_early_stopping(train_with_early_stopping: Callable) -> None:
    """Check the learner's training loop on scripted runs (``ScriptedModel``): the epochs it
    trains and evaluates, the losses it records, where it stops, and the weights it restores."""
    catalogue = TRAIN_WITH_EARLY_STOPPING
    possible = list(_LOOP_RULE_MISTAKES)
    for case in LOOP_CASES:
        model, got = _run_loop(train_with_early_stopping, case)
        best, stop = case.expected()
        where = dict(case=case.describe(), best=best, stop=stop, steps=model.steps,
                     max_epochs=case.max_epochs, got=_shown_result(got))
        catalogue.expect(isinstance(got, tuple) and len(got) == 3 and _int_epoch(got[0])
                         and _int_epoch(got[1]), "not_a_triple", **where)
        if not model.steps:
            catalogue.fail("wrong_value", what=f"the training on {case.describe()}",
                           difference="step() was never called")
        catalogue.expect(model.events[0] == "step", "evaluates_before_step", **where)
        catalogue.expect(model.steps <= case.max_epochs, "too_many_epochs", **where)
        got_pair, losses = (int(got[0]), int(got[1])), got[2]
        trained = case.curve[:model.steps]
        n_losses = len(losses) if isinstance(losses, (list, tuple, np.ndarray)) else repr(losses)
        catalogue.expect(isinstance(losses, (list, tuple, np.ndarray)) and
                         len(losses) == model.steps and matches(np.asarray(losses, dtype=float),
                                                                trained),
                         "wrong_history", n_losses=n_losses, **where)
        wrong = {key: tuple(_run_loop(catalogue[key].answer, case)[1][:2]) for key in possible}
        if got_pair != (best, stop):
            for key in possible:
                if wrong[key] == got_pair:
                    catalogue.fail(key, **{**where, "got": got_pair, "expected": (best, stop)})
            catalogue.fail("wrong_value", what=f"(best_epoch, stop_epoch) on {case.describe()}",
                           difference=f"got {got_pair}, Keras gives {(best, stop)}")
        possible = [key for key in possible if wrong[key] == (best, stop)]
        never_stopped = stop == case.max_epochs - 1
        catalogue.expect(model.restored, "restores_only_when_stopped" if never_stopped
                         else "no_restore", **where)
        restored = model.restored[-1]
        catalogue.expect(restored != "live", "stores_reference", **where)
        if restored != best:
            if restored == stop:
                catalogue.fail("restores_stop_epoch", **where)
            if restored == best - 1:
                catalogue.fail("restores_previous_epoch", restored=restored, **where)
            catalogue.fail("wrong_value", what=f"the restored weights on {case.describe()}",
                           difference=(f"they are epoch {restored}'s" if restored is not None
                                       else "they are no epoch's weights")
                           + f", the best epoch is {best}")


# --------------------------------------------------------------------------- recorded noisy curves
@dataclass
class RecordedCurves:
    """Validation and test loss after every epoch of ``runs`` minibatch trainings (one per
    random seed), recorded without stopping, so any early-stopping rule can be replayed."""

    val_loss: np.ndarray   # (runs, epochs)
    test_loss: np.ndarray  # (runs, epochs): for the one final report, never for choosing
    batch_size: int
    learning_rate: float
    hidden: int


def record_minibatch_curves(X_train, y_train, X_val, y_val, X_test, y_test, *, runs: int = 8,
                            epochs: int = 200, batch_size: int = 5, hidden: int = 100,
                            learning_rate: float = 3e-3, seed: int = 0) -> RecordedCurves:
    """Train ``runs`` Dense(hidden, relu) -> Dense(1) networks with minibatch Adam (Keras's form)
    on the NumPy engine, all at once along its model axis; each run has its own initial weights
    and its own shuffle each epoch. Records the mean cross-entropy on the validation and test
    sets after every epoch."""
    from utils import numpy_net
    from utils.optim import adam_keras, require_learning_rate

    X_train = as_float_array("X_train", X_train, ndim=2, allow_empty=False)
    X_val = as_float_array("X_val", X_val, ndim=2, allow_empty=False)
    X_test = as_float_array("X_test", X_test, ndim=2, allow_empty=False)
    for name, X in (("X_val", X_val), ("X_test", X_test)):
        if X.shape[1] != X_train.shape[1]:
            raise ValueError(f"{name} must have as many columns as X_train "
                             f"({X_train.shape[1]}), got {X.shape[1]}")
    labels = []
    for name, X, y in (("y_train", X_train, y_train), ("y_val", X_val, y_val),
                       ("y_test", X_test, y_test)):
        y = as_float_array(name, y, ndim=1)
        require_binary_labels(name, y)
        if y.size != len(X):
            raise ValueError(f"{name} must have one label per row of its X ({len(X)}), "
                             f"got {y.size}")
        labels.append(y)
    y_train, y_val, y_test = labels
    runs, epochs = require_positive_int("runs", runs), require_positive_int("epochs", epochs)
    batch_size, hidden = require_positive_int("batch_size", batch_size), \
        require_positive_int("hidden", hidden)
    learning_rate = require_learning_rate(learning_rate)
    seed = require_nonnegative_int("seed", seed)
    init_rngs = numpy_net.spawn_rngs(seed, runs)
    params = numpy_net.stack_models([numpy_net.init_params([X_train.shape[1], hidden, 1], rng)
                                     for rng in init_rngs])
    configs = {key: {"learning_rate": learning_rate} for key in params}
    shuffles = numpy_rng(seed + 1)
    n = len(X_train)
    val_loss, test_loss = np.zeros((runs, epochs)), np.zeros((runs, epochs))
    for epoch in range(epochs):
        order = np.argsort(shuffles.random((runs, n)), axis=1)  # one permutation per run
        for start in range(0, n, batch_size):
            batch = order[:, start:start + batch_size]
            _, grads = numpy_net.loss_and_grads(params, X_train[batch], y_train[batch])
            for key in params:
                params[key], configs[key] = adam_keras(params[key], grads[key], configs[key])
        val_loss[:, epoch] = numpy_net.sigmoid_cross_entropy(
            numpy_net.predict(params, X_val), y_val)[0]
        test_loss[:, epoch] = numpy_net.sigmoid_cross_entropy(
            numpy_net.predict(params, X_test), y_test)[0]
    return RecordedCurves(val_loss, test_loss, batch_size, learning_rate, hidden)


# --------------------------------------------------------------------------- exercise 3: patience
def _restored_and_trained(curves: np.ndarray, patience: int):
    """Replay the rule on each (S, E) curve: the loss at the restored epoch (S,), the best and
    stop epochs (S,)."""
    best, stop = early_stopping_rule(curves, patience)
    return curves[np.arange(len(curves)), best], best, stop


def reference_choose_patience(val_curves, test_curves, patiences, cost_per_epoch):
    """The course's answer to exercise 3: ``(patience, objective, test_loss)``."""
    val, test = np.asarray(val_curves, dtype=float), np.asarray(test_curves, dtype=float)
    objective = []
    for patience in patiences:
        restored, _, stop = _restored_and_trained(val, patience)
        objective.append(restored.mean() + cost_per_epoch * np.mean(stop + 1))
    objective = np.array(objective)
    chosen = patiences[int(np.argmin(objective))]
    _, best, _ = _restored_and_trained(val, chosen)
    return chosen, objective, float(test[np.arange(len(test)), best].mean())


def _choose(val_curves, test_curves, patiences, cost_per_epoch, *, rule_on="val",
            scored_on="val", runs=None, cost=True, at="best", epochs_trained="stop+1",
            per_run=False, as_dict=False, pick="min", give="patience", report="best",
            report_stale=False):
    """A learner's ``choose_patience`` (right by default); the switches make the mistakes."""
    val, test = np.asarray(val_curves, dtype=float), np.asarray(test_curves, dtype=float)
    if runs is not None:
        val, test = val[runs], test[runs]
    curves = {"val": val, "test": test}
    rows = np.arange(len(val))
    objective = []
    for patience in patiences:
        best, stop = early_stopping_rule(curves[rule_on], patience)
        scored = curves[scored_on]
        loss = {"best": scored[rows, best], "stop": scored[rows, stop],
                "minimum": scored.min(axis=1)}[at]
        trained = stop + 1 if epochs_trained == "stop+1" else stop
        value = loss + cost_per_epoch * trained if cost else loss
        objective.append(value if per_run else value.mean())
    objective = np.array(objective)
    k = int(np.argmin(objective.reshape(len(patiences), -1).mean(axis=1)) if pick == "min"
            else np.argmax(objective))
    chosen = patiences[k] if give == "patience" else k
    if not report_stale:
        best, stop = early_stopping_rule(val, patiences[k])
    report_curves = val if report == "val" else test
    index = {"best": best, "val": best, "stop": stop}.get(report)
    test_loss = (test.min(axis=1) if report == "minimum" else report_curves[rows, index]).mean()
    if as_dict:
        objective = {int(p): float(o) for p, o in zip(patiences, objective)}
    if give == "pair":
        return patiences[k], float(test_loss)
    return chosen, objective, float(test_loss)


def _choose_mistake(**switches) -> Callable:
    def choose_patience(val_curves, test_curves, patiences, cost_per_epoch):
        return _choose(val_curves, test_curves, patiences, cost_per_epoch, **switches)
    return choose_patience


@dataclass(frozen=True)
class PatienceCase:
    """Recorded curves (runs, epochs) to choose a patience on: scripted, seeded."""

    val_curves: np.ndarray
    test_curves: np.ndarray
    patiences: object   # a list or an int array
    cost_per_epoch: float
    what: str

    def describe(self) -> str:
        return (f"{self.what} ({len(self.val_curves)} runs, patiences {list(self.patiences)}, "
                f"cost_per_epoch={self.cost_per_epoch:g})")


def _scripted_curves(runs: int, epochs: int, seed: int):
    """U-shaped validation curves with minibatch-like wobble, and test curves of the same runs
    whose minimum comes earlier (the two sets disagree, as small sets do)."""
    t = np.arange(epochs, dtype=float)
    rng = numpy_rng(seed)
    val = 0.35 + 0.4 * np.exp(-t / 6) + 0.002 * t + rng.normal(0.0, 0.015, (runs, epochs))
    test = 0.33 + 0.4 * np.exp(-t / 3) + 0.004 * t + rng.normal(0.0, 0.015, (runs, epochs))
    return np.round(val, 4), np.round(test, 4)


PATIENCE_CASES = (
    PatienceCase(*_scripted_curves(6, 60, 11), [0, 2, 5, 10, 20], 2e-3,
                 "six recorded noisy runs"),
    PatienceCase(*_scripted_curves(4, 50, 12), np.array([1, 3, 8, 15]), 5e-4,
                 "four runs, patiences as an array"),
)

CHOOSE_PATIENCE = Catalogue(
    "choose_patience",
    Mistake("not_a_triple", "choose_patience should return the tuple (patience, objective, "
                            "test_loss), but on {case} it returned {got}.",
            _choose_mistake(give="pair")),
    Mistake("chose_on_test", "{what} was computed from the TEST curves: choose the patience on "
                             "the validation curves only; the test curves give one final "
                             "number for the chosen patience.",
            _choose_mistake(scored_on="test")),
    Mistake("one_run_only", "{what} comes from one run only: average over all the runs (rows "
                            "of val_curves), since one noisy curve can favour any patience.",
            _choose_mistake(runs=[0])),
    Mistake("ignores_cost", "{what} leaves out the cost of the epochs trained: add "
                            "cost_per_epoch * (stop + 1), averaged over the runs.",
            _choose_mistake(cost=False)),
    Mistake("loss_at_stop", "{what} uses the loss at the stop epoch: with restore_best_weights "
                            "the model you keep is the one at the restored (best) epoch.",
            _choose_mistake(at="stop")),
    Mistake("whole_curve_minimum", "{what} uses the lowest loss of the whole recorded curve, "
                                   "which an early-stopped run never reaches once it has "
                                   "stopped: use the loss at the epoch the rule restores.",
            _choose_mistake(at="minimum")),
    Mistake("epochs_trained_off_by_one", "{what} counts stop epochs, not epochs trained: a run "
                                         "that stops at epoch `stop` (0-based) trained "
                                         "stop + 1 epochs.",
            _choose_mistake(epochs_trained="stop")),
    Mistake("returned_index", "it returned the index {got} of the best patience; return the "
                              "patience itself, patiences[k] (on {case}).",
            _choose_mistake(give="index")),
    Mistake("picked_max", "it picked patience {got}, whose objective is the highest: the "
                          "objective is a loss plus a cost, so pick its minimum (on {case}).",
            _choose_mistake(pick="max")),
    Mistake("test_loss_at_stop", "{what} is the test loss at the stop epochs: report it at the "
                                 "restored (best) epochs of the chosen patience.",
            _choose_mistake(report="stop")),
    Mistake("test_loss_minimum", "{what} is the lowest test loss of each curve, an optimistic "
                                 "number no stopping rule could pick: report the test loss at "
                                 "the restored epochs of the chosen patience.",
            _choose_mistake(report="minimum")),
    Mistake("reports_validation", "{what} is the validation loss at the restored epochs: report "
                                  "the TEST curves at those epochs.",
            _choose_mistake(report="val")),
    Mistake("stale_restored_epochs", "{what} uses the restored epochs left over from the last "
                                     "patience of your loop: recompute them with the chosen "
                                     "patience.", _choose_mistake(report_stale=True)),
    Mistake("not_numeric", answer=_choose_mistake(as_dict=True)),
    Mistake("wrong_shape", answer=_choose_mistake(per_run=True)),
    Mistake("wrong_value", answer=_choose_mistake(cost=False, at="minimum")),
)

_OBJECTIVE_MISTAKES = ("chose_on_test", "one_run_only", "ignores_cost", "loss_at_stop",
                       "whole_curve_minimum", "epochs_trained_off_by_one")
_TEST_LOSS_MISTAKES = ("test_loss_at_stop", "test_loss_minimum", "reports_validation",
                       "stale_restored_epochs")


@exercise_check("you chose the patience on validation curves and reported its test loss once.",
                catalogue=CHOOSE_PATIENCE, reference=reference_choose_patience)
def check_choose_patience(choose_patience: Callable) -> None:
    """Check ``choose_patience`` on scripted noisy runs whose validation and test curves
    disagree, against the course's answer and each catalogued mistake's."""
    catalogue = CHOOSE_PATIENCE
    for case in PATIENCE_CASES:
        args = (case.val_curves, case.test_curves, case.patiences, case.cost_per_epoch)
        got = choose_patience(*args)
        expected = reference_choose_patience(*args)
        wrong = {m.key: m.answer(*args) for m in catalogue
                 if m.key in _OBJECTIVE_MISTAKES + _TEST_LOSS_MISTAKES}
        where = dict(case=case.describe())
        catalogue.expect(isinstance(got, tuple) and len(got) == 3, "not_a_triple",
                         got=_shown_result(got), **where)
        what = f"objective on {case.describe()}"
        stopped_on_test = _choose(*args, rule_on="test", scored_on="test")[1]
        catalogue.expect(not matches(got[1], stopped_on_test), "chose_on_test", what=what)
        catalogue.close(got[1], expected[1], what=what,
                        candidates={key: wrong[key][1] for key in _OBJECTIVE_MISTAKES})
        patiences = list(case.patiences)
        k_min, k_max = int(np.argmin(expected[1])), int(np.argmax(expected[1]))
        if not (_int_epoch(got[0]) and got[0] == patiences[k_min]):
            catalogue.expect(not (_int_epoch(got[0]) and got[0] == k_min), "returned_index",
                             got=got[0], **where)
            catalogue.expect(not (_int_epoch(got[0]) and got[0] == patiences[k_max]),
                             "picked_max", got=got[0], **where)
            catalogue.fail("wrong_value", what=f"the chosen patience on {case.describe()}",
                           difference=f"got {got[0]!r}, the objective is lowest at "
                                      f"patience {patiences[k_min]}")
        catalogue.close(got[2], expected[2], what=f"test_loss on {case.describe()}",
                        candidates={key: wrong[key][2] for key in _TEST_LOSS_MISTAKES})


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
