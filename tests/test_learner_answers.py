"""Every exercise accepts at least three correct answers written in different styles.

tests/learner_answers/<chapter>.py lists, per exercise, bodies a learner could write
(loops, vectorized, einsum, float32, other valid random draws ...). Each is put into
the exercise's ``def`` from the chapter and run through the exercise's check.
"""
import importlib
import math
import re

import learner_path as lp
import nbformat
import numpy as np
import pytest

from utils import checks

for _module in lp.CHAPTER_MODULES:
    importlib.import_module(f"utils.{_module}")

CHAPTER_NAMES = sorted(p.stem for p in lp.CHAPTERS.glob("*.ipynb"))


def _chapter(name):
    return nbformat.read(lp.CHAPTERS / f"{name}.ipynb", as_version=4)


def _cases():
    cases = []
    for name in CHAPTER_NAMES:
        notebook = _chapter(name)
        answers = lp.alternatives(name)
        for stub in lp.stubs(notebook):
            for k, body in enumerate(answers.get(stub.function, [])):
                cases.append(pytest.param(name, stub.function, k, body,
                                          id=f"{stub.function}-{k}"))
    return cases


@pytest.mark.parametrize("name", CHAPTER_NAMES)
def test_every_exercise_has_three_alternative_answers(name):
    exercises = {s.function for s in lp.stubs(_chapter(name))}
    answers = lp.alternatives(name)
    for function in exercises:
        assert len(answers.get(function, [])) >= 3, (
            f"{name}: give tests/learner_answers/{name}.py three answers for {function}")
    assert set(answers) <= exercises, f"answers for unknown exercises: {set(answers) - exercises}"
    for function in exercises:
        assert function in checks.EXERCISES, f"{function} has no registered check"


def _imports_before(notebook, cell_index):
    """The import statements of the chapter's code cells above the exercise (an answer may
    use what the notebook imported before it, as a learner's would)."""
    lines = []
    for cell in notebook.cells[:cell_index]:
        if cell.cell_type == "code":
            lines += [line for line in cell.source.splitlines()
                      if re.match(r"(import|from) [\w.]+", line) and not line.endswith(("(", "\\"))]
    return "\n".join(lines)


@pytest.mark.parametrize(("name", "function", "k", "body"), _cases())
def test_each_alternative_passes_the_check(name, function, k, body):
    notebook = _chapter(name)
    stub = next(s for s in lp.stubs(notebook) if s.function == function)
    namespace = {"np": np, "math": math}
    exec(compile(_imports_before(notebook, stub.cell), f"<{name} imports>", "exec"), namespace)
    exec(compile(lp.function_source(notebook, stub, body), f"<{function} #{k}>", "exec"),
         namespace)
    result = checks.run_check_quietly(checks.EXERCISES[function].check, namespace[function])
    assert result is None, f"{function} alternative #{k} was rejected: {result}"
