import numpy as np
import pytest

from utils import validation as v


@pytest.mark.parametrize("value", [0.2, 1, 1.0])
def test_probability_accepts_values_in_zero_one(value):
    assert v.require_probability("keep_prob", value) == float(value)


@pytest.mark.parametrize("value, error, message", [
    (0.0, ValueError, r"keep_prob must be in \(0, 1\], got 0.0"),
    (1.2, ValueError, r"keep_prob must be in \(0, 1\], got 1.2"),
    (-0.1, ValueError, "got -0.1"),
    (float("nan"), ValueError, "got nan"),
    ("0.5", TypeError, "keep_prob must be a number"),
    (True, TypeError, "keep_prob must be a number"),
])
def test_probability_rejects_with_a_clear_message(value, error, message):
    with pytest.raises(error, match=message):
        v.require_probability("keep_prob", value)


def test_probability_allow_zero():
    assert v.require_probability("rate", 0, allow_zero=True) == 0.0
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        v.require_probability("rate", -1, allow_zero=True)


def test_nonnegative():
    assert v.require_nonnegative("lambd", 0) == 0.0
    with pytest.raises(ValueError, match="lambd must be >= 0, got -0.1"):
        v.require_nonnegative("lambd", -0.1)
    with pytest.raises(ValueError, match="lambd must be >= 0, got nan"):
        v.require_nonnegative("lambd", float("nan"))
    with pytest.raises(ValueError, match="lambd must be finite, got inf"):
        v.require_nonnegative("lambd", float("inf"))
    with pytest.raises(TypeError):
        v.require_nonnegative("lambd", None)


def test_positive():
    assert v.require_positive("learning_rate", 0.01) == 0.01
    for bad in (0.0, -0.01, float("nan")):
        with pytest.raises(ValueError, match="learning_rate must be > 0"):
            v.require_positive("learning_rate", bad)
    with pytest.raises(ValueError, match="learning_rate must be finite"):
        v.require_positive("learning_rate", float("inf"))
    with pytest.raises(TypeError, match="learning_rate must be a positive number"):
        v.require_positive("learning_rate", "0.1")


def test_empty_arrays_can_be_refused():
    assert v.as_float_array("x", []).size == 0
    with pytest.raises(ValueError, match="x is empty"):
        v.as_float_array("x", [], allow_empty=False)


def test_integers():
    assert v.require_positive_int("epochs", np.int64(3)) == 3
    assert v.require_nonnegative_int("patience", 0) == 0
    with pytest.raises(ValueError, match="epochs must be >= 1, got 0"):
        v.require_positive_int("epochs", 0)
    with pytest.raises(TypeError, match="epochs must be a positive integer, got 2.5"):
        v.require_positive_int("epochs", 2.5)
    with pytest.raises(ValueError, match="patience must be >= 0"):
        v.require_nonnegative_int("patience", -1)


def test_arrays_and_shapes():
    assert v.as_float_array("X", [[1, 2]], ndim=2).dtype == float
    with pytest.raises(ValueError, match=r"X must have 2 dimension\(s\), got shape \(2,\)"):
        v.as_float_array("X", [1, 2], ndim=2)
    with pytest.raises(ValueError, match="X contains NaN or infinity"):
        v.as_float_array("X", [1, np.inf])
    with pytest.raises(TypeError, match="X must be array-like of numbers"):
        v.as_float_array("X", ["a"])
    with pytest.raises(ValueError, match=r"dW and W must have the same shape, got \(2, 3\) and \(3, 2\)"):
        v.require_same_shape("dW", np.zeros((2, 3)), "W", np.zeros((3, 2)))
    with pytest.raises(ValueError, match="same number of rows, got 3 and 2"):
        v.require_same_length("X", np.zeros((3, 2)), "y", np.zeros(2))
