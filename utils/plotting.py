"""The course's plotting style and the plot helpers chapters share.

Every helper takes a matplotlib ``ax`` and returns it, so figures compose:
``fig, (a, b) = new_figure(ncols=2); plot_curves(a, ...); plot_decision_boundary(b, ...)``.
Figures are PNG (the inline default): nbval compares SVG text but not PNGs.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np

from utils.validation import as_float_array, require_positive_int, require_same_length

COLORS = {"train": "#1f77b4", "test": "#d62728", "dev": "#ff7f0e", "model": "#2ca02c",
          "truth": "#444444", "class0": "#d62728", "class1": "#1f77b4"}

UNFILLED_MARKERS = ("x", "+", "1", "2", "3", "4", "|", "_", ".")

STYLE = {
    "figure.figsize": (6.0, 3.8),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "font.size": 10,
}


def use_course_style() -> None:
    """Apply the course's matplotlib style (call once, in a chapter's first cells)."""
    plt.rcParams.update(STYLE)


def new_figure(nrows: int = 1, ncols: int = 1, *, width: float | None = None,
               height: float | None = None, **kwargs):
    """``plt.subplots`` sized for the course: 4.2 in wide per column, 3.4 in tall per row."""
    nrows, ncols = require_positive_int("nrows", nrows), require_positive_int("ncols", ncols)
    size = (width or 4.2 * ncols, height or 3.4 * nrows)
    return plt.subplots(nrows, ncols, figsize=size, constrained_layout=True, **kwargs)


def plot_points(ax, X, y, *, labels: tuple[str, str] = ("class 0", "class 1"),
                marker: str = "o", alpha: float = 0.9, size: float = 28):
    """Scatter a 2-D, two-class data set: ``X`` (n, 2), ``y`` (n,) of 0/1."""
    X, y = as_float_array("X", X, ndim=2), as_float_array("y", y, ndim=1)
    require_same_length("X", X, "y", y)
    if X.shape[1] != 2:
        raise ValueError(f"X must have 2 columns to be drawn in the plane, got {X.shape[1]}")
    filled = marker not in UNFILLED_MARKERS
    for cls, label in enumerate(labels):
        pick = y == cls
        ax.scatter(X[pick, 0], X[pick, 1], s=size, marker=marker, alpha=alpha, label=label,
                   color=COLORS[f"class{cls}"], edgecolor="white" if filled else None,
                   linewidth=0.5 if filled else 1.2)
    return ax


def plot_decision_boundary(ax, predict_proba: Callable, X, y, *, grid_size: int = 200,
                           margin: float = 0.5, title: str | None = None):
    """Shade P(y=1|x) over the plane, draw the 0.5 contour and the points.

    ``predict_proba`` maps an (n, 2) array to (n,) probabilities.
    """
    X = as_float_array("X", X, ndim=2)
    grid_size = require_positive_int("grid_size", grid_size)
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], grid_size), np.linspace(lo[1], hi[1], grid_size))
    grid = np.column_stack([xx.ravel(), yy.ravel()]).astype(np.float32)
    proba = np.asarray(predict_proba(grid), dtype=float).reshape(xx.shape)
    ax.contourf(xx, yy, proba, levels=np.linspace(0, 1, 11), cmap="RdBu", alpha=0.35)
    ax.contour(xx, yy, proba, levels=[0.5], colors="k", linewidths=1.2)
    plot_points(ax, X, y)
    ax.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]), xlabel="$x_1$", ylabel="$x_2$")
    if title:
        ax.set_title(title)
    return ax


def plot_curves(ax, curves: Mapping[str, np.ndarray], *, xlabel: str = "epoch",
                ylabel: str = "", x=None, title: str | None = None, logy: bool = False):
    """Plot named 1-D curves against ``x`` (default 1, 2, ...), colored by name."""
    for name, values in curves.items():
        values = as_float_array(name, values, ndim=1)
        xs = np.arange(1, len(values) + 1) if x is None else np.asarray(x)
        ax.plot(xs, values, label=name, color=COLORS.get(name.split()[0]), lw=1.4)
    ax.set(xlabel=xlabel, ylabel=ylabel)
    if logy:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    if len(curves) > 1:
        ax.legend()
    return ax


# ------------------------------------------------------------------------------ explorers
def show_in(output, fig, *, dpi: float | None = None) -> None:
    """Show ``fig`` in an ipywidgets ``Output``, replacing what it showed, then close ``fig``.

    Explorers redraw on every slider move, so a redraw must be cheap. The inline
    backend's ``plt.show()`` renders a figure twice (once to find the tight bounding
    box); rendering it to PNG once, at the figure's own layout, halves that cost.
    """
    import io

    from IPython.display import Image, display

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    with output:
        output.clear_output(wait=True)
        display(Image(data=buffer.getvalue(), format="png"))


def settle_garbage() -> None:
    """Collect garbage now and exempt what survives from later full collections.

    With TensorFlow and a notebook's models loaded, Python holds ~500k objects; a
    full garbage collection over them takes ~0.3 s and would land in the middle of
    every few slider moves. Explorers call this once when built: ``gc.collect()``,
    then ``gc.freeze()`` (undone by ``gc.unfreeze()``), so later collections scan
    only objects created afterwards.
    """
    import gc

    gc.collect()
    gc.freeze()
