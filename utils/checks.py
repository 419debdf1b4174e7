"""The machinery behind every ``check_<exercise>(fn)`` of the course.

A check is written as a plain function that raises ``AssertionError`` with a
one-sentence message naming the learner's likely mistake, and decorated with
``@exercise_check("praise")``. The decorator adds the rest of the contract:

* the learner's function still raising ``NotImplementedError`` (the stub)
  gives "not implemented yet" and what to do, not a traceback wall;
* a pass prints one short line of praise;
* passing something that is not a function is a clear ``TypeError``.

``expect_close`` compares a result with the right answer and, when it is
wrong, with a catalogue of known wrong answers, so the message can say which
mistake was made ("did you forget the 1/m?") instead of only "wrong".
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

import numpy as np

PASS_MARK = "\u2714"  # check mark


class ExerciseNotImplemented(NotImplementedError):
    """Raised by a check when the learner's function is still the stub."""


def exercise_check(praise: str) -> Callable:
    """Decorate a check body ``body(fn, ...)`` with the course's check contract."""

    def decorate(body: Callable) -> Callable:
        @functools.wraps(body)
        def check(fn, *args, **kwargs):
            __tracebackhide__ = True  # noqa: F841 (pytest and IPython hide this frame)
            if not callable(fn):
                raise TypeError(
                    f"{body.__name__} expects your function itself, e.g. "
                    f"{body.__name__}(my_function), not {type(fn).__name__}"
                )
            name = getattr(fn, "__name__", "your function")
            try:
                body(fn, *args, **kwargs)
            except ExerciseNotImplemented:
                raise
            except NotImplementedError:
                raise ExerciseNotImplemented(
                    f"{name} is not implemented yet: replace `raise NotImplementedError()` "
                    f"in its cell with your code, run that cell, then run this check again."
                ) from None
            print(f"{PASS_MARK} {name} passed: {praise}")

        return check

    return decorate


def _short(value) -> str:
    """A compact, rounded rendering of a number or array for messages."""
    array = np.asarray(value)
    if array.ndim == 0:
        return f"{float(array):.6g}"
    if array.size <= 6:
        return np.array2string(array, precision=4, separator=", ")
    return f"array of shape {array.shape}"


def matches(got, candidate, *, rtol: float = 1e-5, atol: float = 1e-8) -> bool:
    """True when ``got`` has ``candidate``'s shape and values (within tolerance)."""
    try:
        got, candidate = np.asarray(got, dtype=float), np.asarray(candidate, dtype=float)
    except (TypeError, ValueError):
        return False
    return got.shape == candidate.shape and bool(np.allclose(got, candidate, rtol=rtol, atol=atol))


def which_mistake(got, mistakes: Mapping[str, object], **tolerance) -> str | None:
    """The message of the first known wrong answer ``got`` matches, else None.

    ``mistakes`` maps a message ("did you forget the 1/m?") to the value that
    mistake produces on the same inputs.
    """
    for message, wrong in mistakes.items():
        if matches(got, wrong, **tolerance):
            return message
    return None


def expect_close(got, expected, *, what: str, mistakes: Mapping[str, object] | None = None,
                 rtol: float = 1e-5, atol: float = 1e-8) -> None:
    """Assert ``got`` equals ``expected``; otherwise say which mistake it looks like.

    ``what`` names the quantity in the message ("the cost for lambd=0.7").
    """
    __tracebackhide__ = True  # noqa: F841
    if got is None:
        raise AssertionError(f"{what} is None: did you forget a `return`?")
    try:
        got_array = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise AssertionError(f"{what} should be numeric, got {type(got).__name__}") from None
    expected_array = np.asarray(expected, dtype=float)
    if matches(got_array, expected_array, rtol=rtol, atol=atol):
        return
    mistake = which_mistake(got_array, mistakes or {}, rtol=rtol, atol=atol)
    if mistake:
        raise AssertionError(f"{what} is off: {mistake}")
    if got_array.shape != expected_array.shape:
        raise AssertionError(
            f"{what} has shape {got_array.shape}, expected {expected_array.shape}")
    raise AssertionError(f"{what} is {_short(got_array)}, expected {_short(expected_array)}")


def expect(condition: bool, message: str) -> None:
    """Assert a property of the learner's answer with a one-sentence message."""
    __tracebackhide__ = True  # noqa: F841
    if not condition:
        raise AssertionError(message)
