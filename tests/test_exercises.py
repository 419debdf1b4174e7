"""The course's exercises, counted and laid out as COURSE.md promises.

An exercise is a stub inside a ``def`` of a generated chapter. Each one has a heading
``### Exercise N ★★ — `name``` (numbered in chapter order, its level one to three stars),
a check cell right after it that runs ``check_<name>(<name>)``, a hint in a ``<details>``
block before the next exercise, a registered check with a catalogue, and alternative
answers in tests/learner_answers/. Every chapter has at least 3 (chapter 0 at least 1,
the moons case study at least 2); the course at least 25.
"""
import importlib
import re

import learner_path as lp
import nbformat
import pytest

from utils import checks

for _module in lp.CHAPTER_MODULES:
    importlib.import_module(f"utils.{_module}")

HEADING = re.compile(r"^### Exercise (\d+) (★{1,3}) — `(\w+)`$")
HINT = "<details><summary>Hint</summary>"
CHAPTER_NAMES = sorted(p.stem for p in lp.SOLUTIONS.glob("*.ipynb"))
AT_LEAST = {"00_start_here": 1, "02_moons_case_study": 2}


def _chapter(name):
    return nbformat.read(lp.CHAPTERS / f"{name}.ipynb", as_version=4)


def _exercises(name):
    return [s.function for s in lp.stubs(_chapter(name))]


def _first_line(cell):
    return cell.source.strip().splitlines()[0] if cell.source.strip() else ""


def test_every_chapter_has_its_exercises_and_the_course_at_least_25():
    counts = {name: len(_exercises(name)) for name in CHAPTER_NAMES}
    for name, count in counts.items():
        assert count >= AT_LEAST.get(name, 3), f"{name} has {count} graded exercise(s)"
    assert sum(counts.values()) >= 25, counts


def test_the_levels_range_from_one_line_to_a_long_function():
    levels = set()
    for name in CHAPTER_NAMES:
        for cell in _chapter(name).cells:
            match = HEADING.match(_first_line(cell)) if cell.cell_type == "markdown" else None
            if match:
                levels.add(len(match.group(2)))
    assert levels == {1, 2, 3}


@pytest.mark.parametrize("name", CHAPTER_NAMES)
def test_each_exercise_has_its_heading_check_hint_and_alternatives(name):
    notebook = _chapter(name)
    cells = notebook.cells
    headings = [(i, HEADING.match(_first_line(c))) for i, c in enumerate(cells)
                if c.cell_type == "markdown" and _first_line(c).startswith("### Exercise")]
    for index, match in headings:
        assert match, f"{name} cell {index}: write the heading as ### Exercise N ★★ — `name`"
    stubs = lp.stubs(notebook)
    assert [int(m.group(1)) for _, m in headings] == list(range(1, len(stubs) + 1)), \
        f"{name}: exercises are numbered 1, 2, ... in order, one heading per exercise"
    answers = lp.alternatives(name)
    for number, stub in enumerate(stubs):
        heading_cell, match = headings[number]
        assert match.group(3) == stub.function and heading_cell < stub.cell, \
            f"{name}: exercise {number + 1}'s heading should name `{stub.function}`"
        following = next(i for i in range(stub.cell + 1, len(cells))
                         if cells[i].cell_type == "code")
        assert re.search(rf"\bcheck_{stub.function}\({stub.function}\)", cells[following].source), \
            f"{name}: the code cell after `{stub.function}` should run its check"
        end = headings[number + 1][0] if number + 1 < len(headings) else len(cells)
        assert any(c.cell_type == "markdown" and HINT in c.source
                   for c in cells[following:end]), f"{name}: `{stub.function}` has no hint"
        assert stub.function in checks.EXERCISES, f"`{stub.function}` has no registered check"
        assert len(answers.get(stub.function, [])) >= 3, \
            f"tests/learner_answers/{name}.py: give 3 correct styles of `{stub.function}`"
