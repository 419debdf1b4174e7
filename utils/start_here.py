"""Chapter 0: the warm-up exercise (``accuracy``), its check and the threshold explorer.

- ``DEMO_Y_TRUE``, ``DEMO_P_PRED``: twelve labelled examples with predicted
  probabilities, shared by the check and the explorer (read-only arrays: nothing a
  learner's function does can change them). One probability is exactly 0.5, where
  the rule "class 1 when p > 0.5" predicts class 0.
- ``reference_accuracy``: the course's answer; ``ACCURACY_MISTAKES``: the named
  wrong answers the check recognizes; ``check_accuracy``: the check.
- ``accuracy_at_threshold``, ``draw_threshold``, ``make_threshold_explorer``:
  the decision-threshold explorer.
- ``show_failing_check``: shows what a failing check looks like, in one line.
- ``TESTED_STACKS`` and ``version_notes``: the TensorFlow/Keras versions the course is tested
  on, and what the installed versions mean for the chapters whose behaviour depends on them.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from utils.checks import Catalogue, CheckFailed, Mistake, exercise_check, run_check_quietly
from utils.plotting import COLORS, explorer, explorer_factory, fast_figure
from utils.validation import (
    as_float_array,
    require_binary_labels,
    require_probability,
    require_same_shape,
)


def _read_only(values) -> np.ndarray:
    array = np.array(values, dtype=float)
    array.setflags(write=False)
    return array


# Positives at 0.42 and 0.45 and a negative at 0.55 are misclassified at 0.5, so a
# threshold near 0.4 does better on this small set; the negative at exactly 0.5 is
# class 0 under "p > 0.5" and class 1 under ">=" (the check's boundary case).
DEMO_Y_TRUE = _read_only([1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 0])
DEMO_P_PRED = _read_only([0.92, 0.08, 0.66, 0.45, 0.55, 0.21, 0.81, 0.50, 0.58, 0.35, 0.42,
                          0.30])


def accuracy_at_threshold(y_true, p_pred, threshold: float = 0.5) -> float:
    """The fraction of examples with ``(p_pred > threshold) == y_true``.

    ``y_true``: (m,) labels 0 or 1; ``p_pred``: (m,) probabilities in [0, 1];
    ``threshold`` in [0, 1]. Class 1 is predicted when ``p_pred > threshold``.
    """
    threshold = require_probability("threshold", threshold, allow_zero=True)
    y = as_float_array("y_true", y_true, ndim=1, allow_empty=False)
    p = as_float_array("p_pred", p_pred, ndim=1, allow_empty=False)
    require_same_shape("y_true", y, "p_pred", p)
    require_binary_labels("y_true", y)
    if np.any((p < 0) | (p > 1)):
        raise ValueError(f"p_pred must hold probabilities in [0, 1], got values from "
                         f"{p.min():g} to {p.max():g}")
    return float(np.mean((p > threshold) == (y == 1)))


def reference_accuracy(y_true, p_pred) -> float:
    """The course's answer to the exercise: accuracy with class 1 when ``p_pred > 0.5``."""
    return accuracy_at_threshold(y_true, p_pred, 0.5)


# ------------------------------------------------------------------ the catalogue of mistakes
def accuracy_counted(y_true, p_pred):
    return float(np.sum((p_pred > 0.5) == y_true))


def accuracy_error_rate(y_true, p_pred):
    return float(np.mean((p_pred > 0.5) != y_true))


def accuracy_threshold_reversed(y_true, p_pred):
    return float(np.mean((p_pred < 0.5) == y_true))


def accuracy_unthresholded(y_true, p_pred):
    return float(np.mean(p_pred == y_true))


def accuracy_predicted_positive(y_true, p_pred):
    return float(np.mean(p_pred > 0.5))


def accuracy_inclusive(y_true, p_pred):
    return float(np.mean((p_pred >= 0.5) == y_true))


def accuracy_in_place(y_true, p_pred):
    p_pred[:] = p_pred > 0.5
    return float(np.mean(p_pred == y_true))


def accuracy_per_example(y_true, p_pred):
    return (p_pred > 0.5) == y_true


def accuracy_as_text(y_true, p_pred):
    return f"{np.mean((p_pred > 0.5) == y_true):.0%}"


def accuracy_one_example_off(y_true, p_pred):
    return float(np.mean((p_pred[1:] > 0.5) == y_true[1:]))


ACCURACY_MISTAKES = Catalogue(
    "accuracy",
    Mistake("counted", "accuracy returned the number of correct predictions, not the fraction: "
                       "divide by the number of examples (or use np.mean).", accuracy_counted),
    Mistake("error_rate", "accuracy returned the fraction of wrong predictions (the error "
                          "rate): compare with == instead of !=.", accuracy_error_rate),
    Mistake("threshold_reversed", "accuracy predicted class 1 where p_pred < 0.5: the rule is "
                                  "class 1 when p_pred > 0.5.", accuracy_threshold_reversed),
    Mistake("unthresholded", "accuracy compared the probabilities with the labels directly: "
                             "turn them into classes first with p_pred > 0.5.",
            accuracy_unthresholded),
    Mistake("predicted_positive", "accuracy returned the fraction of examples predicted as "
                                  "class 1: compare the predictions with y_true.",
            accuracy_predicted_positive),
    Mistake("inclusive", "accuracy predicted class 1 at p_pred == 0.5 exactly (>= or "
                         "int(p + 0.5)), but the rule is p_pred > 0.5, so 0.5 is class 0.",
            accuracy_inclusive),
    Mistake("mutated_input", answer=accuracy_in_place),
    Mistake("wrong_shape", answer=accuracy_per_example),
    Mistake("not_numeric", answer=accuracy_as_text),
    Mistake("wrong_value", answer=accuracy_one_example_off),
)


@exercise_check("your accuracy thresholds at 0.5 and returns a fraction.",
                catalogue=ACCURACY_MISTAKES, reference=reference_accuracy)
def check_accuracy(accuracy: Callable) -> None:
    """Check ``accuracy(y_true, p_pred) -> float`` on NumPy arrays, as its docstring says."""
    y, p = DEMO_Y_TRUE, DEMO_P_PRED
    predicted = p > 0.5
    right = float(np.mean(predicted == y))
    ACCURACY_MISTAKES.close(
        accuracy(y, p), right, what="accuracy(y_true, p_pred) on the demo set",
        candidates={"counted": np.sum(predicted == y),
                    "error_rate": 1 - right,
                    "threshold_reversed": np.mean((p < 0.5) == y),
                    "unthresholded": np.mean(p == y),
                    "predicted_positive": np.mean(predicted),
                    "inclusive": np.mean((p >= 0.5) == y)})
    # Where the natural mistakes agree with the right answer on the demo set, small cases
    # separate them: all right, all wrong, and a tie at exactly 0.5.
    for y_case, p_case, expected, what in (
            ([1, 1, 0, 0], [0.9, 0.6, 0.4, 0.1], 1.0, "every prediction is right"),
            ([0, 0, 1, 1], [0.9, 0.6, 0.4, 0.1], 0.0, "every prediction is wrong"),
            ([0, 1, 0], [0.5, 0.7, 0.2], 1.0, "one p_pred is exactly 0.5")):
        y_case, p_case = np.array(y_case, dtype=float), np.array(p_case)
        predicted = p_case > 0.5
        ACCURACY_MISTAKES.close(
            accuracy(y_case, p_case), expected,
            what=f"accuracy(y_true={y_case.tolist()}, p_pred={p_case.tolist()}) "
                 f"(where {what})",
            candidates={"error_rate": 1 - expected,
                        "threshold_reversed": np.mean((p_case < 0.5) == y_case),
                        "inclusive": np.mean((p_case >= 0.5) == y_case),
                        "counted": np.sum(predicted == y_case)})


def show_failing_check(check: Callable, mistake: str) -> None:
    """Run ``check`` on the catalogued wrong answer ``mistake``; print what a learner sees.

    A failing check shows one red line, its message: this prints that line (in red,
    as JupyterLab shows it) instead of stopping the notebook.
    """
    if not callable(check) or not hasattr(check, "catalogue"):
        raise TypeError(f"check must be an exercise check such as check_accuracy, got {check!r}")
    catalogue = check.catalogue
    if mistake not in catalogue or catalogue[mistake].answer is None:
        named = [m.key for m in catalogue if m.answer is not None]
        raise ValueError(f"mistake must be one of {named}, got {mistake!r}")
    result = run_check_quietly(check, catalogue[mistake].answer)  # keeps the passed status
    if result is None:
        raise RuntimeError(f"the check accepted the wrong answer {mistake!r}")
    key, message = result
    print(CheckFailed(message, mistake=key)._render_traceback_()[0])


# ------------------------------------------------------------------ the threshold explorer
def draw_threshold(ax, threshold: float, y_true=DEMO_Y_TRUE, p_pred=DEMO_P_PRED):
    """Predicted probability of each example as a bar, colored by its true class.

    Bars of misclassified examples (at ``threshold``) are hatched; the dashed line
    is the threshold; the title gives the accuracy. Returns ``ax``.
    """
    from matplotlib.patches import Patch

    acc = accuracy_at_threshold(y_true, p_pred, threshold)
    y, p = np.asarray(y_true, dtype=float), np.asarray(p_pred, dtype=float)
    order = np.argsort(p, kind="stable")
    wrong = (p[order] > threshold) != (y[order] == 1)
    colors = [COLORS["class1"] if y[i] == 1 else COLORS["class0"] for i in order]
    bars = ax.bar(np.arange(len(order)), p[order], color=colors, edgecolor="black",
                  linewidth=0.0)
    for bar, is_wrong in zip(bars, wrong):
        if is_wrong:
            bar.set_hatch("///")
            bar.set_linewidth(1.0)
    line = ax.axhline(threshold, color="k", ls="--", lw=1, label="threshold")
    ax.legend(handles=[Patch(color=COLORS["class0"], label="true class 0"),
                       Patch(color=COLORS["class1"], label="true class 1"),
                       Patch(facecolor="white", edgecolor="black", hatch="///",
                             label="misclassified"), line],
              loc="upper left", fontsize=8, frameon=True)
    ax.set(ylim=(0, 1), xticks=[], xlabel="examples (sorted by p)", ylabel="predicted p(y=1)",
           title=f"threshold {threshold:.2f}: accuracy {acc:.2f} "
                 f"({int(np.sum(~wrong))} of {len(wrong)} right)")
    return ax


@explorer_factory
def make_threshold_explorer(y_true=DEMO_Y_TRUE, p_pred=DEMO_P_PRED):
    """A slider moving the decision threshold over predicted probabilities (the demo set)."""
    import ipywidgets as widgets

    accuracy_at_threshold(y_true, p_pred)  # validates both arrays once, before any drawing
    slider = widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.05,
                                 description="threshold", continuous_update=True)

    def draw(ax, threshold):
        draw_threshold(ax, threshold, y_true, p_pred)

    return explorer("threshold", {"threshold": slider}, draw,
                    figure=lambda: fast_figure(width=6.0, height=3.2, left=0.1, bottom=0.1,
                                               top=0.9))



TESTED_STACKS = {"the course's pins": ("2.21", "3.15"), "Colab": ("2.20", "3.13")}
"""(TensorFlow, Keras) major.minor of the stacks every notebook is run on: the pinned
requirements (``make test``) and Colab's runtime (``make compat``)."""


def _major_minor(name: str, version) -> tuple[int, int]:
    if not isinstance(version, str):
        raise TypeError(f"{name} must be a version string such as '3.15.1', got {version!r}")
    parts = version.split(".")
    try:
        return int(parts[0]), int(parts[1])
    except (IndexError, ValueError):
        raise ValueError(f"{name} must start with major.minor numbers, such as '3.15.1', "
                         f"got {version!r}") from None


def version_notes(tf_version: str, keras_version: str) -> list[str]:
    """What the installed TensorFlow and Keras mean for the course, one line per point.

    Raises ``ValueError`` for TensorFlow other than 2 or Keras other than 3 (the course's
    code needs Keras 3: ``keras.Input``, ``keras.regularizers.l2(λ)``, ``keras.ops``).
    """
    tf_mm, keras_mm = _major_minor("tf_version", tf_version), _major_minor("keras_version",
                                                                          keras_version)
    if tf_mm[0] != 2:
        raise ValueError(f"the course needs TensorFlow 2, found {tf_version}")
    if keras_mm[0] != 3:
        raise ValueError(f"the course needs Keras 3 (keras.Input, keras.regularizers.l2(λ)), "
                         f"found {keras_version}")
    tested = "; ".join(f"TensorFlow {t} / Keras {k} ({where})"
                       for where, (t, k) in TESTED_STACKS.items())
    stacks = {(tuple(map(int, t.split("."))), tuple(map(int, k.split("."))))
              for t, k in TESTED_STACKS.values()}
    status = ("one of the tested stacks" if (tf_mm, keras_mm) in stacks else
              "not a tested stack: the chapters should run, but printed numbers may differ "
              "in the last digits and the chapter 3 and 5 notes below may not apply")
    dropout = ("returns all zeros" if keras_mm >= (3, 14) else
               "raises a ValueError (zeros from Keras 3.14 on)")
    return [
        f"running TensorFlow {tf_version} / Keras {keras_version}: {status}",
        f"tested on: {tested}",
        f"chapter 3: keras.layers.Dropout(1.0)(x, training=True) {dropout}; the chapter "
        "shows what your version does",
        "chapter 5: RandomFlip, RandomTranslation and the other augmentation layers are on "
        "in a plain model(x) call (training defaults to True) on Keras 3.13 and 3.15 alike",
    ]
