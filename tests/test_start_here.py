"""Chapter 0's check accepts a right answer and names each common wrong one."""
import numpy as np
import pytest

from utils.checks import ExerciseNotImplemented
from utils.start_here import accuracy_at, check_accuracy, draw_threshold


def accuracy(y_true, p_pred):
    return float(np.mean((np.asarray(p_pred) > 0.5) == np.asarray(y_true)))


def test_accepts_a_correct_answer(capsys):
    check_accuracy(accuracy)
    assert "accuracy passed" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, message", [
    (lambda y, p: float(np.sum((np.asarray(p) > 0.5) == np.asarray(y))), "divide by the number"),
    (lambda y, p: float(np.mean((np.asarray(p) > 0.5) != np.asarray(y))), "the error rate"),
    (lambda y, p: float(np.mean(np.asarray(p) == np.asarray(y))), "threshold them first"),
    (lambda y, p: float(np.mean((np.asarray(p) < 0.5) == np.asarray(y))), "the fraction wrong"),
    (lambda y, p: None, "forget a `return`"),
    (lambda y, p: np.asarray(p) > 0.5, r"has shape \(10,\), expected \(\)"),
])
def test_rejects_each_common_mistake_with_its_message(wrong, message):
    with pytest.raises(AssertionError, match=message):
        check_accuracy(wrong)


def test_rejects_an_answer_that_fails_on_lists():
    def list_unfriendly(y, p):
        if isinstance(p, list):
            return [0.5]
        return accuracy(y, p)

    with pytest.raises(AssertionError, match="also for Python lists"):
        check_accuracy(list_unfriendly)


def test_stub_is_not_implemented_yet():
    def accuracy_stub(y, p):
        raise NotImplementedError()

    with pytest.raises(ExerciseNotImplemented, match="not implemented yet"):
        check_accuracy(accuracy_stub)


def test_explorer_pieces():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    assert accuracy_at(0.5, [1, 0], [0.9, 0.1]) == 1.0
    assert accuracy_at(0.0, [1, 0], [0.9, 0.1]) == 0.5
    fig, ax = plt.subplots()
    assert draw_threshold(ax, 0.3) is ax and "accuracy" in ax.get_title()
    plt.close(fig)
    with pytest.raises(ValueError, match="threshold must be in"):
        accuracy_at(1.5, [1], [0.5])
    with pytest.raises(ValueError, match="same shape"):
        accuracy_at(0.5, [1, 0], [0.5])
