"""The learner's path, tested like the solutions are.

Every generated chapter is executed in a fresh kernel as a learner would meet it:

* **unsolved**, as shipped: each check cell shows one short "not implemented yet"
  message (no traceback, no check source) and every other cell runs without error;
  cells that need an exercise fall back to the course's reference;
* **solved** with alternative correct answers a learner could write
  (tests/learner_answers/): every check passes and no cell fails.

In both runs each cell draws as many figures as the same cell of the solution,
so no figure is lost or left empty because an exercise was skipped.
(Wrong answers are tested through the catalogues: tests/test_catalogues.py.)
"""
import os

import learner_path as lp
import nbformat
import pytest

CHAPTER_NAMES = sorted(p.stem for p in lp.CHAPTERS.glob("*.ipynb"))
# How many of each exercise's alternatives get a whole-chapter run (all are checked in
# tests/test_learner_answers.py); LEARNER_PATH_RUNS=3 runs every alternative.
RUNS = int(os.environ.get("LEARNER_PATH_RUNS", "1"))


def _read(folder, name):
    return nbformat.read(folder / f"{name}.ipynb", as_version=4)


def _same_figures_as_solution(name, executed):
    solution = _read(lp.SOLUTIONS, name)
    for index, (cell, reference) in enumerate(zip(executed.cells, solution.cells)):
        if cell.cell_type == "code":
            assert lp.images(cell) == lp.images(reference), (
                f"{name} cell {index} drew {lp.images(cell)} figure(s), the solution "
                f"{lp.images(reference)}:\n{cell.source[:300]}")


@pytest.mark.parametrize("name", CHAPTER_NAMES)
def test_an_unsolved_chapter_costs_one_line_per_check(name):
    notebook = _read(lp.CHAPTERS, name)
    if not lp.stubs(notebook):
        pytest.skip("no exercise: the chapter is the solution without its outputs (nbval runs it)")
    notebook = lp.execute(notebook)
    checks = set(lp.check_cells(notebook))
    exercises = {s.function for s in lp.stubs(notebook)}
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        errors = lp.errors(cell)
        if index not in checks or not errors:
            assert not errors, (f"{name} cell {index} fails with every exercise unsolved: "
                                f"{errors[0].ename}: {errors[0].evalue[:300]}\n{cell.source[:300]}")
            continue
        assert len(errors) == 1
        error = errors[0]
        assert error.ename == "ExerciseNotImplemented", (
            f"{name} cell {index}: {error.ename}: {error.evalue[:300]}")
        assert any(e in error.evalue for e in exercises)
        assert len(error.traceback) <= 2, f"{name} cell {index} shows a traceback:\n" + \
            "\n".join(error.traceback)
    failing_checks = [i for i in checks if lp.errors(notebook.cells[i])]
    assert len(failing_checks) >= len(exercises), "every exercise's check cell reports it"
    _same_figures_as_solution(name, notebook)


def _answer_sets(name):
    answers = lp.alternatives(name)
    return [(name, k) for k in range(RUNS)] if answers else []


@pytest.mark.parametrize(("name", "k"), [p for n in CHAPTER_NAMES for p in _answer_sets(n)])
def test_a_chapter_solved_in_a_learners_own_style_runs_clean(name, k):
    answers = lp.alternatives(name)
    notebook = _read(lp.CHAPTERS, name)
    chosen = {function: bodies[k % len(bodies)] for function, bodies in answers.items()}
    notebook = lp.execute(lp.fill(notebook, chosen))
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            errors = lp.errors(cell)
            assert not errors, (f"{name} (answers #{k}) cell {index}: {errors[0].ename}: "
                                f"{errors[0].evalue[:300]}\n{cell.source[:300]}")
    for index in lp.check_cells(notebook):
        assert "\u2714" in lp.text(notebook.cells[index]), f"{name} cell {index} did not pass"
        assert "using the course's reference" not in lp.text(notebook.cells[index])
    _same_figures_as_solution(name, notebook)
