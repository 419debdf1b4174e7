"""Chapter 0: the accuracy check, its boundary cases, the demo data and the explorer's drawing.

Each catalogued wrong answer earning its own message is tested for every exercise in
tests/test_catalogues.py; here are the cases specific to this exercise.
"""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from utils.checks import run_check_quietly  # noqa: E402
from utils.start_here import (  # noqa: E402
    ACCURACY_MISTAKES,
    DEMO_P_PRED,
    DEMO_Y_TRUE,
    accuracy_at_threshold,
    check_accuracy,
    draw_threshold,
    make_threshold_explorer,
    reference_accuracy,
    show_failing_check,
)


def test_the_reference_is_the_fraction_right_at_a_strict_half():
    assert reference_accuracy(DEMO_Y_TRUE, DEMO_P_PRED) == pytest.approx(9 / 12)
    assert reference_accuracy(np.array([0.0]), np.array([0.5])) == 1.0  # 0.5 is class 0


@pytest.mark.parametrize("body", [
    lambda y, p: float(np.mean((p > 0.5) == y)),
    lambda y, p: float(np.mean(np.round(p) == y)),       # rounds half to even: 0.5 -> 0
    lambda y, p: sum(int(pi > 0.5) == yi for yi, pi in zip(y, p)) / len(y),
    lambda y, p: np.float32(np.count_nonzero((p > 0.5) == y.astype(bool)) / y.size),
], ids=["vectorized", "np.round", "loop", "float32"])
def test_correct_styles_pass(body):
    assert run_check_quietly(check_accuracy, body) is None


@pytest.mark.parametrize("body", [
    lambda y, p: float(np.mean((p >= 0.5) == y)),
    lambda y, p: float(np.mean(np.array([int(pi + 0.5) for pi in p]) == y)),
    lambda y, p: float(np.mean(np.floor(p + 0.5) == y)),
], ids=[">=", "int(p + 0.5)", "floor(p + 0.5)"])
def test_rounding_half_up_is_named_at_the_boundary(body):
    key, message = run_check_quietly(check_accuracy, body)
    assert key == "inclusive"
    assert "p_pred == 0.5" in message and "\n" not in message


def test_the_demo_set_has_the_boundary_case_and_no_other_ties():
    assert np.sum(DEMO_P_PRED == 0.5) == 1
    assert DEMO_Y_TRUE[DEMO_P_PRED == 0.5] == 0
    # every wrong answer gives a different number on the demo set, so each is named there
    values = [m.answer(DEMO_Y_TRUE.copy(), DEMO_P_PRED.copy()) for m in ACCURACY_MISTAKES
              if m.key not in ("mutated_input", "wrong_shape", "not_numeric")]
    assert len(set(np.round(values, 9))) == len(values)


def test_an_in_place_threshold_cannot_overwrite_the_demo_data():
    before = DEMO_P_PRED.copy()
    key, _ = run_check_quietly(check_accuracy, ACCURACY_MISTAKES["mutated_input"].answer)
    assert key == "mutated_input"
    assert np.array_equal(DEMO_P_PRED, before)
    assert not DEMO_P_PRED.flags.writeable and not DEMO_Y_TRUE.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        DEMO_P_PRED[0] = 1.0


def test_show_failing_check_prints_one_red_line(capsys):
    show_failing_check(check_accuracy, "counted")
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "\x1b[1;31m" in out
    assert ACCURACY_MISTAKES.message("counted") in out
    with pytest.raises(ValueError, match="mistake must be one of"):
        show_failing_check(check_accuracy, "no_such_mistake")
    with pytest.raises(TypeError, match="check must be an exercise check"):
        show_failing_check(print, "counted")


def test_accuracy_at_threshold_moves_examples_between_classes():
    y, p = np.array([1, 0, 1]), np.array([0.9, 0.35, 0.4])
    assert accuracy_at_threshold(y, p, 0.5) == pytest.approx(2 / 3)
    assert accuracy_at_threshold(y, p, 0.3) == pytest.approx(2 / 3)
    assert accuracy_at_threshold(y, p, 0.38) == 1.0
    assert accuracy_at_threshold(y, p, 0.0) == pytest.approx(2 / 3)   # everything is class 1
    assert accuracy_at_threshold(y, p, 1.0) == pytest.approx(1 / 3)   # everything is class 0


@pytest.mark.parametrize("args, error, match", [
    (([1, 0], [0.9, 0.1], 1.5), ValueError, "threshold must be in"),
    (([1, 0], [0.9, 0.1], float("nan")), ValueError, "threshold must be in"),
    (([1, 0], [0.9, 0.1], "0.5"), TypeError, "threshold must be a number"),
    (([1, 0], [0.5], 0.5), ValueError, "same shape"),
    (([], [], 0.5), ValueError, "y_true is empty"),
    (([[1, 0]], [[0.9, 0.1]], 0.5), ValueError, "y_true must have 1 dimension"),
    (([1, 0], [0.9, np.nan], 0.5), ValueError, "p_pred contains NaN"),
    (([1, -1], [0.9, 0.1], 0.5), ValueError, "y_true must hold labels 0 and 1"),
    (([1, 0], [1.5, 0.1], 0.5), ValueError, "p_pred must hold probabilities"),
    ((["a", "b"], [0.9, 0.1], 0.5), TypeError, "y_true must be array-like of numbers"),
])
def test_accuracy_at_threshold_rejects_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        accuracy_at_threshold(*args)


def test_the_threshold_drawing_marks_misclassified_bars_and_has_a_legend():
    fig, ax = plt.subplots()
    draw_threshold(ax, 0.5)
    hatched = [bar for bar in ax.patches[:12] if bar.get_hatch()]
    assert len(hatched) == 3 and "accuracy 0.75 (9 of 12 right)" in ax.get_title()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["true class 0", "true class 1", "misclassified", "threshold"]
    plt.close(fig)
    fig, ax = plt.subplots()
    draw_threshold(ax, 0.4)
    assert "accuracy 0.83" in ax.get_title()
    assert sum(1 for bar in ax.patches[:12] if bar.get_hatch()) == 2
    plt.close(fig)


def test_a_threshold_other_than_a_half_does_better_on_the_demo_set():
    thresholds = np.round(np.arange(0, 1.0001, 0.05), 2)
    accuracies = [accuracy_at_threshold(DEMO_Y_TRUE, DEMO_P_PRED, t) for t in thresholds]
    assert max(accuracies) > accuracy_at_threshold(DEMO_Y_TRUE, DEMO_P_PRED, 0.5)


def test_the_explorer_redraws_with_the_new_threshold():
    box = make_threshold_explorer()
    state = box.explorer
    box.explorer.controls["threshold"].value = 0.4
    assert state.redraws == 2 and state.last_values == {"threshold": 0.4}
    with pytest.raises(ValueError, match="same shape"):
        make_threshold_explorer([1, 0], [0.5])
    plt.close("all")


def test_showing_a_failing_check_keeps_the_learners_passed_status():
    from utils.checks import EXERCISES

    check_accuracy(reference_accuracy)
    show_failing_check(check_accuracy, "inclusive")
    assert EXERCISES["accuracy"].passed


def test_version_notes_name_the_running_and_the_tested_stacks():
    from utils.start_here import version_notes

    notes = version_notes("2.21.0", "3.15.1")
    assert "TensorFlow 2.21.0 / Keras 3.15.1: one of the tested stacks" in notes[0]
    assert "2.21 / Keras 3.15" in notes[1] and "2.20 / Keras 3.13 (Colab)" in notes[1]
    assert "returns all zeros" in notes[2]
    colab = version_notes("2.20.0", "3.13.2")
    assert "one of the tested stacks" in colab[0] and "raises a ValueError" in colab[2]
    assert "not a tested stack" in version_notes("2.19.0", "3.10.0")[0]


@pytest.mark.parametrize("tf_version, keras_version, error, match", [
    ("1.15.0", "3.15.1", ValueError, "TensorFlow 2"),
    ("2.21.0", "2.15.0", ValueError, "Keras 3"),
    ("2.21.0", "three", ValueError, "keras_version"),
    (2.21, "3.15.1", TypeError, "tf_version"),
])
def test_version_notes_reject_other_majors_and_bad_strings(tf_version, keras_version, error,
                                                            match):
    from utils.start_here import version_notes

    with pytest.raises(error, match=match):
        version_notes(tf_version, keras_version)
