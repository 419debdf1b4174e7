"""Chapter 2 (first notebook): L1 and L2 weight penalties, derived.

What the learner does not write: the checks of the chapter's exercises, the
penalty conventions of the different libraries as one table of coefficients,
a small sparse-regression problem with a proximal-gradient (ISTA) solver, and
the L1-vs-L2 geometry drawings and explorer.

Conventions: every L2 convention below is written as ``c * sum(w**2)``; the
course's own (Andrew Ng's notes) is ``lambd / (2 m) * sum ||W||_F^2``.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from utils.checks import exercise_check, expect, expect_close
from utils.plotting import COLORS, new_figure, show_in
from utils.validation import (
    as_float_array,
    require_nonnegative,
    require_positive_int,
    require_same_length,
)

# ------------------------------------------------------------------ checks
_RNG = np.random.default_rng(20)
_WEIGHTS = [_RNG.normal(0, 1, (3, 4)), _RNG.normal(0, 1, (4, 2)), _RNG.normal(0, 1, (2, 1))]
_DATA_COST, _LAMBD, _M = 0.6931, 0.7, 5


def _sumsq(weights) -> float:
    return float(sum(np.sum(np.square(W)) for W in weights))


@exercise_check("data cost + lambd/(2m) times the squared Frobenius norms of every layer.")
def check_compute_cost_with_l2(compute_cost_with_l2: Callable) -> None:
    """Check ``compute_cost_with_l2(data_cost, weights, lambd, m)``."""
    weights = [W.copy() for W in _WEIGHTS]
    dc, lambd, m = _DATA_COST, _LAMBD, _M
    squares = _sumsq(weights)
    right = dc + lambd / (2 * m) * squares
    mistakes = {
        "did you forget the 1/2 in lambd/(2m)? (its job is to cancel the 2 of the derivative)":
            dc + lambd / m * squares,
        "did you forget to divide by m (the number of examples)?":
            dc + lambd / 2 * squares,
        "both the 1/2 and the 1/m are missing (that is Keras's l2(lambd) convention, not "
        "the course's).": dc + lambd * squares,
        "did you use |w| (the L1 penalty) instead of w**2?":
            dc + lambd / (2 * m) * sum(np.sum(np.abs(W)) for W in weights),
        "did you use the Frobenius norm without squaring it? The penalty is ||W||_F^2 = sum w^2.":
            dc + lambd / (2 * m) * sum(np.linalg.norm(W) for W in weights),
        "only the first layer is penalized: sum the squared norms of *every* matrix in weights.":
            dc + lambd / (2 * m) * np.sum(weights[0] ** 2),
        "only the last layer is penalized: sum the squared norms of *every* matrix in weights.":
            dc + lambd / (2 * m) * np.sum(weights[-1] ** 2),
        "did you forget to add the data cost? The function returns the whole cost J.":
            lambd / (2 * m) * squares,
        "did you average the squares (np.mean) instead of summing them?":
            dc + lambd / (2 * m) * sum(np.mean(W ** 2) for W in weights),
    }
    got = compute_cost_with_l2(dc, weights, lambd, m)
    expect(got is None or np.ndim(got) == 0, "the cost should be one number, not an array.")
    expect_close(got, right, what=f"the cost for lambd={lambd}, m={m} and three layers",
                 mistakes=mistakes)
    expect(all(np.array_equal(a, b) for a, b in zip(weights, _WEIGHTS)),
           "compute_cost_with_l2 changed the weight matrices it was given: compute, don't modify.")
    expect_close(compute_cost_with_l2(dc, weights, 0.0, m), dc,
                 what="the cost with lambd=0 (it should be the data cost alone)")
    one = [np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])]
    expect_close(compute_cost_with_l2(0.0, one, 2.0, 2), 45.5,
                 what="the penalty of [[1,2,3],[4,5,6]] with lambd=2, m=2 (sum w^2 = 91)")


@exercise_check("dW + (lambd/m) W, a new array, and it matches the numerical gradient.")
def check_l2_grad(l2_grad: Callable) -> None:
    """Check ``l2_grad(dW, W, lambd, m) -> dW + (lambd/m) W``."""
    rng = np.random.default_rng(3)
    W, dW = rng.normal(0, 1, (4, 3)), rng.normal(0, 0.1, (4, 3))
    lambd, m = 0.7, 5
    W0, dW0 = W.copy(), dW.copy()
    right = dW0 + lambd / m * W0
    mistakes = {
        "the factor is 2*lambd/m: did you drop the 1/2 from the cost before differentiating? "
        "d/dW [lambd/(2m) ||W||^2] = (lambd/m) W.": dW0 + 2 * lambd / m * W0,
        "did you forget to divide by m?": dW0 + lambd * W0,
        "the factor is lambd/(2m): the 2 of the derivative cancels the 1/2, leaving lambd/m.":
            dW0 + lambd / (2 * m) * W0,
        "wrong sign: the penalty's gradient points away from zero, so it is *added* "
        "(the update then subtracts it).": dW0 - lambd / m * W0,
        "sign(W) is the L1 penalty's (sub)gradient; the L2 penalty's gradient is W itself.":
            dW0 + lambd / m * np.sign(W0),
        "did you forget the data gradient dW? Return dW plus the penalty's gradient.":
            lambd / m * W0,
    }
    got = l2_grad(dW, W, lambd, m)
    expect(np.array_equal(W, W0), "l2_grad changed W: it should only compute a gradient.")
    expect(np.array_equal(dW, dW0),
           "l2_grad changed dW in place (dW += ...): return a new array, dW + (lambd/m) * W.")
    expect_close(got, right, what=f"l2_grad for lambd={lambd}, m={m}", mistakes=mistakes)
    # A property, not only a value: the gradient of the penalty alone is numerical.
    from utils.numpy_net import numerical_gradient, relative_error

    def penalty(w):
        return lambd / (2 * m) * np.sum(w ** 2)

    numeric = numerical_gradient(penalty, W.copy())
    error = relative_error(l2_grad(np.zeros_like(W), W, lambd, m), numeric)
    expect(error < 1e-7, f"l2_grad(0, W, ...) differs from the numerical gradient of "
                         f"lambd/(2m)||W||^2 (relative error {error:.1e}).")
    expect_close(l2_grad(dW, W, 0.0, m), dW0, what="l2_grad with lambd=0 (it should be dW)")


@exercise_check("sign(w) max(|w| - t, 0): small weights become exactly 0, the rest move by t.")
def check_soft_threshold(soft_threshold: Callable) -> None:
    """Check ``soft_threshold(w, t) -> sign(w) * max(|w| - t, 0)`` element-wise."""
    w = np.array([-2.0, -0.5, -0.1, 0.0, 0.05, 0.3, 1.5])
    w0, t = w.copy(), 0.4
    right = np.sign(w0) * np.maximum(np.abs(w0) - t, 0.0)
    mistakes = {
        "negative weights should move up towards 0 too: use sign(w) * max(|w| - t, 0), "
        "not max(w - t, 0).": np.maximum(w0 - t, 0.0),
        "weights smaller than t crossed zero: clip at 0 (max(|w| - t, 0)) instead of "
        "w - t*sign(w).": w0 - t * np.sign(w0),
        "this is the L2 shrink w/(1+t): it never gives exact zeros.": w0 / (1 + t),
        "this is hard thresholding (keep w when |w| > t, else 0): the L1 step also moves the "
        "survivors by t.": w0 * (np.abs(w0) > t),
        "did you use the absolute value without putting the sign back?":
            np.maximum(np.abs(w0) - t, 0.0),
    }
    got = soft_threshold(w, t)
    expect(np.array_equal(w, w0), "soft_threshold changed its input w in place.")
    expect_close(got, right, what=f"soft_threshold(w, t={t})", mistakes=mistakes)
    expect_close(soft_threshold(w, 0.0), w0, what="soft_threshold with t=0 (it should be w)")
    got_matrix = soft_threshold(np.tile(w0, (2, 1)), t)
    expect_close(got_matrix, np.tile(right, (2, 1)), what="soft_threshold on a (2, 7) matrix")


# ------------------------------------------------------------------ conventions
CONVENTIONS = {
    "course notes": ("lambd/(2m) * sum w^2", "lambd / (2 m)"),
    "d2l": ("lambd/2 * sum w^2", "lambd / 2"),
    "keras l2": ("lambd * sum w^2", "lambd"),
    "tf.nn.l2_loss": ("lambd * sum w^2 / 2", "lambd / 2"),
    "pytorch weight_decay": ("gradient += lambd * w", "lambd / 2"),
}


def l2_coefficient(convention: str, lambd: float, m: int | None = None) -> float:
    """The ``c`` of ``c * sum(w**2)`` that ``lambd`` means in ``convention``.

    ``convention`` is one of ``CONVENTIONS``; "course notes" needs ``m``.
    ("tf.nn.l2_loss" means ``lambd * tf.nn.l2_loss(w)`` as in seed 002;
    "pytorch weight_decay" means SGD's ``weight_decay=lambd``, which adds
    ``lambd * w`` to the gradient, the gradient of ``lambd/2 * sum w^2``.)
    """
    lambd = require_nonnegative("lambd", lambd)
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {list(CONVENTIONS)}, got {convention!r}")
    if convention == "course notes":
        if m is None:
            raise ValueError("the course-notes convention lambd/(2m) needs m (examples)")
        return lambd / (2 * require_positive_int("m", m))
    if convention == "keras l2":
        return lambd
    return lambd / 2


def convert_l2(lambd: float, source: str, target: str, m: int | None = None) -> float:
    """The lambd of ``target`` convention giving the same penalty as ``lambd`` in ``source``."""
    c = l2_coefficient(source, lambd, m)
    per_unit = l2_coefficient(target, 1.0, m)
    return c / per_unit


# ------------------------------------------------------------------ sparse regression
def make_sparse_regression(n: int = 100, d: int = 40, k: int = 5, noise: float = 0.5,
                           seed: int = 0):
    """Linear data where only ``k`` of ``d`` features matter.

    Returns ``(X (n, d), y (n,), w_true (d,))``; the first ``k`` entries of
    ``w_true`` are non-zero (magnitudes 1 to 3, random signs), the others 0.
    """
    n, d, k = (require_positive_int(name, v) for name, v in (("n", n), ("d", d), ("k", k)))
    if k > d:
        raise ValueError(f"k (relevant features) must be <= d (features), got k={k}, d={d}")
    noise = require_nonnegative("noise", noise)
    rng = np.random.default_rng(seed)
    X = rng.normal(0.0, 1.0, (n, d))
    w_true = np.zeros(d)
    w_true[:k] = rng.uniform(1.0, 3.0, k) * rng.choice([-1.0, 1.0], k)
    y = X @ w_true + noise * rng.normal(0.0, 1.0, n)
    return X, y, w_true


def reference_soft_threshold(w, t):
    """sign(w) max(|w| - t, 0): the proximal step of t * |w|."""
    w = np.asarray(w, dtype=float)
    return np.sign(w) * np.maximum(np.abs(w) - t, 0.0)


def fit_linear(X, y, *, l1: float = 0.0, l2: float = 0.0, epochs: int = 500,
               method: str = "proximal", soft_threshold: Callable | None = None) -> np.ndarray:
    """Least squares with an elastic-net penalty, by full-batch gradient steps.

    Minimizes ``1/(2n) ||X w - y||^2 + l1 ||w||_1 + l2/2 ||w||^2`` (the
    objective of scikit-learn's ``Lasso``/``ElasticNet`` without intercept)
    with step ``1/L``, ``L`` the curvature of the smooth part. ``method``:
    "proximal" (ISTA: gradient step on the smooth part, then
    ``soft_threshold(w, step * l1)``) or "subgradient" (a step along
    ``gradient + l1 * sign(w)``, which never lands exactly on 0).
    Returns ``w`` (d,).
    """
    X, y = as_float_array("X", X, ndim=2), as_float_array("y", y, ndim=1)
    require_same_length("X", X, "y", y)
    l1, l2 = require_nonnegative("l1", l1), require_nonnegative("l2", l2)
    epochs = require_positive_int("epochs", epochs)
    if method not in ("proximal", "subgradient"):
        raise ValueError(f"method must be 'proximal' or 'subgradient', got {method!r}")
    prox = soft_threshold or reference_soft_threshold
    n = X.shape[0]
    gram, xty = X.T @ X / n, X.T @ y / n
    step = 1.0 / (np.linalg.eigvalsh(gram)[-1] + l2)
    w = np.zeros(X.shape[1])
    for _ in range(epochs):
        grad = gram @ w - xty + l2 * w
        if method == "proximal":
            w = np.asarray(prox(w - step * grad, step * l1), dtype=float)
        else:
            w = w - step * (grad + l1 * np.sign(w))
    return w


# ------------------------------------------------------------------ geometry
# A quadratic loss 1/2 (w - c)^T A (w - c) with tilted elliptic contours.
GEOMETRY_A = np.array([[1.0, 0.55], [0.55, 0.8]])
GEOMETRY_C = np.array([2.2, 0.9])


def _quadratic_loss(W1, W2, A=GEOMETRY_A, c=GEOMETRY_C):
    d1, d2 = W1 - c[0], W2 - c[1]
    return 0.5 * (A[0, 0] * d1 ** 2 + 2 * A[0, 1] * d1 * d2 + A[1, 1] * d2 ** 2)


def ball_boundary(kind: str, radius: float, n: int = 4000) -> np.ndarray:
    """Points (n, 2) on the boundary of the L1 ("l1", a diamond) or L2 ("l2") ball.

    The diamond's four corners are included exactly.
    """
    radius = require_nonnegative("radius", radius)
    if kind not in ("l1", "l2"):
        raise ValueError(f"kind must be 'l1' or 'l2', got {kind!r}")
    theta = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    if kind == "l2":
        return radius * np.column_stack([np.cos(theta), np.sin(theta)])
    s = np.linspace(0.0, 4.0, n, endpoint=False)  # corners at s = 0, 1, 2, 3
    corners = radius * np.array([[1, 0], [0, 1], [-1, 0], [0, -1], [1, 0]], dtype=float)
    i, f = np.floor(s).astype(int), (s - np.floor(s))[:, None]
    return corners[i] * (1 - f) + corners[i + 1] * f


def constrained_optimum(kind: str, radius: float, A=GEOMETRY_A, c=GEOMETRY_C) -> np.ndarray:
    """argmin of the quadratic loss over the L1 or L2 ball of ``radius`` (2-D).

    If the unconstrained minimum ``c`` is inside the ball it is the answer;
    otherwise the optimum is on the boundary, found on a fine grid of it.
    """
    c = np.asarray(c, dtype=float)
    norm = np.abs(c).sum() if kind == "l1" else np.linalg.norm(c)
    if norm <= radius:
        return c.copy()
    pts = ball_boundary(kind, radius)
    losses = _quadratic_loss(pts[:, 0], pts[:, 1], A, c)
    return pts[np.argmin(losses)]


_GRID: tuple = ()


def _loss_grid():
    """The loss on a 161 x 161 grid of [-3, 3]^2, computed once."""
    global _GRID
    if not _GRID:
        g = np.linspace(-3.0, 3.0, 161)
        W1, W2 = np.meshgrid(g, g)
        _GRID = (W1, W2, _quadratic_loss(W1, W2))
    return _GRID


def draw_penalty_geometry(ax, radius: float = 1.0):
    """Loss contours, the L1 diamond and the L2 circle of ``radius``, and both optima."""
    radius = require_nonnegative("radius", radius)
    W1, W2, loss = _loss_grid()
    ax.contour(W1, W2, loss, levels=np.geomspace(0.02, 12, 14), colors="0.72", linewidths=0.6)
    ax.plot(*GEOMETRY_C, "k*", ms=10, label="unpenalized minimum")
    for kind, color, name in (("l1", COLORS["test"], "L1"), ("l2", COLORS["train"], "L2")):
        pts = ball_boundary(kind, radius, 400)
        ax.fill(pts[:, 0], pts[:, 1], color=color, alpha=0.12)
        ax.plot(*np.vstack([pts, pts[:1]]).T, color=color, lw=1.5)
        w = constrained_optimum(kind, radius)
        level = float(_quadratic_loss(w[0], w[1]))
        if level > 1e-9:  # the loss contour that touches the region at the optimum
            ax.contour(W1, W2, loss, levels=[level], colors=[color],
                       linewidths=1.8, linestyles="--")
        zeros = int(np.sum(np.abs(w) < 1e-12))
        ax.plot(*w, "o", color=color, ms=8, mec="k",
                label=f"{name} optimum ({w[0]:.2f}, {w[1]:.2f}), {zeros} exact zero(s)")
    ax.axhline(0, color="k", lw=0.6)
    ax.axvline(0, color="k", lw=0.6)
    ax.set(xlim=(-3, 3), ylim=(-3, 3), aspect="equal", xlabel="$w_1$", ylabel="$w_2$",
           title=f"constraint size t = {radius:.2f}")
    ax.legend(loc="lower left", fontsize=7.5, frameon=True, framealpha=0.9)
    return ax


def draw_shrinkage_maps(ax, lambd: float = 1.0):
    """What one penalized step does to a weight w: soft threshold (L1), shrink (L2), hard (L0)."""
    lambd = require_nonnegative("lambd", lambd)
    w = np.linspace(-3.0, 3.0, 601)
    ax.plot(w, w, color="0.6", ls=":", lw=1, label="no penalty: w")
    ax.plot(w, reference_soft_threshold(w, lambd), color=COLORS["test"], lw=2,
            label=r"L1 prox: sign(w) max(|w|$-\lambda$, 0)")
    ax.plot(w, w / (1 + lambd), color=COLORS["train"], lw=2, label=r"L2 prox: w / (1+$\lambda$)")
    ax.plot(w, w * (np.abs(w) > np.sqrt(2 * lambd)), color=COLORS["model"], lw=1.2, ls="--",
            label=r"L0 prox: hard threshold at $\sqrt{2\lambda}$")
    ax.set(xlim=(-3, 3), ylim=(-3, 3), aspect="equal", xlabel="w before the step",
           ylabel="w after the step",
           title=fr"$\lambda$ = {lambd:.2f}: L1 zeroes |w| $\leq$ {lambd:.2f}")
    ax.legend(loc="upper left", fontsize=7.5, frameon=True, framealpha=0.9)
    return ax


def make_penalty_geometry_explorer():
    """Sliders for the constraint size t (diamond vs circle) and lambd (the prox maps)."""
    import ipywidgets as widgets

    radius = widgets.FloatSlider(value=1.0, min=0.1, max=2.8, step=0.05,
                                 description="t (size)", continuous_update=True)
    lambd = widgets.FloatSlider(value=0.8, min=0.0, max=2.0, step=0.05,
                                description="λ (prox)", continuous_update=True)
    geometry_out, maps_out = widgets.Output(), widgets.Output()

    def redraw_geometry(change=None):  # each slider redraws only its own panel
        fig, ax = new_figure(width=5.2, height=5.0)
        draw_penalty_geometry(ax, radius.value)
        show_in(geometry_out, fig)

    def redraw_maps(change=None):
        fig, ax = new_figure(width=5.2, height=5.0)
        draw_shrinkage_maps(ax, lambd.value)
        show_in(maps_out, fig)

    radius.observe(redraw_geometry, names="value")
    lambd.observe(redraw_maps, names="value")
    redraw_geometry()
    redraw_maps()
    return widgets.VBox([widgets.HBox([radius, lambd]), widgets.HBox([geometry_out, maps_out])])


def weight_norms(weights) -> np.ndarray:
    """Frobenius norm of each array in ``weights`` (a list of arrays)."""
    return np.array([np.linalg.norm(as_float_array("weight", W)) for W in weights])


def penalty_by_hand(weights, *, l1: float = 0.0, l2: float = 0.0) -> float:
    """Keras's convention, computed by hand: ``l1 * sum|w| + l2 * sum w^2`` over ``weights``."""
    l1, l2 = require_nonnegative("l1", l1), require_nonnegative("l2", l2)
    arrays = [as_float_array("weight", W) for W in weights]
    return float(sum(l1 * np.abs(W).sum() + l2 * np.square(W).sum() for W in arrays))
