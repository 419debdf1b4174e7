"""Chapter 3: inverted dropout. Checks for the learner's forward and backward
passes, reference versions the explorer uses, a vectorized trainer for a grid
of keep probabilities, and the keep_prob explorer.

Conventions: ``keep_prob`` is the probability of KEEPING a unit (Andrew Ng's
notes, Srivastava et al. 2014 call it p); Keras ``rate`` and PyTorch ``p`` are
the probability of DROPPING it, ``rate = 1 - keep_prob``.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from utils.checks import exercise_check, expect, expect_close
from utils.numpy_net import numerical_gradient, relative_error
from utils.plotting import COLORS, settle_garbage, show_in
from utils.validation import (
    as_float_array,
    require_positive_int,
    require_probability,
    require_same_shape,
)


# ---------------------------------------------------------------- reference versions
def reference_dropout_forward(A, keep_prob, rng: np.random.Generator):
    """Inverted dropout: keep each entry with probability ``keep_prob``, scale by 1/keep_prob.

    ``A`` any shape -> (A_out same shape, mask bool same shape).
    """
    keep_prob = require_probability("keep_prob", keep_prob)
    A = as_float_array("A", A)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    mask = rng.random(A.shape) < keep_prob
    return A * mask / keep_prob, mask


def reference_dropout_backward(dA_out, mask, keep_prob):
    """Gradient of inverted dropout with the forward pass's mask: dA = dA_out * mask / keep_prob."""
    keep_prob = require_probability("keep_prob", keep_prob)
    dA_out = as_float_array("dA_out", dA_out)
    mask = np.asarray(mask)
    require_same_shape("dA_out", dA_out, "mask", mask)
    return dA_out * mask / keep_prob


def rate_from_keep_prob(keep_prob) -> float:
    """Keras/PyTorch ``rate`` (drop probability) for a ``keep_prob``: 1 - keep_prob."""
    return 1.0 - require_probability("keep_prob", keep_prob)


def mask_statistics(A, A_out, keep_prob) -> dict:
    """Kept fraction, the value kept entries are scaled by, and both means.

    Works for any dropout output (NumPy, ``keras.layers.Dropout``,
    ``tf.nn.dropout``): a unit counts as kept where ``A_out != 0`` (use
    non-zero inputs). Returns a dict with "kept_fraction", "scale" (mean of
    A_out / A over kept entries), "mean_in", "mean_out", and "se_mean", the
    standard error of mean_out under inverted dropout with ``keep_prob``.
    """
    keep_prob = require_probability("keep_prob", keep_prob)
    A, A_out = as_float_array("A", A), as_float_array("A_out", A_out)
    require_same_shape("A", A, "A_out", A_out)
    if np.any(A == 0):
        raise ValueError("A must have no zero entries, so that a zero in A_out means 'dropped'")
    kept = A_out != 0
    scale = float(np.mean(A_out[kept] / A[kept])) if kept.any() else float("nan")
    # Var of A*m/p per entry is A^2 (1-p)/p; the mean over N entries has SE sqrt(sum var)/N.
    se = float(np.sqrt(np.sum(A ** 2) * (1 - keep_prob) / keep_prob) / A.size)
    return {"kept_fraction": float(kept.mean()), "scale": scale,
            "mean_in": float(A.mean()), "mean_out": float(A_out.mean()), "se_mean": se}


# ---------------------------------------------------------------- checks
def _call_forward(fn, A, keep_prob, rng):
    result = fn(A, keep_prob, rng)
    expect(result is not None, "dropout_forward returned None: did you forget a `return`?")
    expect(isinstance(result, tuple) and len(result) == 2,
           "dropout_forward should return a pair (A_out, mask).")
    A_out, mask = result
    return np.asarray(A_out), np.asarray(mask)


@exercise_check("inverted dropout with your own mask: the kept fraction, the 1/keep_prob "
                "scaling and the expected activation are all right.")
def check_dropout_forward(dropout_forward: Callable) -> None:
    """Check ``dropout_forward(A, keep_prob, rng) -> (A_out, mask)`` by its properties."""
    keep_prob = 0.8
    data_rng = np.random.default_rng(123)
    A = data_rng.uniform(0.5, 1.5, size=(400, 250))  # positive, like ReLU outputs
    A_copy = A.copy()
    global_state = np.random.get_state()
    try:
        np.random.seed(1)
        A_out, mask = _call_forward(dropout_forward, A, keep_prob, np.random.default_rng(7))
        expect(np.array_equal(A, A_copy),
               "dropout_forward modified its input A in place: compute A_out as a new array "
               "(A * mask / keep_prob), do not write into A.")
        expect(mask.shape == A.shape,
               f"the mask has shape {mask.shape} but A has shape {A.shape}: draw one random "
               "number per entry, rng.random(A.shape).")
        expect(A_out.shape == A.shape,
               f"A_out has shape {A_out.shape} but A has shape {A.shape}.")
        expect(mask.dtype == np.bool_,
               f"the mask has dtype {mask.dtype}; it should be boolean "
               "(rng.random(A.shape) < keep_prob gives booleans).")
        expect(not np.all(mask == mask[:1, :]),
               "every example got the same mask: draw a mask for every entry of A "
               "(rng.random(A.shape)), not one per unit.")
        expect(not np.all(mask == mask[:, :1]),
               "every unit of an example got the same mask: draw a mask for every entry of A.")
        kept = mask.mean()
        se_kept = np.sqrt(keep_prob * (1 - keep_prob) / mask.size)
        if abs(kept - (1 - keep_prob)) < 5 * se_kept:
            raise AssertionError(
                f"the kept fraction is {kept:.3f} but keep_prob={keep_prob}: did you treat "
                "keep_prob as the drop probability? Keep a unit where rng.random(...) < keep_prob.")
        expect(abs(kept - keep_prob) < 5 * se_kept,
               f"the kept fraction is {kept:.3f}, expected about keep_prob={keep_prob}: keep a "
               "unit where a uniform draw is < keep_prob.")
        expect(np.all(A_out[~mask] == 0),
               "A_out is not zero where the mask is False: multiply A by the mask.")
        expect_close(A_out, A * mask / keep_prob,
                     what="A_out (the kept entries of A, scaled)",
                     mistakes={
                         "there is no scaling: inverted dropout divides the kept units by "
                         "keep_prob so the expected activation is unchanged.": A * mask,
                         "you multiplied by keep_prob: inverted dropout DIVIDES by keep_prob "
                         "(0.8 * 10/8 = 1).": A * mask * keep_prob,
                     })
        stats = mask_statistics(A, A_out, keep_prob)
        expect(abs(stats["mean_out"] - stats["mean_in"]) < 5 * stats["se_mean"],
               "the mean activation is not preserved within sampling error.")
        # Reproducible with the given rng, whatever the global NumPy state.
        np.random.seed(2)
        _, mask_again = _call_forward(dropout_forward, A, keep_prob, np.random.default_rng(7))
        expect(np.array_equal(mask, mask_again),
               "the same rng seed gave a different mask: you used the global np.random "
               "(np.random.rand) instead of the rng argument; draw with rng.random(A.shape).")
        np.random.seed(1)
        _, mask_other = _call_forward(dropout_forward, A, keep_prob, np.random.default_rng(8))
        expect(not np.array_equal(mask, mask_other),
               "another rng gave the same mask: draw the mask from the rng argument "
               "(rng.random(A.shape)), not from a fixed seed.")
    finally:
        np.random.set_state(global_state)
    # Independence across units and examples.
    centred = mask - mask.mean(axis=0)
    corr = (centred[:, :-1] * centred[:, 1:]).mean(axis=0) / (
        centred[:, :-1].std(axis=0) * centred[:, 1:].std(axis=0) + 1e-12)
    expect(abs(corr.mean()) < 0.02,
           f"neighbouring units' masks are correlated ({corr.mean():.3f}): each unit should be "
           "dropped independently.")
    # keep_prob = 1 is the identity; a small other shape works.
    B = data_rng.normal(size=(3, 5))
    B_out, B_mask = _call_forward(dropout_forward, B, 1.0, np.random.default_rng(0))
    expect(B_mask.shape == B.shape and B_mask.all(),
           "with keep_prob=1 every unit must be kept (mask all True).")
    expect_close(B_out, B, what="A_out with keep_prob=1 (nothing dropped)")


@exercise_check("the gradient flows only through the kept units, scaled by 1/keep_prob, and "
                "matches a numerical gradient.")
def check_dropout_backward(dropout_backward: Callable) -> None:
    """Check ``dropout_backward(dA_out, mask, keep_prob) -> dA`` against the math and a
    numerical gradient of the forward pass with a fixed mask."""
    keep_prob = 0.7
    rng = np.random.default_rng(5)
    A = rng.normal(size=(6, 8))
    mask = rng.random(A.shape) < keep_prob
    dA_out = rng.normal(size=A.shape)
    dA_out_copy, mask_copy = dA_out.copy(), mask.copy()
    got = dropout_backward(dA_out, mask, keep_prob)
    expect(np.array_equal(dA_out, dA_out_copy) and np.array_equal(mask, mask_copy),
           "dropout_backward modified its inputs in place: return a new array.")
    expect_close(got, dA_out * mask / keep_prob, what="dA (the gradient w.r.t. A)",
                 mistakes={
                     "you forgot the mask: a dropped unit did not affect the output, so its "
                     "gradient is 0 (multiply by mask).": dA_out / keep_prob,
                     "you forgot the scaling: the forward pass divided by keep_prob, so the "
                     "backward pass must too.": dA_out * mask,
                     "you multiplied by keep_prob: the forward pass divided by keep_prob, so "
                     "the backward pass divides too.": dA_out * mask * keep_prob,
                     "you forgot both the mask and the scaling.": dA_out,
                 })

    def f(A_var):  # scalar objective through dropout with a FIXED mask
        return float(np.sum(dA_out * (A_var * mask / keep_prob)))

    numeric = numerical_gradient(f, A.copy())
    error = relative_error(dropout_backward(dA_out, mask, keep_prob), numeric)
    expect(error < 1e-7, f"the relative error against a numerical gradient is {error:.2e}.")
    # keep_prob = 1 with an all-True mask passes the gradient through unchanged.
    expect_close(dropout_backward(dA_out, np.ones_like(mask), 1.0), dA_out,
                 what="dA with keep_prob=1 and nothing dropped")


# ---------------------------------------------------------------- a vectorized trainer
def train_keep_prob_grid(X, y, X_test, y_test, keep_probs: Sequence[float], *,
                         hidden: Sequence[int] = (64, 64), epochs: int = 1500,
                         learning_rate: float = 0.01, record_every: int = 25,
                         seed: int = 1) -> dict:
    """Train one network per keep probability, all at once (a leading model axis).

    Same network and Adam as ``utils.numpy_net.train`` ([affine -> relu ->
    inverted dropout] per hidden layer, the same keep_prob in every hidden
    layer, one sigmoid output, full batch), with the same initial weights for
    every model. Returns {"keep_probs" (K,), "epoch" (T,), "cost", "train_acc",
    "test_acc" (K, T), "params": list of K param dicts}.
    """
    from utils.numpy_net import init_params, sigmoid

    probs = np.array([require_probability("keep_prob", p) for p in keep_probs])
    epochs = require_positive_int("epochs", epochs)
    record_every = require_positive_int("record_every", record_every)
    X, y = as_float_array("X", X, ndim=2), as_float_array("y", y, ndim=1)
    X_test, y_test = as_float_array("X_test", X_test, ndim=2), as_float_array("y_test", y_test,
                                                                                 ndim=1)
    K, n = len(probs), X.shape[0]
    rng = np.random.default_rng(seed)
    base = init_params([X.shape[1], *hidden, 1], rng)
    L = len(hidden) + 1
    params = {k: np.repeat(v[None], K, axis=0) for k, v in base.items()}
    m1 = {k: np.zeros_like(v) for k, v in params.items()}
    m2 = {k: np.zeros_like(v) for k, v in params.items()}
    kp = probs[:, None, None]

    def logits_of(Xa, train):
        A = np.broadcast_to(Xa, (K, *Xa.shape))
        cache = []
        for layer in range(1, L):
            Z = A @ params[f"W{layer}"] + params[f"b{layer}"][:, None, :]
            A_in = A
            A = np.maximum(Z, 0.0)
            mask = None
            if train:
                mask = rng.random(A.shape) < kp
                A = A * mask / kp
            cache.append((A_in, Z, mask))
        out = A @ params[f"W{L}"] + params[f"b{L}"][:, None, :]
        cache.append((A, None, None))
        return out[..., 0], cache

    def acc(Xa, ya):
        return np.mean((logits_of(Xa, False)[0] > 0) == (ya > 0.5), axis=1)

    hist = {"epoch": [], "cost": [], "train_acc": [], "test_acc": []}
    for epoch in range(1, epochs + 1):
        logits, cache = logits_of(X, True)
        cost = np.mean(np.logaddexp(0.0, logits) - y * logits, axis=1)
        dA = ((sigmoid(logits) - y) / n)[..., None]
        grads = {}
        A_last = cache[-1][0]
        grads[f"W{L}"] = np.swapaxes(A_last, 1, 2) @ dA
        grads[f"b{L}"] = dA.sum(axis=1)
        dA = dA @ np.swapaxes(params[f"W{L}"], 1, 2)
        for layer in range(L - 1, 0, -1):
            A_in, Z, mask = cache[layer - 1]
            if mask is not None:
                dA = dA * mask / kp
            dZ = dA * (Z > 0)
            grads[f"W{layer}"] = np.swapaxes(A_in, 1, 2) @ dZ
            grads[f"b{layer}"] = dZ.sum(axis=1)
            dA = dZ @ np.swapaxes(params[f"W{layer}"], 1, 2)
        for key, grad in grads.items():
            m1[key] = 0.9 * m1[key] + 0.1 * grad
            m2[key] = 0.999 * m2[key] + 0.001 * grad ** 2
            params[key] -= learning_rate * (m1[key] / (1 - 0.9 ** epoch)) / (
                np.sqrt(m2[key] / (1 - 0.999 ** epoch)) + 1e-8)
        if epoch % record_every == 0 or epoch == epochs:
            hist["epoch"].append(epoch)
            hist["cost"].append(cost)
            hist["train_acc"].append(acc(X, y))
            hist["test_acc"].append(acc(X_test, y_test))
    out = {"keep_probs": probs, "epoch": np.asarray(hist["epoch"])}
    for key in ("cost", "train_acc", "test_acc"):
        out[key] = np.stack(hist[key], axis=1)
    out["params"] = [{k: v[i].copy() for k, v in params.items()} for i in range(K)]
    return out


# ---------------------------------------------------------------- explorer
EXPLORER_KEEP_PROBS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


@lru_cache(maxsize=2)
def explorer_runs(epochs: int = 1500):
    """The explorer's precomputed runs (cached): moons, 30 train / 270 test, 64-64 net."""
    from utils.datasets import moons_split

    split = moons_split(n_samples=300, noise=0.3, random_state=1, n_train=30)
    runs = train_keep_prob_grid(split.X_train, split.y_train, split.X_test, split.y_test,
                                EXPLORER_KEEP_PROBS, epochs=epochs)
    return split, runs


def draw_dropout_state(axes, keep_prob: float, runs: dict, split, *, seed: int = 0):
    """Three panels for one keep_prob: a mask on the first hidden layer (10 examples x 32 units),
    one example's activations before/after inverted dropout, the train/test curves.

    ``axes`` is a sequence of three matplotlib axes; returns it.
    """
    keep_prob = require_probability("keep_prob", keep_prob)
    probs = np.asarray(runs["keep_probs"])
    index = int(np.argmin(np.abs(probs - keep_prob)))
    if not np.isclose(probs[index], keep_prob):
        raise ValueError(f"keep_prob {keep_prob} was not precomputed; choose one of {list(probs)}")
    ax_mask, ax_act, ax_curve = axes
    params = runs["params"][index]
    A_all = np.maximum(np.asarray(split.X_train, float) @ params["W1"] + params["b1"], 0.0)
    units = np.sort(np.argsort(-A_all.mean(axis=0))[:32])  # the 32 most active units
    A = A_all[:10, units]
    A_out, mask = reference_dropout_forward(A, keep_prob, np.random.default_rng(seed))
    row = int(np.argmax((A > 0).sum(axis=1)))  # the example with the most active units
    from matplotlib.colors import ListedColormap

    ax_mask.imshow(mask, cmap=ListedColormap(["0.15", "#a6dba0"]), vmin=0, vmax=1, aspect="auto",
                   interpolation="nearest",
                   extent=(-0.5, A.shape[1] - 0.5, A.shape[0] + 0.5, 0.5))
    ax_mask.set(title=f"mask (green kept, black dropped): {mask.mean():.2f} kept",
                xlabel="hidden unit (32 most active)", ylabel="example")
    ax_mask.grid(False)
    x = np.arange(A.shape[1])
    ax_act.vlines(x - 0.15, 0, A[row], color="0.6", lw=2.5, label="a (before)")
    ax_act.vlines(x + 0.15, 0, A_out[row], color=COLORS["model"], lw=2.5,
                  label=f"a·mask/{keep_prob:.1f} (after)")
    ax_act.set(title=f"example {row + 1}: mean {A[row].mean():.2f} → {A_out[row].mean():.2f}",
               xlabel="hidden unit (32 most active)", ylabel="activation")
    ax_act.set_ylim(0, 1.3 * max(float(A_out[row].max()), 1e-3))
    ax_act.legend(loc="upper center", ncol=2, fontsize=8)
    epochs = runs["epoch"]
    ax_curve.plot(epochs, runs["train_acc"][index], color=COLORS["train"], label="train")
    ax_curve.plot(epochs, runs["test_acc"][index], color=COLORS["test"], label="test")
    if index != len(probs) - 1 and np.isclose(probs[-1], 1.0):
        ax_curve.plot(epochs, runs["test_acc"][-1], color=COLORS["test"], ls=":", lw=1,
                      label="test, no dropout")
    ax_curve.set(ylim=(0.6, 1.02), xlabel="epoch", ylabel="accuracy",
                 title=f"final: train {runs['train_acc'][index, -1]:.3f}, "
                       f"test {runs['test_acc'][index, -1]:.3f}")
    ax_curve.legend(loc="lower right", fontsize=8)
    for ax in axes:  # few ticks: tick labels are most of the drawing time
        ax.locator_params(nbins=4)
    ax_mask.set_yticks([1, 5, 10])
    return axes


def explorer_figure():
    """The explorer's 1 x 3 figure, with fixed margins (constrained layout is slow to render)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(13.0, 3.4), dpi=72)
    for ax in axes:
        ax.grid(False)
    fig.subplots_adjust(left=0.05, right=0.99, bottom=0.16, top=0.9, wspace=0.28)
    return fig, axes


def make_dropout_explorer():
    """A keep_prob slider: the mask, one example's activations, the train/test curves.

    The networks for every keep_prob are trained once (vectorized, cached) when
    the explorer is built; moving the slider only draws.
    """

    import ipywidgets as widgets

    split, runs = explorer_runs()
    slider = widgets.SelectionSlider(options=[float(p) for p in runs["keep_probs"]], value=0.8,
                                     description="keep_prob", continuous_update=True)
    seed = widgets.IntSlider(value=0, min=0, max=20, description="mask seed",
                             continuous_update=True)
    output = widgets.Output()

    def redraw(change=None):
        fig, axes = explorer_figure()
        draw_dropout_state(axes, slider.value, runs, split, seed=seed.value)
        show_in(output, fig, dpi=80)

    slider.observe(redraw, names="value")
    seed.observe(redraw, names="value")
    redraw()
    settle_garbage()
    return widgets.VBox([widgets.HBox([slider, seed]), output])
