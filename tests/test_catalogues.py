"""Mistakes as data: every message a check can give is produced by a test.

Each chapter module keeps one ``Catalogue`` per exercise. Here every exercise's
check is run on every wrong answer of its catalogue and must name exactly that
mistake; the common mistakes (stub, exception, missing return, mutated input,
and the fallbacks of ``Catalogue.close``) are produced for every exercise that
can reach them.
"""
import importlib
import inspect

import learner_path as lp
import numpy as np
import pytest

from utils import checks

CHAPTER_MODULES = lp.CHAPTER_MODULES
for _module in CHAPTER_MODULES:
    importlib.import_module(f"utils.{_module}")

EXERCISES = {name: e for name, e in checks.EXERCISES.items() if not name.endswith("_demo")}
OWN = [(name, m) for name, e in EXERCISES.items() for m in e.catalogue]


def test_the_course_has_exercises_with_catalogues_and_references():
    assert len(EXERCISES) >= 11
    for name, exercise in EXERCISES.items():
        assert len(exercise.catalogue) >= 1, f"{name} names no mistake"
        assert exercise.reference is not None, f"{name} has no reference answer"


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_the_reference_passes_its_own_check(name, capsys):
    exercise = EXERCISES[name]
    assert checks.run_check_quietly(exercise.check, exercise.reference) is None


@pytest.mark.parametrize(("name", "mistake"), OWN, ids=[f"{n}-{m.key}" for n, m in OWN])
def test_each_wrong_answer_earns_its_own_message(name, mistake):
    exercise = EXERCISES[name]
    assert mistake.answer is not None, f"{name}: mistake {mistake.key!r} has no wrong answer"
    result = checks.run_check_quietly(exercise.check, mistake.answer)
    assert result is not None, f"{name}'s check accepted the wrong answer {mistake.key!r}"
    assert result[0] == mistake.key, f"{name}: {mistake.key!r} earned {result[0]!r}: {result[1]}"


def _stub(*args, **kwargs):
    raise NotImplementedError()


def _raises(*args, **kwargs):
    raise ValueError("boom")


def _returns_none(*args, **kwargs):
    return None


def _calls_unsolved(*args, **kwargs):
    def accuracy(*args):   # another exercise, left as its stub
        raise NotImplementedError()

    return accuracy(*args)


@pytest.mark.parametrize("name", sorted(EXERCISES))
@pytest.mark.parametrize(("key", "answer"), [("not_implemented", _stub), ("raised", _raises),
                                             ("returned_none", _returns_none),
                                             ("calls_unsolved", _calls_unsolved)])
def test_common_mistakes_are_named_for_every_exercise(name, key, answer):
    exercise = EXERCISES[name]
    with pytest.raises((checks.CheckFailed, checks.ExerciseNotImplemented)) as failure:
        exercise.check(answer)
    assert failure.value.mistake == key
    assert "\n" not in str(failure.value)


def _mutating(reference):
    def answer(*args, **kwargs):
        for value in list(args) + list(kwargs.values()):
            target = value[0] if isinstance(value, list) and value else value
            if isinstance(target, np.ndarray) and target.size and target.flags.writeable:
                if target.dtype == bool:
                    target.flat[0] = not target.flat[0]
                else:
                    target.flat[0] += 1
                break
        return reference(*args, **kwargs)
    return answer


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_writing_into_an_input_array_is_named(name):
    exercise = EXERCISES[name]
    if "mutated_input" in [m.key for m in exercise.catalogue]:
        pytest.skip("the catalogue gives its own mutating answer (tested above)")
    if not exercise.catalogue.takes_arrays:
        pytest.skip("the exercise takes no arrays (Catalogue(..., takes_arrays=False))")
    result = checks.run_check_quietly(exercise.check, _mutating(exercise.reference))
    assert result is not None, f"{name}: writing into an input array went unnoticed"
    assert result[0] == "mutated_input", result


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_every_fallback_a_check_can_reach_is_produced(name):
    exercise = EXERCISES[name]
    source = inspect.getsource(inspect.unwrap(exercise.check))
    given = {m.key for m in exercise.catalogue}
    if ".close(" in source:
        missing = set(checks.CLOSE_FALLBACKS) - given
        assert not missing, (f"{name}'s check uses Catalogue.close, so it can say "
                             f"{sorted(missing)}: give each a wrong answer in its catalogue")
