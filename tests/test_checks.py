"""The check machinery every chapter's checks are built on (utils.checks)."""
import numpy as np
import pytest

from utils.checks import (
    EXERCISES,
    Catalogue,
    CheckFailed,
    ExerciseNotImplemented,
    Mistake,
    describe_difference,
    exercise_check,
    matches,
    run_check_quietly,
    show_mistakes,
    use_answer,
)


def _added_two(x):
    return x + 2


def _double_reference(x):
    return 2 * np.asarray(x)


DOUBLE = Catalogue(
    "double_demo",
    Mistake("added_two", "did you add 2 instead of multiplying by 2?", _added_two),
    Mistake("wrong_value", answer=lambda x: 2 * np.asarray(x) + 1),
    Mistake("wrong_shape", answer=lambda x: np.append(2 * np.asarray(x), 0.0)),
    Mistake("not_numeric", answer=lambda x: "six"),
)


@exercise_check("doubles numbers.", catalogue=DOUBLE, reference=_double_reference)
def check_double_demo(fn):
    x = np.array([3.0, 1.0])
    DOUBLE.close(fn(x), 2 * x, what="double_demo([3, 1])", candidates={"added_two": x + 2})


def double_demo(x):
    return 2 * x


def test_a_correct_answer_prints_one_line_of_praise(capsys):
    check_double_demo(double_demo)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "double_demo passed: doubles numbers." in out


def test_a_stub_says_not_implemented_yet():
    def double_demo(x):
        raise NotImplementedError()

    with pytest.raises(ExerciseNotImplemented, match="double_demo is not implemented yet: replace"):
        check_double_demo(double_demo)
    assert issubclass(ExerciseNotImplemented, NotImplementedError)


@pytest.mark.parametrize("mistake", list(DOUBLE), ids=lambda m: m.key)
def test_each_catalogued_mistake_earns_its_own_message(mistake):
    key, message = run_check_quietly(check_double_demo, mistake.answer)
    assert key == mistake.key
    assert message == str(message) and "\n" not in message


def test_the_fallback_message_shows_the_difference_by_value():
    key, message = run_check_quietly(check_double_demo, lambda x: 2 * np.asarray(x) + [0, 1])
    assert key == "wrong_value"
    assert "1 of 2 entries differ" in message and "[1]: got 3, expected 2" in message


def test_describe_difference_names_the_largest_difference_and_where():
    got, expected = np.zeros((400, 250)), np.zeros((400, 250))
    got[7, 9] = 0.5
    text = describe_difference(got, expected)
    assert "[(7, 9)]" in text and "got 0.5, expected 0" in text and "1 of 100000" in text
    assert describe_difference(np.array([14, 15]), np.array([16, 21])).endswith(
        "got 15, expected 21")


def test_the_learners_function_gets_copies_and_mutation_is_named():
    def double_demo(x):
        x *= 2
        return x

    key, message = run_check_quietly(check_double_demo, double_demo)
    assert key == "mutated_input"
    assert "changed its argument `x` in place" in message


def test_a_write_into_an_argument_that_star_args_collects_is_named_too():
    def double_demo(*args):
        args[0][0] = 0.0
        return 2 * args[0]

    key, message = run_check_quietly(check_double_demo, double_demo)
    assert key == "mutated_input" and "`args`" in message

    PAIR = Catalogue("pair_demo", Mistake("wrong_value", answer=lambda a, b: a))

    @exercise_check("adds.", catalogue=PAIR, reference=lambda a, b: a + b)
    def check_pair_demo(fn):
        a, b = np.ones(2), np.ones(2)
        PAIR.close(fn(a, b), a + b, what="pair_demo(a, b)")

    def pair_demo(a, *rest):
        rest[0][1] = 5.0
        return a + 1

    key, message = run_check_quietly(check_pair_demo, pair_demo)
    assert key == "mutated_input" and "`rest`" in message
    EXERCISES.pop("pair_demo", None)


def test_calling_another_exercise_still_a_stub_says_which_and_what_to_do():
    def other_demo(x):
        raise NotImplementedError()

    OTHER = Catalogue("other_demo", Mistake("wrong_value", answer=lambda x: x))

    @exercise_check("other.", catalogue=OTHER, reference=lambda x: x)
    def check_other_demo(fn):
        fn(1.0)

    def double_demo(x):
        return 2 * other_demo(x)

    key, message = run_check_quietly(check_double_demo, double_demo)
    assert key == "calls_unsolved"
    assert message == ("double_demo calls other_demo, which is not implemented yet: solve "
                       "other_demo first, or call `use_answer(other_demo)` to use the course's "
                       "version.")
    EXERCISES.pop("other_demo", None)


def test_an_exception_in_the_learners_code_names_their_line():
    def double_demo(x):
        return x.doubled()

    key, message = run_check_quietly(check_double_demo, double_demo)
    assert key == "raised"
    assert "AttributeError" in message and "return x.doubled()" in message


def test_a_missing_return_is_named():
    key, message = run_check_quietly(check_double_demo, lambda x: None)
    assert key == "returned_none" and "forget a `return`" in message


def test_jupyter_shows_only_the_message_not_the_source():
    failure = CheckFailed("the mask is wrong.", mistake="m")
    lines = failure._render_traceback_()
    assert len(lines) == 1 and "the mask is wrong." in lines[0]
    stub = ExerciseNotImplemented("f is not implemented yet")
    assert len(stub._render_traceback_()) == 1


def test_use_answer_falls_back_to_the_reference_until_the_check_passes(capsys):
    def double_demo(x):
        raise NotImplementedError()

    with pytest.raises(ExerciseNotImplemented):
        check_double_demo(double_demo)
    chosen = use_answer(double_demo)
    assert chosen is _double_reference
    assert "using the course's reference double_demo" in capsys.readouterr().out
    use_answer(double_demo)
    assert capsys.readouterr().out == ""  # said once

    def mine(x):
        return 2 * x

    mine.__name__ = "double_demo"
    check_double_demo(mine)
    assert use_answer(mine) is mine
    with pytest.raises(ValueError, match="no exercise named"):
        use_answer(lambda x: x, "no_such_exercise")


def test_run_check_quietly_keeps_the_passed_status():
    check_double_demo(double_demo)
    assert EXERCISES["double_demo"].passed
    assert run_check_quietly(check_double_demo, _added_two)[0] == "added_two"
    assert EXERCISES["double_demo"].passed


def test_show_mistakes_prints_each_named_mistake(capsys):
    said = show_mistakes(check_double_demo)
    assert list(said) == ["added_two"]
    assert "added_two: did you add 2 instead" in capsys.readouterr().out


def test_show_mistakes_refuses_a_wrong_answer_that_passes():
    lenient = Catalogue("lenient_demo", Mistake("none", "never said", lambda x: 2 * x))

    @exercise_check("anything.", catalogue=lenient)
    def check_lenient_demo(fn):
        fn(1.0)

    with pytest.raises(RuntimeError, match="accepted the wrong answer 'none'"):
        show_mistakes(check_lenient_demo)


def test_a_catalogue_rejects_duplicates_unknown_keys_and_redefined_common_messages():
    with pytest.raises(ValueError, match="listed twice"):
        Catalogue("x", Mistake("a", "one"), Mistake("a", "two"))
    with pytest.raises(ValueError, match="common mistake"):
        Catalogue("x", Mistake("wrong_value", "my own text"))
    with pytest.raises(ValueError, match="needs a message"):
        Catalogue("x", Mistake("a"))
    with pytest.raises(KeyError, match="no mistake 'b'"):
        Catalogue("x", Mistake("a", "one"))["b"]
    with pytest.raises(TypeError, match="Mistake objects"):
        Catalogue("x", "a")


def test_passing_something_that_is_not_a_function_is_a_type_error():
    with pytest.raises(TypeError, match=r"check_double_demo\(double_demo\)"):
        check_double_demo(3)


def test_matches_compares_shape_and_values():
    assert matches([1.0, 2.0], np.array([1.0, 2.0]))
    assert not matches([1.0, 2.0], [1.0, 2.0, 3.0])
    assert not matches("a", [1.0])


def test_messages_keep_literal_braces_and_fill_named_placeholders():
    catalogue = Catalogue("x", Mistake("labels", "labels must be in {0, 1}; {what} is not"))
    assert catalogue.message("labels", what="y") == "labels must be in {0, 1}; y is not"


def test_a_check_can_see_what_the_learners_function_received():
    seen = {}

    @exercise_check("returns a new array.", catalogue=Catalogue(
        "fresh_demo", Mistake("same_object", "return a new array, not the input.")))
    def check_fresh_demo(fn):
        x = np.arange(3.0)
        got = fn(x)
        seen["received"] = fn.received
        fn.catalogue.expect(not np.shares_memory(got, fn.received[0]), "same_object")

    assert run_check_quietly(check_fresh_demo, lambda x: x)[0] == "same_object"
    assert seen["received"][0] is not None and run_check_quietly(check_fresh_demo,
                                                                 lambda x: x + 0) is None


def test_an_error_inside_numpy_names_the_learners_line_not_numpy_s():
    def double_demo(x):
        return np.broadcast_to(x, (5, 3))  # x has 2 entries: numpy raises inside itself

    key, message = run_check_quietly(check_double_demo, double_demo)
    assert key == "raised"
    assert "in `double_demo`" in message and "np.broadcast_to(x, (5, 3))" in message
