"""Chapter 4: early stopping — Keras's rule, its check, a patience study and the explorer.

Keras 3's ``EarlyStopping(monitor="val_loss", patience, min_delta, mode="min",
restore_best_weights=True)`` does this at the end of every epoch (0-based):

* the first epoch is always an improvement;
* an epoch improves when ``val_loss + min_delta < best`` (strictly; ``best`` is
  the value at the last *improvement*, not the lowest value seen);
* on an improvement, ``best`` and the best weights are updated and the wait
  counter goes back to 0; otherwise the counter grows by one, and when it
  reaches ``patience`` training stops at that epoch (patience 0 stops at the
  first epoch without improvement, exactly like patience 1);
* at the end the best weights are restored; training that never triggers
  stops at the last epoch.

``keras_early_stopping`` runs the real callback on a recorded curve;
``early_stopping_rule`` is the same rule in vectorized NumPy (many curves at once)
for the patience study and the explorer.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from utils.checks import exercise_check, expect, expect_close
from utils.plotting import COLORS, new_figure, show_in
from utils.validation import (
    as_float_array,
    require_nonnegative,
    require_nonnegative_int,
    require_positive_int,
)


def _curves(name: str, values, *, ndim: int) -> np.ndarray:
    array = as_float_array(name, values, ndim=ndim)
    if array.shape[-1] == 0:
        raise ValueError(f"{name} must hold at least one epoch")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return array


# --------------------------------------------------------------------------- Keras itself
_TAG_MODEL = None


def _tag_model():
    """A one-weight Keras model; its weight is set to the epoch number at each epoch,
    so the weight that ``restore_best_weights`` puts back names the restored epoch."""
    global _TAG_MODEL
    if _TAG_MODEL is None:
        import keras

        _TAG_MODEL = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False)])
    return _TAG_MODEL


def keras_early_stopping(val_losses, patience: int, min_delta: float = 0.0) -> tuple[int, int]:
    """Run the real ``keras.callbacks.EarlyStopping`` on a recorded validation curve.

    ``val_losses`` (E,) is the validation loss after each epoch. The callback is
    driven directly (``on_train_begin``, ``on_epoch_end`` until the model's
    ``stop_training`` is set, ``on_train_end``) on a tiny model whose weight is the
    epoch number. Returns ``(best_epoch, stop_epoch)``, 0-based: the epoch whose
    weights ``restore_best_weights=True`` restored and the last epoch trained.
    """
    import keras

    losses = _curves("val_losses", val_losses, ndim=1)
    patience = require_nonnegative_int("patience", patience)
    min_delta = require_nonnegative("min_delta", min_delta)
    model = _tag_model()
    model.stop_training = False
    callback = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience,
                                             min_delta=min_delta, mode="min",
                                             restore_best_weights=True)
    callback.set_model(model)
    callback.on_train_begin()
    stop = len(losses) - 1
    for epoch, value in enumerate(losses):
        model.set_weights([np.full((1, 1), epoch, dtype=np.float32)])  # "trained" epoch
        callback.on_epoch_end(epoch, {"val_loss": float(value)})
        if model.stop_training:
            stop = epoch
            break
    callback.on_train_end()
    restored = int(round(float(model.get_weights()[0][0, 0])))
    model.stop_training = False
    return restored, stop


# --------------------------------------------------------------------------- NumPy rule
def early_stopping_rule(val_losses, patience: int, min_delta: float = 0.0):
    """Keras's early-stopping rule in NumPy, vectorized over curves.

    ``val_losses`` (E,) or (D, E): D recorded curves of E epochs. Returns
    ``(best_epoch, stop_epoch)``: two ints for one curve, two (D,) int arrays for D.
    Comparisons are in float32, as Keras makes them.
    """
    losses = _curves("val_losses", val_losses, ndim=None)
    if losses.ndim not in (1, 2):
        raise ValueError(f"val_losses must be 1-D or 2-D, got shape {losses.shape}")
    patience = require_nonnegative_int("patience", patience)
    min_delta = require_nonnegative("min_delta", min_delta)
    curves = np.atleast_2d(losses)
    best, stop = _rule(curves, patience, min_delta)
    if losses.ndim == 1:
        return int(best[0]), int(stop[0])
    return best, stop


def _rule(curves: np.ndarray, patience: int, min_delta: float, *, tie_improves: bool = False,
          vs_previous: bool = False, sign: float = 1.0):
    """The rule with switches for the mistakes the check names (all off: Keras)."""
    n_curves, n_epochs = curves.shape
    best_value = curves[:, 0].astype(np.float32)
    best_epoch = np.zeros(n_curves, dtype=int)
    stop = np.full(n_curves, n_epochs - 1)
    running = np.ones(n_curves, dtype=bool)
    wait = np.zeros(n_curves, dtype=int)
    for epoch in range(1, n_epochs):
        current = curves[:, epoch]
        shifted = (current + sign * min_delta).astype(np.float32)
        better = shifted <= best_value if tie_improves else shifted < best_value
        improved = running & better
        best_value = np.where(improved, np.float32(current), best_value)
        if vs_previous:
            best_value = np.where(running, np.float32(current), best_value)
        best_epoch = np.where(improved, epoch, best_epoch)
        wait = np.where(improved, 0, wait + 1)
        stopping = running & ~improved & (wait >= patience)
        stop = np.where(stopping, epoch, stop)
        running &= ~stopping
        if not running.any():
            break
    return best_epoch, stop


# --------------------------------------------------------------------------- the check
# (curve, patience, min_delta, what it tests)
CHECK_CURVES = [
    ([1.0, 0.8, 0.6, 0.5, 0.45, 0.47, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9], 3, 0.0,
     "a clean U-shaped curve, patience=3"),
    ([1.0, 0.9, 0.895, 0.892, 0.899, 0.898, 0.897, 0.6, 0.5, 0.4], 3, 0.01,
     "improvements smaller than min_delta=0.01, patience=3"),
    ([1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.4, 0.3], 3, 0.0,
     "a plateau of equal losses (ties), patience=3"),
    ([1.0, 0.5, 0.6, 0.55, 0.58, 0.56, 0.59, 0.57, 0.6, 0.58], 2, 0.0,
     "a noisy rise with small dips, patience=2"),
    ([1.0, 0.8, 0.9, 0.7, 0.6], 0, 0.0, "patience=0"),
    ([0.5, 0.6, 0.7, 0.8, 0.4, 0.3], 2, 0.0, "a curve that rises from the first epoch, patience=2"),
    (list(np.linspace(1.0, 0.1, 10)), 2, 0.0, "a curve that always improves (never triggers)"),
]


def _noisy_check_curve() -> list[float]:
    rng = np.random.default_rng(4)
    epochs = np.arange(60)
    return list(0.3 + 0.5 * np.exp(-epochs / 8) + 0.004 * epochs + rng.normal(0, 0.02, 60))


def _mistakes(curve, patience: int, min_delta: float) -> dict:
    """Each named mistake's answer on this curve."""
    curves = np.asarray(curve, dtype=float)[None]
    right = [int(a[0]) for a in _rule(curves, patience, min_delta)]
    stop = right[1]
    lowest = int(np.argmin(curves[0, :stop + 1]))
    n_epochs = curves.shape[1]
    out = {
        "it reports the stop epoch as the best one: the best epoch is the last improvement, "
        "whose weights restore_best_weights=True puts back.": (stop, stop),
        "epochs look 1-based: the first epoch is epoch 0.": (right[0] + 1, stop + 1),
        "training that never triggers should report the last epoch, len(val_losses) - 1 "
        "(0-based), as the stop epoch.": (right[0], n_epochs),
        "it ignores min_delta: an epoch improves only when val_loss < best - min_delta.":
            tuple(int(a[0]) for a in _rule(curves, patience, 0.0)),
        "min_delta has the wrong sign: an epoch improves only when val_loss < best - min_delta, "
        "not best + min_delta.":
            tuple(int(a[0]) for a in _rule(curves, patience, min_delta, sign=-1.0)),
        "the stop epoch is one too late (off-by-one patience): stop when the count of epochs "
        "without improvement reaches patience (count >= patience).":
            tuple(int(a[0]) for a in _rule(curves, patience + 1, min_delta)),
        "the stop epoch is one too early (off-by-one patience): stop when the count of epochs "
        "without improvement reaches patience, counting the current epoch.":
            tuple(int(a[0]) for a in _rule(curves, max(patience - 1, 0), min_delta)),
        "a tie counts as an improvement: Keras needs a strictly lower loss (<, not <=).":
            tuple(int(a[0]) for a in _rule(curves, patience, min_delta, tie_improves=True)),
        "it compares with the previous epoch: compare with the best loss so far.":
            tuple(int(a[0]) for a in _rule(curves, patience, min_delta, vs_previous=True)),
        "the best epoch is the lowest loss seen, but Keras only moves 'best' on an improvement "
        "by more than min_delta.": (lowest, stop),
    }
    return {message: wrong for message, wrong in out.items() if tuple(wrong) != tuple(right)}


@exercise_check("your rule stops and restores at the same epochs as keras.callbacks.EarlyStopping.")
def check_early_stopping_epoch(early_stopping_epoch: Callable) -> None:
    """Check ``early_stopping_epoch(val_losses, patience, min_delta=0.0) -> (best, stop)``
    against the real Keras callback on several curves."""
    cases = CHECK_CURVES + [(_noisy_check_curve(), 5, 0.001, "a noisy curve, patience=5, "
                                                             "min_delta=0.001")]
    for k, (curve, patience, min_delta, what) in enumerate(cases):
        expected = keras_early_stopping(curve, patience, min_delta)
        given = np.asarray(curve) if k % 2 else list(curve)
        got = early_stopping_epoch(given, patience, min_delta)
        expect(got is not None, "early_stopping_epoch returned None: did you forget a `return`?")
        expect(isinstance(got, (tuple, list)) and len(got) == 2,
               f"early_stopping_epoch should return a pair (best_epoch, stop_epoch), got {got!r}")
        expect(all(g is not None for g in got),
               f"on {what} it returned {got!r}: training that never triggers should report "
               "the last epoch, len(val_losses) - 1, as the stop epoch.")
        expect_close(got, expected,
                     what=f"(best_epoch, stop_epoch) on {what} (Keras gives {expected})",
                     mistakes=_mistakes(curve, patience, min_delta))
        expect(all(isinstance(g, (int, np.integer)) for g in got),
               f"epochs should be ints, got {got!r}")
    default = early_stopping_epoch(list(CHECK_CURVES[1][0]), 3)
    expect(tuple(default) == keras_early_stopping(CHECK_CURVES[1][0], 3),
           "min_delta should default to 0.0.")


# --------------------------------------------------------------------------- noise and patience
def demo_validation_curve(epochs: int = 300, noise: float = 0.01, seed: int = 0):
    """A synthetic validation curve shaped like a recorded one: fast fall, slow rise, noise.

    Returns ``(clean, noisy)``, each (epochs,).
    """
    epochs = require_positive_int("epochs", epochs)
    noise = require_nonnegative("noise", noise)
    t = np.arange(epochs, dtype=float)
    clean = 0.35 + 0.45 * np.exp(-t / 15) + 0.0006 * t
    rng = np.random.default_rng(require_nonnegative_int("seed", seed))
    return clean, clean + rng.normal(0.0, noise, epochs)


def patience_study(clean_curve, patiences: Sequence[int], noise_levels: Sequence[float], *,
                   n_draws: int = 200, min_delta: float = 0.0, seed: int = 0) -> dict:
    """Early stopping on many noisy copies of one clean validation curve.

    For each noise level (std of Gaussian noise added to every epoch) and patience,
    stop ``n_draws`` noisy curves with Keras's rule and measure, on the CLEAN curve,
    how much worse the restored epoch is than the clean minimum.
    Returns arrays of shape (len(noise_levels), len(patiences)):
    ``excess`` (mean clean loss at the restored epoch minus the clean minimum),
    ``stop`` (mean stop epoch), ``best`` (mean restored epoch), plus the inputs.
    """
    clean = _curves("clean_curve", clean_curve, ndim=1)
    patiences = [require_nonnegative_int("patience", p) for p in patiences]
    noise_levels = [require_nonnegative("noise level", s) for s in noise_levels]
    n_draws = require_positive_int("n_draws", n_draws)
    rng = np.random.default_rng(require_nonnegative_int("seed", seed))
    base_noise = rng.normal(0.0, 1.0, (n_draws, clean.size))
    shape = (len(noise_levels), len(patiences))
    excess, stop, best = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    for i, sigma in enumerate(noise_levels):
        curves = clean + sigma * base_noise
        for j, patience in enumerate(patiences):
            b, s = _rule(curves, patience, min_delta)
            excess[i, j] = np.mean(clean[b] - clean.min())
            stop[i, j], best[i, j] = s.mean(), b.mean()
    return {"patiences": np.array(patiences), "noise_levels": np.array(noise_levels),
            "excess": excess, "stop": stop, "best": best}


# --------------------------------------------------------------------------- drawing + explorer
def draw_early_stopping(ax, val_losses, patience: int, min_delta: float = 0.0, *,
                        train_losses=None, clean_losses=None):
    """The validation curve with the restored (best) and stop epochs marked.

    Epochs after the stop are drawn faint: training never ran them.
    """
    losses = _curves("val_losses", val_losses, ndim=1)
    best, stop = early_stopping_rule(losses, patience, min_delta)
    epochs = np.arange(losses.size)
    if train_losses is not None:
        train = _curves("train_losses", train_losses, ndim=1)
        ax.plot(epochs[:stop + 1], train[:stop + 1], color=COLORS["train"], lw=1.2, label="train")
        ax.plot(epochs[stop:], train[stop:], color=COLORS["train"], lw=1.0, alpha=0.25)
    if clean_losses is not None:
        clean = _curves("clean_losses", clean_losses, ndim=1)
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
    train = None if train_losses is None else _curves("train_losses", train_losses, ndim=1)
    noise_scale = require_nonnegative("noise_scale", noise_scale)
    pattern = np.random.default_rng(0).normal(0.0, 1.0, clean.size)
    max_patience = max(20, clean.size // 4)
    patience = widgets.IntSlider(value=min(10, max_patience), min=0, max=max_patience,
                                 description="patience")
    min_delta = widgets.SelectionSlider(options=[0.0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2],
                                        value=0.0, description="min_delta")
    noise = widgets.FloatSlider(value=0.0, min=0.0, max=noise_scale, step=noise_scale / 10,
                                description="added noise", readout_format=".3f")
    output = widgets.Output()

    def redraw(change=None):
        fig, ax = new_figure(width=7.5, height=3.6)
        noisy = clean + noise.value * pattern
        draw_early_stopping(ax, noisy, patience.value, min_delta.value, train_losses=train,
                            clean_losses=clean if noise.value > 0 else None)
        show_in(output, fig)

    for slider in (patience, min_delta, noise):
        slider.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([patience, min_delta, noise]), output])
