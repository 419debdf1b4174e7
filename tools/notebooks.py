"""Notebook tooling: the shared set-up cell, the solutions -> chapters generator,
and executing solution notebooks.

    python -m tools.notebooks chapters      # write chapters/ from solutions/
    python -m tools.notebooks check         # fail if chapters/ is not what `chapters` makes
    python -m tools.notebooks setup-cells   # rewrite the first cell of every solution
    python -m tools.notebooks execute [NB]  # run solution notebooks in place, save outputs

Solutions are the single source. In a solution, an exercise's answer sits
between marker lines ``### BEGIN SOLUTION`` and ``### END SOLUTION``; the
generator replaces each block with ``# YOUR CODE HERE`` and
``raise NotImplementedError()`` at the marker's indent (``YOUR ANSWER HERE``
in Markdown), clears outputs, execution counts and widget state, and strips
``# NBVAL_...`` marker lines.
"""
from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS, CHAPTERS = ROOT / "solutions", ROOT / "chapters"

# Where Colab clones the course from: the one place the URL and tag live.
REPO_URL = "https://github.com/regularization-course/regularization-in-deep-learning"
COURSE_TAG = "v0.1.0"

SETUP_CELL = f'''\
# Set-up: the same first cell in every notebook. Run it first.
import os, sys, pathlib, subprocess
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # quiet TF C++ logs (errors still raise)
REPO_URL, COURSE_TAG = "{REPO_URL}", "{COURSE_TAG}"
here = pathlib.Path.cwd().resolve()
ROOT = next((p for p in (here, *here.parents) if (p / "utils" / "course_setup.py").is_file()), None)
if ROOT is None and "google.colab" in sys.modules:  # Colab: fetch the course at its tag
    ROOT = pathlib.Path("/content/regularization-course")
    if not ROOT.exists():
        subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", COURSE_TAG,
                        REPO_URL, str(ROOT)], check=True)
if ROOT is None:
    raise RuntimeError("Open this notebook from inside the course (chapters/ or solutions/).")
sys.path.insert(0, str(ROOT))
if not str(getattr(sys.modules.get("utils"), "__file__", ROOT)).startswith(str(ROOT)):
    del sys.modules["utils"]  # a PyPI package is also called `utils`
from utils.course_setup import start
start()'''

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
NBVAL_LINE = re.compile(r"^\s*# NBVAL_[A-Z_]+\s*$")
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


class MarkerError(ValueError):
    """A solution notebook whose markers the generator cannot turn into a stub."""


def strip_solutions(source: str, *, where: str, markdown: bool = False) -> str:
    """Replace each BEGIN/END SOLUTION block of ``source`` by the stub."""
    out, indent = [], None
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if stripped == BEGIN:
            if indent is not None:
                raise MarkerError(f"{where}, line {number}: `{BEGIN}` inside another block; "
                                  f"close the first one with `{END}`.")
            indent = line[: len(line) - len(line.lstrip())]
            out += [f"{indent}YOUR ANSWER HERE"] if markdown else [
                f"{indent}# YOUR CODE HERE", f"{indent}raise NotImplementedError()"]
        elif stripped == END:
            if indent is None:
                raise MarkerError(f"{where}, line {number}: `{END}` without a `{BEGIN}` above it.")
            indent = None
        elif BEGIN.lstrip("# ") in stripped or END.lstrip("# ") in stripped:
            raise MarkerError(f"{where}, line {number}: a solution marker must stand alone on "
                              f"its line, exactly `{BEGIN}` or `{END}`.")
        elif indent is None and not (not markdown and NBVAL_LINE.match(line)):
            out.append(line)
    if indent is not None:
        raise MarkerError(f"{where}: `{BEGIN}` is never closed; add `{END}` after the answer.")
    return "\n".join(out)


def make_chapter(solution: nbformat.NotebookNode, *, name: str) -> nbformat.NotebookNode:
    """The learner's notebook made from a solution notebook (a new object)."""
    chapter = nbformat.from_dict(solution)
    for index, cell in enumerate(chapter.cells):
        where = f"solutions/{name}, cell {index}"
        cell.source = strip_solutions(cell.source, where=where, markdown=cell.cell_type != "code")
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        for key in ("execution", "scrolled", "collapsed"):
            cell.metadata.pop(key, None)
    chapter.metadata.pop("widgets", None)
    chapter.metadata["kernelspec"] = dict(KERNELSPEC)
    return chapter


def render(notebook: nbformat.NotebookNode) -> str:
    return nbformat.writes(notebook) + "\n"


def expected_chapters() -> dict[Path, str]:
    """Each chapter's path and the text the generator makes for it."""
    return {CHAPTERS / path.name: render(make_chapter(nbformat.read(path, as_version=4),
                                                      name=path.name))
            for path in sorted(SOLUTIONS.glob("*.ipynb"))}


def write_chapters() -> list[Path]:
    CHAPTERS.mkdir(exist_ok=True)
    expected = expected_chapters()
    for path, text in expected.items():
        path.write_text(text, encoding="utf-8")
    for stale in set(CHAPTERS.glob("*.ipynb")) - set(expected):
        stale.unlink()
    return sorted(expected)


def out_of_sync() -> list[str]:
    """Messages for every chapter that differs from what the generator makes."""
    expected = expected_chapters()
    problems = [f"{p.relative_to(ROOT)} is missing" for p in expected if not p.exists()]
    problems += [f"{p.relative_to(ROOT)} differs from what solutions/{p.name} generates"
                 for p, text in expected.items()
                 if p.exists() and p.read_text(encoding="utf-8") != text]
    problems += [f"{p.relative_to(ROOT)} has no solution notebook"
                 for p in sorted(CHAPTERS.glob("*.ipynb")) if p not in expected]
    return problems


def write_setup_cells() -> None:
    """Make the first cell of every solution exactly SETUP_CELL (inserting it if absent)."""
    for path in sorted(SOLUTIONS.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        first = notebook.cells[0] if notebook.cells else None
        if first is not None and first.cell_type == "code" and "# Set-up:" in first.source:
            first.source = SETUP_CELL
        else:
            notebook.cells.insert(0, nbformat.v4.new_code_cell(SETUP_CELL))
        nbformat.write(notebook, path)


def execute(path: Path, *, timeout: int = 600) -> float:
    """Run one solution notebook in a fresh kernel, save its outputs; return seconds."""
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    notebook.metadata["kernelspec"] = dict(KERNELSPEC)
    nbformat.write(notebook, path)
    return seconds


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "help"
    if command == "chapters":
        for path in write_chapters():
            print(f"wrote {path.relative_to(ROOT)}")
    elif command == "check":
        problems = out_of_sync()
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print("chapters/ is generated: edit solutions/ and run `make chapters`.",
                  file=sys.stderr)
            return 1
        print("chapters/ is in sync with solutions/")
    elif command == "setup-cells":
        write_setup_cells()
    elif command == "execute":
        paths = [Path(p).resolve() for p in argv[1:]] or sorted(SOLUTIONS.glob("*.ipynb"))
        for path in paths:
            print(f"{path.relative_to(ROOT)}: {execute(path):.1f} s", flush=True)
    else:
        print(__doc__)
        return 0 if command in ("help", "-h", "--help") else 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
