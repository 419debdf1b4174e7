"""The check machinery every chapter's checks are built on."""
import numpy as np
import pytest

from utils.checks import (
    ExerciseNotImplemented,
    exercise_check,
    expect,
    expect_close,
    matches,
    which_mistake,
)


@exercise_check("doubles numbers.")
def check_double(fn):
    expect_close(fn(3.0), 6.0, what="double(3)",
                 mistakes={"did you add 2 instead of multiplying by 2?": 5.0})
    expect(fn(0.0) == 0.0, "double(0) should be 0.")


def double(x):
    return 2 * x


def test_a_correct_answer_prints_one_line_of_praise(capsys):
    check_double(double)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "double passed: doubles numbers." in out


def test_a_stub_says_not_implemented_yet():
    def stub(x):
        raise NotImplementedError()

    with pytest.raises(ExerciseNotImplemented, match="stub is not implemented yet: replace"):
        check_double(stub)
    assert issubclass(ExerciseNotImplemented, NotImplementedError)


def test_a_known_mistake_is_named():
    with pytest.raises(AssertionError, match=r"double\(3\) is off: did you add 2 instead"):
        check_double(lambda x: x + 2)


def test_an_unknown_mistake_shows_got_and_expected():
    with pytest.raises(AssertionError, match=r"double\(3\) is 7, expected 6"):
        check_double(lambda x: 2 * x + 1)


def test_a_property_failure_uses_its_message():
    with pytest.raises(AssertionError, match="double\\(0\\) should be 0"):
        check_double(lambda x: 2 * x + (x == 0))


def test_passing_a_value_instead_of_the_function_is_a_type_error():
    with pytest.raises(TypeError, match=r"expects your function itself, e.g. check_double\(my_function\)"):
        check_double(6.0)


def test_errors_inside_the_learners_code_propagate():
    def broken(x):
        return undefined_name  # noqa: F821

    with pytest.raises(NameError):
        check_double(broken)


def test_expect_close_messages_for_none_shape_and_type():
    with pytest.raises(AssertionError, match="did you forget a `return`"):
        expect_close(None, 1.0, what="f(x)")
    with pytest.raises(AssertionError, match=r"has shape \(3,\), expected \(2,\)"):
        expect_close(np.zeros(3), np.zeros(2), what="f(x)")
    with pytest.raises(AssertionError, match="should be numeric"):
        expect_close("abc", 1.0, what="f(x)")


def test_matches_and_which_mistake():
    assert matches([1.0, 2.0], np.array([1.0, 2.0 + 1e-9]))
    assert not matches([1.0, 2.0], [1.0])
    assert not matches("x", 1.0)
    mistakes = {"first": 1.0, "second": 2.0}
    assert which_mistake(2.0, mistakes) == "second"
    assert which_mistake(3.0, mistakes) is None
