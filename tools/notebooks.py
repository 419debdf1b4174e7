"""Notebook tooling: the shared set-up cell, the solutions -> chapters generator,
and executing solution notebooks.

    python -m tools.notebooks chapters      # write chapters/ from solutions/
    python -m tools.notebooks check         # fail if chapters/ is not what `chapters` makes
    python -m tools.notebooks setup-cells   # rewrite the first cell of every solution
    python -m tools.notebooks execute [NB]  # run solution notebooks in place, save outputs
    python -m tools.notebooks publish       # set-up cells, chapters and README badges from
                                            # REPO_URL / COURSE_TAG / PUBLISHED below

Solutions are the single source. In a solution, an exercise's answer sits
between marker lines ``### BEGIN SOLUTION`` and ``### END SOLUTION``; the
generator replaces each block with ``# YOUR CODE HERE`` and
``raise NotImplementedError()`` at the marker's indent (``YOUR ANSWER HERE``
in Markdown), clears outputs, execution counts and widget state, and strips
``# NBVAL_...`` marker lines. Once the course is published, the chapters' relative
links out of ``chapters/`` (``../docs/glossary.md``) become absolute links to the
repository at ``COURSE_TAG``, which also work on Colab; solutions keep them relative.
"""
from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS, CHAPTERS = ROOT / "solutions", ROOT / "chapters"

# The public repository Colab clones and the badges open: the one place they live.
# Publishing (README, "Publishing"): set these three, run `python -m tools.notebooks publish`,
# commit, then push the tag. While PUBLISHED is False the README shows no badges.
REPO_URL = "https://github.com/regularization-course/regularization-in-deep-learning"
COURSE_TAG = "v0.1.0"
PUBLISHED = False

SETUP_CELL = f'''\
# Set-up: the same first cell in every notebook. Run it first.
import os, sys, pathlib, subprocess
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # quiet TF C++ logs (errors still raise)
REPO_URL, COURSE_TAG = "{REPO_URL}", "{COURSE_TAG}"
here = pathlib.Path.cwd().resolve()
ROOT = next((p for p in (here, *here.parents) if (p / "utils" / "course_setup.py").is_file()), None)
if ROOT is None and "google.colab" in sys.modules:  # Colab: clone the course into /content
    ROOT = here / "regularization-course"
    if not (ROOT / "utils" / "course_setup.py").is_file():
        git = subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", COURSE_TAG,
                              REPO_URL, str(ROOT)], capture_output=True, text=True)
        if git.returncode:
            raise RuntimeError(f"Could not fetch the course ({{REPO_URL}} at {{COURSE_TAG}}):\\n"
                               + git.stderr)
if ROOT is None:
    raise RuntimeError("Open this notebook from inside the course (chapters/ or solutions/).")
sys.path.insert(0, str(ROOT))
if not str(getattr(sys.modules.get("utils"), "__file__", ROOT)).startswith(str(ROOT)):
    del sys.modules["utils"]  # a PyPI package is also called `utils`
from utils.course_setup import start
start()'''

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
NBVAL_LINE = re.compile(r"^\s*# NBVAL_[A-Z_]+\s*$")
OUTSIDE_LINK = re.compile(r"\]\(\.\./([^)\s]+)\)")   # ](../docs/glossary.md#term)
CELL_TIMEOUT_S = 600   # a cell (or a stalled kernel connection) longer than this fails the run
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


def absolute_links(markdown: str, *, repo_url: str, tag: str) -> str:
    """Markdown with links out of ``chapters/`` (``](../docs/x.md)``) pointing at the
    repository at ``tag``: relative links do not resolve on Colab."""
    return OUTSIDE_LINK.sub(lambda m: f"]({repo_url}/blob/{tag}/{m[1]})", markdown)


def make_chapter(solution: nbformat.NotebookNode, *, name: str,
                 published: bool | None = None) -> nbformat.NotebookNode:
    """The learner's notebook made from a solution notebook (a new object).

    ``published`` (default: ``PUBLISHED``) makes links out of ``chapters/`` absolute.
    """
    published = PUBLISHED if published is None else published
    chapter = nbformat.from_dict(solution)
    for index, cell in enumerate(chapter.cells):
        where = f"solutions/{name}, cell {index}"
        cell.source = strip_solutions(cell.source, where=where, markdown=cell.cell_type != "code")
        if published and cell.cell_type == "markdown":
            cell.source = absolute_links(cell.source, repo_url=REPO_URL, tag=COURSE_TAG)
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


BADGES_BEGIN = "<!-- badges: written by `python -m tools.notebooks publish` -->"
BADGES_END = "<!-- /badges -->"


def badges(*, published: bool | None = None) -> str:
    """The README's badge block: Binder and Colab at COURSE_TAG, or why there are none yet."""
    published = PUBLISHED if published is None else published
    if not published:
        body = ("*Binder and Colab badges appear once the course is published: they need its "
                "public repository and tag (see [Publishing](#publishing)).*")
    else:
        owner_repo = REPO_URL.removeprefix("https://github.com/")
        chapter = "chapters/00_start_here.ipynb"
        body = (f"[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/"
                f"{owner_repo}/{COURSE_TAG}?urlpath=lab/tree/{chapter})\n"
                f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
                f"(https://colab.research.google.com/github/{owner_repo}/blob/{COURSE_TAG}/"
                f"{chapter})")
    return f"{BADGES_BEGIN}\n{body}\n{BADGES_END}"


def readme_with_badges(readme: str, *, published: bool | None = None) -> str:
    begin, end = readme.find(BADGES_BEGIN), readme.find(BADGES_END)
    if begin < 0 or end < begin:
        raise ValueError(f"README.md has no badge block ({BADGES_BEGIN} ... {BADGES_END})")
    return readme[:begin] + badges(published=published) + readme[end + len(BADGES_END):]


def publish() -> None:
    """Set-up cells, chapters (absolute links) and README badges from REPO_URL/COURSE_TAG."""
    if not PUBLISHED:
        raise SystemExit("Set REPO_URL, COURSE_TAG and PUBLISHED = True in tools/notebooks.py "
                         "first (README, Publishing).")
    write_setup_cells()
    write_chapters()
    readme = ROOT / "README.md"
    readme.write_text(readme_with_badges(readme.read_text(encoding="utf-8")), encoding="utf-8")


@contextlib.contextmanager
def notebook_client(notebook: nbformat.NotebookNode, *, cwd: Path,
                    timeout: int = CELL_TIMEOUT_S):
    """An nbclient client for ``notebook`` with a fresh ``python3`` kernel started in ``cwd``.

    Each cell may run ``timeout`` seconds; a cell that takes longer, or a kernel
    connection that stops answering (jupyter/nbclient#312), fails with
    ``CellTimeoutError`` instead of hanging. No per-cell timing metadata is recorded.
    On POSIX the kernel talks over Unix sockets in a private temporary folder (IPC)
    rather than loopback TCP.
    """
    from nbclient import NotebookClient
    from traitlets.config import Config

    config = Config()
    with tempfile.TemporaryDirectory(prefix="nbclient-") as sockets:
        if os.name == "posix":
            config.KernelManager.transport = "ipc"
            config.KernelManager.ip = os.path.join(sockets, "kernel")
        yield NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                             record_timing=False, shutdown_kernel="immediate", config=config,
                             resources={"metadata": {"path": str(cwd)}})


def strip_timing(notebook: nbformat.NotebookNode) -> None:
    """Remove nbclient's per-cell ``execution`` timestamps (they churn every re-run)."""
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)


def execute(path: Path, *, timeout: int = CELL_TIMEOUT_S) -> float:
    """Run one solution notebook in a fresh kernel, save its outputs; return seconds.

    Nothing is written if a cell fails or runs longer than ``timeout`` seconds.
    """
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    try:
        with notebook_client(notebook, cwd=path.parent, timeout=timeout) as client:
            client.execute()
    except (CellTimeoutError, DeadKernelError) as err:
        raise RuntimeError(f"{path.name}: a cell did not finish within {timeout} s, or the "
                           f"kernel stopped answering; nothing was saved.\n{err}") from None
    seconds = time.perf_counter() - start
    strip_timing(notebook)
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
    elif command == "publish":
        publish()
        print(f"set-up cells, chapters and README badges now use {REPO_URL} at {COURSE_TAG}; "
              f"commit, then `git tag {COURSE_TAG} && git push origin HEAD {COURSE_TAG}`")
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
