"""The machinery behind every ``check_<exercise>(fn)`` of the course.

An exercise has three parts in its chapter's ``utils`` module, all data:

* a **reference** answer (what later cells fall back to while the learner's
  function has not passed its check);
* a **catalogue** of named mistakes: each one the message the check gives and
  a wrong answer that makes the check give it (``Mistake(key, message, answer)``).
  Checks, the notebooks' "what the check catches" cells (``show_mistakes``)
  and the tests all iterate the same catalogue;
* the **check** itself, a plain function decorated with
  ``@exercise_check(praise, catalogue=..., reference=...)``. It may only fail
  through its catalogue (``catalogue.expect(condition, key)``,
  ``catalogue.fail(key)``, ``catalogue.close(...)``), so every message a check
  can give is listed, and tested, in one place.

The decorator adds the rest of the contract:

* the learner's function is called on *copies* of the check's arrays; a
  function that writes into its inputs is told so, and the expected values are
  never computed from mutated inputs;
* a stub still raising ``NotImplementedError`` gives "not implemented yet",
  any other exception raised by the learner's code one line naming their line;
* a failure is a ``CheckFailed`` (an ``AssertionError``) that JupyterLab and
  Colab show as one red line, without the check's source (which would leak
  the answer); pytest still shows the whole trace;
* a pass prints one short line of praise and records the exercise as solved,
  so later cells can use the learner's function (``use_answer``).
"""
from __future__ import annotations

import copy
import functools
import inspect
import linecache
import re
import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

PASS_MARK = "\u2714"  # check mark
FAIL_MARK = "\u2718"  # heavy ballot x
_UTILS_DIR = str(Path(__file__).resolve().parent)


class CheckFailed(AssertionError):
    """A check's verdict on the learner's answer: one sentence naming the mistake.

    ``mistake`` is the catalogue key of the mistake. IPython (JupyterLab, Colab)
    calls ``_render_traceback_`` and shows only the message; pytest ignores it.
    """

    def __init__(self, message: str, *, mistake: str | None = None):
        super().__init__(message)
        self.mistake = mistake

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[1;31m{FAIL_MARK} {self}\x1b[0m"]


class ExerciseNotImplemented(NotImplementedError):
    """Raised by a check when the learner's function is still the stub."""

    mistake = "not_implemented"

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[1;33m{self}\x1b[0m"]


# ----------------------------------------------------------------------------- catalogue
@dataclass(frozen=True)
class Mistake:
    """One named wrong answer: the check's message and an answer that earns it.

    ``message`` may hold ``{placeholders}`` filled when the check fails.
    ``answer`` is a wrong implementation of the exercise (same signature as the
    right one); the tests run the check on it and expect exactly this mistake.
    For a common mistake (``COMMON_MISTAKES``) give only the key and an answer:
    ``Mistake("wrong_value", answer=...)`` keeps the common message.
    """

    key: str
    message: str = ""
    answer: Callable | None = None


# Mistakes every exercise can make; each catalogue includes them.
COMMON_MISTAKES = (
    Mistake("not_implemented",
            "{name} is not implemented yet: replace `raise NotImplementedError()` in its cell "
            "with your code, run that cell, then run this check again."),
    Mistake("calls_unsolved",
            "{name} calls {callee}, which is not implemented yet: solve {callee} first, or "
            "call `use_answer({callee})` to use the course's version."),
    Mistake("raised", "{name} raised {error}{where}"),
    Mistake("returned_none", "{name} returned None: did you forget a `return`?"),
    Mistake("mutated_input",
            "{name} changed its argument `{argument}` in place: compute a new value instead of "
            "writing into the input (e.g. `x = x * 2`, not `x *= 2`)."),
    # The fallbacks of Catalogue.close, when no named mistake matches:
    Mistake("not_numeric", "{what} should be numbers, got {got_type}."),
    Mistake("wrong_shape", "{what} has shape {got_shape}, expected {expected_shape}."),
    Mistake("wrong_value", "{what} is wrong: {difference}."),
)
COMMON = {m.key: m for m in COMMON_MISTAKES}
CLOSE_FALLBACKS = ("not_numeric", "wrong_shape", "wrong_value")


class Catalogue:
    """The named mistakes of one exercise, and the only way its check may fail."""

    def __init__(self, exercise: str, *mistakes: Mistake, takes_arrays: bool = True):
        """``takes_arrays=False`` for an exercise whose inputs are all scalars or strings
        (nothing a learner could write into), which exempts it from the mutation test."""
        self.exercise = exercise
        self.takes_arrays = takes_arrays
        self._mistakes: dict[str, Mistake] = dict(COMMON)
        self._own: list[str] = []
        for mistake in mistakes:
            if not isinstance(mistake, Mistake):
                raise TypeError(f"a catalogue holds Mistake objects, got {mistake!r}")
            if mistake.key in self._own:
                raise ValueError(f"{exercise}: mistake {mistake.key!r} is listed twice")
            if mistake.key in COMMON:
                if mistake.message:
                    raise ValueError(f"{exercise}: {mistake.key!r} is a common mistake; give "
                                     "only its answer, its message is shared")
                mistake = Mistake(mistake.key, COMMON[mistake.key].message, mistake.answer)
            elif not mistake.message:
                raise ValueError(f"{exercise}: mistake {mistake.key!r} needs a message")
            self._mistakes[mistake.key] = mistake
            self._own.append(mistake.key)

    def __getitem__(self, key: str) -> Mistake:
        try:
            return self._mistakes[key]
        except KeyError:
            raise KeyError(f"{self.exercise}'s catalogue has no mistake {key!r}") from None

    def __iter__(self) -> Iterator[Mistake]:
        """The mistakes listed for this exercise (common ones only where given an answer)."""
        return (self._mistakes[key] for key in self._own)

    def __len__(self) -> int:
        return len(self._own)

    def __contains__(self, key) -> bool:
        return key in self._mistakes

    def message(self, key: str, **values) -> str:
        """Mistake ``key``'s message with its ``{placeholders}`` filled from ``values``.

        Only ``{name}`` placeholders named in ``values`` are filled, so messages may
        contain literal braces such as "labels in {0, 1}".
        """
        return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), m.group(0))),
                      self[key].message)

    def fail(self, key: str, **values):
        """Raise ``CheckFailed`` with mistake ``key``'s message."""
        __tracebackhide__ = True  # noqa: F841
        raise CheckFailed(self.message(key, **values), mistake=key)

    def expect(self, condition, key: str, **values) -> None:
        """Fail with mistake ``key`` unless ``condition`` holds."""
        __tracebackhide__ = True  # noqa: F841
        if not condition:
            self.fail(key, **values)

    def close(self, got, expected, *, what: str, candidates: Mapping[str, object] | None = None,
              rtol: float = 1e-5, atol: float = 1e-8) -> None:
        """Pass if ``got`` equals ``expected``; else name the mistake it matches.

        ``candidates`` maps mistake keys to the value that mistake gives on the
        same inputs; the first match is the message. Otherwise the message shows
        the difference by value (largest difference, where, got vs expected).
        """
        __tracebackhide__ = True  # noqa: F841
        if got is None:
            self.fail("returned_none", name=what)
        try:
            got_array = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            self.fail("not_numeric", what=what, got_type=type(got).__name__)
        expected_array = np.asarray(expected, dtype=float)
        if matches(got_array, expected_array, rtol=rtol, atol=atol):
            return
        for key, wrong in (candidates or {}).items():
            self[key]  # noqa: B018 (an unknown key is the author's bug: fail loudly)
            if matches(got_array, wrong, rtol=rtol, atol=atol):
                self.fail(key, what=what)
        if got_array.shape != expected_array.shape:
            self.fail("wrong_shape", what=what, got_shape=got_array.shape,
                      expected_shape=expected_array.shape)
        self.fail("wrong_value", what=what, difference=describe_difference(got_array,
                                                                           expected_array))


def describe_difference(got, expected) -> str:
    """Where and by how much two same-shape arrays differ, in one phrase."""
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if got.ndim == 0:
        return f"got {_number(got)}, expected {_number(expected)}"
    error = np.abs(got - expected)
    error = np.where(np.isnan(error), np.inf, error)
    index = np.unravel_index(int(np.argmax(error)), got.shape)
    where = index[0] if len(index) == 1 else tuple(int(i) for i in index)
    wrong = int(np.sum(~np.isclose(got, expected, rtol=1e-5, atol=1e-8)))
    return (f"{wrong} of {got.size} entries differ; the largest difference is at [{where}]: "
            f"got {_number(got[index])}, expected {_number(expected[index])}")


def _number(value) -> str:
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}"


def matches(got, candidate, *, rtol: float = 1e-5, atol: float = 1e-8) -> bool:
    """True when ``got`` has ``candidate``'s shape and values (within tolerance)."""
    try:
        got, candidate = np.asarray(got, dtype=float), np.asarray(candidate, dtype=float)
    except (TypeError, ValueError):
        return False
    return got.shape == candidate.shape and bool(np.allclose(got, candidate, rtol=rtol, atol=atol))


# ----------------------------------------------------------------------------- exercises
@dataclass
class Exercise:
    """An exercise known to this kernel: its check, catalogue, reference and status."""

    name: str
    check: Callable
    catalogue: Catalogue
    reference: Callable | None
    passed: bool = False
    announced: set = field(default_factory=set)


EXERCISES: dict[str, Exercise] = {}


def exercise_check(praise: str, *, catalogue: Catalogue, reference: Callable | None = None):
    """Decorate a check body ``body(fn, ...)`` with the course's check contract.

    ``catalogue.exercise`` names the exercise (the learner's function name);
    ``reference`` is the course's answer that ``use_answer`` falls back to.
    """
    if not isinstance(catalogue, Catalogue):
        raise TypeError(f"catalogue must be a Catalogue, got {type(catalogue).__name__}")

    def decorate(body: Callable) -> Callable:
        @functools.wraps(body)
        def check(fn, *args, **kwargs):
            __tracebackhide__ = True  # noqa: F841 (pytest hides this frame)
            if not callable(fn):
                raise TypeError(
                    f"{body.__name__} expects your function itself, e.g. "
                    f"{body.__name__}({catalogue.exercise}), not {type(fn).__name__}")
            name = getattr(fn, "__name__", "your function")
            exercise.passed = False
            try:
                body(_Guarded(fn, name, catalogue), *args, **kwargs)
            except _StubCalled:
                raise ExerciseNotImplemented(
                    catalogue.message("not_implemented", name=name)) from None
            exercise.passed = True
            print(f"{PASS_MARK} {name} passed: {praise}")

        exercise = Exercise(catalogue.exercise, check, catalogue, reference)
        EXERCISES[catalogue.exercise] = exercise
        check.catalogue = catalogue
        check.reference = reference
        check.exercise = catalogue.exercise
        return check

    return decorate


class _StubCalled(Exception):
    """The learner's function raised NotImplementedError (the stub)."""


class _Guarded:
    """The learner's function as a check calls it: on copies, with clear failures."""

    def __init__(self, fn: Callable, name: str, catalogue: Catalogue):
        self.fn, self.__name__, self.catalogue = fn, name, catalogue
        self.received: tuple = ()  # the copies the last call handed the learner's function
        try:
            self.parameters = list(inspect.signature(fn).parameters)
        except (TypeError, ValueError):
            self.parameters = []

    def __call__(self, *args, **kwargs):
        __tracebackhide__ = True  # noqa: F841
        given_args = [_copy(a) for a in args]
        given_kwargs = {k: _copy(v) for k, v in kwargs.items()}
        self.received = (*given_args, *given_kwargs.values())
        try:
            result = self.fn(*given_args, **given_kwargs)
        except NotImplementedError as error:
            callee = _unsolved_callee(error, self.fn)
            if callee:
                self.catalogue.fail("calls_unsolved", name=self.__name__, callee=callee)
            raise _StubCalled() from None
        except CheckFailed:
            raise
        except Exception as error:  # the learner's own bug: name it and their line
            self.catalogue.fail("raised", name=self.__name__,
                                error=f"{type(error).__name__}: {error}",
                                where=_learner_line(error))
        positional = [p for p in self.parameters if p not in kwargs][: len(args)]
        positional += [f"argument {i + 1}" for i in range(len(positional), len(args))]  # *args
        named = list(zip(positional, zip(args, given_args)))
        named += [(k, (kwargs[k], given_kwargs[k])) for k in kwargs]
        for argument, (original, given) in named:
            if not _same(original, given):
                self.catalogue.fail("mutated_input", name=self.__name__, argument=argument)
        if result is None:
            self.catalogue.fail("returned_none", name=self.__name__)
        return result


def _unsolved_callee(error: NotImplementedError, fn: Callable) -> str | None:
    """The other exercise whose stub raised ``error`` inside ``fn``, if it was not fn's own."""
    frame = error.__traceback__
    while frame.tb_next is not None:
        frame = frame.tb_next
    code = frame.tb_frame.f_code
    if code is getattr(fn, "__code__", None) or code.co_name not in EXERCISES:
        return None
    return code.co_name


def _copy(value):
    """A copy of the arrays and lists a learner could write into (generators are shared)."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, (list, tuple, dict)):
        return copy.deepcopy(value)
    return value


def _same(original, given) -> bool:
    if isinstance(original, np.ndarray):
        return (isinstance(given, np.ndarray) and given.shape == original.shape
                and bool(np.array_equal(given, original, equal_nan=original.dtype.kind in "fc")))
    if isinstance(original, (list, tuple)):
        return (type(given) is type(original) and len(given) == len(original)
                and all(_same(a, b) for a, b in zip(original, given)))
    return True


def _library_dirs() -> tuple[str, ...]:
    """Where the course's utils, the standard library and installed packages live."""
    import sys
    import sysconfig

    paths = sysconfig.get_paths()
    found = {_UTILS_DIR, sys.prefix, sys.base_prefix, *(paths.get(k, "") for k in
                                                          ("stdlib", "purelib", "platlib"))}
    return tuple(str(Path(p).resolve()) for p in found if p)


def _learner_line(error: BaseException) -> str:
    """' (in `f`, line N: `code`).' for the deepest frame of the learner's code, else '.'.

    The learner's code is whatever is not the course's utils, the standard library or
    an installed package (numpy's own frames are skipped).
    """
    libraries = _library_dirs()
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if not str(Path(f.filename).resolve()).startswith(libraries)]
    if not frames:
        return "."
    frame = frames[-1]
    line = (frame.line or linecache.getline(frame.filename, frame.lineno)).strip()
    return f" (in `{frame.name}`, line {frame.lineno}: `{line}`)." if line else "."


# ----------------------------------------------------------------------------- in notebooks
def use_answer(fn: Callable, exercise: str | None = None) -> Callable:
    """The learner's ``fn`` once its check has passed in this kernel, else the reference.

    Cells that build on an exercise call this, so a skipped or still-failing
    exercise costs one line ("using the course's reference ...") instead of a
    wall of errors further down.
    """
    name = exercise or getattr(fn, "__name__", None)
    if name not in EXERCISES:
        raise ValueError(f"no exercise named {name!r}; known: {sorted(EXERCISES)}")
    entry = EXERCISES[name]
    if entry.passed or entry.reference is None:
        return fn
    if name not in entry.announced:
        print(f"(using the course's reference {name}: yours has not passed its check yet)")
        entry.announced.add(name)
    return entry.reference


def show_mistakes(check: Callable, keys=None, *, show_code: bool = False) -> dict[str, str]:
    """Run ``check`` on its catalogue's wrong answers and print what it says to each.

    ``keys`` selects mistakes (default: all with an answer). Returns {key: message}.
    Raises RuntimeError if a wrong answer passes or earns another mistake's message.
    """
    catalogue = check.catalogue
    chosen = [catalogue[k] for k in keys] if keys is not None else [
        m for m in catalogue if m.answer is not None and m.key not in COMMON]
    said = {}
    for mistake in chosen:
        if mistake.answer is None:
            raise ValueError(f"mistake {mistake.key!r} has no wrong answer to show")
        if show_code:
            print(inspect.getsource(mistake.answer).rstrip())
        message = run_check_quietly(check, mistake.answer)
        if message is None:
            raise RuntimeError(f"the check accepted the wrong answer {mistake.key!r}")
        key, text = message
        if key != mistake.key:
            raise RuntimeError(f"{mistake.key!r} earned {key!r}: {text}")
        said[mistake.key] = text
        print(f"{mistake.key}: {text}")
    return said


def run_check_quietly(check: Callable, fn: Callable) -> tuple[str, str] | None:
    """Run ``check(fn)`` without printing; (mistake key, message) if it fails, else None.

    Leaves the exercise's "passed" status as it was.
    """
    import contextlib
    import io

    entry = EXERCISES[check.exercise]
    was = entry.passed
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            check(fn)
    except (CheckFailed, ExerciseNotImplemented) as failure:
        return failure.mistake, str(failure)
    finally:
        entry.passed = was
    return None
