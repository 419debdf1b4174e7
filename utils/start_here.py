"""Chapter 0: the warm-up exercise's check and the threshold explorer."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from utils.checks import exercise_check, expect, expect_close
from utils.plotting import COLORS, new_figure, show_in
from utils.validation import as_float_array, require_probability, require_same_shape

# A tiny labelled set with predicted probabilities, shared by the check and the explorer.
DEMO_Y_TRUE = np.array([1, 0, 1, 1, 0, 0, 1, 0, 1, 0], dtype=float)
DEMO_P_PRED = np.array([0.9, 0.2, 0.65, 0.4, 0.55, 0.1, 0.8, 0.3, 0.52, 0.45])


@exercise_check("your accuracy thresholds at 0.5 and returns a fraction.")
def check_accuracy(accuracy: Callable) -> None:
    """Check ``accuracy(y_true, p_pred) -> float``: the fraction with (p > 0.5) == y."""
    y, p = DEMO_Y_TRUE, DEMO_P_PRED
    predicted = p > 0.5
    right = float(np.mean(predicted == y))
    mistakes = {
        "it is the number of correct predictions: divide by the number of examples.":
            float(np.sum(predicted == y)),
        "it is the fraction wrong (the error rate, or a threshold the wrong way round): "
        "class 1 is predicted when p > 0.5.": 1 - right,
        "it compares probabilities with labels directly: threshold them first (p > 0.5).":
            float(np.mean(p == y)),
    }
    expect_close(accuracy(y, p), right, what="accuracy(y_true, p_pred) on the demo set",
                 mistakes=mistakes)
    expect_close(accuracy(np.ones(4), np.full(4, 0.9)), 1.0,
                 what="accuracy when every prediction is right")
    expect_close(accuracy(np.zeros(4), np.full(4, 0.9)), 0.0,
                 what="accuracy when every prediction is wrong")
    y_list, p_list = DEMO_Y_TRUE.tolist(), DEMO_P_PRED.tolist()
    expect(isinstance(accuracy(y_list, p_list), (float, np.floating)),
           "accuracy should return one float, also for Python lists (use np.asarray).")


def accuracy_at(threshold: float, y_true, p_pred) -> float:
    """The fraction of examples with ``(p_pred > threshold) == y_true``."""
    threshold = require_probability("threshold", threshold, allow_zero=True)
    y = as_float_array("y_true", y_true, ndim=1)
    p = as_float_array("p_pred", p_pred, ndim=1)
    require_same_shape("y_true", y, "p_pred", p)
    return float(np.mean((p > threshold) == (y > 0.5)))


def draw_threshold(ax, threshold: float, y_true=DEMO_Y_TRUE, p_pred=DEMO_P_PRED):
    """Predicted probability of each example, colored by true class, with the threshold line."""
    acc = accuracy_at(threshold, y_true, p_pred)
    order = np.argsort(p_pred)
    colors = [COLORS["class1"] if y_true[i] else COLORS["class0"] for i in order]
    ax.bar(np.arange(len(order)), np.asarray(p_pred)[order], color=colors)
    ax.axhline(threshold, color="k", ls="--", lw=1)
    ax.set(ylim=(0, 1), xticks=[], xlabel="examples (sorted by p)", ylabel="predicted p(y=1)",
           title=f"threshold {threshold:.2f}: accuracy {acc:.2f}")
    return ax


def make_threshold_explorer():
    """A slider moving the decision threshold over the demo predictions."""
    import ipywidgets as widgets

    slider = widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.05,
                                 description="threshold", continuous_update=True)
    output = widgets.Output()

    def redraw(change=None):
        fig, ax = new_figure(width=5.5, height=3.0)
        draw_threshold(ax, slider.value)
        show_in(output, fig)

    slider.observe(redraw, names="value")
    redraw()
    return widgets.VBox([slider, output])
