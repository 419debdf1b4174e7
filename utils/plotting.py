"""The course's plotting style and the plot helpers chapters share.

Every helper takes a matplotlib ``ax`` and returns it, so figures compose:
``fig, (a, b) = new_figure(ncols=2); plot_curves(a, ...); plot_decision_boundary(b, ...)``.
Figures are PNG (the inline default): nbval compares SVG text but not PNGs.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np

from utils.validation import (
    as_float_array,
    require_binary_labels,
    require_nonnegative,
    require_positive_int,
    require_same_length,
)

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
    require_binary_labels("y", y)
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
    X = as_float_array("X", X, ndim=2, allow_empty=False)
    if not callable(predict_proba):
        raise TypeError(f"predict_proba must be a function of an (n, 2) array, "
                        f"got {type(predict_proba).__name__}")
    grid_size = require_positive_int("grid_size", grid_size)
    margin = require_nonnegative("margin", margin)
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], grid_size), np.linspace(lo[1], hi[1], grid_size))
    grid = np.column_stack([xx.ravel(), yy.ravel()]).astype(np.float32)
    proba = np.asarray(predict_proba(grid), dtype=float)
    if proba.size != xx.size:
        raise ValueError(f"predict_proba must return one probability per row: got shape "
                         f"{proba.shape} for {len(grid)} rows")
    proba = proba.reshape(xx.shape)
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
    if not curves:
        raise ValueError("curves must hold at least one named curve")
    for name, values in curves.items():
        values = as_float_array(name, values, ndim=1, allow_empty=False)
        xs = np.arange(1, len(values) + 1) if x is None else as_float_array("x", x, ndim=1)
        if len(xs) != len(values):
            raise ValueError(f"x has {len(xs)} values but curve {name!r} has {len(values)}")
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
def fast_figure(nrows: int = 1, ncols: int = 1, *, width: float | None = None,
                height: float | None = None, dpi: float = 72, left: float = 0.08,
                right: float = 0.98, bottom: float = 0.16, top: float = 0.88,
                wspace: float = 0.3, hspace: float = 0.4, grid: bool = True):
    """A figure for an explorer's redraw: fixed margins, low dpi, no constrained layout.

    Constrained layout and tight bounding boxes re-measure every text on each
    draw; an explorer redraws on every slider move, so its figure gets fixed
    margins instead (tune ``left`` ... ``hspace`` once, by eye).
    """
    nrows, ncols = require_positive_int("nrows", nrows), require_positive_int("ncols", ncols)
    size = (width or 4.2 * ncols, height or 3.4 * nrows)
    fig, axes = plt.subplots(nrows, ncols, figsize=size, dpi=dpi)
    fig.subplots_adjust(left=left, right=right, bottom=bottom, top=top, wspace=wspace,
                        hspace=hspace)
    for ax in np.atleast_1d(axes).ravel():
        ax.grid(grid)
    return fig, axes


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
    every few slider moves. ``explorer`` calls this once per explorer it builds:
    ``gc.collect()``, then ``gc.freeze()`` (undone by ``gc.unfreeze()``), so later
    collections scan only objects created afterwards.
    """
    import gc

    gc.collect()
    gc.freeze()


@dataclass
class Explorer:
    """One built explorer: its controls, its drawing and how often it redrew."""

    name: str
    controls: dict          # control name -> ipywidgets value widget
    draw: Callable          # draw(axes, **values): fills the figure's axes
    make_figure: Callable   # () -> (fig, axes), e.g. a fast_figure call
    output: object          # ipywidgets.Output the figure is shown in
    widget: object = None   # the box shown in the notebook (controls above the figure)
    dpi: float | None = None
    redraws: int = 0
    last_values: dict = field(default_factory=dict)
    build_seconds: float = 0.0

    def values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def redraw(self, change=None) -> None:
        values = self.values()
        fig, axes = self.make_figure()
        self.draw(axes, **values)
        show_in(self.output, fig, dpi=self.dpi)
        self.redraws += 1
        self.last_values = values


EXPLORERS: list[Explorer] = []           # every explorer built in this process, in order
EXPLORER_FACTORIES: dict[str, Callable] = {}  # every make_*_explorer, by name (for tests)


def explorer(name: str, controls: Mapping[str, object], draw: Callable, *,
             figure: Callable, dpi: float | None = None, rows=None):
    """Build an explorer: wire every control to one redraw, draw once, register it.

    ``controls`` maps a name to an ipywidgets value widget (slider, dropdown,
    checkbox ...); on every change of any control, ``figure()`` makes a new
    ``(fig, axes)``, ``draw(axes, **values)`` draws with the controls' current
    values (keyword arguments named like ``controls``) and the figure is
    rendered once as PNG (``show_in``). ``rows`` optionally groups control
    names into rows, e.g. ``[["lambd", "kind"], ["epochs"]]``.
    Returns the ipywidgets box to display; ``box.explorer`` is the ``Explorer``.
    """
    import ipywidgets as widgets

    if not controls:
        raise ValueError("controls must hold at least one widget")
    for control_name, control in controls.items():
        if not hasattr(control, "observe") or not hasattr(control, "value"):
            raise TypeError(f"control {control_name!r} must be an ipywidgets value widget, "
                            f"got {type(control).__name__}")
    rows = rows or [list(controls)]
    listed = [n for row in rows for n in row]
    if sorted(listed) != sorted(controls):
        raise ValueError(f"rows must list every control once: got {listed}, "
                         f"controls are {list(controls)}")
    output = widgets.Output()
    state = Explorer(name, dict(controls), draw, figure, output, dpi=dpi)
    for control in controls.values():
        control.observe(state.redraw, names="value")
    state.redraw()
    lines = [widgets.HBox([controls[n] for n in row]) for row in rows]
    box = widgets.VBox([*lines, output])
    box.explorer = state
    state.widget = box
    settle_garbage()
    EXPLORERS.append(state)
    return box


def explorer_factory(factory: Callable) -> Callable:
    """Mark a ``make_*_explorer`` function: registered for the tests, its build timed.

    The factory must return what ``explorer(...)`` returns and be callable with
    no arguments (the shared explorer test builds every factory that way).
    """
    import time

    @functools.wraps(factory)
    def build(*args, **kwargs):
        start = time.perf_counter()
        box = factory(*args, **kwargs)
        state = getattr(box, "explorer", None)
        if not isinstance(state, Explorer):
            raise TypeError(f"{factory.__name__} must return what utils.plotting.explorer returns")
        state.build_seconds = time.perf_counter() - start
        return box

    EXPLORER_FACTORIES[f"{factory.__module__}.{factory.__name__}"] = build
    return build
