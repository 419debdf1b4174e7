"""The solutions -> chapters generator, the set-up cell, and the sync contract."""
import shutil

import nbformat
import pytest

from tools import notebooks as nbt

SOLUTIONS = sorted(nbt.SOLUTIONS.glob("*.ipynb"))
CHAPTERS = sorted(nbt.CHAPTERS.glob("*.ipynb"))


def test_solution_block_becomes_stub_at_its_indent():
    source = "def f(x):\n    ### BEGIN SOLUTION\n    y = 2 * x\n    return y\n    ### END SOLUTION\n"
    assert nbt.strip_solutions(source, where="t") == (
        "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()")


def test_top_level_and_several_blocks():
    source = "### BEGIN SOLUTION\na = 1\n### END SOLUTION\nb = 2\n  ### BEGIN SOLUTION\n  c\n  ### END SOLUTION"
    out = nbt.strip_solutions(source, where="t").splitlines()
    assert out == ["# YOUR CODE HERE", "raise NotImplementedError()", "b = 2",
                   "  # YOUR CODE HERE", "  raise NotImplementedError()"]


def test_markdown_answer_becomes_your_answer_here():
    out = nbt.strip_solutions("Q?\n### BEGIN SOLUTION\nThe answer.\n### END SOLUTION", where="t",
                              markdown=True)
    assert out == "Q?\nYOUR ANSWER HERE"


def test_nbval_markers_are_stripped_from_code_only():
    assert nbt.strip_solutions("# NBVAL_CHECK_OUTPUT\nprint(1)", where="t") == "print(1)"
    assert nbt.strip_solutions("  # NBVAL_IGNORE_OUTPUT\nx", where="t") == "x"
    assert "NBVAL" in nbt.strip_solutions("`# NBVAL_CHECK_OUTPUT` marks a cell", where="t",
                                          markdown=True)


@pytest.mark.parametrize("source, message", [
    ("### BEGIN SOLUTION\nx = 1", "never closed"),
    ("x = 1\n### END SOLUTION", "without a `### BEGIN SOLUTION`"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "inside another block"),
    ("x = 1  ### BEGIN SOLUTION\n### END SOLUTION", "alone on its line"),
    ("### BEGIN SOLUTION:\nx\n### END SOLUTION", "alone on its line"),
])
def test_unbalanced_or_misplaced_markers_are_errors(source, message):
    with pytest.raises(nbt.MarkerError, match=message):
        nbt.strip_solutions(source, where="solutions/x.ipynb, cell 3")


def _solution_notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(nbt.SETUP_CELL, execution_count=1,
                                  outputs=[nbformat.v4.new_output("stream", text="hi\n")]),
        nbformat.v4.new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION",
                                  execution_count=2),
        nbformat.v4.new_markdown_cell("Text"),
    ]
    nb.cells[1].metadata["execution"] = {"iopub.status.busy": "2026"}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nb.metadata["kernelspec"] = {"name": "my-venv", "display_name": "x", "language": "python"}
    return nb


def test_make_chapter_clears_outputs_counts_widgets_and_sets_kernel():
    solution = _solution_notebook()
    chapter = nbt.make_chapter(solution, name="x.ipynb")
    assert all(c.outputs == [] and c.execution_count is None
               for c in chapter.cells if c.cell_type == "code")
    assert "widgets" not in chapter.metadata
    assert chapter.metadata["kernelspec"]["name"] == "python3"
    assert "execution" not in chapter.cells[1].metadata
    assert "raise NotImplementedError()" in chapter.cells[1].source
    # the solution itself is untouched
    assert solution.cells[0].outputs and "BEGIN SOLUTION" in solution.cells[1].source


@pytest.fixture
def course_copy(tmp_path, monkeypatch):
    """A copy of solutions/ and chapters/ that a test may damage."""
    for folder in ("solutions", "chapters"):
        shutil.copytree(nbt.ROOT / folder, tmp_path / folder)
    monkeypatch.setattr(nbt, "SOLUTIONS", tmp_path / "solutions")
    monkeypatch.setattr(nbt, "CHAPTERS", tmp_path / "chapters")
    monkeypatch.setattr(nbt, "ROOT", tmp_path)
    return tmp_path


def test_chapters_are_what_the_generator_makes():
    try:
        problems = nbt.out_of_sync()
    except nbt.MarkerError as err:
        pytest.fail(f"{err}\nFix the markers in solutions/, then run `make chapters`.")
    assert not problems, ("\n".join(problems)
                          + "\nchapters/ is generated: edit solutions/ and run `make chapters`.")


def test_a_hand_edited_chapter_is_caught(course_copy):
    chapter = course_copy / "chapters" / "00_start_here.ipynb"
    notebook = nbformat.read(chapter, as_version=4)
    notebook.cells[-1].source += "\nA sentence typed into the chapter by hand."
    nbformat.write(notebook, chapter)
    assert nbt.out_of_sync() == [
        "chapters/00_start_here.ipynb differs from what solutions/00_start_here.ipynb generates"]


def test_a_missing_or_orphan_chapter_is_caught(course_copy):
    (course_copy / "chapters" / "00_start_here.ipynb").rename(
        course_copy / "chapters" / "99_orphan.ipynb")
    problems = nbt.out_of_sync()
    assert "chapters/00_start_here.ipynb is missing" in problems
    assert "chapters/99_orphan.ipynb has no solution notebook" in problems


def test_an_unbalanced_marker_in_a_solution_is_caught(course_copy):
    path = course_copy / "solutions" / "00_start_here.ipynb"
    notebook = nbformat.read(path, as_version=4)
    cell = next(c for c in notebook.cells if "### END SOLUTION" in c.source)
    cell.source = cell.source.replace("### END SOLUTION", "")
    nbformat.write(notebook, path)
    with pytest.raises(nbt.MarkerError, match=r"solutions/00_start_here.ipynb, cell \d+: .*never closed"):
        nbt.out_of_sync()


def test_write_chapters_regenerates_and_removes_stale(course_copy):
    (course_copy / "chapters" / "99_orphan.ipynb").write_text("{}")
    (course_copy / "chapters" / "00_start_here.ipynb").write_text("{}")
    nbt.write_chapters()
    assert nbt.out_of_sync() == []


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapters_have_no_outputs_or_solution_text(path):
    text = path.read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    assert "NBVAL_" not in text
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_solutions_are_executed_and_keep_their_counts(path):
    notebook = nbformat.read(path, as_version=4)
    counts = [c.execution_count for c in notebook.cells if c.cell_type == "code"]
    assert None not in counts, f"{path.name} has unexecuted cells: run `make execute NB={path}`"
    assert counts == sorted(counts), f"{path.name} was not run top to bottom: run `make execute`"
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors, f"{path.name} has saved error outputs"


@pytest.mark.parametrize("path", SOLUTIONS + CHAPTERS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_notebook_starts_with_the_setup_cell(path):
    first = nbformat.read(path, as_version=4).cells[0]
    assert first.cell_type == "code" and first.source == nbt.SETUP_CELL, (
        f"{path.name}: the first cell must be the shared set-up cell; "
        "run `python -m tools.notebooks setup-cells` then `make chapters`")


def test_setup_cell_carries_the_one_repo_url_and_tag():
    assert f'"{nbt.REPO_URL}", "{nbt.COURSE_TAG}"' in nbt.SETUP_CELL


def test_readme_badges_are_what_publishing_writes():
    readme = (nbt.ROOT / "README.md").read_text(encoding="utf-8")
    assert nbt.readme_with_badges(readme) == readme, (
        "README's badge block must be what `python -m tools.notebooks publish` writes")
    owner_repo = nbt.REPO_URL.removeprefix("https://github.com/")
    if nbt.PUBLISHED:
        assert f"mybinder.org/v2/gh/{owner_repo}/{nbt.COURSE_TAG}" in readme
        assert f"colab.research.google.com/github/{owner_repo}/blob/{nbt.COURSE_TAG}/" in readme
    else:   # no badge may point at a repository that does not exist yet
        assert owner_repo not in readme and "mybinder.org/v2" not in readme
        assert "badges appear once the course is published" in readme
        assert "## Publishing" in readme


def test_published_badges_point_at_the_tag():
    block = nbt.badges(published=True)
    owner_repo = nbt.REPO_URL.removeprefix("https://github.com/")
    assert (f"(https://mybinder.org/v2/gh/{owner_repo}/{nbt.COURSE_TAG}"
            "?urlpath=lab/tree/chapters/00_start_here.ipynb)") in block
    assert (f"(https://colab.research.google.com/github/{owner_repo}/blob/{nbt.COURSE_TAG}"
            "/chapters/00_start_here.ipynb)") in block
    readme = f"# T\n\n{nbt.badges(published=False)}\n\nText.\n"
    assert nbt.readme_with_badges(readme, published=True) == f"# T\n\n{block}\n\nText.\n"
    with pytest.raises(ValueError, match="no badge block"):
        nbt.readme_with_badges("# T\n")


def test_publish_refuses_until_the_repository_is_configured(monkeypatch):
    monkeypatch.setattr(nbt, "PUBLISHED", False)
    with pytest.raises(SystemExit, match="PUBLISHED = True"):
        nbt.publish()


def test_published_chapters_link_docs_absolutely_and_solutions_keep_relative_links():
    solution = _solution_notebook()
    solution.cells[2].source = ("Terms: [glossary](../docs/glossary.md#dropout), "
                                "[README](../README.md), [next](01_x.ipynb), "
                                "[web](https://example.org/a).")
    solution.cells[1].source += "\n# see ](../docs/glossary.md)"
    chapter = nbt.make_chapter(solution, name="x.ipynb", published=True)
    base = f"{nbt.REPO_URL}/blob/{nbt.COURSE_TAG}"
    assert chapter.cells[2].source == (
        f"Terms: [glossary]({base}/docs/glossary.md#dropout), [README]({base}/README.md), "
        "[next](01_x.ipynb), [web](https://example.org/a).")
    assert "](../docs/glossary.md)" in chapter.cells[1].source      # code is left alone
    assert "](../docs/glossary.md#dropout)" in solution.cells[2].source
    unpublished = nbt.make_chapter(solution, name="x.ipynb", published=False)
    assert unpublished.cells[2].source == solution.cells[2].source


def test_execute_saves_outputs_without_timing_metadata(tmp_path):
    path = tmp_path / "t.ipynb"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
    notebook.cells[0].metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00Z"}
    nbformat.write(notebook, path)
    nbt.execute(path, timeout=60)
    saved = nbformat.read(path, as_version=4)
    assert saved.cells[0].outputs[0].text == "42\n"
    assert "execution" not in saved.cells[0].metadata


def test_a_cell_longer_than_the_timeout_fails_clearly_and_saves_nothing(tmp_path):
    path = tmp_path / "slow.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import time\ntime.sleep(30)")]), path)
    before = path.read_text()
    with pytest.raises(RuntimeError, match="slow.ipynb: a cell did not finish within 2 s"):
        nbt.execute(path, timeout=2)
    assert path.read_text() == before


def test_setup_cell_finds_the_root_and_imports_our_utils(tmp_path):
    """Run the set-up cell from chapters/ in a fresh interpreter, with a decoy `utils`."""
    import subprocess
    import sys

    decoy = tmp_path / "utils"
    decoy.mkdir()
    (decoy / "__init__.py").write_text("DECOY = True\n")
    script = (f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import utils\n"
              + nbt.SETUP_CELL
              + "\nimport utils.checks, utils\nprint(hasattr(utils, 'DECOY'), ROOT)")
    result = subprocess.run([sys.executable, "-c", script], cwd=nbt.CHAPTERS,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", str(nbt.ROOT)]
    assert "oneDNN" not in result.stderr and "cuda" not in result.stderr.lower()
