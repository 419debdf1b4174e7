"""Run a learner's chapter the way a learner would: unsolved, or with answers typed in.

Used by tests/test_learner_path.py and tests/test_learner_answers.py.

A chapter's exercises are the stubs the generator left (``# YOUR CODE HERE`` then
``raise NotImplementedError()``) inside a ``def``; the function's name names the
exercise. ``tests/learner_answers/<chapter>.py`` holds, per exercise, bodies a
learner could write instead of the stub (``ALTERNATIVES``).
"""
from __future__ import annotations

import importlib.util
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS, SOLUTIONS = ROOT / "chapters", ROOT / "solutions"
# The utils module of every chapter, in chapter order (the meta-tests import them all).
CHAPTER_MODULES = ("start_here", "bias_variance", "weight_penalty", "moons_study", "dropout",
                   "early_stopping", "augmentation", "capstone")
ANSWERS = Path(__file__).resolve().parent / "learner_answers"
STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
DEF = re.compile(r"^(\s*)def (\w+)\(")
CHECK_CALL = re.compile(r"\bcheck_\w+\(")
CELL_TIMEOUT = 300


@dataclass
class Stub:
    cell: int       # index of the code cell
    line: int       # index of the "# YOUR CODE HERE" line in the cell
    indent: str
    function: str   # the exercise: the enclosing function's name


def stubs(notebook) -> list[Stub]:
    """Every exercise stub of a generated chapter, in order."""
    found = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        lines = cell.source.splitlines()
        for number, line in enumerate(lines):
            if line.strip() != STUB[0] or number + 1 >= len(lines) or \
                    lines[number + 1].strip() != STUB[1]:
                continue
            indent = line[: len(line) - len(line.lstrip())]
            function = None
            for above in reversed(lines[:number]):
                match = DEF.match(above)
                if match and len(match.group(1)) < len(indent):
                    function = match.group(2)
                    break
            if function is None:
                raise ValueError(f"cell {index}: an exercise stub outside a function")
            found.append(Stub(index, number, indent, function))
    return found


def check_cells(notebook) -> list[int]:
    """Indices of the code cells that run a check."""
    return [i for i, c in enumerate(notebook.cells)
            if c.cell_type == "code" and CHECK_CALL.search(c.source)
            and not c.source.lstrip().startswith("def ")]


def alternatives(chapter: str) -> dict[str, list[str]]:
    """``ALTERNATIVES`` of tests/learner_answers/<chapter>.py ({} if there is none)."""
    path = ANSWERS / f"{chapter}.py"
    if not path.exists():
        return {}
    spec = importlib.util.spec_from_file_location(f"learner_answers_{chapter}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ALTERNATIVES


def fill(notebook, answers: dict[str, str]):
    """A copy of ``notebook`` with each stub replaced by ``answers[function]``."""
    filled = nbformat.reads(nbformat.writes(notebook), as_version=4)
    for stub in reversed(stubs(notebook)):
        body = textwrap.indent(textwrap.dedent(answers[stub.function]).strip("\n"), stub.indent)
        lines = filled.cells[stub.cell].source.splitlines()
        lines[stub.line: stub.line + 2] = body.splitlines()
        filled.cells[stub.cell].source = "\n".join(lines)
    return filled


def function_source(notebook, stub: Stub, body: str) -> str:
    """The exercise's whole ``def`` with ``body`` in place of the stub, dedented."""
    lines = notebook.cells[stub.cell].source.splitlines()
    start = max(i for i in range(stub.line) if (m := DEF.match(lines[i]))
                and m.group(2) == stub.function)
    def_indent = len(lines[start]) - len(lines[start].lstrip())
    end = stub.line + 2
    while end < len(lines) and (not lines[end].strip() or
                                len(lines[end]) - len(lines[end].lstrip()) > def_indent):
        end += 1
    filled = lines[start:stub.line] + textwrap.indent(
        textwrap.dedent(body).strip("\n"), stub.indent).splitlines() + lines[stub.line + 2:end]
    return textwrap.dedent("\n".join(filled))


def execute(notebook):
    """Execute ``notebook`` in a fresh kernel from chapters/, errors allowed; return it."""
    from nbclient import NotebookClient

    client = NotebookClient(notebook, timeout=CELL_TIMEOUT, allow_errors=True,
                            kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(CHAPTERS)}})
    client.execute()
    return notebook


def errors(cell) -> list[dict]:
    return [o for o in cell.get("outputs", []) if o.output_type == "error"]


def images(cell) -> int:
    return sum(1 for o in cell.get("outputs", [])
               if o.output_type in ("display_data", "execute_result") and "image/png" in o.data)


def text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.output_type == "stream" and o.name == "stdout")
